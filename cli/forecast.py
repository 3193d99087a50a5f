"""`palermo report forecast`: projected parties, entry into force and completions, and their backtest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from cli.console import Context, fail
from cli.report import AsJson, AsOf, KnownAt, _as_of, _known_at, current_store

if TYPE_CHECKING:  # imported when a forecast is asked for: the statistics libraries are slow to load
    from projections.forecast.backtest import Backtest
    from projections.forecast.outlook import Forecast

Months = Annotated[
    int, typer.Option("--months", min=1, max=120, help="How many months ahead to project (1-120).")
]
RunBacktest = Annotated[
    bool,
    typer.Option(
        "--backtest",
        help="Forecast at every quarter from 2002 to 2013 from the treaty tables recorded, and score the "
        "forecasts at 6, 12 and 24 months against the parties counted then (about a minute).",
    ),
]


def render_forecast(context: Context, result: Forecast) -> None:
    table = Table(title=f"Projected parties on {result.horizon} (as of {result.as_of}): a projection")
    for column in ("instrument", "parties now", "p10", "p50", "p90", "entry into force"):
        table.add_column(column)
    for name, f in result.instruments.items():
        entry = f.entry_into_force
        when = (
            f"in force since {entry.actual}"
            if entry.actual
            else " · ".join(
                f"{k} {v or 'beyond 50 years'}"
                for k, v in (("p10", entry.p10), ("p50", entry.p50), ("p90", entry.p90))
            )
        )
        table.add_row(
            name, str(f.parties_now), str(f.parties.p10), str(f.parties.p50), str(f.parties.p90), when
        )
    context.console.print(table)
    if not result.engagements.open:
        context.console.print(f"No engagement was open on {result.as_of}.", highlight=False)
        return
    cases = Table(title="Open engagements: projected completion")
    for column in ("State", "awaiting", "p50", "p80"):
        cases.add_column(column)
    for case in result.engagements.open:
        cases.add_row(case.state, case.stage, str(case.p50 or "—"), str(case.p80 or "—"))
    context.console.print(cases)
    quarters = ", ".join(f"{q}: {n:g}" for q, n in result.engagements.completions_per_quarter.items())
    context.console.print(f"Expected completions per quarter: {quarters}", highlight=False)


def render_backtest(context: Context, result: Backtest) -> None:
    table = Table(
        title=f"Backtest: forecasts at {result.cutoffs} quarterly cut-offs, {result.first_cutoff} to "
        f"{result.last_cutoff}; outcomes up to {result.tables_reach}"
    )
    for column in ("months", "forecasts", "MAE of p50", "naive MAE", "ratio", "80% band held"):
        table.add_column(column)
    for h in result.horizons:
        ratio = "—" if h.ratio is None else f"{h.ratio:.2f}"
        table.add_row(
            str(h.months), str(h.forecasts), f"{h.mae:.2f}", f"{h.naive_mae:.2f}", ratio, f"{h.coverage:.0%}"
        )
    context.console.print(table)


def report_forecast(
    ctx: typer.Context,
    as_of: AsOf = None,
    months: Months = 12,
    known_at: KnownAt = None,
    run_backtest: RunBacktest = False,
    as_json: AsJson = False,
) -> None:
    """Projected parties and entry into force of each instrument, and completion of open engagements."""
    from projections.forecast.backtest import Backtest, backtest  # noqa: PLC0415
    from projections.forecast.history import read_history  # noqa: PLC0415
    from projections.forecast.outlook import forecast  # noqa: PLC0415
    from projections.forecast.survival import TooLittleHistory  # noqa: PLC0415

    context: Context = ctx.obj
    day, moment = _as_of(context, as_of), _known_at(context, known_at)
    store = current_store(context)
    try:
        if run_backtest:
            history = read_history(store, day, moment)
            if not any(history.values()):
                fail("No treaty action is recorded; import the Collection's tables (palermo treaty import).")
            scored: Backtest | Forecast = backtest(history)
        else:
            try:
                scored = forecast(store, day, months, moment)
            except TooLittleHistory as error:
                fail(f"No forecast as of {day}: {error}.")
    finally:
        store.close()
    if as_json:
        typer.echo(scored.model_dump_json(indent=2))
    elif isinstance(scored, Backtest):
        render_backtest(context, scored)
    else:
        render_forecast(context, scored)
