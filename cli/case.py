"""`palermo case …`: a subcommand per command of the command table (the steps share `advance STEP`); show a
case and its history."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from activities.engagements import Engagements
from cli.console import Context, fail, render_case, render_history
from cli.options import parameter, with_signature
from domain.commands import Command
from domain.values import Door, Step
from usecases.cases import new_command_id, send_patiently
from usecases.commands import command_from, given_inputs, option_label
from usecases.documents import attach_files
from usecases.inputs import parse_date
from workflows.commands import BY_STEP, COMMANDS, Row

app = typer.Typer(help="Open, advance and read engagements.", no_args_is_help=True)

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
State = Annotated[str, typer.Argument(help="ISO 3166 alpha-3 code of the State.")]
STATE_HELP = "ISO 3166 alpha-3 code of the State, e.g. BOL."
DATE_HELP = {
    "effective": "When it happened in the world (YYYY-MM-DD); default today.",
    "received": "When the request arrived (YYYY-MM-DD); default today.",
}
SHARED = (
    ("source", "Where the fact comes from (a document, a note)."),
    ("command_id", "Name this command, to send it again safely: the same id and command are recorded once."),
)
Attach = Annotated[
    list[Path] | None,
    typer.Option(
        "--attach",
        help="A file to attach to the step (repeat): kept by its SHA-256 in PALERMO_HOME/documents, "
        "the event records its name, size and hash.",
    ),
]


def _record(context: Context, command: Command, as_json: bool, defaulted: str | None = None) -> None:
    """Record `command` and say so; `defaulted` names the date option left out, so the line says the step
    was dated today rather than leaving it unsaid."""
    case = context.run(lambda: asyncio.run(send_patiently(context.settings, command, door=Door.CLI)))
    if as_json:
        typer.echo(case.model_dump_json(indent=2, exclude={"recorded_commands"}))
    else:
        nxt = case.stage.value if case.stage else "nothing — the engagement is " + case.status.value
        dated = f", dated today, {command.effective_date} (no --{defaulted} given)" if defaulted else ""
        context.console.print(
            f"[bold]{case.state}[/]: {command.kind} recorded (version {case.version}){dated}. Next: {nxt}.",
            soft_wrap=True,
        )


def _send(context: Context, row: Row, values: dict[str, Any]) -> None:
    """Make the row's command from the options given and record it."""
    named = context.participant(values.pop("state")).code
    # A State that went on under another name (Yugoslavia, then Serbia) keeps its engagement.
    code = context.run(lambda: _store(context).engaged_code(named))
    given_date = values.pop(row.date_option)
    effective = context.run(lambda: parse_date(given_date, f"--{row.date_option}", context.today()))
    # Stored before the command is sent, which names them by their hashes.
    files = values.pop("attach") or []
    documents = context.run(lambda: attach_files(context.settings, files))
    command = context.run(
        lambda: command_from(
            row,
            values,
            state=code,
            actor=context.actor,
            effective=effective,
            source=values.pop("source"),
            command_id=values.pop("command_id") or new_command_id(),
            label=option_label,
            documents=documents,
        )
    )
    _record(context, command, values.pop("as_json"), None if given_date else row.date_option)


def _common(date_option: str) -> list[inspect.Parameter]:
    keyword = inspect.Parameter.KEYWORD_ONLY
    shared = [
        inspect.Parameter(
            name, keyword, default=None, annotation=Annotated[str | None, typer.Option(help=text)]
        )
        for name, text in ((date_option, DATE_HELP[date_option]), *SHARED)
    ]
    return [
        *shared,
        inspect.Parameter("attach", keyword, default=None, annotation=Attach),
        inspect.Parameter("as_json", keyword, default=False, annotation=AsJson),
    ]


def _leading(*names: tuple[str, Any]) -> list[inspect.Parameter]:
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    return [inspect.Parameter("ctx", positional, annotation=typer.Context)] + [
        inspect.Parameter(name, positional, annotation=annotation) for name, annotation in names
    ]


def _one(row: Row) -> Callable[..., None]:
    """`palermo case <verb> STATE …` for a row of its own."""

    def command(ctx: typer.Context, **values: Any) -> None:
        _send(ctx.obj, row, values)

    state = ("state", Annotated[str, typer.Argument(help=STATE_HELP)])
    inputs = [parameter(item, row, [row]) for item in row.inputs]
    command.__doc__ = row.help
    return with_signature(command, [*_leading(state), *inputs, *_common(row.date_option)])


def _advance(rows: list[Row]) -> Callable[..., None]:
    """`palermo case advance STATE STEP …`: the steps, with every option of any of them."""

    def command(ctx: typer.Context, step: Step, **values: Any) -> None:
        context: Context = ctx.obj
        if step not in BY_STEP:
            fail("The request is recorded by `palermo case open`, with its instruments.")
        row = BY_STEP[step]
        others = {i.name: i for r in rows if r is not row for i in given_inputs(r, values)}
        strays = sorted(set(others) - {i.name for i in row.inputs})
        if strays:
            fail(f"{option_label(others[strays[0]])} is not an option of the {row.name} step.")
        _send(context, row, values)

    names: dict[str, inspect.Parameter] = {}
    for row in rows:
        for item in row.inputs:
            names.setdefault(item.name, parameter(item, row, rows))
    state = ("state", State)
    step = ("step", Annotated[Step, typer.Argument(help="The step to record.")])
    command.__doc__ = "Record a step; with no step options it completes with empty defaults."
    return with_signature(command, [*_leading(state, step), *names.values(), *_common("effective")])


# In the table's order: `open` first, then `advance` where its first step stands.
for verb in dict.fromkeys(row.verb for row in COMMANDS):
    rows = [row for row in COMMANDS if row.verb == verb]
    app.command(verb)(_advance(rows) if verb == "advance" else _one(rows[0]))


def _store(context: Context) -> Engagements:
    return context.run(lambda: Engagements(context.settings.store_env("Engagements")))


RoundOption = Annotated[
    int | None,
    typer.Option("--round", min=1, help="An earlier round, as it was left; default the current one."),
]


@app.command()
def show(ctx: typer.Context, state: State, as_json: AsJson = False, round_number: RoundOption = None) -> None:
    """Show a case (its current round, or `--round N`) as the event store holds it."""
    context: Context = ctx.obj
    store = _store(context)
    code = store.engaged_code(context.participant(state).code)
    case = store.case(code) if round_number is None else store.case_of_round(code, round_number)
    if case is None and round_number is not None and store.case(code) is not None:
        fail(f"{code} has no round {round_number} of its engagement.")
    if case is None:
        fail(f"{code} has no engagement.")
    elif as_json:
        typer.echo(case.model_dump_json(indent=2, exclude={"recorded_commands"}))
    else:
        render_case(context.console, case)


@app.command()
def history(ctx: typer.Context, state: State, as_json: AsJson = False) -> None:
    """List the stored events of a case, in order."""
    context: Context = ctx.obj
    code = _store(context).engaged_code(context.participant(state).code)
    entries = _store(context).history(code)
    if not entries:
        fail(f"{code} has no engagement.")
    if as_json:
        typer.echo(json.dumps([e.model_dump(mode="json") for e in entries], indent=2))
    else:
        render_history(context.console, code, entries)
