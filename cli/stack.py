"""`palermo up` and `palermo down`: the embedded stack, supervised by the composition root (deploy.stack)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.console import Context
from deploy import stack
from usecases.demo import run_demo
from usecases.demo_users import add_demo_users
from usecases.embedded import UI_PATH, WebAddress, running_address
from usecases.seed import import_collection, import_shipped, run_seed
from usecases.settings import Settings
from usecases.status import status as stack_status

ANNOUNCE_TIMEOUT_S = 30.0


def up(
    ctx: typer.Context,
    demo: Annotated[bool, typer.Option(help="Load the demo engagements once the stack is ready.")] = False,
    detach: Annotated[bool, typer.Option(help="Return once ready; stop later with `palermo down`.")] = False,
    untc: Annotated[
        Path | None,
        typer.Option(
            help="With --demo: import the Treaty Collection's status tables from this folder instead of the "
            "tables shipped with Palermo (2014).",
        ),
    ] = None,
) -> None:
    """Start the embedded stack: Temporal (with its UI), the worker, the projector and the web app."""
    context: Context = ctx.obj

    def after_ready(address: str) -> None:
        if demo:
            settings = context.settings.model_copy(update={"temporal_address": address})
            run_seed(settings, context.console)
            # The Collection's tables shipped with Palermo, or newer ones from a folder.
            if untc is not None:
                import_collection(settings, untc, context.console)
            else:
                import_shipped(settings, context.console)
            run_demo(settings, context.console)
            add_demo_users(settings, context.console)
        announce(context.settings, context.console)

    code = stack.up(
        context.settings,
        detach=detach,
        console=context.console,
        after_ready=after_ready,
        extra_processes=stack.applications(),
    )
    raise typer.Exit(code)


def down(ctx: typer.Context) -> None:
    """Stop the embedded stack under PALERMO_HOME."""
    context: Context = ctx.obj
    raise typer.Exit(stack.down(context.settings, context.console))


def announce(settings: Settings, console: Console, timeout: float = ANNOUNCE_TIMEOUT_S) -> WebAddress | None:
    """Print where the web app is, once its server listens (for `palermo up`)."""
    deadline = time.monotonic() + timeout
    while (found := running_address(settings.home_dir)) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    if found is None:
        console.print(f"The web app did not start; see {settings.home_dir / 'logs' / 'web.log'}.")
        return None
    # Each line fits 80 columns: a terminal of that width shows the banner unwrapped.
    console.print(f"  Web app           {found.url}", highlight=False)
    console.print(f"  Temporal UI       {found.url}{UI_PATH}/ (read-only)", highlight=False)
    console.print("  Sign in with a token; `palermo user token NAME` issues one.", highlight=False)
    return found


def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """Show the embedded stack's processes, whether each runs and its last error, and the read model's lag."""
    context: Context = ctx.obj
    found = context.run(lambda: stack_status(context.settings))
    if as_json:
        typer.echo(found.model_dump_json(indent=2))
        return
    processes = Table(title="Processes" if found.stack else "Processes (the stack is not running)")
    for column in ("process", "pid", "running", "last error"):
        processes.add_column(column)
    for process in found.processes:
        running = "yes" if process.running else "NO"
        processes.add_row(process.name, str(process.pid), running, process.last_error or "—")
    logs = Table(title="Read model")
    for column in ("log", "read up to", "log ends at", "lag"):
        logs.add_column(column)
    for log in found.read_model:
        logs.add_row(log.log, str(log.read), str(log.end), str(log.lag))
    context.console.print(processes)
    context.console.print(logs)
