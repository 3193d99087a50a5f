"""`palermo report …` and `palermo projections …`: figures as of a date, their lineage, rebuilds."""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cli.console import Context, errors, fail, progress_bar
from projections.figures import Figures, UnknownFigure, explain, figures
from projections.report.document import build, figure_values, lineage
from projections.runner import backlog
from projections.store import FactStore
from usecases.inputs import parse_date, parse_moment
from usecases.read_models import open_store, rebuild, refresh, sources, total_events
from usecases.reports import (
    FORMATS,
    PdfNotPrinted,
    framing,
    outreach_details,
    planned_after,
    state_names,
    write_report,
)

report = typer.Typer(help="The Secretary-General report's figures, as of any date, and where they come from.")
projections = typer.Typer(help="The read models: status and rebuild.")

AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Effective date of the figures (YYYY-MM-DD); default today.")
]
KnownAt = Annotated[
    str | None,
    typer.Option("--known-at", help="Count only what was recorded by then (ISO date-time); default now."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Year = Annotated[
    int | None,
    typer.Option(
        "--year",
        help="The year whose meetings and cooperation are counted (default: the year of --as-of; "
        "the report of 4 March 2002 reviews 2001).",
    ),
]
IncludeDemo = Annotated[
    bool,
    typer.Option(
        "--include-demo",
        help="Count demo data too (left out by default); the document then says so and marks each figure "
        "that counts it.",
    ),
]


@dataclass(frozen=True)
class Asked:
    """Which report a command is asked for: --as-of, --known-at, --year and --include-demo as given."""

    as_of: str | None
    known_at: str | None
    year: int | None
    include_demo: bool


ASKED_OPTIONS = [
    inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=option)
    for name, option, default in (
        ("as_of", AsOf, None),
        ("known_at", KnownAt, None),
        ("year", Year, None),
        ("include_demo", IncludeDemo, False),
    )
]


def asking(command: Callable[..., None]) -> Callable[..., None]:
    """`command` with the four options that say which report is asked for in place of its `asked: Asked`
    parameter (in that place, so that --help lists them as before), handed to it as one `Asked`."""
    signature = inspect.signature(command, eval_str=True)
    params = list(signature.parameters.values())
    at = [p.name for p in params].index("asked")

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        asked = Asked(**{option.name: kwargs.pop(option.name) for option in ASKED_OPTIONS})
        command(*args, asked=asked, **kwargs)

    # What Typer reads to build the command's options: the signature, and the annotations as objects.
    shown = signature.replace(parameters=[*params[:at], *ASKED_OPTIONS, *params[at + 1 :]])
    typed: Any = run
    typed.__signature__ = shown
    typed.__annotations__ = {p.name: p.annotation for p in shown.parameters.values()}
    typed.__annotations__["return"] = shown.return_annotation
    return run


Formats = Annotated[
    list[str] | None,
    typer.Option(
        "--format",
        help="A format to write (repeat): md, html, pdf, docx, csv, xlsx; default all of them (the PDF when "
        "Chromium is there to print it).",
    ),
]
OutDir = Annotated[
    Path | None, typer.Option("--out", help="Folder for the report files; default PALERMO_HOME/reports.")
]


def current_store(context: Context) -> FactStore:
    """The read model, caught up with every log first, so the figures include the latest step."""
    store = context.run(lambda: open_store(context.settings))
    logs = sources(context.settings)
    try:
        with progress_bar(context.console, backlog(store, logs), "Catching up the read model") as advance:
            refresh(store, logs, advance)
    finally:
        for log in logs:
            log.close()
    return store


def _known_at(context: Context, value: str | None) -> datetime | None:
    return context.run(lambda: parse_moment(value))


def _as_of(context: Context, value: str | None) -> date:
    return context.run(lambda: parse_date(value, "--as-of", context.today()))


def _year(as_of: date, year: int | None) -> int:
    if year is None:
        return as_of.year
    if not 1990 <= year <= as_of.year:
        fail(f"--year must be a year from 1990 to that of --as-of ({as_of.year}), not {year}.")
    return year


def _when(context: Context, asked: Asked) -> tuple[date, datetime | None, int]:
    """The figures' effective date, the moment they are known at (or now), and the year reviewed."""
    day = _as_of(context, asked.as_of)
    return day, _known_at(context, asked.known_at), _year(day, asked.year)


@contextmanager
def _figures_store(context: Context, asked: Asked) -> Iterator[tuple[FactStore, date, datetime | None, int]]:
    """The read model, caught up, and the date, known-at moment and year the figures are asked for."""
    day, moment, reviewed = _when(context, asked)
    store = current_store(context)
    try:
        yield store, day, moment, reviewed
    finally:
        store.close()


def render_figures(context: Context, result: Figures) -> None:
    console = context.console
    table = Table(title=f"Signature and ratification as of {result.as_of}")
    for column in (
        "instrument",
        "signatories",
        "parties",
        "entry into force",
        "still needed",
        "in force for",
    ):
        table.add_column(column)
    for name, numbers in result.instruments.items():
        in_force = numbers.entry_into_force.isoformat() if numbers.entry_into_force else "not yet"
        counts = (numbers.signatories, numbers.parties)
        table.add_row(
            name, *map(str, counts), in_force, str(numbers.to_entry_into_force), str(numbers.in_force_for)
        )
    console.print(table)
    if result.regional_groups:
        groups = Table(title="By United Nations regional group")
        figures_named = next(iter(result.regional_groups.values()))
        for column in ("group", *figures_named):
            groups.add_column(column)
        for group, counts_of in result.regional_groups.items():
            groups.add_row(group, *(str(n) for n in counts_of.values()))
        console.print(groups)
    period = f"In {result.year}" + (f", up to {result.as_of}" if result.year == result.as_of.year else "")
    year = Table(title=period, show_header=False)
    year.add_row("meetings held", str(result.meetings_held))
    year.add_row("States reached", str(result.states_reached))
    year.add_row("technical cooperation activities", str(result.cooperation_activities))
    year.add_row("requests received (all years)", str(result.requests_received))
    year.add_row("States that asked (all years)", str(result.requesting_states))
    console.print(year)
    stages = Table(title="Engagements by stage")
    stages.add_column("stage")
    stages.add_column("engagements")
    for stage, count in result.engagements_by_stage.items():
        stages.add_row(stage, str(count))
    console.print(stages)


@report.command("figures")
@asking
def report_figures(ctx: typer.Context, asked: Asked, as_json: AsJson = False) -> None:
    """Every figure of the report as of a date (and as known at a time)."""
    with _figures_store(ctx.obj, asked) as (store, day, moment, reviewed):
        result = figures(store, day, moment, reviewed, asked.include_demo)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        render_figures(ctx.obj, result)


@report.command("explain")
@asking
def report_explain(
    ctx: typer.Context,
    figure: Annotated[
        str, typer.Argument(help="e.g. convention.parties, meetings_held, common_needs.convention.art5")
    ],
    asked: Asked,
    as_json: AsJson = False,
) -> None:
    """List the events behind one figure."""
    context: Context = ctx.obj
    include_demo = asked.include_demo
    with _figures_store(context, asked) as (store, day, moment, reviewed):
        try:
            rows = explain(store, figure, day, moment, reviewed, include_demo)
            value = figure_values(figures(store, day, moment, reviewed, include_demo)).get(figure, 0)
        except UnknownFigure as error:
            fail(str(error))
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
        return
    table = Table(title=f"{figure} = {value} as of {day}: {len(rows)} events behind it")
    for column in ("subject", "object", "effective", "recorded", "event", "application", "position", "demo"):
        table.add_column(column)
    for r in rows:
        recorded = r.recorded_at.strftime("%Y-%m-%d %H:%M")
        recorded += f" (known {r.known_from.date()})" if r.known_from else ""
        table.add_row(
            r.subject,
            r.object,
            str(r.effective_date),
            recorded,
            r.event_type,
            r.application,
            str(r.position),
            "demo" if r.demo else "",
        )
    context.console.print(table)


@report.command("render")
@asking
def report_render(ctx: typer.Context, asked: Asked, formats: Formats = None, out: OutDir = None) -> None:
    """Write the report as Markdown, HTML, PDF and Word, its tables as CSV and Excel, and its sources; every
    figure links to the events it counts."""
    context: Context = ctx.obj
    unknown = [f for f in formats or () if f not in FORMATS]
    if unknown:
        fail(f"--format must be one of {', '.join(FORMATS)}, not '{unknown[0]}'.")
    chosen = tuple(dict.fromkeys(formats)) if formats else FORMATS
    day, moment, reviewed = _when(context, asked)
    include_demo = asked.include_demo
    store = current_store(context)
    try:
        result = figures(store, day, moment, reviewed, include_demo)
        rows = lineage(store, result)
        # Imported when asked for: the statistics libraries take seconds and a hundred megabytes to load.
        from projections.forecast.outlook import report_outlook  # noqa: PLC0415

        outlook = report_outlook(store, day, moment)
    finally:
        store.close()
    meetings_known, cooperation_known = context.run(lambda: outreach_details(context.settings))
    document = build(
        result,
        rows,
        meetings_known=meetings_known,
        cooperation_known=cooperation_known,
        names=state_names(context.participants, rows, day),
        plans_known=context.run(lambda: planned_after(context.settings, day)),
        outlook=outlook,
        framing=context.run(lambda: framing(context.settings, day)),
    )
    folder = out if out is not None else context.settings.home_dir / "reports"
    chromium = context.settings.chromium
    try:
        written = context.run(lambda: write_report(document, folder, chosen, chromium))
    except PdfNotPrinted as error:
        if formats:
            fail(str(error))
        # Asked for every format, not for the PDF by name: the others are written, and the reason said.
        errors.print(f"[yellow]Note:[/] {error} The PDF is left out.", highlight=False, soft_wrap=True)
        rest = tuple(f for f in chosen if f != "pdf")
        written = context.run(lambda: write_report(document, folder, rest, chromium))
    for path in written:
        typer.echo(str(path))


@projections.command("status")
def projections_status(ctx: typer.Context) -> None:
    """Show how far the read model has read each application's log."""
    context: Context = ctx.obj
    store = context.run(lambda: open_store(context.settings))
    logs = sources(context.settings)
    try:
        table = Table(title="Read model")
        for column in ("application", "read up to", "log ends at"):
            table.add_column(column)
        for log in logs:
            table.add_row(log.name, str(store.position(log.name)), str(log.last()))
        context.console.print(table)
    finally:
        store.close()
        for log in logs:
            log.close()


@projections.command("rebuild")
def projections_rebuild(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option(help="Switch to the rebuilt read model even if it differs.")] = False,
) -> None:
    """Rebuild the read model from the logs into a fresh store, compare, and switch when they agree."""
    context: Context = ctx.obj
    total = total_events(context.settings)
    with progress_bar(context.console, total, "Rebuilding") as advance:
        result = context.run(lambda: rebuild(context.settings, force=force, progress=advance))
    for line in result.differences:
        context.console.print(line, highlight=False)
    verdict = "switched to it" if result.switched else "kept the live one"
    context.console.print(
        f"Rebuilt {result.rows} rows from {sum(result.positions.values())} events: "
        f"{len(result.differences)} differences; {verdict} ({result.generation})."
    )
    if result.differences and not force:
        raise typer.Exit(1)
