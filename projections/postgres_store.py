"""The read model in PostgreSQL (production): one schema per read-model generation."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date
from typing import Any, LiteralString

import psycopg
from psycopg import sql as pg

from projections import sql
from projections.facts import Projected
from projections.store import FactQuery, StoredFact, TrackingConflict

# Times and dates are kept as fixed-width text, as in SQLite, so both adapters order and compare alike.
SCHEMA = """
CREATE SCHEMA IF NOT EXISTS {schema};
CREATE TABLE IF NOT EXISTS {schema}.facts (
    id BIGSERIAL PRIMARY KEY,
    fact TEXT NOT NULL, subject TEXT NOT NULL, object TEXT NOT NULL,
    effective_date TEXT NOT NULL, recorded_at TEXT NOT NULL, superseded_at TEXT,
    superseded_position BIGINT,
    application TEXT NOT NULL, position BIGINT NOT NULL, origin TEXT NOT NULL,
    version INTEGER NOT NULL, event_type TEXT NOT NULL,
    demo BOOLEAN NOT NULL DEFAULT false,
    known_from TEXT
);
CREATE INDEX IF NOT EXISTS facts_current_by_origin ON {schema}.facts (origin)
    WHERE superseded_at IS NULL AND {correctable};
CREATE TABLE IF NOT EXISTS {schema}.tracking (application TEXT PRIMARY KEY, position BIGINT NOT NULL);
"""
# The figures' index; a rebuild creates it once its rows are in (as the SQLite store does, see there).
# Led by the date and covering what a figure filters on or counts, as the SQLite store's (see there).
QUERY_INDEX = (
    "CREATE INDEX IF NOT EXISTS facts_by_date ON {schema}.facts (fact, effective_date, object) "
    "INCLUDE (subject, demo, superseded_at)"
)
# The index it replaces, dropped from a read model written before.
OLD_INDEX = "DROP INDEX IF EXISTS {schema}.facts_by_kind"
# Batches of more rows than this are sent with COPY; fewer, a pipelined executemany is as quick.
COPY_FROM = 50


class PostgresFactStore:
    """Facts and tracking in one schema; each batch is one transaction with the tracking row locked."""

    def __init__(self, conninfo: str, schema: str = "figures", *, fresh: bool = False) -> None:
        self.schema = schema
        self._db = psycopg.connect(conninfo, autocommit=False)
        self._facts = pg.Identifier(schema, "facts")
        self._tracking = pg.Identifier(schema, "tracking")
        columns = pg.SQL(", ").join(pg.Identifier(c) for c in sql.COLUMNS)
        self._insert = pg.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            self._facts, columns, pg.SQL(", ").join(pg.Placeholder() for _ in sql.COLUMNS)
        )
        self._copy = pg.SQL("COPY {} ({}) FROM STDIN").format(self._facts, columns)
        self._supersede = pg.SQL(
            "UPDATE {} SET superseded_at = %s, superseded_position = %s "
            "WHERE origin = %s AND superseded_at IS NULL AND {}"
        ).format(self._facts, pg.SQL(sql.CORRECTABLE_ROWS))
        if fresh:
            # Nobody reads a generation being rebuilt until `complete` and a switch: its commits need
            # not wait for the log to be flushed (`complete` commits with the wait, which flushes them).
            self._db.execute("SET synchronous_commit TO off")
            self._db.commit()
        with self._db.transaction():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(
                        pg.SQL(statement).format(
                            schema=pg.Identifier(schema), correctable=pg.SQL(sql.CORRECTABLE_ROWS)
                        )
                    )
            self._add_columns()
            # Made once the columns it covers are there (a read model written before `demo` gains it first).
            for statement in () if fresh else (OLD_INDEX, QUERY_INDEX):
                self._db.execute(pg.SQL(statement).format(schema=pg.Identifier(schema)))

    def _add_columns(self) -> None:
        """Bring a read model written before a column existed up to date: add it, and empty the rows and
        positions, so the catch-up reads every log again and fills it (see sql.ADDED_COLUMNS)."""
        if not self._missing():
            return
        # Under the tracking table's lock, so that no projector writes rows between the change and the reset;
        # asked again under it, since another opener may have added the column meanwhile.
        self._db.execute(pg.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(self._tracking))
        for name, _, kind in self._missing():
            self._db.execute(
                pg.SQL("ALTER TABLE {} ADD COLUMN {} {}").format(
                    self._facts, pg.Identifier(name), pg.SQL(kind)
                )
            )
            self._db.execute(pg.SQL("TRUNCATE {}").format(self._facts))
            self._db.execute(pg.SQL("DELETE FROM {}").format(self._tracking))

    def _missing(self) -> list[tuple[str, str, LiteralString]]:
        found = self._db.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = 'facts'",
            (self.schema,),
        ).fetchall()
        present = {str(row[0]) for row in found}
        return [column for column in sql.ADDED_COLUMNS if column[0] not in present]

    @classmethod
    def fresh(cls, conninfo: str, schema: str) -> PostgresFactStore:
        """A new schema for a rebuild to fill; call `complete` when it is in, before anyone reads it."""
        return cls(conninfo, schema, fresh=True)

    def complete(self) -> None:
        """Create the figures' index, committed durably: a switch may name this generation next."""
        with self._db.transaction():
            self._db.execute("SET LOCAL synchronous_commit TO on")
            self._db.execute(pg.SQL(QUERY_INDEX).format(schema=pg.Identifier(self.schema)))

    def _where(self, query: FactQuery) -> tuple[pg.Composed, list[object]]:
        clauses, params = sql.filters(query, "%s")
        return pg.SQL(" AND ").join(pg.SQL(c) for c in clauses), params

    def position(self, application: str) -> int:
        with self._db.transaction():
            row = self._db.execute(
                pg.SQL("SELECT position FROM {} WHERE application = %s").format(self._tracking),
                (application,),
            ).fetchone()
        return int(row[0]) if row else 0

    def positions(self) -> dict[str, int]:
        with self._db.transaction():
            rows = self._db.execute(pg.SQL("SELECT application, position FROM {}").format(self._tracking))
            return {str(a): int(p) for a, p in rows}

    def content_key(self) -> Hashable:
        # The next transaction id moves with every write anywhere in the cluster: rows changed behind the
        # projector's back (the tampering an audit must see) are then read again, though the positions stand
        # still. Writes elsewhere move it too, which costs a read, never a stale answer.
        # Read before the positions, so that a write between the two moves the next key.
        with self._db.transaction():
            found = self._db.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text").fetchone()
        assert found is not None
        return tuple(sorted(self.positions().items())), str(found[0])

    def apply(self, application: str, expected: int, batch: Sequence[Projected]) -> None:
        if not batch:
            return
        with self._db.transaction(), self._db.cursor() as cursor:
            cursor.execute(
                pg.SQL("INSERT INTO {} (application, position) VALUES (%s, 0) ON CONFLICT DO NOTHING").format(
                    self._tracking
                ),
                (application,),
            )
            row = cursor.execute(
                pg.SQL("SELECT position FROM {} WHERE application = %s FOR UPDATE").format(self._tracking),
                (application,),
            ).fetchone()
            if row is None or int(row[0]) != expected:
                raise TrackingConflict(f"The read model of {application} moved past {expected}.")
            # Rows go in together (one round trip per event was ~3k events/s); a correction first writes
            # the rows before it, so that it supersedes them.
            pending: list[tuple[object, ...]] = []
            for projected in batch:
                if projected.supersedes:
                    self._write(cursor, pending)
                    pending = []
                    cursor.execute(self._supersede, sql.supersession(projected))
                pending += sql.rows_of(projected)
            self._write(cursor, pending)
            cursor.execute(
                pg.SQL("UPDATE {} SET position = %s WHERE application = %s").format(self._tracking),
                (batch[-1].ref.position, application),
            )

    def _write(self, cursor: psycopg.Cursor[tuple[object, ...]], rows: list[tuple[object, ...]]) -> None:
        if len(rows) <= COPY_FROM:
            if rows:
                cursor.executemany(self._insert, rows)
            return
        # COPY rather than INSERT: a quarter of the client's time per row, and less of the server's.
        with cursor.copy(self._copy) as copy:
            for row in rows:
                copy.write_row(row)

    def _selected(self, statement: LiteralString, query: FactQuery) -> list[tuple[Any, ...]]:
        """The rows of `statement`, whose two places are the facts table and the query's conditions."""
        where, params = self._where(query)
        with self._db.transaction():
            return self._db.execute(pg.SQL(statement).format(self._facts, where), params).fetchall()

    def count(self, query: FactQuery) -> int:
        rows = self._selected("SELECT COUNT(DISTINCT subject) FROM {} WHERE {}", query)
        return int(rows[0][0]) if rows else 0

    def count_by_object(self, query: FactQuery) -> dict[str, int]:
        rows = self._selected(
            "SELECT object, COUNT(DISTINCT subject) FROM {} WHERE {} GROUP BY object",
            query.model_copy(update={"object": None}),
        )
        return {str(obj): int(n) for obj, n in rows}

    def pairs(self, query: FactQuery) -> list[tuple[str, str]]:
        rows = self._selected("SELECT subject, object FROM {} WHERE {}", query)
        return [(str(subject), str(obj)) for subject, obj in rows]

    def subjects(self, query: FactQuery) -> set[str]:
        return {
            str(subject) for (subject,) in self._selected("SELECT DISTINCT subject FROM {} WHERE {}", query)
        }

    def objects(self, query: FactQuery) -> dict[str, frozenset[str]]:
        # Repeated objects are left to the set: DISTINCT within the aggregate sorts every row first.
        rows = self._selected(
            "SELECT subject, string_agg(object, chr(31)) FROM {} WHERE {} GROUP BY subject", query
        )
        return {str(subject): sql.object_set(str(objs)) for subject, objs in rows}

    def rows(self, query: FactQuery) -> int:
        rows = self._selected("SELECT COUNT(*) FROM {} WHERE {}", query)
        return int(rows[0][0]) if rows else 0

    def dated(self, query: FactQuery) -> list[tuple[str, date]]:
        rows = self._selected("SELECT subject, effective_date FROM {} WHERE {}", query)
        return [(str(subject), sql.day(day)) for subject, day in rows]

    def facts(self, query: FactQuery, subjects: Sequence[str] | None = None) -> list[StoredFact]:
        where, params = self._where(query)
        if subjects is not None:
            where = pg.SQL("{} AND subject = ANY(%s)").format(where)
            params.append(list(subjects))
        statement = pg.SQL(
            "SELECT {} FROM {} WHERE {} ORDER BY effective_date, application, position"
        ).format(pg.SQL(", ").join(pg.Identifier(c) for c in sql.COLUMNS), self._facts, where)
        with self._db.transaction():
            rows = self._db.execute(statement, params).fetchall()
        return [sql.stored(tuple(r)) for r in rows]

    def snapshot(self, upto: dict[str, int]) -> list[tuple[object, ...]]:
        statement = pg.SQL("SELECT {}, superseded_position FROM {}").format(
            pg.SQL(", ").join(pg.Identifier(c) for c in sql.COLUMNS), self._facts
        )
        with self._db.transaction():
            rows = self._db.execute(statement).fetchall()
        app, pos = sql.COLUMNS.index("application"), sql.COLUMNS.index("position")
        kept = [sql.canonical(tuple(r[:-1]), upto, r[-1]) for r in rows if r[pos] <= upto.get(r[app], 0)]
        return sorted(kept, key=repr)

    def settle(self) -> None:
        # Without it, the first queries after a catch-up of a million rows set every row's hint bits (writing
        # each page again) and read the table for each index entry: 5.5 s for the first as-of figures where
        # the next took 0.8 s (bench.asof). VACUUM runs outside a transaction.
        self._db.autocommit = True
        try:
            self._db.execute(pg.SQL("VACUUM (ANALYZE) {}").format(self._facts))
        finally:
            self._db.autocommit = False

    def close(self) -> None:
        self._db.close()
