"""`palermo user …`: add users of the web app and API, issue their tokens, assign officers' scopes, and say
where and how they are told of overdue steps."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from activities.users import UserRecord, Users
from cli.console import Context
from domain.contact import MailPreference
from domain.user import Role
from domain.values import Door

app = typer.Typer(help="Users of the web app and API: roles, scopes, tokens.", no_args_is_help=True)

States = Annotated[
    list[str] | None, typer.Option("--state", help="officer: a State to act on, ISO3 or name (repeat).")
]
Regions = Annotated[
    list[str] | None,
    typer.Option("--region", help="officer: an M49 region (Africa, Americas, Asia, Europe, Oceania)."),
]
Name = Annotated[str, typer.Argument(help="The user's name, e.g. a.quispe.")]


def _users(context: Context) -> Users:
    return context.run(lambda: Users(context.settings.store_env("Users")))


def _show_token(context: Context, name: str, token: str) -> None:
    context.console.print(f"Token for {name} (shown once; only its hash is stored):", highlight=False)
    typer.echo(token)


def _scope_text(record: UserRecord) -> str:
    return ", ".join((*record.scope.states, *record.scope.regions)) or "everything (read)"


@app.command()
def add(
    ctx: typer.Context,
    name: Name,
    role: Annotated[Role, typer.Option(help="officer, manager or auditor.")],
    state: States = None,
    region: Regions = None,
) -> None:
    """Add a user and print their token once."""
    context: Context = ctx.obj
    users = _users(context)
    scope = context.run(lambda: users.scope(state or (), region or ()))
    record, token = context.run(lambda: users.add(name, role, scope, actor=context.actor, door=Door.CLI))
    context.console.print(f"Added {record.role.value} {record.name}: {_scope_text(record)}.", highlight=False)
    _show_token(context, record.name, token)


@app.command()
def token(ctx: typer.Context, name: Name) -> None:
    """Issue a new token for a user (their earlier token stops working) and print it once."""
    context: Context = ctx.obj
    users = _users(context)
    secret = context.run(lambda: users.issue_token(name, actor=context.actor, door=Door.CLI))
    _show_token(context, name, secret)


@app.command()
def revoke(ctx: typer.Context, name: Name) -> None:
    """Revoke a user's token: they can no longer sign in until issued a new one."""
    context: Context = ctx.obj
    users = _users(context)
    count = context.run(lambda: users.revoke(name, actor=context.actor, door=Door.CLI))
    context.console.print(f"Revoked {count} token{'s' if count != 1 else ''} of {name}.", highlight=False)


@app.command()
def assign(
    ctx: typer.Context,
    name: Name,
    state: States = None,
    region: Regions = None,
    role: Annotated[Role | None, typer.Option(help="A new role as well.")] = None,
) -> None:
    """Reassign a user: the States and regions given replace the earlier ones."""
    context: Context = ctx.obj
    users = _users(context)
    scope = context.run(lambda: users.scope(state or (), region or ()))
    record = context.run(lambda: users.assign(name, scope, role=role, actor=context.actor, door=Door.CLI))
    said = f"{record.name} is {record.role.with_article}: {_scope_text(record)}."
    context.console.print(said, highlight=False)


def _mail_text(record: UserRecord) -> str:
    return f"{record.email} ({record.mail.value})" if record.email else "no address"


@app.command()
def contact(
    ctx: typer.Context,
    name: Name,
    email: Annotated[str | None, typer.Option(help="Their e-mail address (an empty one removes it).")] = None,
    mail: Annotated[
        MailPreference | None,
        typer.Option(help="each reminder and escalation, a daily digest, or none."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Set where a user is told of overdue steps, and how; what is not given stays as it was."""
    context: Context = ctx.obj
    users = _users(context)
    record = context.run(
        lambda: users.change_contact(name, email=email, mail=mail, actor=context.actor, door=Door.CLI)
    )
    if as_json:
        typer.echo(record.model_dump_json(indent=2))
        return
    context.console.print(f"{record.name} is told by mail: {_mail_text(record)}.", highlight=False)


@app.command("list")
def list_users(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """List the users with their roles, scopes and token ids (never the secrets)."""
    context: Context = ctx.obj
    records = context.run(lambda: _users(context).users())
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in records], indent=2))
        return
    table = Table(title=f"Users: {len(records)}")
    for column in ("name", "role", "acts on", "token", "mail", "changed"):
        table.add_column(column)
    for r in records:
        changed = r.changed_at.strftime("%Y-%m-%d %H:%M")
        token_ids = ", ".join(r.token_ids) or "revoked"
        table.add_row(r.name, r.role.value, _scope_text(r), token_ids, _mail_text(r), changed)
    context.console.print(table)
