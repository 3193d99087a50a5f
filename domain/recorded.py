"""Commands recorded once: what tells a retry from a new command, and from an id given to two commands."""

from __future__ import annotations

from collections.abc import Mapping

from domain.commands import Command
from domain.errors import CommandIdReused

# The digest of a command recorded before digests were kept: its id alone identifies it.
UNKNOWN_DIGEST = ""


def already_recorded(recorded: Mapping[str, str], command: Command) -> bool:
    """True when this very command (its id and what it asks) was recorded before.

    `recorded` maps the ids of the commands recorded so far to their digests. An id recorded for a
    different command is refused, never taken as done: the sender reused an id it should not have.
    """
    if command.command_id is None or command.command_id not in recorded:
        return False
    digest = recorded[command.command_id]
    if digest not in (UNKNOWN_DIGEST, command.digest()):
        raise CommandIdReused(
            f"The command id '{command.command_id}' was given before to a different command of "
            f"{command.state}; a new command needs a new id."
        )
    return True
