"""Projected completion of open engagements, from how long past engagements waited for each step.

Each step's waiting time (from the day its prerequisites were all met to the day it was recorded) has a
Kaplan-Meier estimate (statsmodels) over every engagement known on the date: the steps recorded are
observed times, the steps still awaited (or awaited when a case was withdrawn) are censored. An open case's
remaining steps are drawn from those estimates, the step it waits for conditional on the time it has waited
already, and its completion is the day its last step (training) would come. Where the record holds no
waiting time as long as the one drawn, the completion is beyond what the record can say, and a percentile
that falls there is null.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from datetime import date, datetime, timedelta

import numpy as np
from pydantic import BaseModel, ConfigDict
from statsmodels.duration.survfunc import SurvfuncRight

from domain.progress import PREREQUISITES
from domain.values import Step
from projections import facts as f
from projections.forecast.parties import add_months
from projections.store import FactQuery, FactStore

SIMULATIONS = 2000


class Completion(BaseModel):
    """One open engagement's projected day of completion (the median and the 80th percentile)."""

    model_config = ConfigDict(frozen=True)

    state: str
    stage: str
    p50: date | None
    p80: date | None


class StepTimes(BaseModel):
    """How long engagements waited for one step: observed, still waiting, and the median of the estimate."""

    model_config = ConfigDict(frozen=True)

    step: str
    observed: int
    censored: int
    median_days: float | None


class EngagementOutlook(BaseModel):
    """Every open engagement's projection, the expected completions per quarter, and the time in each step."""

    model_config = ConfigDict(frozen=True)

    open: list[Completion]
    completions_per_quarter: dict[str, float]
    steps: list[StepTimes]
    steps_per_quarter: dict[str, int]


def _cases(
    store: FactStore, as_of: date, known_at: datetime | None
) -> tuple[dict[str, dict[Step, date]], dict[str, date]]:
    steps: dict[str, dict[Step, date]] = defaultdict(dict)
    for row in store.facts(FactQuery(fact=f.STEP, effective_to=as_of, known_at=known_at)):
        steps[row.subject].setdefault(Step(row.object), row.effective_date)
    withdrawn = {
        row.subject: row.effective_date
        for row in store.facts(FactQuery(fact=f.WITHDRAWAL, effective_to=as_of, known_at=known_at))
    }
    return {s: done for s, done in steps.items() if Step.REQUEST in done}, withdrawn


def _awaited(done: dict[Step, date]) -> dict[Step, date]:
    """The steps awaited now, each with the day it became awaited."""
    return {
        step: max(done[n] for n in needs)
        for step, needs in PREREQUISITES.items()
        if step not in done and needs <= set(done)
    }


def _waits(
    cases: dict[str, dict[Step, date]], withdrawn: dict[str, date], as_of: date
) -> dict[Step, tuple[list[float], list[int]]]:
    waits: dict[Step, tuple[list[float], list[int]]] = {s: ([], []) for s in PREREQUISITES}
    for state, done in cases.items():
        for step, needs in PREREQUISITES.items():
            if step in done and needs <= set(done):
                waits[step][0].append(max((done[step] - max(done[n] for n in needs)).days, 0) + 0.5)
                waits[step][1].append(1)
        for step, since in _awaited(done).items():
            end = withdrawn.get(state, as_of)
            waits[step][0].append(max((end - since).days, 0) + 0.5)
            waits[step][1].append(0)
    return waits


class _Estimate:
    """A step's Kaplan-Meier estimate, drawn from by inverting it (conditional on a time already waited)."""

    def __init__(self, times: list[float], status: list[int]) -> None:
        self.times = np.zeros(0)
        self.survival = np.zeros(0)
        if sum(status):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fit = SurvfuncRight(np.array(times), np.array(status))
            self.times, self.survival = np.asarray(fit.surv_times), np.asarray(fit.surv_prob)

    def median(self) -> float | None:
        below = np.nonzero(self.survival <= 0.5)[0]
        return float(self.times[below[0]]) if below.size else None

    def draw(self, waited: float, uniforms: np.ndarray) -> np.ndarray:
        """Days still to wait; infinite where the estimate never falls that low."""
        if not self.times.size:
            return np.full(uniforms.shape, np.inf)
        before = self.times < waited
        still = float(self.survival[before][-1]) if before.any() else 1.0
        target = still * uniforms
        # The first observed time at which survival has fallen to the target.
        index = np.searchsorted(-self.survival, -target, side="left")
        found = index < self.times.size
        days = np.where(found, self.times[np.minimum(index, self.times.size - 1)], np.inf)
        return np.maximum(days - waited, 0.0)


