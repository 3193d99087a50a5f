"""The forecast as the web app shows it: computed once per date, known-at time and read-model version."""

from __future__ import annotations

from datetime import date, datetime

from projections.forecast.fan import fan_svg
from projections.forecast.outlook import Forecast, forecast, outlook_paragraph
from projections.forecast.survival import TooLittleHistory
from web.reports import asked_at, aware
from web.services import Services


def read_forecast(wired: Services, as_of: date, months: int, known_at: datetime | None) -> Forecast:
    """The forecast from the read model caught up with every log (TooLittleHistory when it cannot be made).

    A forecast takes seconds of simulation; the same question over the same read model gets the same answer
    (the simulations are seeded by the date), so it is kept with the read model's other answers."""
    moment = aware(known_at)
    question = ("forecast", as_of, months, asked_at(moment))
    return wired.read_model.kept(question, lambda store: forecast(store, as_of, months, moment))


def dashboard_outlook(
    wired: Services, as_of: date, known_at: datetime | None
) -> tuple[Forecast | None, dict[str, str]]:
    """The twelve-month forecast and each instrument's fan chart; none before three parties are known."""
    try:
        result = read_forecast(wired, as_of, 12, known_at)
    except TooLittleHistory:
        return None, {}
    return result, {name: fan_svg(name, f, as_of) for name, f in result.instruments.items()}


def report_outlook(wired: Services, as_of: date, known_at: datetime | None) -> str | None:
    """The report's outlook paragraph, or None before three parties are known."""
    result, _ = dashboard_outlook(wired, as_of, known_at)
    return outlook_paragraph(result) if result is not None else None
