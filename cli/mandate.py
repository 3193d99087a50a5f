"""`palermo mandate …` (the resolutions and the report's heading) and `palermo note …` (editorial notes): an
option per field of what is recorded, so the command line asks for exactly what the records hold."""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table

from activities.mandates import Mandates, Standing
from activities.outreach import Outreach
from cli.console import Context
from cli.options import with_signature
from domain.editorial import NotePlace, NoteText
from domain.facts import Told
from domain.mandates import DocketDetails, ResolutionDetails
from domain.values import Door, Value
from usecases.inputs import BadOption, parse_date

mandate = typer.Typer(
    help="Record the resolutions a report answers and the heading (session, agenda item) it goes under.",
    no_args_is_help=True,
)
note = typer.Typer(
    help="Write, withdraw and list editorial notes: what only a person writes into a report.",
    no_args_is_help=True,
)
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Source = Annotated[str | None, typer.Option(help="Where the fact comes from (a document, a note).")]
Report = Annotated[str, typer.Option(help="The date of the report (YYYY-MM-DD).")]
Place = Annotated[str, typer.Option(help=f"Where in the report: {', '.join(NotePlace)}.")]
Effective = Annotated[str | None, typer.Option(help="The day it was done (YYYY-MM-DD); default today.")]
T = TypeVar("T")
KEYWORD = inspect.Parameter.KEYWORD_ONLY


def _with_mandates(context: Context, action: Callable[[Mandates], T]) -> T:
    """Run `action` on the Outreach store's mandates; a refusal is one sentence and records nothing."""
    outreach = context.run(lambda: Outreach(context.settings.store_env("Outreach")))
    try:
        return context.run(lambda: action(Mandates(outreach)))
    finally:
        outreach.close()


def _options(model: type[Value]) -> list[inspect.Parameter]:
    """An option per field of `model`: repeated for a tuple, required when the field is."""
    hints = typing.get_type_hints(model)
    found = []
    for name, field in model.model_fields.items():
        many = typing.get_origin(hints[name]) is tuple
        kind: Any = list[str] if many else str
        help_text = field.description or name.replace("_", " ").capitalize()
        declared = typer.Option(f"--{name.replace('_', '-')}", help=help_text)
        if field.is_required():
            found.append(inspect.Parameter(name, KEYWORD, annotation=Annotated[kind, declared]))
        else:
            found.append(
                inspect.Parameter(name, KEYWORD, default=None, annotation=Annotated[kind | None, declared])
            )
    return found


def _given(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value not in (None, [])}


Record = Callable[[Mandates, Any, str, str | None], Standing]


def _recorder(model: type[Value], record: Record, said: Callable[[Any], str]) -> Any:
    """A command that records `model`'s details, from an option per field."""

    def command(ctx: typer.Context, **values: Any) -> None:
        context: Context = ctx.obj
        source, as_json = values.pop("source"), values.pop("as_json")
        details = context.run(lambda: model.model_validate(_given(values)))
        done = _with_mandates(context, lambda m: record(m, details, context.actor, source))
        if as_json:
            typer.echo(done.model_dump_json(indent=2))
        else:
            context.console.print(f"{said(details)} stands (version {done.version}).", highlight=False)

    ctx = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
    shared = [
        inspect.Parameter("source", KEYWORD, default=None, annotation=Source),
        inspect.Parameter("as_json", KEYWORD, default=False, annotation=AsJson),
    ]
    return with_signature(command, [ctx, *_options(model), *shared])


mandate.command("resolution", help="Record a resolution adopted; again with other details, a correction.")(
    _recorder(
        ResolutionDetails,
        lambda m, d, actor, source: m.record_resolution(d, actor=actor, source=source, door=Door.CLI),
        lambda d: f"Resolution {d.number} of the {d.body}",
    )
)
mandate.command("docket", help="Record the heading of the report of a date; again, a correction.")(
    _recorder(
        DocketDetails,
        lambda m, d, actor, source: m.record_docket(d, actor=actor, source=source, door=Door.CLI),
        lambda d: f"The heading of the report of {d.report_date}",
    )
)