def _finish(
    done: dict[Step, date], as_of: date, estimates: dict[Step, _Estimate], rng: np.random.Generator
) -> np.ndarray:
    """Days from `as_of` to each simulated completion."""
    finish: dict[Step, np.ndarray] = {
        s: np.full(SIMULATIONS, float((d - as_of).days)) for s, d in done.items()
    }
    for step, needs in PREREQUISITES.items():  # in order: every step's prerequisites come before it
        if step in done:
            continue
        ready = np.max([finish[n] for n in needs], axis=0)
        # A step awaited now has waited since its prerequisites were met; a later one has not begun.
        waited = float((as_of - max(done[n] for n in needs)).days) + 0.5 if needs <= set(done) else 0.0
        wait = estimates[step].draw(waited, rng.random(SIMULATIONS))
        finish[step] = np.maximum(ready, 0.0) + wait
    return finish[Step.TRAINING]


def _quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def engagement_outlook(
    store: FactStore, as_of: date, months: int, known_at: datetime | None = None
) -> EngagementOutlook:
    """Projected completion of the engagements open on `as_of`, as known at `known_at`."""
    cases, withdrawn = _cases(store, as_of, known_at)
    waits = _waits(cases, withdrawn, as_of)
    estimates = {step: _Estimate(*waits[step]) for step in PREREQUISITES}
    rng = np.random.default_rng(as_of.toordinal())
    horizon = add_months(as_of, months)
    quarters: dict[str, float] = {}
    day = as_of
    while day <= horizon:
        quarters.setdefault(_quarter(day), 0.0)
        day = add_months(day, 1)
    opened: list[Completion] = []
    for state, done in sorted(cases.items()):
        if state in withdrawn or Step.TRAINING in done:
            continue
        days = _finish(done, as_of, estimates, rng)
        p50, p80 = np.percentile(days, [50, 80], method="inverted_cdf")
        opened.append(
            Completion(
                state=state,
                stage=min(_awaited(done), key=list(Step).index).value,
                p50=as_of + timedelta(days=int(p50)) if np.isfinite(p50) else None,
                p80=as_of + timedelta(days=int(p80)) if np.isfinite(p80) else None,
            )
        )
        within = days[np.isfinite(days) & (days <= (horizon - as_of).days)]
        for d, n in zip(*np.unique(within.astype(int), return_counts=True), strict=True):
            quarters[_quarter(as_of + timedelta(days=int(d)))] += n / SIMULATIONS
    steps = [
        StepTimes(
            step=step.value,
            observed=sum(waits[step][1]),
            censored=len(waits[step][1]) - sum(waits[step][1]),
            median_days=estimates[step].median(),
        )
        for step in PREREQUISITES
    ]
    return EngagementOutlook(
        open=opened,
        completions_per_quarter={q: round(v, 2) for q, v in quarters.items()},
        steps=steps,
        steps_per_quarter=_steps_per_quarter(cases, as_of, months),
    )


def _steps_per_quarter(cases: dict[str, dict[Step, date]], as_of: date, months: int) -> dict[str, int]:
    """Steps recorded (requests aside) in each quarter of the `months` before `as_of`."""
    start = add_months(as_of, -months)
    counts: dict[str, int] = {}
    day = start
    while day <= as_of:
        counts.setdefault(_quarter(day), 0)
        day = add_months(day, 1)
    counts.setdefault(_quarter(as_of), 0)
    for done in cases.values():
        for step, when in done.items():
            if step is not Step.REQUEST and start < when <= as_of:
                counts[_quarter(when)] += 1
    return counts
