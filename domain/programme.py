"""What the records of the Centre's programme share (plans, questionnaires): commands naming who acts, when it
happened in the world and on what evidence, whose fields make the command line's options, the API's bodies and
the web forms (usecases.programme holds their table)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from domain.values import Door, ShortText, Value

# What the front doors fill for every programme command, besides what it asks.
ENVELOPE = frozenset({"actor", "effective_date", "source", "door"})


class ProgrammeCommand(Value):
    """Fields every programme command carries: who acts, when it happened, on what evidence, which door."""

    actor: ShortText = "officer"
    effective_date: date
    source: ShortText | None = None
    door: Door | None = None

    def concerns(self) -> tuple[str, ...]:
        """The States the command concerns: an officer records it only for States of their own."""
        return ()


def many(option: str, description: str) -> Any:
    """A field of several values, given one at a time (`--state AUT --state DEU`) as `option`."""
    return Field(default=(), description=description, json_schema_extra={"option": option})


def note(description: str) -> Any:
    """A field of free text that keeps its line breaks (a text area in a form)."""
    return Field(default=None, description=description, json_schema_extra={"lines": True})


def provenance(command: ProgrammeCommand) -> dict[str, Any]:
    """The event fields that say who recorded a fact, through which door, when it happened and from what."""
    return {
        "actor": command.actor,
        "door": command.door,
        "effective_date": command.effective_date,
        "source": command.source,
    }