@mandate.command("list")
def list_mandates(ctx: typer.Context, as_json: AsJson = False) -> None:
    """List the resolutions and the reports' headings recorded."""
    context: Context = ctx.obj
    resolutions, dockets = _with_mandates(context, lambda m: (m.resolutions(), m.dockets()))
    if as_json:
        listed = {
            "resolutions": [r.model_dump(mode="json") for r in resolutions],
            "dockets": [d.model_dump(mode="json") for d in dockets],
        }
        typer.echo(json.dumps(listed, indent=2))
        return
    table = Table(title=f"Resolutions: {len(resolutions)}")
    for column in ("adopted", "body", "number", "adopts", "report to"):
        table.add_column(column)
    for r in resolutions:
        d = r.details
        asked = f"{d.report_to}, session {d.report_session}" if d.report_to else "—"
        adopts = ", ".join(i.value for i in d.adopts) or "—"
        table.add_row(d.adopted.isoformat(), d.body, d.number, adopts, asked)
    headings = Table(title=f"Reports docketed: {len(dockets)}")
    for column in ("report", "session", "agenda item", "mandate"):
        headings.add_column(column)
    for docket in dockets:
        h = docket.details
        session = f"{h.commission}, {h.session} ({h.session_place}, {h.session_start})"
        headings.add_row(h.report_date.isoformat(), session, f"{h.agenda_item}. {h.agenda_title}", h.mandate)
    context.console.print(table)
    context.console.print(headings)


def _day(context: Context, value: str | None, option: str) -> date:
    return context.run(lambda: parse_date(value, option, context.today()))


def _place(context: Context, value: str) -> NotePlace:
    def read() -> NotePlace:
        try:
            return NotePlace(value.strip().lower())
        except ValueError:
            raise BadOption(f"--place must be one of {', '.join(NotePlace)}, not '{value}'.") from None

    return context.run(read)


@note.command("write")
def write_note(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The note, as it is to read in the report.")],
    report: Report,
    place: Place,
    effective: Annotated[
        str | None, typer.Option(help="The day written (YYYY-MM-DD); default today.")
    ] = None,
    source: Source = None,
) -> None:
    """Write the note at a place of a report; written again there, a revision; the same text, nothing."""
    context: Context = ctx.obj
    on, where = _day(context, report, "--report"), _place(context, place)
    asked = context.run(lambda: NoteText(report=on, place=where, text=text))
    day = _day(context, effective, "--effective")
    told = Told(effective_date=day, actor=context.actor, source=source, door=Door.CLI)
    done = _with_mandates(context, lambda m: m.write_note(asked, **told))
    context.console.print(
        f"The {done.place.value} note of the report of {done.report} stands (version {done.version}).",
        highlight=False,
    )


@note.command("withdraw")
def withdraw_note(
    ctx: typer.Context,
    report: Report,
    place: Place,
    effective: Annotated[
        str | None, typer.Option(help="The day withdrawn (YYYY-MM-DD); default today.")
    ] = None,
    source: Source = None,
) -> None:
    """Withdraw the note at a place of a report: it no longer stands there."""
    context: Context = ctx.obj
    on, where = _day(context, report, "--report"), _place(context, place)
    day = _day(context, effective, "--effective")
    told = Told(effective_date=day, actor=context.actor, source=source, door=Door.CLI)
    _with_mandates(context, lambda m: m.withdraw_note(on, where, **told))
    context.console.print(f"The {where.value} note of the report of {on} is withdrawn.", highlight=False)


@note.command("list")
def list_notes(
    ctx: typer.Context,
    report: Annotated[str | None, typer.Option(help="Only the notes of the report of this date.")] = None,
    as_json: AsJson = False,
) -> None:
    """List the editorial notes, withdrawn ones too (with no text)."""
    context: Context = ctx.obj
    on = None if report is None else _day(context, report, "--report")
    notes = _with_mandates(context, lambda m: m.notes(on))
    if as_json:
        typer.echo(json.dumps([n.model_dump(mode="json") for n in notes], indent=2))
        return
    table = Table(title=f"Editorial notes: {len(notes)}")
    for column in ("report", "place", "written", "by", "text"):
        table.add_column(column)
    for n in notes:
        shown = n.text if n.text is not None else "(withdrawn)"
        table.add_row(n.report.isoformat(), n.place.value, n.written_on.isoformat(), n.actor, shown)
    context.console.print(table)
