"""Refused commands in PostgreSQL (production): the `incidents` schema of the deployment's database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql as pg

from activities.refused_commands import KEPT, STATEMENTS, Cursor, RefusalsUnavailable, SqlRefusedCommands

SCHEMA = """
CREATE SCHEMA IF NOT EXISTS {schema};
CREATE TABLE IF NOT EXISTS {table} (
    id BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL, state TEXT NOT NULL, kind TEXT NOT NULL, door TEXT NOT NULL, actor TEXT NOT NULL,
    reason TEXT NOT NULL, rule TEXT, command_id TEXT
)
"""
# A database that does not answer is given up on: the refusal still reaches its sender.
CONNECT_TIMEOUT_S = 5
# Held while the schema is made: two processes making it at once would both find it missing.
LOCK_KEY = 0x70616C65726D6F + 1  # the outbox's key ("palermo"), plus one


class PostgresRefusedCommands(SqlRefusedCommands):
    """Refused commands in one table of the deployment's database, shared by every web server and command."""

    def __init__(self, conninfo: str, kept: int = KEPT, schema: str = "incidents") -> None:
        self.conninfo, self.kept = conninfo, kept
        names = {"schema": pg.Identifier(schema), "table": pg.Identifier(schema, "refused_commands")}
        with self._transaction() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            for statement in SCHEMA.split(";"):
                cursor.execute(pg.SQL(statement.strip()).format(**names))
        self._statements = {
            name: pg.SQL(s).format(p=pg.Placeholder(), table=names["table"]) for name, s in STATEMENTS.items()
        }

    @contextmanager
    def _transaction(self) -> Iterator[Cursor]:
        try:
            with (
                psycopg.connect(self.conninfo, connect_timeout=CONNECT_TIMEOUT_S) as db,
                db.transaction(),
                db.cursor() as cursor,
            ):
                yield cursor
        except psycopg.Error as error:
            raise RefusalsUnavailable(str(error).splitlines()[0] if str(error) else repr(error)) from error
