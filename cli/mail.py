"""`palermo mail …`: the mail of reminders and escalations sent now, from cron say, rather than waiting for
the projector's notifier."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

import typer

from activities.outbox import Posted
from cli.console import Context
from usecases.notifier import Notifier, open_notifier

app = typer.Typer(help="Mail of reminders and escalations.", no_args_is_help=True)
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _posting(context: Context, action: Callable[[Notifier], list[Posted]]) -> list[Posted]:
    notifier = context.run(lambda: open_notifier(context.settings))
    try:
        return context.run(lambda: action(notifier))
    finally:
        notifier.close()


def _show(context: Context, posted: list[Posted], as_json: bool, nothing: str) -> None:
    if as_json:
        typer.echo(json.dumps({"mail": [p.model_dump(mode="json") for p in posted]}, indent=2))
        return
    if not posted:
        context.console.print(nothing, highlight=False)
    for mail in posted:
        what = (
            f"{mail.letters} notice{'s' if mail.letters != 1 else ''} to {mail.recipient} at {mail.address}"
        )
        said = f"refused by the mail server ({mail.refused})" if mail.refused else "sent"
        context.console.print(f"Mail of {what}: {said}.", highlight=False)


@app.command()
def digest(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Send each user who chose a digest the reminders and escalations since their last one, now."""
    context: Context = ctx.obj
    posted = _posting(context, lambda notifier: notifier.digest_now())
    _show(context, posted, as_json, "No digest was due: nobody who chose one has notices waiting.")


@app.command()
def send(ctx: typer.Context, as_json: AsJson = False) -> None:
    """One pass of the notifier: read the new reminders and escalations, send each one, and the day's
    digests once their hour has come."""
    context: Context = ctx.obj
    posted = _posting(context, lambda notifier: notifier.one_pass())
    _show(context, posted, as_json, "No mail was due.")
