"""Doors: which way a command came in, proved by a keyed hash only the deployment's own front doors can make.

Anyone who reaches the Temporal frontend can send the workflow a command naming any actor and any door. The
web app, the API and the command line seal the door they are, the command's id and what it asks with a key
derived from the audit key; the store records a door only when its seal holds, and `temporal` otherwise.
"""

from __future__ import annotations

import hashlib
import hmac

from domain.commands import Command, Escalate, SendReminder
from domain.values import Door

# Doors a sender proves with a seal; the others are never claimed (`engine`) or need no proof (`temporal`).
SEALED = frozenset({Door.WEB, Door.API, Door.CLI})
_PURPOSE = b"palermo/door-seal/v1"


def _door_key(audit_key: bytes) -> bytes:
    """A key of its own for seals, so that a seal never doubles as an audit-chain hash."""
    return hmac.new(audit_key, _PURPOSE, hashlib.sha256).digest()


def seal(audit_key: bytes, door: Door, command: Command) -> str:
    """The seal of `command` sent through `door`: over the door, the command's id and all it asks."""
    message = f"{door.value}\n{command.command_id}\n{command.digest()}".encode()
    return hmac.new(_door_key(audit_key), message, hashlib.sha256).hexdigest()


def sealed(command: Command, door: Door, audit_key: bytes) -> Command:
    """`command` as `door` sends it: claiming the door, with the seal that proves the claim."""
    if door not in SEALED:
        raise ValueError(f"The door '{door.value}' is not one a sender seals.")
    claimed = command.model_copy(update={"door": door, "door_seal": None})
    return claimed.model_copy(update={"door_seal": seal(audit_key, door, claimed)})


# The engagement's own commands: no handler of the workflow takes them from outside.
BY_ENGINE = (SendReminder, Escalate)


def door_through(command: Command, audit_key: bytes | None) -> Door:
    """The door `command` came through: the one it claims if its seal holds, else Temporal."""
    if isinstance(command, BY_ENGINE):
        return Door.ENGINE
    door, given = command.door, command.door_seal
    if door is None or door not in SEALED or given is None or audit_key is None:
        return Door.TEMPORAL
    expected = seal(audit_key, door, command)
    return door if hmac.compare_digest(expected, given) else Door.TEMPORAL


def admitted(command: Command, audit_key: bytes | None) -> Command:
    """`command` naming the door it came through, as the store records it: verified, seal spent."""
    return command.model_copy(update={"door": door_through(command, audit_key), "door_seal": None})
