"""A recorded store under a fresh audit key, and direct access to its tables as a database user has it."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pydantic import SecretStr

from activities.engagements import Engagements
from activities.treaties import Treaties
from activities.untc import TableAction, TableRow
from audit.verify import AuditFailed, Failure, Seal
from domain.commands import Command, DrawUpGapList, NameFocalPoint, OpenEngagement, RecordLawSummary
from domain.treaty import ActionKind
from domain.values import GapItem, Instrument
from usecases.audits import audit_key, verify
from usecases.settings import Settings

RECORDED = datetime(2002, 3, 4, 9, 0, tzinfo=UTC)


def steps(state: str) -> list[Command]:
    """The first four steps of a State's engagement: four events, one transaction each."""
    return [
        OpenEngagement(state=state, effective_date=date(2001, 9, 3), instruments=(Instrument.CONVENTION,)),
        RecordLawSummary(state=state, effective_date=date(2001, 10, 1), document=f"{state}/LAW/1"),
        NameFocalPoint(state=state, effective_date=date(2001, 10, 2)),
        DrawUpGapList(
            state=state, effective_date=date(2001, 11, 5), items=(GapItem(checklist_item="convention.art5"),)
        ),
    ]


@dataclass
class Store:
    """A recorded store and direct access to its tables, as someone with the database's password has."""

    kind: str
    settings: Settings

    @property
    def key(self) -> bytes:
        return audit_key(self.settings)

    def sql(self, application: str, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run `statement` ({events}, {chain}, {pos} name the tables and the position column; ? params)."""
        if self.kind == "sqlite":
            text = statement.format(events="stored_events", chain="stored_chain", pos="rowid")
            path = self.settings.home_dir / f"{application.lower()}.sqlite"
            with closing(sqlite3.connect(path)) as db:
                rows = db.execute(text, params).fetchall()
                db.commit()
            return rows
        name = application.lower()
        text = statement.format(events=f"{name}_events", chain=f"{name}_chain", pos="notification_id")
        assert self.settings.database_url is not None
        with psycopg.connect(self.settings.database_url) as db:
            cursor = db.execute(text.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []

    def row(self, position: int, application: str = "Engagements") -> tuple[Any, ...]:
        found = self.sql(
            application,
            "SELECT originator_id, originator_version, topic, state FROM {events} WHERE {pos} = ?",
            (position,),
        )
        assert found, f"no event at position {position}"
        return found[0]

    def last(self, application: str = "Engagements") -> int:
        return int(self.sql(application, "SELECT MAX({pos}) FROM {events}")[0][0])

    def failures(self, seal: Seal | None = None, key: bytes | None = None) -> list[Failure]:
        with pytest.raises(AuditFailed) as failed:
            verify(self.settings, key or self.key, seal)
        return failed.value.failures


def record(settings: Settings, states: Sequence[str] = ("KEN", "BOL")) -> None:
    engagements = Engagements(settings.store_env("Engagements"), clock=lambda: RECORDED)
    treaties = Treaties(settings.store_env("Treaties"), clock=lambda: RECORDED)
    try:
        for state in states:
            for command in steps(state):
                engagements.handle(command)
        consent = TableAction(kind=ActionKind.RATIFICATION, effective_date=date(2001, 8, 1))
        table = [
            TableRow(row=2, name="Kenya", participant="KEN", signature=date(2000, 12, 13), consent=consent),
            TableRow(row=3, name="Bolivia", participant="BOL", signature=date(2000, 12, 12)),
        ]
        treaties.import_table(table, Instrument.CONVENTION, actor="registry", source="UNTC")
    finally:
        engagements.close()
        treaties.close()


def deployment(kind: str, home: Path, url: str | None, key: str | None) -> Settings:
    secret = SecretStr(key) if key is not None else None
    if kind == "sqlite":
        return Settings(home=home, audit_key=secret)
    return Settings(home=home, store="postgres", database_url=url, audit_key=secret)


def recorded_store(kind: str, home: Path, url: str | None) -> Store:
    """Two engagements of four steps (Engagements 1-8) and three treaty actions, under a fresh key."""
    settings = deployment(kind, home, url, secrets.token_hex(32))
    record(settings)
    return Store(kind, settings)
