"""`python -m bench.forecast`: the forecast's full backtest on the Treaty Collection's tables, against naive.

The four tables are imported into a fresh store as `palermo treaty import` does; the backtest then reads them
back from the read model, as `palermo report forecast --backtest` does, and forecasts at every quarter from
2002 to 2013. It also forecasts the Convention's entry into force as of 4 March 2002, the report's day.
"""

from __future__ import annotations

import io
import statistics
import time
from datetime import date
from pathlib import Path

from rich.console import Console

from activities.collection import shipped_folder
from bench.deployment import from_arguments
from bench.report import Figure, arguments, emit
from projections.forecast.backtest import backtest, quarterly
from projections.forecast.history import read_history
from projections.forecast.outlook import forecast
from usecases.read_models import open_store, refresh, sources
from usecases.seed import import_collection

UNTC = shipped_folder()
REPORT_DAY, IN_FORCE = date(2002, 3, 4), date(2003, 9, 29)
RATIO_TARGET, COVERAGE_TARGET = 0.75, (0.70, 0.90)
# Seconds: one forecast (every instrument, read from the read model), and the full backtest.
ONE_TARGET_S, BACKTEST_TARGET_S = 1.0, 60.0


def measure(options: object, folder: Path, cutoffs: int) -> list[Figure]:
    with from_arguments(options) as settings:  # type: ignore[arg-type]
        import_collection(settings, folder, Console(file=io.StringIO()))
        store = open_store(settings)
        logs = sources(settings)
        try:
            refresh(store, logs)
            history = read_history(store, date.today())
            started = time.perf_counter()
            days = quarterly()
            scored = backtest(history, days[:: max(1, len(days) // cutoffs)] if cutoffs < len(days) else days)
            seconds = time.perf_counter() - started
            outlook = forecast(store, REPORT_DAY, 12)
            # One forecast as a page asks for it: as of the tables' last day, read from the read model.
            timings = []
            for _ in range(5):
                started = time.perf_counter()
                forecast(store, scored.tables_reach, 12)
                timings.append(time.perf_counter() - started)
        finally:
            store.close()
            for log in logs:
                log.close()
    entry = outlook.instruments["convention"].entry_into_force
    figures = []
    for h in scored.horizons:
        held = COVERAGE_TARGET[0] <= h.coverage <= COVERAGE_TARGET[1]
        note = f"{h.forecasts} forecasts (4 instruments at each cut-off whose horizon the tables reach)"
        figures += [
            Figure(
                benchmark="forecast", store=settings.store, figure=f"MAE of p50 parties at {h.months} months",
                unit="parties", ours=h.mae, baseline=h.naive_mae,
                baseline_name=f"naive: the last {h.months} months' change repeated",
                target=f"≤ {RATIO_TARGET:g} of naive" if h.months == 12 else "",
                met=(h.ratio or 1.0) <= RATIO_TARGET if h.months == 12 else None, note=note,
            ),
            Figure(
                benchmark="forecast", store=settings.store, figure=f"80% band held, {h.months} months",
                unit="%", ours=100 * h.coverage, baseline=80.0, baseline_name="nominal",
                target="70-90%" if h.months == 12 else "", met=held if h.months == 12 else None,
                note=f"{scored.cutoffs} quarterly cut-offs {scored.first_cutoff} to {scored.last_cutoff}; "
                f"outcomes to {scored.tables_reach}; {seconds:.0f} s",
            ),
        ]  # fmt: skip
    slowest = max(timings)
    figures += [
        Figure(
            benchmark="forecast", store=settings.store, figure="one forecast (slowest of 5)",
            unit="s", ours=slowest, target=f"≤ {ONE_TARGET_S:g} s", met=slowest <= ONE_TARGET_S,
            note=f"as of {scored.tables_reach}, 12 months ahead; median {statistics.median(timings):.3f} s",
        ),
        Figure(
            benchmark="forecast", store=settings.store, figure="full backtest", unit="s", ours=seconds,
            target=f"≤ {BACKTEST_TARGET_S:g} s", met=seconds <= BACKTEST_TARGET_S,
            note=f"{scored.cutoffs} quarterly cut-offs",
        ),
    ]  # fmt: skip
    figures.append(
        Figure(
            benchmark="forecast", store=settings.store,
            figure="Convention's entry into force forecast as of 2002-03-04: p50's days from the actual",
            unit="days", ours=float(abs(((entry.p50 or date.max) - IN_FORCE).days)),
            note=f"p10 {entry.p10}, p50 {entry.p50}, p90 {entry.p90}; it entered into force on {IN_FORCE}",
        )
    )  # fmt: skip
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = arguments(
        "The forecast's backtest on the Treaty Collection's tables, against the naive forecast."
    )
    parser.add_argument("--untc", type=Path, default=UNTC, help=f"the Collection's tables (default {UNTC})")
    parser.add_argument(
        "--cutoffs", type=int, default=48, help="quarterly cut-offs used, evenly (default 48)"
    )
    options = parser.parse_args(argv)
    emit(measure(options, options.untc, options.cutoffs), options.json)


if __name__ == "__main__":
    main()
