"""The read model in a SQLite file (the embedded default)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from projections import sql
from projections.facts import Projected
from projections.store import FactQuery, StoredFact, TrackingConflict

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS facts (
    id INTEGER PRIMARY KEY,
    fact TEXT NOT NULL, subject TEXT NOT NULL, object TEXT NOT NULL,
    effective_date TEXT NOT NULL, recorded_at TEXT NOT NULL, superseded_at TEXT,
    superseded_position INTEGER,
    application TEXT NOT NULL, position INTEGER NOT NULL, origin TEXT NOT NULL,
    version INTEGER NOT NULL, event_type TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_by_kind ON facts (fact, object, effective_date);
CREATE INDEX IF NOT EXISTS facts_current_by_origin ON facts (origin)
    WHERE superseded_at IS NULL AND {sql.CORRECTABLE_ROWS};
CREATE TABLE IF NOT EXISTS tracking (application TEXT PRIMARY KEY, position INTEGER NOT NULL);
"""
INSERT = f"INSERT INTO facts ({', '.join(sql.COLUMNS)}) VALUES ({', '.join('?' * len(sql.COLUMNS))})"


class SqliteFactStore:
    """Facts and tracking in one SQLite file; each batch is one IMMEDIATE transaction."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        # 64 MiB of page cache rather than 2: rows land all over the indexes of a large read model, and
        # writing 1.6 million rows cost ~15% less CPU per row with it (bench.rebuild).
        self._db.execute("PRAGMA cache_size=-65536")
        self._db.executescript(SCHEMA)

    def position(self, application: str) -> int:
        row = self._db.execute(
            "SELECT position FROM tracking WHERE application = ?", (application,)
        ).fetchone()
        return int(row[0]) if row else 0

    def positions(self) -> dict[str, int]:
        return {str(a): int(p) for a, p in self._db.execute("SELECT application, position FROM tracking")}

    def apply(self, application: str, expected: int, batch: Sequence[Projected]) -> None:
        if not batch:
            return
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            if self.position(application) != expected:
                raise TrackingConflict(f"The read model of {application} moved past {expected}.")
            # Rows go in one executemany, as in the PostgreSQL store; a correction first writes the rows
            # before it, so that it supersedes them.
            pending: list[tuple[object, ...]] = []
            for projected in batch:
                if projected.supersedes and pending:
                    db.executemany(INSERT, pending)
                    pending = []
                for values in sql.supersessions([projected]):
                    db.execute(
                        "UPDATE facts SET superseded_at = ?, superseded_position = ? "
                        f"WHERE origin = ? AND superseded_at IS NULL AND {sql.CORRECTABLE_ROWS}",
                        values,
                    )
                pending += sql.rows_of(projected)
            if pending:
                db.executemany(INSERT, pending)
            db.execute(
                "INSERT INTO tracking (application, position) VALUES (?, ?) "
                "ON CONFLICT (application) DO UPDATE SET position = excluded.position",
                (application, batch[-1].ref.position),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

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

    def close(self) -> None:
        self._db.close()
