"""The forecast as of a date: every instrument's parties and entry into force, and the open engagements."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from projections.forecast.completion import EngagementOutlook, engagement_outlook
from projections.forecast.history import read_history
from projections.forecast.parties import InstrumentForecast, add_months, forecast_parties
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
