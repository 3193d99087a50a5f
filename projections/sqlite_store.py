"""The read model in a SQLite file (the embedded default)."""

from __future__ import annotations

import sqlite3
from collections.abc import Hashable, Sequence
from datetime import date
from itertools import chain
from pathlib import Path

from projections import sql
from projections.facts import Projected
from projections.store import FactQuery, StoredFact, TrackingConflict

TABLES = f"""
CREATE TABLE IF NOT EXISTS facts (
    id INTEGER PRIMARY KEY,
    fact TEXT NOT NULL, subject TEXT NOT NULL, object TEXT NOT NULL,
    effective_date TEXT NOT NULL, recorded_at TEXT NOT NULL, superseded_at TEXT,
    superseded_position INTEGER,
    application TEXT NOT NULL, position INTEGER NOT NULL, origin TEXT NOT NULL,
    version INTEGER NOT NULL, event_type TEXT NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0,
    known_from TEXT
);
CREATE INDEX IF NOT EXISTS facts_current_by_origin ON facts (origin)
    WHERE superseded_at IS NULL AND {sql.CORRECTABLE_ROWS};
CREATE TABLE IF NOT EXISTS tracking (application TEXT PRIMARY KEY, position INTEGER NOT NULL);
"""
# The figures' index. A rebuild creates it once its rows are in (see `fresh`): kept up row by row, it was
# 30% of what inserting a row cost, and built in one sort at the end it costs half that (bench.rebuild).
# Supersessions need the index by origin while rows go in, so that one is there from the start.
# Led by the date, so that a figure within a year reads that year's rows only, and covering every column a
# figure filters on or counts, so that no figure reads the table itself: at 200,000 events the figures as of
# a date took a third of the time they took over (fact, object, effective_date), which it replaces.
QUERY_INDEX = (
    "CREATE INDEX IF NOT EXISTS facts_by_date "
    "ON facts (fact, effective_date, object, subject, demo, superseded_at)"
)
# Made once the columns it covers are there (a read model written before `demo` gains it first).
INDEXES = f"DROP INDEX IF EXISTS facts_by_kind;{QUERY_INDEX};"
INSERT = f"INSERT INTO facts ({', '.join(sql.COLUMNS)}) VALUES ({', '.join('?' * len(sql.COLUMNS))})"
# Rows go in INSERT_ROWS to a statement: one statement per row spent as much on running it as on the row,
# and writing a rebuild's rows took half the time in statements of 50 (bench.rebuild).
INSERT_ROWS = 50
INSERT_MANY = INSERT + f", ({', '.join('?' * len(sql.COLUMNS))})" * (INSERT_ROWS - 1)
SUPERSEDE = (
    "UPDATE facts SET superseded_at = ?, superseded_position = ? "
    f"WHERE origin = ? AND superseded_at IS NULL AND {sql.CORRECTABLE_ROWS}"
)


