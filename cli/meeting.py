"""`palermo meeting …`, `palermo cooperation …` and `palermo seed`: the outreach history of the report."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar
from uuid import UUID

import typer
from rich.table import Table

from activities.mandates import Mandates
from activities.outreach import Outreach
from activities.programme import Programme
from cli.console import Context
from cli.experts import AsJson, Repeated, Source, choice
from domain.outreach import CooperationKind, MeetingDetails, MeetingKind
from domain.values import DatePrecision, Door, Instrument
from projections.report.sections import dates
from usecases.inputs import BadOption, parse_date
from usecases.seed import SeedSummary, import_collection
from usecases.seed import seed as seed_history
from usecases.seed_mandate import seed_mandate
from usecases.seed_programme import seed_programme

T = TypeVar("T")

meeting = typer.Typer(help="Record and list seminars, meetings and briefings.", no_args_is_help=True)
cooperation = typer.Typer(help="Record and list technical cooperation activities.", no_args_is_help=True)

DatedTo = Annotated[
    str,
    typer.Option(
        "--dated-to",
        help="How precisely the source dates it: day, month or year (then any day of that month or year "
        'is given, and it is shown as "in March 2001" or "in 2001").',
    ),
]


def _year(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.strip().isdigit() or len(value.strip()) != 4:
        raise BadOption(f"--year must be a year like 2001, not '{value}'.")
    return int(value)


def _meeting_id(value: str | None) -> UUID | None:
    if value is None:
        return None
    try:
        return UUID(value.strip())
    except ValueError:
        raise BadOption(
            f"--id must be a meeting's id as `meeting list --json` gives it, not '{value}'."
        ) from None


def _with_store(ctx: typer.Context, action: Callable[[Outreach], T]) -> T:
    """Run `action` on the Outreach store of the settings; a refusal is one sentence and records nothing."""
    context: Context = ctx.obj
    return context.using(lambda: Outreach(context.settings.store_env("Outreach")), action)


@meeting.command("record")
def record_meeting(
    ctx: typer.Context,
    title: Annotated[str, typer.Option(help="The meeting's title.")],
    kind: Annotated[str, typer.Option(help=f"One of: {', '.join(k.value for k in MeetingKind)}.")],
    place: Annotated[str, typer.Option(help="Where it was held; with the first day it identifies it.")],
    start: Annotated[str, typer.Option(help="First day (YYYY-MM-DD).")],
    end: Annotated[str | None, typer.Option(help="Last day (YYYY-MM-DD); default the first day.")] = None,
    organizer: Annotated[Repeated, typer.Option(help="An organizing body (repeat).")] = None,
    partner: Annotated[Repeated, typer.Option(help="A partner organization (repeat).")] = None,
    participant: Annotated[
        Repeated, typer.Option(help="ISO 3166 alpha-3 code of a participating State (repeat).")
    ] = None,
    observer: Annotated[Repeated, typer.Option(help="An observer (repeat).")] = None,
    instrument: Annotated[
        Repeated, typer.Option(help=f"An instrument reviewed (repeat): {', '.join(Instrument)}.")
    ] = None,
    topic: Annotated[Repeated, typer.Option(help="A topic discussed (repeat).")] = None,
    outcome: Annotated[str | None, typer.Option(help="What came of it, e.g. a declaration.")] = None,
    dated_to: DatedTo = "day",
    source: Source = None,
    meeting_id: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="Correct the meeting recorded under this id (`meeting list --json`), its place and day too.",
        ),
    ] = None,
) -> None:
    """Record a meeting held; the same place and first day with other details records a correction."""
    context: Context = ctx.obj
    chosen = context.run(lambda: _meeting_id(meeting_id))

    def details() -> MeetingDetails:
        first = parse_date(start, "--start", context.today())
        last = parse_date(end, "--end", first)
        if last < first:
            raise BadOption(f"--end ({last}) is before --start ({first}): a meeting ends after it begins.")
        return MeetingDetails(
            title=title,
            kind=choice(kind, MeetingKind, "--kind"),
            place=place,
            start=first,
            end=last,
            organizers=tuple(organizer or ()),
            partners=tuple(partner or ()),
            participants=tuple(context.participants.get(code).code for code in participant or ()),
            observers=tuple(observer or ()),
            instruments=tuple(choice(i, Instrument, "--instrument") for i in instrument or ()),
            topics=tuple(topic or ()),
            outcome=outcome,
            dated_to=choice(dated_to, DatePrecision, "--dated-to"),
        )

    checked = context.run(details)

    def record(outreach: Outreach) -> str:
        before = (
            outreach.meeting_at(checked.place, checked.start) if chosen is None else outreach.meeting(chosen)
        )
        if chosen is None:
            after = outreach.record_meeting(checked, actor=context.actor, source=source, door=Door.CLI)
        else:
            after = outreach.correct_meeting(
                chosen, checked, actor=context.actor, source=source, door=Door.CLI
            )
        where = f"{checked.place}, {checked.start}"
        if before is None:
            return f"Meeting recorded: {checked.title} ({where})."
        if after.version > before.version:
            return f"Correction recorded for the meeting of {where} (version {after.version})."
        return f"The meeting of {where} is already recorded with these details; nothing recorded."

    context.console.print(_with_store(ctx, record), highlight=False)


@meeting.command("list")
def list_meetings(
    ctx: typer.Context,
    as_json: AsJson = False,
    year: Annotated[str | None, typer.Option(help="Only meetings that began in this year (YYYY).")] = None,
) -> None:
    """List the meetings recorded, by first day (--json adds sources, organizers, topics, outcomes)."""
    context: Context = ctx.obj
    wanted = context.run(lambda: _year(year))
    records = [
        m for m in _with_store(ctx, Outreach.meetings) if wanted is None or m.details.start.year == wanted
    ]
    if as_json:
        typer.echo(json.dumps([m.model_dump(mode="json") for m in records], indent=2))
        return
    table = Table(title=f"Meetings{f' of {wanted}' if wanted else ''}: {len(records)}")
    for column in ("first day", "last day"):
        table.add_column(column, no_wrap=True)
    for column in ("kind", "place", "title", "States"):
        table.add_column(column)
    for record in records:
        d = record.details
        # A meeting the source dates to its month or year shows that period, never a day.
        precise = d.dated_to is DatePrecision.DAY
        table.add_row(
            d.start.isoformat() if precise else dates(d.start, d.end, d.dated_to),
            d.end.isoformat() if precise else "",
            d.kind.value,
            d.place,
            d.title,
            " ".join(d.participants) or "—",
        )
    context.console.print(table)


@cooperation.command("record")
def record_cooperation(
    ctx: typer.Context,
    state: Annotated[str, typer.Argument(help="ISO 3166 alpha-3 code of the State.")],
    kind: Annotated[str, typer.Option(help=f"One of: {', '.join(k.value for k in CooperationKind)}.")],
    title: Annotated[str, typer.Option(help="What the activity was.")],
    partner: Annotated[Repeated, typer.Option(help="A partner organization (repeat).")] = None,
    effective: Annotated[
        str | None, typer.Option(help="When it took place (YYYY-MM-DD); default today.")
    ] = None,
    dated_to: DatedTo = "day",
    source: Source = None,
) -> None:
    """Record a technical cooperation activity; the same State, kind and date again records nothing."""
    context: Context = ctx.obj
    code = context.run(lambda: context.participants.get(state)).code
    chosen = context.run(lambda: choice(kind, CooperationKind, "--kind"))
    day = context.run(lambda: parse_date(effective, "--effective", context.today()))
    precision = context.run(lambda: choice(dated_to, DatePrecision, "--dated-to"))

    def record(outreach: Outreach) -> str:
        if outreach.activity(code, chosen, day) is not None:
            return f"The {chosen.value} activity of {code} on {day} is already recorded; nothing recorded."
        outreach.record_cooperation(
            state=code,
            kind=chosen,
            title=title,
            partners=tuple(partner or ()),
            effective_date=day,
            actor=context.actor,
            source=source,
            door=Door.CLI,
            dated_to=precision,
        )
        return f"Cooperation activity recorded: {code}, {chosen.value}, {day}."

    context.console.print(_with_store(ctx, record), highlight=False)


@cooperation.command("list")
def list_cooperation(ctx: typer.Context, as_json: AsJson = False) -> None:
    """List the technical cooperation activities recorded, by date (--json adds sources)."""
    context: Context = ctx.obj
    records = _with_store(ctx, Outreach.cooperation)
    if as_json:
        typer.echo(json.dumps([a.model_dump(mode="json") for a in records], indent=2))
        return
    table = Table(title=f"Technical cooperation activities: {len(records)}")
    table.add_column("date", no_wrap=True)
    for column in ("State", "kind", "title", "partners"):
        table.add_column(column)
    for record in records:
        day = record.effective_date
        table.add_row(
            day.isoformat() if record.dated_to is DatePrecision.DAY else dates(day, day, record.dated_to),
            record.state,
            record.kind.value,
            record.title,
            ", ".join(record.partners) or "—",
        )
    context.console.print(table)


def seed(
    ctx: typer.Context,
    untc: Annotated[
        Path | None,
        typer.Option(
            help="Also import the Treaty Collection's status tables (18-12.csv, 18-12-a.csv …) from here."
        ),
    ] = None,
) -> None:
    """Record the outreach history of 2001 from the report of 4 March 2002; running it again adds nothing."""
    context: Context = ctx.obj
    if untc is not None:
        folder = untc
        context.run(lambda: import_collection(context.settings, folder, context.console, actor=context.actor))

    def run(outreach: Outreach) -> tuple[SeedSummary, int, int, int, int]:
        summary = seed_history(outreach)
        planned = seed_programme(Programme(outreach))
        mandated = seed_mandate(Mandates(outreach))
        return summary, len(outreach.meetings()), len(outreach.cooperation()), planned, mandated

    summary, meetings, activities, planned, mandated = _with_store(ctx, run)
    table = Table(title="Outreach history of the report of 4 March 2002")
    for column in ("", "in the report's history", "in the store"):
        table.add_column(column)
    table.add_row("meetings and briefings", str(summary.meetings), str(meetings))
    table.add_row("technical cooperation activities", str(summary.cooperation), str(activities))
    context.console.print(table)
    context.console.print(f"{summary.recorded} events recorded now.", highlight=False)
    context.console.print(
        f"Plans and questionnaires of the report: {planned} events recorded now.", highlight=False
    )
    context.console.print(
        f"Mandate and heading of the report: {mandated} events recorded now.", highlight=False
    )
