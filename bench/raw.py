"""The raw baselines: the same stored rows written and read with bare sqlite3 or psycopg, no application."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from contextlib import closing
from uuid import UUID

import psycopg
from eventsourcing.persistence import Notification

from usecases.settings import Settings

Row = tuple[UUID, int, str, bytes]

# The same columns and keys as eventsourcing's application recorders give their events tables.
SQLITE_TABLE = (
    "CREATE TABLE IF NOT EXISTS raw_events (originator_id TEXT, originator_version INTEGER, topic TEXT, "
    "state BLOB, PRIMARY KEY (originator_id, originator_version))"
)
POSTGRES_TABLE = (
    "CREATE TABLE IF NOT EXISTS raw_events (originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
    "topic text, state bytea, notification_id bigserial, PRIMARY KEY (originator_id, originator_version))"
)
POSTGRES_INDEX = "CREATE UNIQUE INDEX IF NOT EXISTS raw_events_notification ON raw_events (notification_id)"


def rows_of(notifications: Sequence[Notification]) -> list[Row]:
    return [(UUID(str(n.originator_id)), n.originator_version, n.topic, n.state) for n in notifications]


def insert(settings: Settings, rows: Sequence[Row], per_transaction: int) -> float:
    """Seconds to insert `rows` into an empty table like the events table, `per_transaction` at a time."""
    batches = [rows[i : i + per_transaction] for i in range(0, len(rows), per_transaction)]
    if settings.store == "sqlite":
        return _sqlite_insert(settings, batches)
    return _postgres_insert(settings, batches)


def _sqlite_insert(settings: Settings, batches: list[Sequence[Row]]) -> float:
    path = settings.home_dir / f"raw-{time.monotonic_ns()}.sqlite"
    # Autocommit with explicit BEGIN and WAL, as eventsourcing's SQLite datastore does.
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(SQLITE_TABLE)
        statement = "INSERT INTO raw_events VALUES (?, ?, ?, ?)"
        started = time.perf_counter()
        for batch in batches:
            db.execute("BEGIN")
            db.executemany(statement, [(r[0].hex, r[1], r[2], r[3]) for r in batch])
            db.execute("COMMIT")
        return time.perf_counter() - started


def _postgres_insert(settings: Settings, batches: list[Sequence[Row]]) -> float:
    assert settings.database_url is not None
    with psycopg.connect(settings.database_url, autocommit=True) as db:
        db.execute("DROP TABLE IF EXISTS raw_events")
        db.execute(POSTGRES_TABLE)
        db.execute(POSTGRES_INDEX)
        statement = (
            "INSERT INTO raw_events (originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %s) RETURNING notification_id"
        )
        started = time.perf_counter()
        with db.cursor() as cursor:
            for batch in batches:
                if len(batch) == 1:
                    cursor.execute(statement, batch[0], prepare=True)
                    continue
                with db.transaction():
                    cursor.executemany(statement, batch, returning=True)
        return time.perf_counter() - started
