"""Two survival models of the time until a State becomes a party, fitted to what was known on a date.

Each at-risk unit is a pair (participant, instrument) not yet a party. Both models draw, for every unit, the
months from the cut-off until it becomes a party, with parameter uncertainty (coefficients drawn from the
fitted estimate's normal approximation) and the event's own chance (a uniform per State and simulation, shared
by the four instruments, since a State tends to ratify them together):

- `lognormal_times`: a log-normal accelerated failure time model of the months from the instrument's adoption
  to the State's consent (right-censored at the cut-off), fitted by maximum likelihood with statsmodels;
  the State's remaining time is drawn from the fitted distribution conditional on the time already waited.
- `recent_rate_times`: a piecewise-constant (exponential) hazard over the last twelve months, a Poisson GLM
  with the log of exposure as offset and quasi-Poisson dispersion (statsmodels); remaining times are
  exponential.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm
from scipy import stats
from statsmodels.base.model import GenericLikelihoodModel

from domain.membership import can_join
from domain.treaty import ADOPTIONS
from domain.values import Instrument
from projections.forecast.history import History

MONTH = 30.4375  # days in an average month
WINDOW_MONTHS = 12
# An instrument gets its own level once it has this many events to estimate it from; until then it shares the
# Convention's (the Firearms Protocol, adopted later, had no party in its first year).
OWN_LEVEL_FROM = 3

Floats = npt.NDArray[np.float64]


class TooLittleHistory(Exception):
    """Too few parties were known on the date to fit a model of ratification."""


@dataclass(frozen=True)
class Units:
    """Every (participant, instrument) pair of the pool on a cut-off, observed or still at risk."""

    as_of: date
    instrument: list[Instrument]
    code: list[str]
    signed: Floats
    party: list[date | None]
    months: Floats  # from adoption to consent if a party, else to the cut-off

    @property
    def at_risk(self) -> npt.NDArray[np.bool_]:
        # Typed, so an empty pool (no instrument adopted yet) is an empty mask, not an empty float array.
        return np.array([p is None for p in self.party], dtype=np.bool_)


def units(history: History, as_of: date) -> Units:
    """The pool on `as_of`: every State that existed, and every participant with an action, per instrument."""
    pool = can_join(as_of)
    instrument: list[Instrument] = []
    code: list[str] = []
    signed: list[float] = []
    party: list[date | None] = []
    months: list[float] = []
    for inst in Instrument:
        adopted = ADOPTIONS[inst].day
        if adopted >= as_of:
            continue
        records = history.get(inst, {})
        # A participant whose first action is later is not known yet (Montenegro in 2002, say).
        acted = {
            w for w, r in records.items() if any(d is not None and d <= as_of for d in (r.signed, r.party))
        }
        for who in sorted(pool | acted):
            record = records.get(who)
            consent = record.party if record and record.party and record.party <= as_of else None
            instrument.append(inst)
            code.append(who)
            signed.append(1.0 if record and record.signed and record.signed <= as_of else 0.0)
            party.append(consent)
            months.append(max(((consent or as_of) - adopted).days, 1) / MONTH)
    return Units(as_of, instrument, code, np.array(signed), party, np.array(months))


def design(instruments: list[Instrument], signed: Floats, levels: Levels) -> Floats:
    """Intercept, signatory (when it has its own effect), and a level for each instrument that has one (the
    Convention is the reference)."""
    own, with_signed = levels
    columns = [np.ones(len(signed))] + ([signed] if with_signed else [])
    for level in (i for i in Instrument if i in own and i is not Instrument.CONVENTION):
        columns.append(np.array([1.0 if i is level else 0.0 for i in instruments]))
    return np.column_stack(columns)


# The instruments that have a level of their own, and whether signatories have an effect of their own.
Levels = tuple[frozenset[Instrument], bool]


def own_levels(instruments: list[Instrument], signed: Floats, events: npt.NDArray[np.bool_]) -> Levels:
    """Each effect is estimated only from enough events: an instrument's level from its own
    `OWN_LEVEL_FROM`, the signatories' effect from as many among signatories and among the others (before
    the first accession, every party had signed, and the effect would be infinite)."""
    counts = {i: 0 for i in Instrument}
    for inst, event in zip(instruments, events, strict=True):
        counts[inst] += int(event)
    by_signed = int(events[signed > 0].sum()), int(events[signed == 0].sum())
    own = frozenset(i for i, n in counts.items() if n >= OWN_LEVEL_FROM)
    return own, min(by_signed) >= OWN_LEVEL_FROM


def _draws(params: Floats, cov: Floats | None, n: int, rng: np.random.Generator) -> Floats:
    """Coefficients for each simulation: from the estimate's normal approximation when it has one."""
    if cov is None or not np.all(np.isfinite(cov)):
        return np.tile(params, (n, 1))
    return rng.multivariate_normal(params, cov, size=n, method="eigh")


class _LogNormalTimes(GenericLikelihoodModel):  # type: ignore[misc]
    """log T = X b + sigma e, e standard normal, T right-censored where `event` is false."""

    def __init__(self, log_months: Floats, exog: Floats, event: npt.NDArray[np.bool_]) -> None:
        super().__init__(log_months, exog)
        self.event = event

    def loglike(self, params: Floats) -> float:
        z = (self.endog - self.exog @ params[:-1]) / np.exp(params[-1])
        observed = stats.norm.logpdf(z) - params[-1]
        return float(np.sum(np.where(self.event, observed, stats.norm.logsf(z))))


