"""Refused commands in a SQLite file under the Palermo home (the embedded stack's)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from activities.refused_commands import KEPT, STATEMENTS, Cursor, RefusalsUnavailable, SqlRefusedCommands

SCHEMA = """
CREATE TABLE IF NOT EXISTS refused_commands (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL, state TEXT NOT NULL, kind TEXT NOT NULL, door TEXT NOT NULL, actor TEXT NOT NULL,
    reason TEXT NOT NULL, rule TEXT, command_id TEXT
);
"""


class SqliteRefusedCommands(SqlRefusedCommands):
    """Refused commands in one SQLite file, which every process of the embedded stack opens."""

    def __init__(self, path: Path, kept: int = KEPT) -> None:
        self.path, self.kept = path, kept
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._transaction() as cursor:
            cursor.execute(SCHEMA)
        self._statements = {name: s.format(p="?", table="refused_commands") for name, s in STATEMENTS.items()}

    @contextmanager
    def _transaction(self) -> Iterator[Cursor]:
        try:
            with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
                yield db.cursor()
        except sqlite3.Error as error:
            raise RefusalsUnavailable(f"{self.path}: {error}") from error
