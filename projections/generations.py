"""Where the read model lives, how it is caught up, rebuilt into a fresh store, compared and switched."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import psycopg
from psycopg import sql as pg
from pydantic import BaseModel, ConfigDict

from activities.logs import APPLICATIONS, EventLog
from deploy.settings import Settings, SettingsError
from deploy.stores import opened
from projections.postgres_store import PostgresFactStore
from projections.runner import catch_up
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


def sources(settings: Settings) -> list[EventLog]:
    return [opened(partial(EventLog, name, settings.store_env(name))) for name in APPLICATIONS]


def total_events(settings: Settings) -> int:
    """How many events the logs hold together (an upper bound: PostgreSQL ids may have gaps)."""
    logs = sources(settings)
    try:
        return sum(log.last() for log in logs)
    finally:
        for log in logs:
            log.close()


def _conninfo(settings: Settings) -> str:
    if settings.database_url is None:
        raise SettingsError("PALERMO_DATABASE_URL is required when PALERMO_STORE=postgres")
    return settings.database_url


def _pointer_table(db: psycopg.Connection[tuple[object, ...]]) -> None:
    db.execute(
        "CREATE TABLE IF NOT EXISTS palermo_read_model (name TEXT PRIMARY KEY, generation TEXT NOT NULL)"
    )


def current_generation(settings: Settings) -> str:
    if settings.store == "sqlite":
        pointer = settings.home_dir / POINTER
        return str(json.loads(pointer.read_text())["generation"]) if pointer.exists() else DEFAULT_GENERATION
    with psycopg.connect(_conninfo(settings), autocommit=True) as db:
        _pointer_table(db)
        row = db.execute("SELECT generation FROM palermo_read_model WHERE name = 'figures'").fetchone()
    return str(row[0]) if row else DEFAULT_GENERATION


def open_store(settings: Settings, generation: str | None = None) -> FactStore:
    name = generation or current_generation(settings)
    if settings.store == "sqlite":
        return SqliteFactStore(settings.home_dir / f"{name}.sqlite")
    return PostgresFactStore(_conninfo(settings), schema=name)


def open_fresh(settings: Settings, generation: str) -> FreshStore:
    """A new generation for a rebuild to fill from nothing; `complete` it before it is switched to."""
    if settings.store == "sqlite":
        return SqliteFactStore.fresh(settings.home_dir / f"{generation}.sqlite")
    return PostgresFactStore.fresh(_conninfo(settings), schema=generation)


def switch(settings: Settings, generation: str) -> None:
    """Make `generation` the read model every reader opens from now on."""
    if settings.store == "sqlite":
        pointer = settings.home_dir / POINTER
        temporary = pointer.with_suffix(".tmp")
        temporary.write_text(json.dumps({"generation": generation}))
        temporary.replace(pointer)
        return
    with psycopg.connect(_conninfo(settings), autocommit=True) as db:
        _pointer_table(db)
        db.execute(
            "INSERT INTO palermo_read_model (name, generation) VALUES ('figures', %s) "
            "ON CONFLICT (name) DO UPDATE SET generation = excluded.generation",
            (generation,),
        )


def drop(settings: Settings, generation: str) -> None:
    if settings.store == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{settings.home_dir / generation}.sqlite{suffix}").unlink(missing_ok=True)
        return
    with psycopg.connect(_conninfo(settings), autocommit=True) as db:
        db.execute(pg.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(pg.Identifier(generation)))


def refresh(store: FactStore, logs: list[EventLog], progress: Callable[[int], None] | None = None) -> int:
    """Catch the read model up with every log; a concurrent projector's move is simply retried."""
    while True:
        try:
            return catch_up(store, logs, progress=progress)
        except TrackingConflict:
            # Another projector took the batch in first, so each retry starts further on and this ends
            # with the logs. A fixed number of retries gave up while two projectors shared a long backlog.
            time.sleep(0.05)


def rebuild(
    settings: Settings, *, force: bool = False, progress: Callable[[int], None] | None = None
) -> RebuildResult:
    """Build a fresh read model from the logs alone, compare it with the live one, and switch if equal."""
    live_name = current_generation(settings)
    live = open_store(settings, live_name)
    logs = sources(settings)
    try:
        refresh(live, logs)
        upto = {name: live.position(name) for name in APPLICATIONS}
        generation = f"figures_{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"
        fresh = open_fresh(settings, generation)
        try:
            catch_up(fresh, logs, until=upto, progress=progress)
            fresh.complete()
            theirs, ours = live.snapshot(upto), fresh.snapshot(upto)
        finally:
            fresh.close()
    finally:
        live.close()
        for log in logs:
            log.close()
    differences = _differences(theirs, ours)
    switched = force or not differences
    if switched:
        # The previous generation stays, for readers still on it and to switch back by hand.
        switch(settings, generation)
    else:
        drop(settings, generation)
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
