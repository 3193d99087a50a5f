"""The outbox in PostgreSQL (production): the `mail` schema of the deployment's database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql as pg

from activities.outbox import STATEMENTS, Cursor, SqlOutbox

SCHEMA = """
CREATE SCHEMA IF NOT EXISTS {schema};
CREATE TABLE IF NOT EXISTS {tracking} (application TEXT PRIMARY KEY, position BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS {letters} (
    id BIGSERIAL PRIMARY KEY,
    recipient TEXT NOT NULL, address TEXT NOT NULL, mail TEXT NOT NULL,
    source BIGINT NOT NULL, notice TEXT NOT NULL,
    queued_at TEXT NOT NULL, sent_at TEXT, refused TEXT,
    UNIQUE (recipient, source)
);
CREATE INDEX IF NOT EXISTS letters_waiting ON {letters} (mail, id) WHERE sent_at IS NULL;
CREATE INDEX IF NOT EXISTS letters_by_recipient ON {letters} (recipient, mail, sent_at)
"""
# The key of the advisory lock every change of the outbox holds, whichever process makes it: two notifiers
# (one per projector) take turns, as on SQLite.
LOCK_KEY = 0x70616C65726D6F  # "palermo"


class PostgresOutbox(SqlOutbox):
    """Letters and positions in one schema; every change is a transaction holding the outbox's lock."""

    def __init__(self, conninfo: str, schema: str = "mail") -> None:
        self._db = psycopg.connect(conninfo, autocommit=False)
        names = {
            "schema": pg.Identifier(schema),
            "letters": pg.Identifier(schema, "letters"),
            "tracking": pg.Identifier(schema, "tracking"),
        }
        with self._db.transaction():
            # Two processes creating the schema at once would both find it missing.
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            for statement in SCHEMA.split(";"):
                self._db.execute(pg.SQL(statement.strip()).format(**names))
        self._statements = {
            name: pg.SQL(statement).format(
                p=pg.Placeholder(), letters=names["letters"], tracking=names["tracking"]
            )
            for name, statement in STATEMENTS.items()
        }

    @contextmanager
    def _locked(self) -> Iterator[Cursor]:
        with self._db.transaction(), self._db.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            yield cursor

    def close(self) -> None:
        self._db.close()
