"""Figures of a benchmark run: one row per figure, printed as a Markdown table and kept as JSON lines."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict

STORES = ("sqlite", "postgres")


class Figure(BaseModel):
    """One measured figure beside its baseline; `ratio` is ours / baseline, in the figure's unit."""

    model_config = ConfigDict(frozen=True)

    benchmark: str
    store: str
    figure: str
    unit: str
    ours: float
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return None if not self.baseline else self.ours / self.baseline


def number(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"


def _verdict(figure: Figure) -> str:
    if figure.met is None:
        return ""
    return "met" if figure.met else "**missed**"


def table(figures: Iterable[Figure]) -> str:
    """The figures as a Markdown table: figure, our rate, baseline rate, ratio, target."""
    lines = [
        "| benchmark | store | figure | ours | baseline | ratio | target | |",
        "|---|---|---|--:|--:|--:|---|---|",
    ]
    for f in figures:
        baseline = f"{number(f.baseline)} ({f.baseline_name})" if f.baseline is not None else "—"
        target = f.target + (f" — {f.note}" if f.note else "")
        ratio = "—" if f.ratio is None else f"{f.ratio:.2f}"
        lines.append(
            f"| {f.benchmark} | {f.store} | {f.figure} | {number(f.ours)} {f.unit} | {baseline} | {ratio} "
            f"| {target} | {_verdict(f)} |"
        )
    return "\n".join(lines) + "\n"


def machine() -> str:
    """One line on where the figures were measured; the load average says whether the machine was quiet."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{when}; {os.cpu_count()} CPUs; Python {platform.python_version()}; {platform.machine()}; "
        f"load average {load}"
    )


def emit(figures: Sequence[Figure], json_lines: Path | None) -> None:
    """Print the table; append the figures to `json_lines` (how `bench.all` collects them)."""
    print(table(figures), flush=True)
    if json_lines is not None:
        with json_lines.open("a") as out:
            for f in figures:
                out.write(f.model_dump_json() + "\n")


def read_figures(json_lines: Path) -> list[Figure]:
    if not json_lines.exists():
        return []
    return [Figure.model_validate_json(line) for line in json_lines.read_text().splitlines() if line]


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (0 < fraction <= 1) of the samples."""
    ordered = sorted(samples)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def arguments(description: str) -> argparse.ArgumentParser:
    """The options every benchmark takes: the store, where its data lives, where to write the figures."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--store", choices=STORES, default="sqlite", help="event store (default sqlite)")
    parser.add_argument(
        "--database-url",
        help="an existing, empty PostgreSQL database to use (default: a throwaway cluster for the run)",
    )
    parser.add_argument("--home", type=Path, help="data folder (default: a temporary folder, deleted after)")
    parser.add_argument("--json", type=Path, help="append the figures to this file as JSON lines")
    return parser
