"""The forecast as the web app shows it: computed once per date, known-at time and read position, kept."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date, datetime

from projections.forecast.fan import fan_svg
from projections.forecast.outlook import Forecast, forecast, outlook_paragraph
from projections.forecast.survival import TooLittleHistory
from web.reports import aware, current_store
from web.services import Services

KEPT = 16
# A forecast takes seconds of simulation; the same question over the same read model gets the same answer
# (the simulations are seeded by the date), so the last few answers are kept, keyed by the read position.
_kept: OrderedDict[tuple[object, ...], Forecast] = OrderedDict()
_lock = threading.Lock()


def read_forecast(wired: Services, as_of: date, months: int, known_at: datetime | None) -> Forecast:
    """The forecast from the read model caught up with every log (TooLittleHistory when it cannot be made)."""
    moment = aware(known_at)
    with current_store(wired.settings, wired.logs) as store:
        where = (wired.settings.home, wired.settings.database_url, tuple(sorted(store.positions().items())))
        key: tuple[object, ...] = (*where, as_of, months, moment)
        with _lock:
            if key in _kept:
                _kept.move_to_end(key)
                return _kept[key]
        result = forecast(store, as_of, months, moment)
    with _lock:
        _kept[key] = result
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return result


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
