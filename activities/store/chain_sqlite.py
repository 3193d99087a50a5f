"""The SQLite application recorder with the audit chain in a table of the same database file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore

from activities.store.chain import Link, RawEvent, as_bytes, chain, originator_text
from activities.store.chain_store import PAGE, AdoptionRefused, ChainKey, LinkRow, link_row, links_after


class SQLiteChainRecorder(SQLiteApplicationRecorder):
    """Events in `stored_events`, their links in `stored_chain`; the rowid is the position."""

    def __init__(
        self, datastore: SQLiteDatastore, events_table_name: str = "stored_events", *, key: ChainKey
    ):
        self.chain_table = events_table_name.removesuffix("_events") + "_chain"
        self.key = key
        self.log_name = Path(datastore.pool.db_name).name
        super().__init__(datastore, events_table_name)
        self._head = (
            f"SELECT position, previous, hash, key_id FROM {self.chain_table} ORDER BY position DESC LIMIT 1"
        )
        self._before = f"SELECT 1 FROM {self.events_table_name} WHERE rowid < ? LIMIT 1"
        self._insert_links = f"INSERT INTO {self.chain_table} VALUES (?, ?, ?, ?)"
        self._insert_event = (
            f"INSERT INTO {self.events_table_name} (originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?)"
        )
        self._last = f"SELECT MAX(rowid) FROM {self.events_table_name}"
        # The last link this recorder committed: the chain's head while no other writer has appended since.
        self._kept_head: Link | None = None

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {self.chain_table} (position INTEGER PRIMARY KEY, "
            "previous INTEGER NOT NULL, hash BLOB NOT NULL, key_id BLOB NOT NULL)",
        ]

    def _insert_many(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent]) -> list[int]:
        """The events inserted with one executemany, and their rowids.

        The first insert takes the database's write lock; from then on no other connection inserts, so
        each row takes the rowid one above the largest (SQLite's rule for a table without AUTOINCREMENT),
        and the rowids are consecutive. The largest rowid after the inserts confirms it.
        """
        rows = [(_text(s.originator_id), s.originator_version, s.topic, s.state) for s in stored_events]
        c.execute(self._insert_event, rows[0])
        first = c.lastrowid
        c.executemany(self._insert_event, rows[1:])
        c.execute(self._last)
        last = c.fetchone()[0]
        if first is None or last != first + len(rows) - 1:
            raise AssertionError(f"rowids {first}..{last} are not consecutive for {len(rows)} events")
        return list(range(first, last + 1))

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """The events and their links in one write transaction; the last link is kept once committed."""
        try:
            with self.datastore.transaction(commit=True) as c:
                ids, links = self._append(c, stored_events, **kwargs)
        except BaseException:
            self._kept_head = None
            raise
        if links:
            self._kept_head = Link(*links[-1])
        return ids

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        return self._append(c, stored_events, **kwargs)[0]

    def _append(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> tuple[Sequence[int] | None, list[LinkRow]]:
        # The inserts take the database's write lock, so the head read after them is the latest.
        if len(stored_events) > 1:
            ids: Sequence[int] | None = self._insert_many(c, stored_events)
        else:
            ids = super()._insert_events(c, stored_events, **kwargs)
        if not ids:
            return ids, []
        head = self._kept_head
        if head is None or head.position != ids[0] - 1:
            # The new rows took the rowids after the log's last event, so the kept link is that event's
            # only if it sits just below them; otherwise another writer appended since (or none is kept).
            c.execute(self._head)
            head = _link(c.fetchone())
        unchained = False
        if head is None:
            c.execute(self._before, (ids[0],))
            unchained = c.fetchone() is not None
        links = links_after(self.key, head, ids, stored_events, unchained=unchained, log=self.log_name)
        if len(links) == 1:
            c.execute(self._insert_links, links[0])  # executemany costs more for one row
        else:
            c.executemany(self._insert_links, links)
        return ids, links

    def select_events_of(self, originator_ids: Sequence[UUID]) -> list[StoredEvent]:
        """Every event of the given aggregates, by aggregate then version: one read for a bulk import."""
        found: list[StoredEvent] = []
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(originator_ids), _IN_LIST):
                chunk = [_text(i) for i in originator_ids[start : start + _IN_LIST]]
                c.execute(
                    f"SELECT originator_id, originator_version, topic, state FROM {self.events_table_name} "
                    f"WHERE originator_id IN ({','.join('?' * len(chunk))}) "
                    "ORDER BY originator_id, originator_version",
                    chunk,
                )
                found += [
                    StoredEvent(
                        originator_id=self.convert_originator_id(row["originator_id"]),
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=row["state"],
                    )
                    for row in c.fetchall()
                ]
        return found

    @contextmanager
    def snapshot(self) -> Iterator[tuple[Iterator[RawEvent], Iterator[Link]]]:
        """Events and links from one read transaction, so a concurrent write is wholly in or out."""
        with (
            self.datastore.get_connection(commit=False) as conn,
            conn.transaction(commit=False),
            conn.cursor() as events,
            conn.cursor() as links,
        ):
            events.execute(
                f"SELECT rowid, originator_id, originator_version, topic, state "
                f"FROM {self.events_table_name} ORDER BY rowid"
            )
            links.execute(
                f"SELECT position, previous, hash, key_id FROM {self.chain_table} ORDER BY position"
            )
            yield (_event(row) for row in events), (_link_of(row) for row in links)

    def adopt(self) -> int:
        """Chain every event of a log whose chain is empty, in one write transaction."""
        adopted = 0
        with self.datastore.get_connection(commit=True) as conn, conn.cursor() as c, conn.cursor() as rows:
            c.execute("BEGIN IMMEDIATE")
            try:
                if c.execute(self._head).fetchone() is not None:
                    raise AdoptionRefused(f"The chain of {self.events_table_name} is already begun.")
                rows.execute(
                    f"SELECT rowid, originator_id, originator_version, topic, state "
                    f"FROM {self.events_table_name} ORDER BY rowid"
                )
                head: Link | None = None
                while page := [_event(row) for row in islice(rows, PAGE)]:
                    links = chain(self.key.secret, head, page)
                    c.executemany(self._insert_links, [link_row(link) for link in links])
                    head, adopted = links[-1], adopted + len(links)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        return adopted


# Ids per IN (...) list: well under SQLite's limit on a statement's variables.
_IN_LIST = 500


def _text(originator_id: UUID | str) -> str:
    """An originator id as eventsourcing's SQLite recorder stores it: a UUID's 32 hex digits."""
    return originator_id.hex if isinstance(originator_id, UUID) else originator_id


def _event(row: sqlite3.Row) -> RawEvent:
    return RawEvent(
        position=row[0],
        originator_id=originator_text(row[1]),
        originator_version=row[2],
        topic=row[3],
        state=as_bytes(row[4]),
    )


def _link_of(row: sqlite3.Row) -> Link:
    return Link(position=row[0], previous=row[1], hash=as_bytes(row[2]), key_id=as_bytes(row[3]))


def _link(row: sqlite3.Row | None) -> Link | None:
    return _link_of(row) if row is not None else None
