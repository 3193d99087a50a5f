"""The PostgreSQL application recorder with the audit chain in `<application>_chain` beside its events."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, ProgrammingError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from activities.store.chain import Link, RawEvent, as_bytes, chain, originator_text
from activities.store.chain_store import PAGE, AdoptionRefused, ChainKey, link_row, links_after

# Held until the transaction that creates a log's tables and functions ends; one key for every log.
CREATE_LOCK = b"SELECT pg_advisory_xact_lock(hashtext('palermo: create tables'))"


class PostgresChainRecorder(PostgresApplicationRecorder):
    """Inserts events and their links in one transaction, under the events table's write lock."""

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events", key: ChainKey
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.chain_table = events_table_name.removesuffix("_events") + "_chain"
        self.check_identifier_length(self.chain_table)
        self.key = key
        schema, events, links = (
            Identifier(datastore.schema),
            Identifier(events_table_name),
            Identifier(self.chain_table),
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {}.{} (position bigint PRIMARY KEY, previous bigint NOT NULL, "
                "hash bytea NOT NULL, key_id bytea NOT NULL)"
            ).format(schema, links)
        )
        self._head = (
            SQL("SELECT position, previous, hash, key_id FROM {}.{} ORDER BY position DESC LIMIT 1")
            .format(schema, links)
            .as_bytes()
        )
        self._insert_links = SQL(
            "INSERT INTO {}.{} (position, previous, hash, key_id) VALUES (%s, %s, %s, %s)"
        ).format(schema, links)
        # One function, created with the tables and named after the events table, takes the lock (so the
        # notification order is the commit order, and the head read below the latest), notifies, inserts the
        # events in the arrays' order and returns their ids with the chain's head and, when the chain is
        # empty, whether the log holds events before these: one statement where there were six, each of
        # which cost psycopg more than the database.
        self.append_function = f"{events_table_name}_append"
        self.check_identifier_length(self.append_function)
        function, id_type = Identifier(self.append_function), Identifier(datastore.originator_id_type)
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{function}(new_originator_ids {id_type}[], "
                "new_originator_versions bigint[], new_topics text[], new_states bytea[], "
                "new_lock_timeout text) "
                "RETURNS TABLE (ids bigint[], head_position bigint, head_previous bigint, head_hash bytea, "
                "head_key_id bytea, unchained boolean) "
                "LANGUAGE plpgsql AS $BODY$ "
                "BEGIN "
                "PERFORM set_config('lock_timeout', new_lock_timeout, true); "
                "LOCK TABLE {schema}.{events} IN EXCLUSIVE MODE; "
                "NOTIFY {channel}; "
                "WITH inserted AS ("
                "INSERT INTO {schema}.{events} (originator_id, originator_version, topic, state) "
                "SELECT * FROM unnest(new_originator_ids, new_originator_versions, new_topics, new_states) "
                "RETURNING notification_id) "
                "SELECT array_agg(notification_id ORDER BY notification_id) INTO ids FROM inserted; "
                "SELECT l.position, l.previous, l.hash, l.key_id "
                "INTO head_position, head_previous, head_hash, head_key_id "
                "FROM {schema}.{links} AS l ORDER BY l.position DESC LIMIT 1; "
                "unchained := head_position IS NULL AND EXISTS ("
                "SELECT 1 FROM {schema}.{events} AS e WHERE e.notification_id < ids[1]); "
                "RETURN NEXT; "
                "END; $BODY$"
            ).format(
                schema=schema,
                function=function,
                id_type=id_type,
                events=events,
                links=links,
                channel=Identifier(self.channel_name),
            )
        )
        # Every statement of an append rendered once: a composed query is rendered again on every execute.
        # One event (most commands record one) goes as plain values, many as one array per column, sent in
        # binary: eventsourcing's array of composite values is dumped as text, value by value, which cost
        # more than the insert itself.
        lock_timeout = f"{datastore.lock_timeout}s"
        self._append_one = (
            SQL(
                "SELECT * FROM {}.{}(ARRAY[%b::{}], ARRAY[%b::bigint], ARRAY[%b::text], ARRAY[%b::bytea], {})"
            )
            .format(schema, function, id_type, lock_timeout)
            .as_bytes()
        )
        self._append_many = (
            SQL("SELECT * FROM {}.{}(%b::{}[], %b::bigint[], %b::text[], %b::bytea[], {})")
            .format(schema, function, id_type, lock_timeout)
            .as_bytes()
        )
        self._insert_link = (
            SQL("INSERT INTO {}.{} (position, previous, hash, key_id) VALUES (%b, %b, %b, %b)")
            .format(schema, links)
            .as_bytes()
        )
        self._insert_link_columns = (
            SQL(
                "INSERT INTO {}.{} (position, previous, hash, key_id) "
                "SELECT * FROM unnest(%b::bigint[], %b::bigint[], %b::bytea[], %b::bytea[])"
            )
            .format(schema, links)
            .as_bytes()
        )
        self._all_events = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {}.{} "
            "ORDER BY notification_id"
        ).format(schema, events)
        self._events_of = SQL(
            "SELECT originator_id, originator_version, topic, state FROM {}.{} "
            "WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version"
        ).format(schema, events)
        self._all_links = SQL("SELECT position, previous, hash, key_id FROM {}.{} ORDER BY position").format(
            schema, links
        )

    def _create_table(self, curs: Cursor[DictRow]) -> None:
        """Create what is missing, one process at a time: processes that start together over one database
        (two web workers, a worker and a projector) would otherwise replace the same functions at once, and
        all but one fail with "tuple concurrently updated"."""
        curs.execute(CREATE_LOCK, prepare=False)
        super()._create_table(curs)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        if self.datastore.enable_db_functions:
            # The database function inserts outside any transaction this recorder could add links to.
            raise ProgrammingError("The audit chain needs POSTGRES_ENABLE_DB_FUNCTIONS=n.")
        append: bytes
        params: Sequence[Any]
        if len(stored_events) == 1:
            (one,) = stored_events
            append = self._append_one
            params = (one.originator_id, one.originator_version, one.topic, one.state)
        else:
            append = self._append_many
            params = (
                [e.originator_id for e in stored_events],
                [e.originator_version for e in stored_events],
                [e.topic for e in stored_events],
                [e.state for e in stored_events],
            )
        # Four round trips (begin, the function, the links, commit) without a pipeline: psycopg's pipeline
        # saved two of them but cost more in Python, per statement, than they took.
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as cursor:
            row = cursor.execute(append, params, prepare=True).fetchone()
            assert row is not None
            ids: list[int] = row["ids"]
            head = None
            if row["head_position"] is not None:
                head = Link(
                    position=row["head_position"],
                    previous=row["head_previous"],
                    hash=as_bytes(row["head_hash"]),
                    key_id=as_bytes(row["head_key_id"]),
                )
            links = links_after(
                self.key, head, ids, stored_events, unchained=row["unchained"], log=self.events_table_name
            )
            if len(links) == 1:
                cursor.execute(self._insert_link, links[0], prepare=True)
            else:
                cursor.execute(
                    self._insert_link_columns, [list(column) for column in zip(*links, strict=True)]
                )
        return ids

    def select_events_of(self, originator_ids: Sequence[UUID]) -> list[StoredEvent]:
        """Every event of the given aggregates, by aggregate then version: one read for a bulk import."""
        with self.datastore.get_connection() as conn, conn.cursor() as c:
            c.execute(self._events_of, (list(originator_ids),), prepare=True)
            return [
                StoredEvent(
                    originator_id=row["originator_id"],
                    originator_version=row["originator_version"],
                    topic=row["topic"],
                    state=bytes(row["state"]),
                )
                for row in c.fetchall()
            ]

    @contextmanager
    def snapshot(self) -> Iterator[tuple[Iterator[RawEvent], Iterator[Link]]]:
        """Events and links from one repeatable-read transaction, streamed by server-side cursors."""
        with self.datastore.get_connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            with (
                conn.cursor(name="palermo_audit_events") as events,
                conn.cursor(name="palermo_audit_links") as links,
            ):
                events.itersize = links.itersize = PAGE
                events.execute(self._all_events)
                links.execute(self._all_links)
                yield (_event(row) for row in events), (_link_of(row) for row in links)

    def adopt(self) -> int:
        """Chain every event of a log whose chain is empty, under the events table's write lock."""
        adopted = 0
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as c:
            self._lock_table(c)
            if c.execute(self._head).fetchone() is not None:
                raise AdoptionRefused(f"The chain of {self.events_table_name} is already begun.")
            with conn.cursor(name="palermo_adopt") as rows:
                rows.itersize = PAGE
                rows.execute(self._all_events)
                head: Link | None = None
                iterator = iter(rows)
                while page := [_event(row) for row in islice(iterator, PAGE)]:
                    links = chain(self.key.secret, head, page)
                    c.executemany(self._insert_links, [link_row(link) for link in links])
                    head, adopted = links[-1], adopted + len(links)
        return adopted


def _event(row: DictRow) -> RawEvent:
    return RawEvent(
        position=row["notification_id"],
        originator_id=originator_text(row["originator_id"]),
        originator_version=row["originator_version"],
        topic=row["topic"],
        state=as_bytes(row["state"]),
    )


def _link_of(row: DictRow) -> Link:
    return Link(
        position=row["position"],
        previous=row["previous"],
        hash=as_bytes(row["hash"]),
        key_id=as_bytes(row["key_id"]),
    )
