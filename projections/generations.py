"""Generations of the read model: where the current one lives, how it is caught up, rebuilt into a fresh one,
compared and switched. The logs come from whoever calls (usecases.read_models wires the deployment's)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import psycopg
from psycopg import sql as pg
from pydantic import BaseModel, ConfigDict

from projections.postgres_store import PostgresFactStore
from projections.runner import NotificationSource, catch_up
from projections.sqlite_store import SqliteFactStore
from projections.store import FactStore, FreshStore, TrackingConflict

POINTER = "read-model.json"
DEFAULT_GENERATION = "figures"


class RebuildResult(BaseModel):
    """What a rebuild found: the positions compared, the differences, and whether it switched."""

    model_config = ConfigDict(frozen=True)

    generation: str
    positions: dict[str, int]
    rows: int
    differences: list[str]
    switched: bool


@dataclass(frozen=True)
class Location:
    """Where the generations live: SQLite files in a folder, or schemas of a PostgreSQL database."""

    kind: Literal["sqlite", "postgres"]
    folder: Path
    conninfo: str = ""


def _pointer_table(db: psycopg.Connection[tuple[object, ...]]) -> None:
    db.execute(
        "CREATE TABLE IF NOT EXISTS palermo_read_model (name TEXT PRIMARY KEY, generation TEXT NOT NULL)"
    )


def _pointed_to(db: psycopg.Connection[tuple[object, ...]]) -> str:
    row = db.execute("SELECT generation FROM palermo_read_model WHERE name = 'figures'").fetchone()
    return str(row[0]) if row else DEFAULT_GENERATION


def current_generation(location: Location) -> str:
    if location.kind == "sqlite":
        pointer = location.folder / POINTER
        return str(json.loads(pointer.read_text())["generation"]) if pointer.exists() else DEFAULT_GENERATION
    with psycopg.connect(location.conninfo, autocommit=True) as db:
        _pointer_table(db)
        return _pointed_to(db)


class Pointer:
    """Which generation is current, for a reader that asks before every read: the file read again (SQLite),
    or the pointer's row over one connection kept for the question (PostgreSQL), not one opened each time."""

    def __init__(self, location: Location) -> None:
        self.location = location
        self._db: psycopg.Connection[tuple[object, ...]] | None = None

    def current(self) -> str:
        if self.location.kind == "sqlite":
            return current_generation(self.location)
        try:
            if self._db is None:
                self._db = psycopg.connect(self.location.conninfo, autocommit=True)
                _pointer_table(self._db)
            return _pointed_to(self._db)
        except psycopg.Error:
            # A connection lost (the server restarted): the next question opens another.
            self.close()
            raise

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class OneRead:
    """The generation pointed to and each log's end, read by one PostgreSQL statement over one connection
    kept for the question: one round trip before every read instead of one per log and one for the pointer.
    Never staler than reading them one by one: the statement's snapshot is taken after the call begins."""

    def __init__(self, location: Location, ends: Sequence[tuple[str, pg.Composable]]) -> None:
        self.location = location
        self.names = [name for name, _ in ends]
        self.query = pg.SQL(
            "SELECT (SELECT generation FROM palermo_read_model WHERE name = 'figures'), {}"
        ).format(pg.SQL(", ").join(pg.SQL("({})").format(statement) for _, statement in ends))
        self._db: psycopg.Connection[tuple[object, ...]] | None = None

    def __call__(self) -> tuple[str, dict[str, int]]:
        try:
            if self._db is None:
                self._db = psycopg.connect(self.location.conninfo, autocommit=True)
                _pointer_table(self._db)
            row = self._db.execute(self.query).fetchone()
        except psycopg.Error:
            # A connection lost (the server restarted): the next question opens another.
            self.close()
            raise
        assert row is not None
        generation, *ends = row
        return (
            str(generation) if generation is not None else DEFAULT_GENERATION,
            {
                name: int(str(end)) if end is not None else 0
                for name, end in zip(self.names, ends, strict=True)
            },
        )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def open_store(location: Location, generation: str | None = None) -> FactStore:
    name = generation or current_generation(location)
    if location.kind == "sqlite":
        return SqliteFactStore(location.folder / f"{name}.sqlite")
    return PostgresFactStore(location.conninfo, schema=name)


def open_fresh(location: Location, generation: str) -> FreshStore:
    """A new generation for a rebuild to fill from nothing; `complete` it before it is switched to."""
    if location.kind == "sqlite":
        return SqliteFactStore.fresh(location.folder / f"{generation}.sqlite")
    return PostgresFactStore.fresh(location.conninfo, schema=generation)


def switch(location: Location, generation: str) -> None:
    """Make `generation` the read model every reader opens from now on."""
    if location.kind == "sqlite":
        pointer = location.folder / POINTER
        temporary = pointer.with_suffix(".tmp")
        temporary.write_text(json.dumps({"generation": generation}))
        temporary.replace(pointer)
        return
    with psycopg.connect(location.conninfo, autocommit=True) as db:
        _pointer_table(db)
        db.execute(
            "INSERT INTO palermo_read_model (name, generation) VALUES ('figures', %s) "
            "ON CONFLICT (name) DO UPDATE SET generation = excluded.generation",
            (generation,),
        )


def drop(location: Location, generation: str) -> None:
    if location.kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{location.folder / generation}.sqlite{suffix}").unlink(missing_ok=True)
        return
    with psycopg.connect(location.conninfo, autocommit=True) as db:
        db.execute(pg.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(pg.Identifier(generation)))


def refresh(
    store: FactStore, logs: Sequence[NotificationSource], progress: Callable[[int], None] | None = None
) -> int:
    """Catch the read model up with every log; a concurrent projector's move is simply retried."""
    while True:
        try:
            return catch_up(store, logs, progress=progress)
        except TrackingConflict:
            # Another projector took the batch in first, so each retry starts further on and this ends
            # with the logs. A fixed number of retries gave up while two projectors shared a long backlog.
            time.sleep(0.05)


def rebuild(
    location: Location,
    logs: Sequence[NotificationSource],
    *,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> RebuildResult:
    """Build a fresh read model from the logs alone, compare it with the live one, and switch if equal."""
    live_name = current_generation(location)
    live = open_store(location, live_name)
    try:
        refresh(live, logs)
        upto = {log.name: live.position(log.name) for log in logs}
        generation = f"figures_{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"
        fresh = open_fresh(location, generation)
        try:
            catch_up(fresh, logs, until=upto, progress=progress)
            fresh.complete()
            theirs, ours = live.snapshot(upto), fresh.snapshot(upto)
        finally:
            fresh.close()
    finally:
        live.close()
    differences = _differences(theirs, ours)
    switched = force or not differences
    if switched:
        # The previous generation stays, for readers still on it and to switch back by hand.
        switch(location, generation)
    else:
        drop(location, generation)
    return RebuildResult(
        generation=generation if switched else live_name,
        positions=upto,
        rows=len(ours),
        differences=differences,
        switched=switched,
    )


def _differences(
    live: list[tuple[object, ...]], fresh: list[tuple[object, ...]], most: int = 20
) -> list[str]:
    live_set, fresh_set = set(live), set(fresh)
    only_live = [f"only in the live read model: {row}" for row in live if row not in fresh_set]
    only_fresh = [f"only in the rebuilt read model: {row}" for row in fresh if row not in live_set]
    return (only_live + only_fresh)[:most]
