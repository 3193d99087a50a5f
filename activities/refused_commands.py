"""Commands refused, kept for the incidents page: when, for which State, what was asked, through which door,
by whom, and the sentence that refused it. Not events (nothing happened), so not in the audited log: a
bounded list, the newest kept. One adapter per database (`refused_commands_sqlite`,
`refused_commands_postgres`) shares the logic here."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from domain.values import Door

# How many refusals are kept; each new one past this drops the oldest.
KEPT = 1_000
# The statements: {p} a parameter, {table} the table, as each adapter writes them.
STATEMENTS = {
    "note": "INSERT INTO {table} (at, state, kind, door, actor, reason, rule, command_id) "
    "VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})",
    # Everything older than the newest {p}: exact whatever gaps the ids have (a sequence skips on rollback).
    "trim": "DELETE FROM {table} WHERE id < "
    "(SELECT min(id) FROM (SELECT id FROM {table} ORDER BY id DESC LIMIT {p}) AS newest)",
    "latest": "SELECT at, state, kind, door, actor, reason, rule, command_id FROM {table} "
    "ORDER BY id DESC LIMIT {p}",
    "count": "SELECT count(*) FROM {table}",
}


class RefusedCommand(BaseModel):
    """One command refused: by the workflow, or before it was sent (no case, a case ended, a document not
    stored); `rule` names the rule that refused it when known (e.g. StepOutOfOrder)."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    state: str
    kind: str
    door: Door
    actor: str
    reason: str
    rule: str | None = None
    command_id: str | None = None


class RefusalsUnavailable(Exception):
    """The store of refused commands could not be written or read."""


class RefusedCommands(Protocol):
    """The latest refused commands, newest first, at most `kept` of them."""

    def note(self, refused: RefusedCommand) -> None: ...

    def latest(self, limit: int) -> list[RefusedCommand]: ...

    def count(self) -> int: ...


class Cursor(Protocol):
    def execute(self, query: Any, params: Any = ..., /) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


def _moment(at: datetime) -> str:
    """A time as stored: UTC, fixed width, so that text compares as time does."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


class SqlRefusedCommands(ABC):
    """What both adapters do; they give the statements and a connection per call (refusals are rare, and a
    connection held by a web server for them would only go stale)."""

    _statements: dict[str, Any]
    kept: int

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[Cursor]:
        """A transaction on a new connection; RefusalsUnavailable if the database cannot be reached."""

    def note(self, refused: RefusedCommand) -> None:
        fields = (refused.state, refused.kind, refused.door.value, refused.actor, refused.reason)
        with self._transaction() as cursor:
            cursor.execute(
                self._statements["note"],
                (_moment(refused.at), *fields, refused.rule, refused.command_id),
            )
            cursor.execute(self._statements["trim"], (self.kept,))

    def latest(self, limit: int) -> list[RefusedCommand]:
        with self._transaction() as cursor:
            cursor.execute(self._statements["latest"], (limit,))
            return [_refused(row) for row in cursor.fetchall()]

    def count(self) -> int:
        with self._transaction() as cursor:
            cursor.execute(self._statements["count"])
            return int(cursor.fetchone()[0])


def _refused(row: Sequence[Any]) -> RefusedCommand:
    at, state, kind, door, actor, reason, rule, command_id = row
    return RefusedCommand(
        at=datetime.fromisoformat(at).replace(tzinfo=UTC),
        state=state,
        kind=kind,
        door=Door(door),
        actor=actor,
        reason=reason,
        rule=rule,
        command_id=command_id,
    )
