"""Every benchmark runs end to end at tiny sizes and reports every figure, so none of them rots unseen.

No timing is asserted: a benchmark's figures mean something only at full size on a quiet machine.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.report import Figure, read_figures

REPO = Path(__file__).resolve().parents[2]
TIMEOUT_S = 900
# Per benchmark, the figures it must report: name prefixes, so sizes in the names do not matter.
ASOF = "all report figures as of a random date"
EXPECTED = {
    "append": [
        *("one command per transaction (", "one command per transaction, against the event's row alone"),
        *("bulk: treaty import", "bulk, against the events' rows alone"),
    ],
    "steps": ["steps/s, 1 worker", "steps/s, 2 workers", "CPU per step, temporal", "CPU per step, worker"]
    + ["steps/s, 1 worker, beside a no-op update", "worker CPU per step", "steps/s, Engagements.handle alone"]
    + [f"latency {p}, update sent → step in the read model" for p in ("p50", "p95", "p99")],
    "generate": ["synthetic history written"],
    "rebuild": ["read model rebuilt from scratch"],
    "asof": [f"{ASOF}{e}" for e in (" (slowest)", ", entry into force kept")],
    "web": [f"p95, {page}" for page in ("dashboard", "case list", "case page", "GET /api/report/figures")],
    "memory": ["worker peak resident memory"],
    "forecast": [
        *("MAE of p50 parties at 12 months", "80% band held, 12 months", "Convention's entry"),
        *("one forecast", "full backtest"),
    ],
}


def run_all(tmp_path: Path, *options: str) -> tuple[list[Figure], str]:
    out, kept = tmp_path / "results.md", tmp_path / "figures.jsonl"
    argv = [sys.executable, "-m", "bench.all", "--tiny", "--out", str(out), "--json", str(kept), *options]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return read_figures(kept), out.read_text()


def assert_reported(figures: list[Figure], table: str, store: str, benchmarks: list[str]) -> None:
    for benchmark in benchmarks:
        names = [f.figure for f in figures if f.benchmark == benchmark and f.store == store]
        missing = [e for e in EXPECTED[benchmark] if not any(n.startswith(e) for n in names)]
        assert missing == [], f"{benchmark} on {store} did not report {missing}; it reported {names}"
    for figure in figures:
        assert figure.ours > 0, figure
        assert figure.baseline is None or figure.baseline > 0, figure
        assert (figure.met is None) == (figure.target == ""), figure
        assert f"| {figure.benchmark} | {figure.store} | {figure.figure} |" in table, figure


def test_every_benchmark_runs_on_sqlite_and_reports_every_figure(tmp_path: Path) -> None:
    figures, table = run_all(tmp_path, "--store", "sqlite")

    assert {f.store for f in figures} == {"sqlite"}
    assert_reported(figures, table, "sqlite", list(EXPECTED))
    assert "python -m bench.steps --store sqlite" in table


@pytest.mark.postgres
def test_the_store_benchmarks_run_on_postgresql(tmp_path: Path) -> None:
    store_benchmarks = ["append", "generate", "rebuild", "asof", "web"]
    figures, table = run_all(tmp_path, "--store", "postgres", "--only", ",".join(store_benchmarks))

    assert {f.store for f in figures} == {"postgres"}
    assert {f.benchmark for f in figures} == set(store_benchmarks)
    assert_reported(figures, table, "postgres", store_benchmarks)
