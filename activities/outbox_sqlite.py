"""The outbox in a SQLite file under the Palermo home (the embedded stack's)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from activities.outbox import STATEMENTS, Cursor, SqlOutbox

SCHEMA = """
CREATE TABLE IF NOT EXISTS tracking (application TEXT PRIMARY KEY, position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS letters (
    id INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL, address TEXT NOT NULL, mail TEXT NOT NULL,
    source INTEGER NOT NULL, notice TEXT NOT NULL,
    queued_at TEXT NOT NULL, sent_at TEXT, refused TEXT,
    UNIQUE (recipient, source)
);
CREATE INDEX IF NOT EXISTS letters_waiting ON letters (mail, id) WHERE sent_at IS NULL;
CREATE INDEX IF NOT EXISTS letters_by_recipient ON letters (recipient, mail, sent_at);
"""


class SqliteOutbox(SqlOutbox):
    """Letters and positions in one SQLite file; every change is an IMMEDIATE transaction, which holds the
    file's one write lock, so two notifiers take turns."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._statements = {
            name: statement.format(p="?", letters="letters", tracking="tracking")
            for name, statement in STATEMENTS.items()
        }

    @contextmanager
    def _locked(self) -> Iterator[Cursor]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db.cursor()
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()
