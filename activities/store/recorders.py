"""Every application's recorder writes the audit chain beside its events, in the same transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol

from eventsourcing.persistence import ApplicationRecorder, InfrastructureFactory, TrackingRecorder
from eventsourcing.postgres import PostgresFactory
from eventsourcing.sqlite import SQLiteFactory

from activities.store.chain import Link, RawEvent
from activities.store.chain_postgres import PostgresChainRecorder
from activities.store.chain_sqlite import SQLiteChainRecorder
from activities.store.chain_store import ChainKey
from activities.store.mapper import PydanticApplication


class ChainedRecorder(Protocol):
    """What audits read from a chained recorder."""

    chain_table: str

    def snapshot(self) -> AbstractContextManager[tuple[Iterator[RawEvent], Iterator[Link]]]:
        """The log's events and chain, each in position order, as of one moment."""
        ...

    def adopt(self) -> int:
        """Chain every event of a log whose chain is empty; the number chained."""
        ...

    def max_notification_id(self) -> int | None: ...


def chained_recorder(factory: InfrastructureFactory[TrackingRecorder]) -> ApplicationRecorder:
    """The application recorder of `factory`, chained; an in-memory store keeps the plain one."""
    key = ChainKey(factory.env)
    recorder: ApplicationRecorder
    if isinstance(factory, SQLiteFactory):
        recorder = SQLiteChainRecorder(factory.datastore, key=key)
    elif isinstance(factory, PostgresFactory):
        prefix = factory.env.name.lower() or "stored"
        recorder = PostgresChainRecorder(factory.datastore, events_table_name=f"{prefix}_events", key=key)
    else:
        return factory.application_recorder()
    if factory.env_create_table():
        recorder.create_table()
    return recorder


class ChainedApplication(PydanticApplication):
    """An application whose every stored event is chained for audits (see activities/chain.py)."""

    def construct_recorder(self) -> ApplicationRecorder:
        return chained_recorder(self.factory)
