"""`palermo treaty …`: import UN Treaty Collection status tables and show a participant's treaty actions."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from activities.treaties import ImportSummary, RecordedAction, Treaties
from activities.untc import TableRefused
from activities.untc_stream import read_table
from cli.console import Context, errors, fail
from domain.reservations import RecordedStatement
from domain.treaty import ActionKind
from domain.values import Door, Instrument

T = TypeVar("T")
# Tables longer than this show a progress bar while their rows are compared with the store.
LONG_TABLE = 50

app = typer.Typer(
    help="Import treaty status tables; show a participant's treaty actions.", no_args_is_help=True
)

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _refuse(file: Path, refusal: TableRefused) -> NoReturn:
    """One sentence per bad row on stderr, then the verdict; exit 1."""
    for problem in refusal.problems:
        errors.print(f"[red]Error:[/] {escape(problem)}.", highlight=False, soft_wrap=True)
    fail(escape(f"{file.name} was refused; nothing was recorded."))


def _accepted(file: Path, action: Callable[[], T]) -> T:
    try:
        return action()
    except TableRefused as refusal:
        _refuse(file, refusal)


def _store(context: Context) -> Treaties:
    return context.run(lambda: Treaties(context.settings.store_env("Treaties")))


@app.command("import")
def import_table(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="A status table (CSV) as the UN Treaty Collection publishes it.")
    ],
    instrument: Annotated[Instrument, typer.Option(help="The instrument the table is the status of.")],
    source: Annotated[
        str | None,
        typer.Option(help="Where the table comes from; default: the Collection and the file's name."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Record the table's signatures and consents: new ones recorded, changed ones corrected, all or none."""
    context: Context = ctx.obj
    limit = context.settings.treaty_max_bytes
    rows = _accepted(file, lambda: read_table(file, context.participants, max_bytes=limit))
    store = _store(context)
    reference = source or f"UN Treaty Collection status table {file.name}"

    def run(progress: Callable[[], None] | None) -> ImportSummary:
        # A refusal found against the store (a date out of time) is told row by row like one found reading:
        # `_accepted` inside, before `context.run` turns every domain error into a single line.
        return context.run(
            lambda: _accepted(
                file,
                lambda: store.import_table(
                    rows, instrument, actor=context.actor, source=reference, door=Door.CLI, progress=progress
                ),
            )
        )

    # A bar only where someone watches: piped output and scripts get the summary alone.
    if len(rows) > LONG_TABLE and context.console.is_terminal:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=context.console, transient=True) as bar:
            task = bar.add_task(f"Comparing {file.name}", total=len(rows))
            summary = run(lambda: bar.advance(task))
    else:
        summary = run(None)
    if as_json:
        typer.echo(summary.model_dump_json(indent=2))
        return
    context.console.print(
        f"[bold]{instrument.value}[/]: [cyan]{summary.recorded}[/] recorded, [cyan]{summary.corrected}[/] "
        f"corrected, [cyan]{summary.unchanged}[/] unchanged ({summary.rows} rows of {escape(file.name)})"
        + (f"; [cyan]{summary.statements}[/] statements recorded." if summary.statements else "."),
        soft_wrap=True,
        highlight=False,
    )


def _describe(action: RecordedAction | None) -> str:
    if action is None:
        return "—"
    kind = "" if action.kind is ActionKind.SIGNATURE else f"{action.kind.value} "
    corrected = " (corrected)" if action.version > 1 else ""
    return f"{kind}{action.effective_date.isoformat()}{corrected}"


Participant = Annotated[str, typer.Argument(help="ISO 3166 alpha-3 code of the State, or EUU.")]


def _code(context: Context, participant: str) -> str:
    return context.run(lambda: context.participants.get(participant)).code


@app.command()
def show(ctx: typer.Context, participant: Participant, as_json: AsJson = False) -> None:
    """List a participant's signature and consent for each instrument, as the store holds them."""
    context: Context = ctx.obj
    code = _code(context, participant)
    actions = context.run(lambda: _store(context).actions_of(code, context.today()))
    if as_json:
        typer.echo(json.dumps([a.model_dump(mode="json") for a in actions], indent=2))
        return
    if not actions:
        context.console.print(f"{code} has no treaty actions recorded.")
        return
    table = Table(title=f"{actions[0].participant_name} ({code})")
    for column in ("instrument", "signature", "consent to be bound", "in force for it from"):
        table.add_column(column)
    for instrument in Instrument:
        mine = [a for a in actions if a.instrument is instrument]
        if not mine:
            continue
        signature = next((a for a in mine if a.kind is ActionKind.SIGNATURE), None)
        consent = next((a for a in mine if a.kind.makes_party), None)
        in_force = consent.entry_into_force if consent else None
        table.add_row(
            instrument.value,
            _describe(signature),
            _describe(consent),
            in_force.isoformat() if in_force else "—",
        )
    context.console.print(table)
    _print_statements(context, context.run(lambda: _store(context).statements_of(code)))


def _print_statements(context: Context, said: list[RecordedStatement]) -> None:
    if not said:
        return
    table = Table(title="Reservations, declarations and objections")
    for column in ("instrument", "article", "kind", "dated", "text"):
        table.add_column(column)
    for s in said:
        table.add_row(
            s.instrument.value, s.article or "—", s.kind.value, s.effective_date.isoformat(), s.text
        )
    context.console.print(table)


@app.command()
def statements(ctx: typer.Context, participant: Participant, as_json: AsJson = False) -> None:
    """List a participant's reservations, declarations and objections, with the article each concerns."""
    context: Context = ctx.obj
    code = _code(context, participant)
    said = context.run(lambda: _store(context).statements_of(code))
    if as_json:
        typer.echo(json.dumps([s.model_dump(mode="json") for s in said], indent=2))
    elif not said:
        context.console.print(f"{code} has no reservations, declarations or objections recorded.")
    else:
        _print_statements(context, said)
