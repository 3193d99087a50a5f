"""Commands refused, noted for the incidents page whatever door they came through: the web app's forms, its
API, the command line. The use cases that send a command note what refuses it; nothing else writes here."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from activities.refused_commands import KEPT, RefusalsUnavailable, RefusedCommand, RefusedCommands
from activities.refused_commands_postgres import PostgresRefusedCommands
from activities.refused_commands_sqlite import SqliteRefusedCommands
from domain.commands import Command
from domain.errors import DomainError
from domain.values import Door
from usecases.settings import Settings, SettingsError
from workflows.client import CommandRefused

logger = logging.getLogger("palermo.refusals")


def open_refused_commands(settings: Settings, kept: int = KEPT) -> RefusedCommands:
    """The refused commands of the deployment, the latest `kept`: PALERMO_HOME/refusals.sqlite, or the
    `incidents` schema of the PostgreSQL database."""
    if settings.store == "sqlite":
        return SqliteRefusedCommands(settings.make_home() / "refusals.sqlite", kept)
    if settings.database_url is None:
        raise SettingsError("PALERMO_DATABASE_URL is required when PALERMO_STORE=postgres")
    return PostgresRefusedCommands(settings.database_url, kept)


def note(settings: Settings, refused: RefusedCommand) -> None:
    try:
        open_refused_commands(settings).note(refused)
    except RefusalsUnavailable as error:
        # The sender is told the refusal all the same; only the incidents page goes without it.
        logger.warning("The refused %s of %s was not noted: %s", refused.kind, refused.state, error)


def refused_command(command: Command, door: Door, error: CommandRefused | DomainError) -> RefusedCommand:
    rule = error.kind if isinstance(error, CommandRefused) else type(error).__name__
    return RefusedCommand(
        at=datetime.now(UTC),
        state=command.state,
        kind=command.kind,
        door=door,
        actor=command.actor,
        reason=str(error),
        rule=rule,
        command_id=command.command_id,
    )


@asynccontextmanager
async def noting_refusal(settings: Settings, command: Command, door: Door) -> AsyncIterator[None]:
    """Note a refusal of `command` raised within, as sent through `door`, and let it go on to the sender."""
    try:
        yield
    except (CommandRefused, DomainError) as error:
        await asyncio.to_thread(note, settings, refused_command(command, door, error))
        raise