def _quietly(action: Callable[[], Any]) -> Any:
    """Run a statsmodels step without its warnings: non-convergence and a singular Hessian show up as
    missing or infinite covariances, which `_draws` handles."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return action()


def lognormal_times(pool: Units, uniforms: Floats, rng: np.random.Generator) -> Floats:
    """Months from the cut-off until each at-risk unit becomes a party, one row per simulation."""
    events = ~pool.at_risk
    if events.sum() < OWN_LEVEL_FROM:
        raise TooLittleHistory(f"fewer than {OWN_LEVEL_FROM} parties were known on {pool.as_of}")
    exog = design(pool.instrument, pool.signed, own_levels(pool.instrument, pool.signed, events))
    start = np.r_[np.log(np.median(pool.months)) + 1.0, np.zeros(exog.shape[1] - 1), 0.0]
    model = _LogNormalTimes(np.log(pool.months), exog, events)
    result = _quietly(lambda: model.fit(start_params=start, method="bfgs", maxiter=1000, disp=0))
    params = np.asarray(result.params)
    try:
        cov = np.asarray(_quietly(result.cov_params))
    except ValueError:
        cov = None
    draws = _draws(params, cov, uniforms.shape[0], rng)
    risk = pool.at_risk
    mu = draws[:, :-1] @ exog[risk].T
    sigma = np.exp(draws[:, -1])[:, None]
    waited = pool.months[risk][None, :]
    still = stats.norm.sf((np.log(waited) - mu) / sigma)
    with np.errstate(divide="ignore", over="ignore"):
        total = np.exp(mu + sigma * stats.norm.isf(still * uniforms))
    return np.asarray(np.maximum(total - waited, 0.0), dtype=np.float64)


def _window(pool: Units) -> tuple[list[int], Floats, Floats]:
    """The units at risk at some time in the window, and the days before the cut-off each was exposed
    from and to (to 0 for those still at risk, to the day of consent for those who consented in it)."""
    window = WINDOW_MONTHS * MONTH
    keep: list[int] = []
    starts: list[float] = []
    ends: list[float] = []
    for n, (inst, consent) in enumerate(zip(pool.instrument, pool.party, strict=True)):
        begins = min(window, float((pool.as_of - ADOPTIONS[inst].day).days))
        before = 0.0 if consent is None else float((pool.as_of - consent).days)
        if before >= begins:
            continue  # a party before the window began was never at risk in it
        keep.append(n)
        starts.append(begins)
        ends.append(before)
    return keep, np.array(starts), np.array(ends)


def recent_rate_times(pool: Units, uniforms: Floats, rng: np.random.Generator) -> Floats:
    """Months until each at-risk unit becomes a party at the hazard of the last twelve months.

    Exposure and events are summed per instrument level, signatory status and month of the window, so that
    the Pearson dispersion (floored at one) measures how ratifications bunch from month to month, and widens
    the coefficients' uncertainty by as much.
    """
    keep, starts, ends = _window(pool)
    consented = np.array([pool.party[n] is not None for n in keep], dtype=bool)
    if not consented.any():
        raise TooLittleHistory(f"no State became a party in the twelve months before {pool.as_of}")
    instruments = [pool.instrument[n] for n in keep]
    levels = own_levels(instruments, pool.signed[keep], consented)
    exog = design(instruments, pool.signed[keep], levels)
    cells: dict[tuple[bytes, int], list[float]] = {}
    rows: dict[bytes, Floats] = {}
    for k in range(WINDOW_MONTHS):
        high, low = (WINDOW_MONTHS - k) * MONTH, (WINDOW_MONTHS - k - 1) * MONTH
        overlap = np.clip(np.minimum(starts, high) - np.maximum(ends, low), 0.0, None)
        fell = consented & (ends >= low) & (ends < high)
        for row, exposed, event in zip(exog, overlap, fell, strict=True):
            if exposed <= 0 and not event:
                continue
            key = row.tobytes()
            rows[key] = row
            cell = cells.setdefault((key, k), [0.0, 0.0])
            cell[0] += exposed / MONTH
            cell[1] += float(event)
    keys = list(cells)
    counts = np.array([cells[k][1] for k in keys])
    exposure = np.array([max(cells[k][0], 1e-3) for k in keys])
    cell_exog = np.vstack([rows[key] for key, _ in keys])
    model = sm.GLM(counts, cell_exog, family=sm.families.Poisson(), offset=np.log(exposure))
    result = _quietly(model.fit)
    params = np.asarray(result.params)
    dispersion = max(1.0, float(result.pearson_chi2) / max(float(result.df_resid), 1.0))
    cov = np.asarray(result.cov_params()) * dispersion
    draws = _draws(params, cov, uniforms.shape[0], rng)
    risk = pool.at_risk
    at_risk = [i for i, r in zip(pool.instrument, risk, strict=True) if r]
    rate = np.exp(draws @ design(at_risk, pool.signed[risk], levels).T)
    return np.asarray(-np.log(uniforms) / rate, dtype=np.float64)
