"""`palermo plan …` and `palermo questionnaire …`: a subcommand per entry of the programme's command table
(usecases.programme), and the lists."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.table import Table

from activities.programme import Programme
from cli.console import Context
from cli.options import with_signature
from domain.values import Door
from usecases.inputs import parse_date
from usecases.programme import ENTRIES, Ask, Entry, command_of, open_programme, replies_with_citations

plan = typer.Typer(help="Plan seminars, meetings, missions and expert-group sessions; hold, move, cancel.")
questionnaire = typer.Typer(
    help="Send the questionnaires of paragraph 12 to States and record their replies."
)
GROUPS = {"plan": plan, "questionnaire": questionnaire}
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
KEYWORD = inspect.Parameter.KEYWORD_ONLY
SHARED = (
    ("effective", "When it happened in the world (YYYY-MM-DD); default today."),
    ("source", "Where the fact comes from (a document, a note)."),
)


def _with_programme(context: Context, action: Callable[[Programme], Any]) -> Any:
    """Run `action` on the plans and questionnaires; a refusal is one sentence and records nothing."""
    programme = context.run(lambda: open_programme(context.settings))
    try:
        return context.run(lambda: action(programme))
    finally:
        programme.outreach.close()


def _parameter(ask: Ask, entry: Entry) -> inspect.Parameter:
    help_text = f"{ask.help} One of: {', '.join(ask.choices)}." if ask.choices else ask.help
    kind: Any = list[str] if ask.many else str
    if ask.name == entry.target:
        positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
        return inspect.Parameter(
            ask.name, positional, annotation=Annotated[str, typer.Argument(help=help_text)]
        )
    declared = typer.Option(f"--{ask.option.replace('_', '-')}", help=help_text)
    if ask.required:
        return inspect.Parameter(ask.name, KEYWORD, annotation=Annotated[kind, declared])
    return inspect.Parameter(ask.name, KEYWORD, default=None, annotation=Annotated[kind | None, declared])


def _command(entry: Entry) -> Callable[..., None]:
    def command(ctx: typer.Context, **values: Any) -> None:
        context: Context = ctx.obj
        effective = context.run(lambda: parse_date(values.pop("effective"), "--effective", context.today()))
        source, as_json = values.pop("source"), values.pop("as_json")
        made = context.run(
            lambda: command_of(
                entry, values, actor=context.actor, effective=effective, source=source, door=Door.CLI
            )
        )
        record = _with_programme(context, lambda programme: entry.act(programme, made))
        if as_json:
            typer.echo(record.model_dump_json(indent=2))
        else:
            context.console.print(_said(entry, record), highlight=False, soft_wrap=True)

    ctx = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
    shared = [
        inspect.Parameter(
            name, KEYWORD, default=None, annotation=Annotated[str | None, typer.Option(help=text)]
        )
        for name, text in SHARED
    ]
    flag = inspect.Parameter("as_json", KEYWORD, default=False, annotation=AsJson)
    command.__doc__ = entry.help
    return with_signature(command, [ctx, *(_parameter(a, entry) for a in entry.asks), *shared, flag])


def _said(entry: Entry, record: Any) -> str:
    if entry.noun == "plan":
        d = record.details
        where = f"{d.title}, {d.place}, {d.planned}"
        return f"Plan {record.id}: {where} — {record.status.value} (version {record.version})."
    if entry.verb == "send":
        states = " ".join(record.states) or "no State"
        return f"The {record.questionnaire.value} questionnaire of {record.effective_date} went to {states}."
    return f"Reply of {record.state} recorded ({record.replies} in all); cite it as {record.citation}."


for _entry in ENTRIES:
    GROUPS[_entry.noun].command(_entry.verb)(_command(_entry))


@plan.command("list")
def list_plans(
    ctx: typer.Context,
    as_of: Annotated[
        str | None, typer.Option(help="As the plans stood on this day (YYYY-MM-DD); default as they stand.")
    ] = None,
    after: Annotated[
        str | None, typer.Option(help="Only what was planned, on this day, for after it (YYYY-MM-DD).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """List the plans, by first day planned (--json adds ids, invitations, notes and who recorded them)."""
    context: Context = ctx.obj
    day = context.run(lambda: None if as_of is None else parse_date(as_of, "--as-of", context.today()))
    later = context.run(lambda: None if after is None else parse_date(after, "--after", context.today()))
    records = _with_programme(context, lambda p: p.plans_after(later) if later is not None else p.plans(day))
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in records], indent=2))
        return
    table = Table(title=f"Plans: {len(records)}")
    for column in ("planned", "kind", "place", "title", "invited", "status"):
        table.add_column(column)
    for r in records:
        invited = " ".join((*r.details.regions, *r.details.states)) or "—"
        table.add_row(
            r.details.planned.isoformat(),
            r.details.kind.value,
            r.details.place,
            r.details.title,
            invited,
            r.status.value,
        )
    context.console.print(table)


@questionnaire.command("list")
def list_questionnaires(ctx: typer.Context, as_json: AsJson = False) -> None:
    """List the sendings of each questionnaire and the replies (--json: `sendings` and `replies`)."""
    context: Context = ctx.obj
    sendings, replies, meetings = _with_programme(
        context,
        lambda p: (
            p.dispatches(),
            replies_with_citations(context.settings, p),
            {m.id: m for m in p.outreach.meetings()},
        ),
    )
    if as_json:
        listed = {
            "sendings": [s.model_dump(mode="json") for s in sendings],
            "replies": [r.model_dump(mode="json") for r in replies],
        }
        typer.echo(json.dumps(listed, indent=2))
        return
    sent = Table(title=f"Questionnaires sent: {len(sendings)}")
    for column in ("date", "questionnaire", "to", "at"):
        sent.add_column(column)
    for s in sendings:
        to = " ".join(s.states) or s.recipients or "—"
        held = meetings.get(s.meeting) if s.meeting else None
        at = f"{held.details.place}, {held.details.start}" if held else "directly"
        sent.add_row(s.effective_date.isoformat(), s.questionnaire.value, to, at)
    answered = Table(title=f"Replies: {len(replies)}")
    for column in ("received", "questionnaire", "State", "document", "cite as"):
        answered.add_column(column)
    for r in replies:
        answered.add_row(
            r.effective_date.isoformat(), r.questionnaire.value, r.state, r.document or "—", r.citation
        )
    context.console.print(sent)
    context.console.print(answered)
