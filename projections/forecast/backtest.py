"""The backtest: forecasts made at past cut-offs from what was known then, scored against what happened."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
from pydantic import BaseModel, ConfigDict

from domain.treaty import ADOPTIONS
from domain.values import Instrument
from projections.forecast.history import History, cut, last_day, parties
from projections.forecast.parties import SIMULATIONS, add_months, simulate
from projections.forecast.survival import TooLittleHistory

HORIZONS = (6, 12, 24)
FIRST_CUTOFF, LAST_CUTOFF = date(2002, 1, 1), date(2013, 10, 1)


class Scored(BaseModel):
    """One forecast of one instrument's parties, beside the naive forecast and the count that came."""

    model_config = ConfigDict(frozen=True)

    cutoff: date
    months: int
    instrument: Instrument
    p10: int
    p50: int
    p90: int
    naive: int
    actual: int


class HorizonScore(BaseModel):
    """A horizon's mean absolute errors, their ratio, and how often the 80% band held the outcome."""

    model_config = ConfigDict(frozen=True)

    months: int
    forecasts: int
    mae: float
    naive_mae: float
    ratio: float | None
    coverage: float


class Backtest(BaseModel):
    """Every horizon's score over the cut-offs whose outcome the tables reach."""

    model_config = ConfigDict(frozen=True)

    first_cutoff: date
    last_cutoff: date
    tables_reach: date
    cutoffs: int
    skipped: list[date]
    horizons: list[HorizonScore]
    forecasts: list[Scored]


def quarterly(first: date = FIRST_CUTOFF, last: date = LAST_CUTOFF) -> list[date]:
    """The first day of every quarter from `first` to `last`."""
    days, day = [], first
    while day <= last:
        days.append(day)
        day = add_months(day, 3)
    return days


def _score(months: int, rows: list[Scored]) -> HorizonScore:
    if not rows:
        return HorizonScore(months=months, forecasts=0, mae=0.0, naive_mae=0.0, ratio=None, coverage=0.0)
    mae = float(np.mean([abs(r.p50 - r.actual) for r in rows]))
    naive = float(np.mean([abs(r.naive - r.actual) for r in rows]))
    held = float(np.mean([r.p10 <= r.actual <= r.p90 for r in rows]))
    return HorizonScore(
        months=months,
        forecasts=len(rows),
        mae=round(mae, 3),
        naive_mae=round(naive, 3),
        ratio=round(mae / naive, 3) if naive else None,
        coverage=round(held, 3),
    )


def backtest(
    history: History,
    cutoffs: Sequence[date] | None = None,
    horizons: Sequence[int] = HORIZONS,
    simulations: int = SIMULATIONS,
) -> Backtest:
    """Forecast at each cut-off from the history cut there; score each horizon the tables reach.

    The naive forecast repeats the change of the `months` before the cut-off over the `months` after it.
    """
    days = list(cutoffs) if cutoffs is not None else quarterly()
    reach = last_day(history) or days[-1]
    rows: list[Scored] = []
    skipped: list[date] = []
    for cutoff in days:
        due = [m for m in horizons if add_months(cutoff, m) <= reach]
        if not due:
            continue
        try:
            run = simulate(cut(history, cutoff), cutoff, simulations)
        except TooLittleHistory:
            skipped.append(cutoff)
            continue
        for months in due:
            then = add_months(cutoff, months)
            for inst in Instrument:
                if ADOPTIONS[inst].day >= cutoff:
                    continue
                now = parties(history, inst, cutoff)
                p10, p50, p90 = np.percentile(
                    run.joined_within(inst, (then - cutoff).days), [10, 50, 90], method="inverted_cdf"
                )
                before = parties(history, inst, add_months(cutoff, -months))
                rows.append(
                    Scored(
                        cutoff=cutoff,
                        months=months,
                        instrument=inst,
                        p10=now + int(p10),
                        p50=now + int(p50),
                        p90=now + int(p90),
                        naive=now + (now - before),
                        actual=parties(history, inst, then),
                    )
                )
    return Backtest(
        first_cutoff=days[0],
        last_cutoff=days[-1],
        tables_reach=reach,
        cutoffs=len(days),
        skipped=skipped,
        horizons=[_score(m, [r for r in rows if r.months == m]) for m in horizons],
        forecasts=rows,
    )
