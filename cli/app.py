"""The `palermo` command: the embedded stack, the checklist, and engagements (`palermo case`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from deploy import audit_cli, case_cli, outreach_cli, report_cli, stack, treaty_cli, user_cli
from deploy.console import Context, default_actor, fail
from deploy.demo import run_demo
from deploy.seed import import_collection, run_seed
from deploy.settings import SettingsError, load_settings
from domain.checklist import CHECKLIST

app = typer.Typer(
    help="Palermo: pre-ratification assistance cases under the Palermo Convention and Protocols.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(case_cli.app, name="case")
app.add_typer(treaty_cli.app, name="treaty")
app.add_typer(audit_cli.app, name="audit")
app.add_typer(user_cli.app, name="user")
app.add_typer(outreach_cli.meeting, name="meeting")
app.add_typer(outreach_cli.cooperation, name="cooperation")
app.command("seed")(outreach_cli.seed)
app.add_typer(report_cli.report, name="report")
app.add_typer(report_cli.projections, name="projections")


@app.callback()
def configure(
    ctx: typer.Context,
    actor: Annotated[
        str | None,
        typer.Option(help="Who is acting, recorded on every event (default: PALERMO_ACTOR or your login)."),
    ] = None,
) -> None:
    """Read the settings once; commands find the running embedded stack through PALERMO_HOME."""
    try:
        settings = load_settings()
    except SettingsError as error:
        fail(str(error))
    settings = settings.model_copy(update={"temporal_address": stack.temporal_address_for(settings)})
    ctx.obj = Context(settings=settings, actor=actor or default_actor(settings))


@app.command()
def up(
    ctx: typer.Context,
    demo: Annotated[bool, typer.Option(help="Load the demo engagements once the stack is ready.")] = False,
    detach: Annotated[bool, typer.Option(help="Return once ready; stop later with `palermo down`.")] = False,
    untc: Annotated[
        Path | None,
        typer.Option(help="With --demo: also import the Treaty Collection's status tables from this folder."),
    ] = None,
) -> None:
    """Start the embedded stack: Temporal (with its UI), the worker, the projector and the web app."""
    from deploy.web.config import announce  # noqa: PLC0415 - only `up` needs the web server's modules
    from deploy.web.demo import add_demo_users  # noqa: PLC0415

    context: Context = ctx.obj

    def after_ready(address: str) -> None:
        if demo:
            settings = context.settings.model_copy(update={"temporal_address": address})
            run_seed(settings, context.console)
            if untc is not None:
                import_collection(settings, untc, context.console)
            run_demo(settings, context.console)
            add_demo_users(settings, context.console)
        announce(context.settings, context.console)

    projector = ("projector", [sys.executable, "-m", "deploy.projector"])
    # The web server takes PALERMO_WEB_PORT (default 8000), or a free port, and writes HOME/web.json.
    web = ("web", [sys.executable, "-m", "deploy.web"])
    code = stack.up(
        context.settings,
        detach=detach,
        console=context.console,
        after_ready=after_ready,
        extra_processes=[projector, web],
    )
    raise typer.Exit(code)


@app.command()
def down(ctx: typer.Context) -> None:
    """Stop the embedded stack under PALERMO_HOME."""
    context: Context = ctx.obj
    raise typer.Exit(stack.down(context.settings, context.console))


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
    # The Temporal client's Rust threads may call into Python while the interpreter finalizes,
    # which aborts a command that has finished (temporalio/sdk-python#300): leave without teardown.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else int(code is not None))
