"""The `palermo` command: the embedded stack, the checklist, and engagements (`palermo case`)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli import audit as audit_cli
from cli import case as case_cli
from cli import experts as experts_cli
from cli import forecast as forecast_cli
from cli import funds as funds_cli
from cli import legislation as legislation_cli
from cli import mail as mail_cli
from cli import mandate as mandate_cli
from cli import meeting as outreach_cli
from cli import programme as programme_cli
from cli import report as report_cli
from cli import stack as stack_cli
from cli import treaty as treaty_cli
from cli import user as user_cli
from cli.console import UNNAMED_ACTORS, Context, default_actor, fail
from domain.checklist import CHECKLIST
from usecases.embedded import temporal_address_for
from usecases.settings import SettingsError, keep_private, load_settings

app = typer.Typer(
    help="Palermo: pre-ratification assistance cases under the Palermo Convention and Protocols.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(case_cli.app, name="case")
app.add_typer(treaty_cli.app, name="treaty")
app.add_typer(audit_cli.app, name="audit")
app.add_typer(user_cli.app, name="user")
app.add_typer(mail_cli.app, name="mail")
app.add_typer(outreach_cli.meeting, name="meeting")
app.add_typer(outreach_cli.cooperation, name="cooperation")
app.command("seed")(outreach_cli.seed)
app.add_typer(programme_cli.plan, name="plan")
app.add_typer(programme_cli.questionnaire, name="questionnaire")
app.add_typer(mandate_cli.mandate, name="mandate")
app.add_typer(mandate_cli.note, name="note")
report_cli.report.command("forecast")(forecast_cli.report_forecast)
app.add_typer(experts_cli.expert, name="expert")
app.add_typer(funds_cli.fund, name="fund")
app.add_typer(legislation_cli.legislation, name="legislation")
app.add_typer(report_cli.report, name="report")
app.add_typer(report_cli.projections, name="projections")
app.command()(stack_cli.up)
app.command()(stack_cli.down)
app.command()(stack_cli.status)


@app.callback()
def configure(
    ctx: typer.Context,
    actor: Annotated[
        str | None,
        typer.Option(help="Who is acting, recorded on every event (default: PALERMO_ACTOR or your login)."),
    ] = None,
) -> None:
    """Read the settings once; commands find the running embedded stack through PALERMO_HOME."""
    keep_private()
    try:
        settings = load_settings()
    except SettingsError as error:
        fail(str(error))
    settings = settings.model_copy(update={"temporal_address": temporal_address_for(settings)})
    named = actor is not None or settings.actor is not None
    ctx.obj = Context(settings=settings, acting=actor or default_actor(settings), actor_named=named)


@app.command()
def checklist() -> None:
    """List the checklist of ratification elements that gap items point at."""
    table = Table(title="Checklist of ratification elements")
    for column in ("id", "instrument", "article", "requirement"):
        table.add_column(column)
    for item in CHECKLIST:
        table.add_row(item.id, item.instrument.value if item.instrument else "—", item.article, item.title)
    Console().print(table)


def main() -> None:
    try:
        app()
        code: object = 0
    except SystemExit as done:
        code = done.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
    elif not code:
        for said in UNNAMED_ACTORS:
            print(said, file=sys.stderr)
    # The Temporal client's Rust threads may call into Python while the interpreter finalizes,
    # which aborts a command that has finished (temporalio/sdk-python#300): leave without teardown.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else int(code is not None))