class SqliteFactStore:
    """Facts and tracking in one SQLite file; each batch is one IMMEDIATE transaction."""

    def __init__(self, path: Path, *, fresh: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        # 64 MiB of page cache rather than 2: rows land all over the indexes of a large read model, and
        # writing 1.6 million rows cost ~15% less CPU per row with it (bench.rebuild).
        self._db.execute("PRAGMA cache_size=-65536")
        if fresh:
            # A generation being rebuilt is read by nobody until `complete` has made it durable and a
            # switch names it; a crash before then leaves a file no reader opens. So its commits need
            # not wait for the disk.
            self._db.execute("PRAGMA synchronous=OFF")
        self._db.executescript(TABLES)
        self._add_columns()
        if not fresh:
            self._db.executescript(INDEXES)

    def _add_columns(self) -> None:
        """Bring a read model written before a column existed up to date: add it, and empty the rows and
        positions, so the catch-up reads every log again and fills it (see sql.ADDED_COLUMNS)."""
        db = self._db
        missing = [c for c in sql.ADDED_COLUMNS if c[0] not in self._columns()]
        if not missing:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            for name, kind, _ in missing:
                # Asked again under the write lock: another opener may have added it meanwhile.
                if name not in self._columns():
                    db.execute(f"ALTER TABLE facts ADD COLUMN {name} {kind}")
                    db.execute("DELETE FROM facts")
                    db.execute("DELETE FROM tracking")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _columns(self) -> set[str]:
        return {str(row[1]) for row in self._db.execute("PRAGMA table_info(facts)")}

    @classmethod
    def fresh(cls, path: Path) -> SqliteFactStore:
        """A new file for a rebuild to fill; call `complete` when it is in, before anyone reads it."""
        return cls(path, fresh=True)

    def complete(self) -> None:
        """Create the figures' index, and write the file through to disk (a switch may name it next)."""
        # Synchronous again first: the index's commit then syncs the log with every page before it.
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(QUERY_INDEX)
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def position(self, application: str) -> int:
        row = self._db.execute(
            "SELECT position FROM tracking WHERE application = ?", (application,)
        ).fetchone()
        return int(row[0]) if row else 0

    def positions(self) -> dict[str, int]:
        return {str(a): int(p) for a, p in self._db.execute("SELECT application, position FROM tracking")}

    def content_key(self) -> Hashable:
        # `data_version` moves with every commit another connection makes: rows changed behind the projector's
        # back (the tampering an audit must see) are then read again, though the positions stand still.
        # Read before the positions, so that a write between the two moves the next key.
        (changed,) = self._db.execute("PRAGMA data_version").fetchone()
        return tuple(sorted(self.positions().items())), int(changed)

    def apply(self, application: str, expected: int, batch: Sequence[Projected]) -> None:
        if not batch:
            return
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            if self.position(application) != expected:
                raise TrackingConflict(f"The read model of {application} moved past {expected}.")
            # Rows go in together, as in the PostgreSQL store; a correction first writes the rows before
            # it, so that it supersedes them.
            pending: list[tuple[object, ...]] = []
            for projected in batch:
                if projected.supersedes:
                    self._insert(pending)
                    pending = []
                    db.execute(SUPERSEDE, sql.supersession(projected))
                pending += sql.rows_of(projected)
            self._insert(pending)
            db.execute(
                "INSERT INTO tracking (application, position) VALUES (?, ?) "
                "ON CONFLICT (application) DO UPDATE SET position = excluded.position",
                (application, batch[-1].ref.position),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _insert(self, rows: list[tuple[object, ...]]) -> None:
        whole = len(rows) - len(rows) % INSERT_ROWS
        if whole:
            chunks = range(0, whole, INSERT_ROWS)
            self._db.executemany(
                INSERT_MANY, [tuple(chain.from_iterable(rows[i : i + INSERT_ROWS])) for i in chunks]
            )
        if whole < len(rows):
            self._db.executemany(INSERT, rows[whole:])

    def count(self, query: FactQuery) -> int:
        clauses, params = sql.filters(query, "?")
        row = self._db.execute(
            f"SELECT COUNT(DISTINCT subject) FROM facts WHERE {' AND '.join(clauses)}", params
        ).fetchone()
        return int(row[0])

    def count_by_object(self, query: FactQuery) -> dict[str, int]:
        clauses, params = sql.filters(query.model_copy(update={"object": None}), "?")
        where = " AND ".join(clauses)
        rows = self._db.execute(
            f"SELECT object, COUNT(DISTINCT subject) FROM facts WHERE {where} GROUP BY object", params
        )
        return {str(obj): int(n) for obj, n in rows}

    def pairs(self, query: FactQuery) -> list[tuple[str, str]]:
        clauses, params = sql.filters(query, "?")
        rows = self._db.execute(f"SELECT subject, object FROM facts WHERE {' AND '.join(clauses)}", params)
        return [(str(subject), str(obj)) for subject, obj in rows]

    def subjects(self, query: FactQuery) -> set[str]:
        clauses, params = sql.filters(query, "?")
        rows = self._db.execute(f"SELECT DISTINCT subject FROM facts WHERE {' AND '.join(clauses)}", params)
        return {str(subject) for (subject,) in rows}

    def objects(self, query: FactQuery) -> dict[str, frozenset[str]]:
        clauses, params = sql.filters(query, "?")
        # Repeated objects are left to the set: made distinct in SQL first, the query took twice as long.
        rows = self._db.execute(
            f"SELECT subject, group_concat(object, char({ord(sql.SEPARATOR)})) FROM facts "
            f"WHERE {' AND '.join(clauses)} GROUP BY subject",
            params,
        )
        return {str(subject): sql.object_set(str(objs)) for subject, objs in rows}

    def rows(self, query: FactQuery) -> int:
        clauses, params = sql.filters(query, "?")
        row = self._db.execute(f"SELECT COUNT(*) FROM facts WHERE {' AND '.join(clauses)}", params).fetchone()
        return int(row[0])

    def dated(self, query: FactQuery) -> list[tuple[str, date]]:
        clauses, params = sql.filters(query, "?")
        rows = self._db.execute(
            f"SELECT subject, effective_date FROM facts WHERE {' AND '.join(clauses)}", params
        )
        return [(str(subject), sql.day(day)) for subject, day in rows]

    def facts(self, query: FactQuery, subjects: Sequence[str] | None = None) -> list[StoredFact]:
        clauses, params = sql.filters(query, "?")
        if subjects is not None:
            clauses.append(f"subject IN ({', '.join('?' * len(subjects))})")
            params += list(subjects)
        rows = self._db.execute(
            f"SELECT {', '.join(sql.COLUMNS)} FROM facts WHERE {' AND '.join(clauses)} "
            "ORDER BY effective_date, application, position",
            params,
        )
        return [sql.stored(tuple(r)) for r in rows]

    def snapshot(self, upto: dict[str, int]) -> list[tuple[object, ...]]:
        rows = self._db.execute(f"SELECT {', '.join(sql.COLUMNS)}, superseded_position FROM facts")
        kept = [
            sql.canonical(tuple(r[:-1]), upto, r[-1])
            for r in rows
            if r[sql.COLUMNS.index("position")] <= upto.get(r[sql.COLUMNS.index("application")], 0)
        ]
        return sorted(kept, key=repr)

    def settle(self) -> None:
        # SQLite's reads of new rows cost what its reads of old ones do, and its plans need no statistics.
        return

    def close(self) -> None:
        self._db.close()
