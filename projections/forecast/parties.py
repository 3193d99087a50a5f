"""Projected parties and entry into force of each instrument, by simulation from the two survival models.

Half the simulations come from each model (an equal-weight mixture of their predictive distributions), so
the band is wide where the models disagree. Every number is a percentile of the simulated worlds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from pydantic import BaseModel, ConfigDict

from domain.entry_into_force import Deposit, due_dates, entry_into_force
from domain.values import Instrument
from projections.forecast.history import History
from projections.forecast.survival import MONTH, Floats, Units, lognormal_times, recent_rate_times, units

SIMULATIONS = 1000
# Entry into force is decided for every other simulated world: the rule runs once per world.
EIF_EVERY = 2
EIF_DEPOSITS = 80
NEVER_MONTHS = 50 * 12


class Band(BaseModel):
    """The 10th, 50th and 90th percentiles of a projected count: an 80% band around the median."""

    model_config = ConfigDict(frozen=True)

    p10: int
    p50: int
    p90: int


class MonthBand(Band):
    """The band of projected parties at the end of one month of the horizon."""

    month: date


class EntryIntoForceBand(BaseModel):
    """The projected day of entry into force; `actual` when it had happened by the forecast's date.

    A percentile the simulations do not reach within fifty years is null.
    """

    model_config = ConfigDict(frozen=True)

    actual: date | None = None
    p10: date | None
    p50: date | None
    p90: date | None


class MonthCount(BaseModel):
    """The parties counted at the end of one past month."""

    model_config = ConfigDict(frozen=True)

    month: date
    parties: int


class InstrumentForecast(BaseModel):
    """One instrument: parties so far and on the date, projected parties at the horizon, entry into force,
    the path."""

    model_config = ConfigDict(frozen=True)

    so_far: list[MonthCount]
    parties_now: int
    parties: Band
    entry_into_force: EntryIntoForceBand
    path: list[MonthBand]


@dataclass(frozen=True)
class Simulation:
    """Months until each at-risk unit becomes a party, one row per simulated world."""

    pool: Units
    times: Floats

    def joined_within(self, instrument: Instrument, days: int) -> np.ndarray:
        """New parties of `instrument` within `days` of the cut-off, per simulated world."""
        risk = self.pool.at_risk
        columns = np.array([i is instrument for i, r in zip(self.pool.instrument, risk, strict=True) if r])
        if not columns.any():
            return np.zeros(self.times.shape[0], dtype=int)
        return np.asarray((self.times[:, columns] * MONTH <= days).sum(axis=1))


def simulate(history: History, as_of: date, n: int = SIMULATIONS, seed: int | None = None) -> Simulation:
    """Draw `n` worlds from what was known on `as_of`: half from each model, one uniform per State."""
    rng = np.random.default_rng(as_of.toordinal() if seed is None else seed)
    pool = units(history, as_of)
    risk = pool.at_risk
    codes = sorted(set(pool.code))
    column = {c: k for k, c in enumerate(codes)}
    per_state = rng.random((n, len(codes)))
    uniforms = per_state[:, [column[c] for c, r in zip(pool.code, risk, strict=True) if r]]
    half = n // 2
    times = np.vstack(
        [lognormal_times(pool, uniforms[:half], rng), recent_rate_times(pool, uniforms[half:], rng)]
    )
    return Simulation(pool, times)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - some day of every month exists


def _band(values: np.ndarray, base: int = 0) -> tuple[int, int, int]:
    p10, p50, p90 = np.percentile(values, [10, 50, 90], method="inverted_cdf")
    return base + int(p10), base + int(p50), base + int(p90)


def _existing(history: History, as_of: date) -> dict[Instrument, list[Deposit]]:
    return {
        inst: [
            Deposit(who, r.party) for who, r in records.items() if r.party is not None and r.party <= as_of
        ]
        for inst, records in history.items()
    }


def _entry_dates(run: Simulation, history: History, as_of: date) -> dict[Instrument, list[date | None]]:
    """Each simulated world's entry into force per instrument, by the final clauses' own rule.

    Only each instrument's earliest `EIF_DEPOSITS` deposits of a world are handed to the rule: the fortieth
    counted is among them (one organization at most is not counted), unless over half of a Protocol's
    earliest depositors had not yet joined the Convention, which no table shows.
    """
    existing = _existing(history, as_of)
    pool = run.pool
    codes = [c for c, r in zip(pool.code, pool.at_risk, strict=True) if r]
    kinds = [i for i, r in zip(pool.instrument, pool.at_risk, strict=True) if r]
    columns = {
        inst: np.array([k for k, i in enumerate(kinds) if i is inst], dtype=int) for inst in Instrument
    }
    far = as_of + timedelta(days=int(NEVER_MONTHS * MONTH))
    found: dict[Instrument, list[date | None]] = {i: [] for i in Instrument}
    for world in range(0, run.times.shape[0], EIF_EVERY):
        deposits = {i: list(existing.get(i, [])) for i in Instrument}
        for inst, cols in columns.items():
            wanted = EIF_DEPOSITS - len(deposits[inst])
            if wanted <= 0 or not cols.size:
                continue
            times = run.times[world, cols]
            earliest = np.argpartition(times, wanted)[:wanted] if wanted < times.size else range(times.size)
            for k in earliest:
                if times[k] < NEVER_MONTHS:
                    day = as_of + timedelta(days=int(times[k] * MONTH))
                    deposits[inst].append(Deposit(codes[cols[k]], day))
        for inst, due in due_dates(deposits, far).items():
            found[inst].append(due)
    return found


def _date_band(days: list[date | None]) -> EntryIntoForceBand:
    ordinals = np.array([d.toordinal() if d else np.inf for d in days])
    picked = np.percentile(ordinals, [10, 50, 90], method="inverted_cdf")
    p10, p50, p90 = (date.fromordinal(int(p)) if np.isfinite(p) else None for p in picked)
    return EntryIntoForceBand(p10=p10, p50=p50, p90=p90)


def forecast_parties(history: History, as_of: date, months: int) -> dict[str, InstrumentForecast]:
    """Parties at `as_of` + `months`, the monthly path with its band, and entry into force, per instrument."""
    run = simulate(history, as_of)
    now = entry_into_force(_existing(history, as_of), as_of)
    # The simulated worlds' entry into force matters only for an instrument not yet in force (most of the
    # forecast's time when one is not; nothing once all four are).
    pending = any(decided.entry_into_force is None for decided in now.values())
    simulated = _entry_dates(run, history, as_of) if pending else {}
    result: dict[str, InstrumentForecast] = {}
    for inst in Instrument:
        count = sum(1 for r in history.get(inst, {}).values() if r.party is not None and r.party <= as_of)
        path = []
        for m in range(1, months + 1):
            month = add_months(as_of, m)
            p10, p50, p90 = _band(run.joined_within(inst, (month - as_of).days), count)
            path.append(MonthBand(month=month, p10=p10, p50=p50, p90=p90))
        decided = now[inst]
        if decided.entry_into_force is not None:
            day = decided.entry_into_force
            entry = EntryIntoForceBand(actual=day, p10=day, p50=day, p90=day)
        else:
            entry = _date_band(simulated[inst])
        last = path[-1]
        records = history.get(inst, {}).values()
        so_far = [
            MonthCount(month=day, parties=sum(1 for r in records if r.party is not None and r.party <= day))
            for day in (add_months(as_of, -m) for m in range(months, 0, -1))
        ]
        result[inst.value] = InstrumentForecast(
            so_far=so_far,
            parties_now=count,
            parties=Band(p10=last.p10, p50=last.p50, p90=last.p90),
            entry_into_force=entry,
            path=path,
        )
    return result
