"""The raw baselines: the same stored rows written and read with bare sqlite3 or psycopg, no application.

A log's transaction stores its events and, in the same transaction, their links in the audit chain; a
baseline of "the same rows and transaction shape" writes both, and `links=None` writes the events alone
(the shape the first benchmarks compared against, kept as a second figure).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from contextlib import closing
from typing import NamedTuple
from uuid import UUID

import psycopg
from eventsourcing.persistence import Notification

from activities.store.chain_store import link_row
from activities.store.recorders import ChainedRecorder
from usecases.settings import Settings

Row = tuple[UUID, int, str, bytes]
LinkRow = tuple[int, int, bytes, bytes]

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
# The same columns as the chain table beside each events table (activities/store/chain_*.py).
SQLITE_CHAIN = (
    "CREATE TABLE IF NOT EXISTS raw_chain (position INTEGER PRIMARY KEY, previous INTEGER NOT NULL, "
    "hash BLOB NOT NULL, key_id BLOB NOT NULL)"
)
POSTGRES_CHAIN = (
    "CREATE TABLE IF NOT EXISTS raw_chain (position bigint PRIMARY KEY, previous bigint NOT NULL, "
    "hash bytea NOT NULL, key_id bytea NOT NULL)"
)
INSERT_LINK = {
    "sqlite": "INSERT INTO raw_chain VALUES (?, ?, ?, ?)",
    "postgres": "INSERT INTO raw_chain (position, previous, hash, key_id) VALUES (%s, %s, %s, %s)",
}


def rows_of(notifications: Sequence[Notification]) -> list[Row]:
    return [(UUID(str(n.originator_id)), n.originator_version, n.topic, n.state) for n in notifications]


def links_of(recorder: ChainedRecorder) -> list[LinkRow]:
    """Every link of a log's audit chain, in order, as stored."""
    with recorder.snapshot() as (_, links):
        return [link_row(link) for link in links]


def insert(
    settings: Settings, rows: Sequence[Row], per_transaction: int, links: Sequence[LinkRow] | None = None
) -> float:
    """Seconds to insert `rows` into an empty table like the events table, `per_transaction` at a time,
    and each batch's `links` (one per row) into a table like the chain table in the same transaction."""
    if links is not None and len(links) != len(rows):
        raise ValueError(f"{len(links)} links for {len(rows)} events; each event has one link.")
    batches = [
        Batch(rows[i : i + per_transaction], links[i : i + per_transaction] if links is not None else ())
        for i in range(0, len(rows), per_transaction)
    ]
    if settings.store == "sqlite":
        return _sqlite_insert(settings, batches)
    return _postgres_insert(settings, batches)


class Batch(NamedTuple):
    rows: Sequence[Row]
    links: Sequence[LinkRow]


def _sqlite_insert(settings: Settings, batches: list[Batch]) -> float:
    path = settings.home_dir / f"raw-{time.monotonic_ns()}.sqlite"
    # Autocommit with explicit BEGIN and WAL, as eventsourcing's SQLite datastore does.
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(SQLITE_TABLE)
        db.execute(SQLITE_CHAIN)
        statement = "INSERT INTO raw_events VALUES (?, ?, ?, ?)"
        started = time.perf_counter()
        for batch in batches:
            db.execute("BEGIN")
            if len(batch.rows) == 1:
                row = batch.rows[0]
                db.execute(statement, (row[0].hex, row[1], row[2], row[3]))
                for link in batch.links:
                    db.execute(INSERT_LINK["sqlite"], link)
            else:
                db.executemany(statement, [(r[0].hex, r[1], r[2], r[3]) for r in batch.rows])
                if batch.links:
                    db.executemany(INSERT_LINK["sqlite"], batch.links)
            db.execute("COMMIT")
        return time.perf_counter() - started


def _postgres_insert(settings: Settings, batches: list[Batch]) -> float:
    assert settings.database_url is not None
    with psycopg.connect(settings.database_url, autocommit=True) as db:
        db.execute("DROP TABLE IF EXISTS raw_events")
        db.execute("DROP TABLE IF EXISTS raw_chain")
        db.execute(POSTGRES_TABLE)
        db.execute(POSTGRES_INDEX)
        db.execute(POSTGRES_CHAIN)
        statement = (
            "INSERT INTO raw_events (originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %s) RETURNING notification_id"
        )
        started = time.perf_counter()
        with db.cursor() as cursor:
            for batch in batches:
                if len(batch.rows) == 1 and not batch.links:
                    cursor.execute(statement, batch.rows[0], prepare=True)
                    continue
                with db.transaction():
                    if len(batch.rows) == 1:
                        cursor.execute(statement, batch.rows[0], prepare=True)
                        cursor.execute(INSERT_LINK["postgres"], batch.links[0], prepare=True)
                        continue
                    cursor.executemany(statement, batch.rows, returning=True)
                    if batch.links:
                        cursor.executemany(INSERT_LINK["postgres"], batch.links)
        return time.perf_counter() - started
