"""`python -m bench.all --out bench/results.md`: every benchmark on each store, one Markdown table."""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.report import STORES, Figure, machine, read_figures, table
from tests.servers import PostgresCluster, throwaway_postgres

ORDER = ("append", "steps", "generate", "rebuild", "asof", "web", "memory", "forecast")
# The benchmarks that share the synthetic history written by `generate`.
ON_WORLD = frozenset({"generate", "rebuild", "asof", "web"})
FULL: dict[str, list[str]] = {
    "append": ["--cases", "1500", "--imports", "40"],
    "steps": ["--cases", "400", "--concurrency", "100", "--rate", "20", "--steps", "600"],
    "generate": ["--events", "1000000"],
    "rebuild": ["--events", "1000000"],
    "asof": ["--events", "1000000", "--dates", "5"],
    "web": ["--events", "1000000", "--users", "20", "--requests", "3"],
    "memory": ["--engagements", "10000"],
    "forecast": ["--cutoffs", "48"],
}
TINY: dict[str, list[str]] = {
    "append": ["--cases", "10", "--imports", "2"],
    "steps": ["--cases", "6", "--concurrency", "6", "--rate", "20", "--steps", "14"],
    "generate": ["--events", "3000"],
    "rebuild": ["--events", "3000"],
    "asof": ["--events", "3000", "--dates", "2"],
    "web": ["--events", "3000", "--users", "2", "--requests", "1"],
    "memory": ["--engagements", "30"],
    "forecast": ["--cutoffs", "2"],
}
REPO = Path(__file__).resolve().parent.parent


def sizes(options: argparse.Namespace) -> dict[str, list[str]]:
    chosen = {name: list(argv) for name, argv in (TINY if options.tiny else FULL).items()}
    if options.events is not None:
        for name in ON_WORLD:
            at = chosen[name].index("--events")
            chosen[name][at + 1] = str(options.events)
    return chosen


@contextmanager
def databases(stores: list[str]) -> Iterator[PostgresCluster | None]:
    """One throwaway PostgreSQL cluster for the whole run when PostgreSQL is asked for."""
    with ExitStack() as stack:
        yield stack.enter_context(throwaway_postgres()) if "postgres" in stores else None


def place(name: str, store: str, scratch: Path, cluster: PostgresCluster | None) -> list[str]:
    """Where one benchmark keeps its data: its own folder or database, or the shared synthetic history."""
    shared = name in ON_WORLD
    home = scratch / store / ("world" if shared else name)
    argv = ["--home", str(home)]
    if store == "postgres":
        assert cluster is not None
        database = f"bench_{store}_world" if shared else f"bench_{name}"
        url = cluster.url(database)
        if not (shared and home.exists()):
            cluster.create_database(database)
        argv += ["--database-url", url]
    return argv


def run(options: argparse.Namespace) -> int:
    chosen = sizes(options)
    names = [n for n in ORDER if options.only is None or n in options.only.split(",")]
    scratch = Path(tempfile.mkdtemp(prefix="palermo-bench-all-"))
    collected = options.json or scratch / "figures.jsonl"
    collected.unlink(missing_ok=True)
    commands, failures = [], []
    started = time.perf_counter()
    try:
        with databases(options.store) as cluster:
            for store in options.store:
                for name in names:
                    visible = ["python", "-m", f"bench.{name}", "--store", store, *chosen[name]]
                    commands.append(shlex.join(visible))
                    argv = [sys.executable, *visible[1:], "--json", str(collected)]
                    argv += place(name, store, scratch, cluster)
                    print(f"$ {shlex.join(visible)}", flush=True)
                    if subprocess.run(argv, cwd=REPO, check=False).returncode != 0:
                        failures.append(f"`{shlex.join(visible)}` failed")
        figures = read_figures(collected)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    write(options.out, figures, commands, failures, time.perf_counter() - started)
    return 1 if failures else 0


def commit() -> str:
    """ ", at commit ABC1234" for a run from a git checkout (", with changes" if its tree was not clean)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""
    return f", at commit {head}" + (", with changes" if dirty.strip() else "")


def write(out: Path, figures: list[Figure], commands: list[str], failures: list[str], seconds: float) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {machine()}; the run took {seconds / 60:.1f} min{commit()}.",
        "Ratio: ours / baseline in the figure's unit (above 1: faster rates, or slower times, larger sizes).",
        "",
        table(figures),
        "Commands (each also takes `--home DIR`, `--database-url URL` and `--json FILE`):",
        "",
        *(f"    {command}" for command in commands),
        "",
        *(f"- {failure}" for failure in failures),
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines).rstrip() + "\n")
    print(out.read_text(), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run every benchmark and write one Markdown table.")
    parser.add_argument("--out", type=Path, default=Path("bench/results.md"))
    parser.add_argument("--store", action="append", choices=STORES, help="sqlite, postgres (default: both)")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(ORDER)}")
    parser.add_argument("--tiny", action="store_true", help="tiny sizes: checks that every benchmark runs")
    parser.add_argument("--events", type=int, help="size of the synthetic history (default 1,000,000)")
    parser.add_argument("--json", type=Path, help="also keep the figures in this file, as JSON lines")
    options = parser.parse_args(argv)
    options.store = options.store or list(STORES)
    raise SystemExit(run(options))


if __name__ == "__main__":
    main()
