"""`palermo audit replay`: cases and figures rebuilt from the raw events; what the live side disagrees on."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from audit.log_replay import UnreadableLog
from audit.replay import ReplayResult
from cli.console import Context, fail, progress_bar
from usecases.audits import events_to_read, replay
from usecases.inputs import parse_date


def render(console: Console, result: ReplayResult) -> None:
    if result.differences:
        table = Table(title="Differences between the live side and the replay")
        for column in ("what", "live", "replayed"):
            table.add_column(column, overflow="fold")
        for difference in result.differences:
            table.add_row(difference.what, difference.live, difference.replayed)
        console.print(table)
    if result.state is not None:
        stages = Table(title=f"As of {result.as_of}, as replayed")
        for column in ("State", "stage on that date", "status now", "steps done", "events"):
            stages.add_column(column)
        for case in result.cases:
            on_date = (case.stage_on_date or "no request yet").replace("_", " ")
            done = ", ".join(case.completed_steps).replace("_", " ") or "—"
            stages.add_row(f"{case.state_name} ({case.state})", on_date, case.status, done, str(case.events))
        console.print(stages)
    scope = f"the engagement of {result.state}" if result.state else f"{result.engagements} engagements"
    found = f"{len(result.differences)} differences" if result.differences else "no differences"
    console.print(
        f"Replayed {result.events} events ({scope}) as of {result.as_of}: {found}.", highlight=False
    )


def replay_command(
    ctx: typer.Context,
    state: Annotated[
        str | None, typer.Argument(metavar="ISO3", help="Only this State's engagement; default every one.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Effective date of the stages and figures compared (YYYY-MM-DD); default today."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Rebuild the cases and the report's figures from the raw events; list what the live side disagrees on.

    Any difference makes the command exit with 1.
    """
    context: Context = ctx.obj
    day = context.run(lambda: parse_date(as_of, "--as-of", context.today()))
    total = context.run(lambda: events_to_read(context.settings, state))
    with progress_bar(context.console, total, "Replaying") as advance:
        try:
            result = context.run(
                lambda: replay(
                    context.settings,
                    as_of=day,
                    state=state,
                    participants=context.participants,
                    progress=advance,
                )
            )
        except UnreadableLog as error:
            fail(f"{error}.")
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        render(context.console, result)
    if result.differences:
        raise typer.Exit(1)
