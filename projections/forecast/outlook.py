"""The forecast as of a date: every instrument's parties and entry into force, and the open engagements."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from projections.forecast.completion import EngagementOutlook, engagement_outlook
from projections.forecast.history import read_history
from projections.forecast.parties import InstrumentForecast, add_months, forecast_parties
from projections.forecast.survival import TooLittleHistory
from projections.report.sections import day, instrument
from projections.store import FactStore

METHOD = (
    "Each State's time to become a party, from what was known on the date: an equal mixture of a log-normal "
    "time-to-ratification model and the hazard of the last twelve months (by instrument and signatory), "
    "with the States that can still join as the ceiling; bands are the 10th and 90th percentiles of 1,000 "
    "simulations. Engagements: time waited per step (Kaplan-Meier), simulated to the last step."
)


class Forecast(BaseModel):
    """`report forecast --json`: projections as of `as_of` to `as_of` + `months`, as known at `known_at`."""

    model_config = ConfigDict(frozen=True)

    as_of: date
    known_at: datetime | None
    months: int
    horizon: date
    method: str
    instruments: dict[str, InstrumentForecast]
    engagements: EngagementOutlook


def forecast(store: FactStore, as_of: date, months: int = 12, known_at: datetime | None = None) -> Forecast:
    """The forecast from the facts effective by `as_of` and recorded by `known_at` (TooLittleHistory if
    fewer than three parties were known)."""
    history = read_history(store, as_of, known_at)
    return Forecast(
        as_of=as_of,
        known_at=known_at,
        months=months,
        horizon=add_months(as_of, months),
        method=METHOD,
        instruments=forecast_parties(history, as_of, months),
        engagements=engagement_outlook(store, as_of, months, known_at),
    )


def _entry(f: InstrumentForecast) -> str:
    entry = f.entry_into_force
    if entry.actual is not None:
        return f"in force since {day(entry.actual)}"
    if entry.p50 is None:
        return "not yet in force fifty years on"
    early = day(entry.p10) if entry.p10 else "?"
    late = day(entry.p90) if entry.p90 else "beyond fifty years"
    return f"in force about {day(entry.p50)} (between {early} and {late})"


def outlook_paragraph(result: Forecast) -> str:
    """The report's outlook: the projection, said to be one, and where its backtest is measured."""
    parts = [
        f"{instrument(name, 0)} would have {f.parties.p50} parties (80% band {f.parties.p10} to "
        f"{f.parties.p90}) and be {_entry(f)}"
        for name, f in result.instruments.items()
    ]
    listed = "; ".join(parts[:-1]) + f"; and {parts[-1]}" if len(parts) > 1 else parts[0]
    cases = result.engagements.open
    expected = sum(result.engagements.completions_per_quarter.values())
    return (
        f"Outlook, a projection rather than a count: from what was known on {day(result.as_of)}, by "
        f"{day(result.horizon)} {listed}. Of the {len(cases)} open engagements, {expected:.1f} would be "
        "completed by then. How far such projections missed the parties counted, against repeating "
        "the last year's change, is measured by `palermo report forecast --backtest` on the tables this "
        "store holds."
    )


def report_outlook(store: FactStore, as_of: date, known_at: datetime | None = None) -> str | None:
    """The report's outlook paragraph as of `as_of`, or None before three parties are known."""
    try:
        return outlook_paragraph(forecast(store, as_of, 12, known_at))
    except TooLittleHistory:
        return None
