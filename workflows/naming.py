"""Command ids the workflow reads from what Temporal keeps: the sender's, the update's, a signal's content."""

from __future__ import annotations

import hashlib

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.commands import Command

# The longest command id a command carries (domain.values.ShortText); a longer update id is hashed.
LONGEST_COMMAND_ID = 200


def named(command: Command, command_id: str) -> Command:
    """`command` under the id its sender gave it, or else under `command_id`."""
    if command.command_id is not None:
        return command
    return command.model_copy(update={"command_id": command_id})


def update_id() -> str:
    """The id of the update being handled: the stock `temporal` client's name for its command.

    Temporal keeps it when a reset reapplies the update, so the command keeps its id too.
    """
    info = workflow.current_update_info()
    assert info is not None, "only update handlers and validators name a command by their update"
    if len(info.id) <= LONGEST_COMMAND_ID:
        return info.id
    return "update/" + hashlib.sha256(info.id.encode()).hexdigest()


def start_id(command: Command) -> str:
    """The id of the request a workflow was started with: what it asks, so the same start is a retry."""
    return f"start/{command.digest()}"


class SignalNames:
    """The ids of signals sent without one, from what Temporal keeps across resets and retries.

    A signal's id is its name and content, and how many signals with the same had come before: a reset
    reapplies the signals after its point in their order, so each gets the id it had the first time.
    The counts go on from run to run (EngagementInput.signals_seen).
    """

    def __init__(self, seen: dict[str, int]) -> None:
        self.seen = dict(seen)

    def next(self, name: str, data: bytes) -> str:
        content = hashlib.sha256(name.encode() + b"\0" + data).hexdigest()[:32]
        count = self.seen.get(content, 0)
        self.seen[content] = count + 1
        return f"signal/{content}/{count}"
