"""A treaty import stores its new actions without making their aggregates, and stores exactly what making
them stored: the same rows, byte for byte, and the same chain."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import cast
from uuid import UUID

import pytest
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic
from pydantic import BaseModel

from activities.participants import directory
from activities.store.chain import Link, RawEvent
from activities.store.mapper import CLASS_VERSION, PydanticMapper, class_version_of
from activities.store.recorders import ChainedRecorder
from activities.treaties import ImportSummary, Treaties
from activities.untc import TableAction, TableRefused, TableRow, parse_table
from activities.untc_stream import read_table
from domain.facts import Recorded
from domain.treaty import ActionKind, TreatyAction, misdated, slot_of, treaty_action_id
from domain.values import Door, Instrument
from tests.servers import PostgresCluster
from usecases.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "untc"
HEADER = (
    'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)",'
    "Declarations and Reservations\n"
)
# Names with quotes and letters beyond ASCII, every kind of consent, a row with statements, a signature alone.
VARIED = (
    HEADER
    + "Côte d'Ivoire,15 Dec 2000,25 Oct 2012,\n"
    + "Türkiye,13 Dec 2000,25 Mar 2003,\n"
    + 'Algeria,12 Dec 2000,7 Oct 2002,"Reservation: Algeria does not consider itself bound by article 35."\n'
    + "Bahrain,,7 Jun 2004 a,\n"
    + "Montenegro,,23 Oct 2006 d,\n"
    + "Finland,12 Dec 2000,10 Feb 2004 A,\n"
    + "Netherlands,12 Dec 2000,26 May 2004 A,\n"
    + "European Union,12 Dec 2000,21 May 2004 AA,\n"
    + "Japan,12 Dec 2000,,\n"
)
VIENNA = timezone(timedelta(hours=1))


class DumpingMapper(PydanticMapper):
    """The mapper as it encoded every event before: its fields dumped to a dict, then the dict to JSON."""

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        fields = cast(BaseModel, domain_event).model_dump(
            mode="json", exclude={"originator_id", "originator_version"}
        )
        version = class_version_of(type(domain_event))
        if version > 1:
            fields[CLASS_VERSION] = version
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=get_topic(type(domain_event)),
            state=self.transcoder.encode(fields),
        )


class ThroughAggregates(Treaties):
    """The import as it was before storing in bulk: each new action made as its aggregate, and every
    changed aggregate saved with `save`, through the mapper as it was."""

    name = "Treaties"

    def construct_mapper(self) -> Mapper[UUID]:
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=DumpingMapper)

    def _import_once(
        self,
        rows: Sequence[TableRow],
        instrument: Instrument,
        by: tuple[str, str | None, Door | None],
        progress: Callable[[], None] | None,
    ) -> ImportSummary:
        actor, source, door = by
        wanted = [
            (row, action, treaty_action_id(row.participant, instrument, slot_of(action.kind)))
            for row in rows
            for action in row.actions
        ]
        stored = self.existing([aggregate_id for _, _, aggregate_id in wanted])
        found = [(row, action, cast(TreatyAction | None, stored.get(i))) for row, action, i in wanted]
        recorded_at = self.clock()
        misread = [
            problem
            for _, action, _ in found
            if (problem := misdated(instrument, action.kind, action.effective_date, recorded_at.date()))
        ]
        if misread:
            raise TableRefused(misread)
        changed: list[TreatyAction] = []
        stamped: Recorded = {"recorded_at": recorded_at, "actor": actor, "source": source, "door": door}
        for row, action, aggregate in found:
            if aggregate is None:
                changed.append(
                    TreatyAction.record(
                        participant=row.participant,
                        participant_name=self._name(row.participant),
                        instrument=instrument,
                        kind=action.kind,
                        effective_date=action.effective_date,
                        **stamped,
                    )
                )
            elif not aggregate.agrees_with(action.kind, action.effective_date):
                aggregate.correct(kind=action.kind, effective_date=action.effective_date, **stamped)
                changed.append(aggregate)
        new_statements = self._statements(rows, instrument, recorded_at, by)
        if changed or new_statements:
            self.save(*changed, *new_statements)
        return ImportSummary(instrument=instrument, rows=len(rows), recorded=0, corrected=0, unchanged=0)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2014, 10, 6, 9, 30, 15, 123456, tzinfo=VIENNA)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1, microseconds=7)
        return self.now


def every_state() -> list[TableRow]:
    """A row for every current State of the directory, each with a signature and a consent of any kind."""
    states = [p for p in directory().all() if p.kind == "state" and not p.historic]
    kinds = [kind for kind in ActionKind if kind.makes_party]
    return [
        TableRow(
            row=n + 2, name=state.name, participant=state.code, signature=date(2000, 12, 12 + n % 3),
            consent=TableAction(kind=kinds[n % len(kinds)], effective_date=date(2003, 1, 1 + n % 28)),
        )
        for n, state in enumerate(states)
    ]  # fmt: skip


def imports(app: Treaties) -> list[ImportSummary]:
    """Imports that record new actions, correct some, record statements, and record nothing."""
    convention = read_table(FIXTURES / "convention.csv")
    peru = TableRow(row=99, name="Peru", participant="PER", signature=date(2000, 12, 14))
    tables = [
        (convention, Instrument.CONVENTION, "UNTC 18-12", Door.CLI),
        (read_table(FIXTURES / "convention_corrected.csv"), Instrument.CONVENTION, None, None),
        (parse_table(VARIED), Instrument.TRAFFICKING, "note « 1 »", Door.WEB),
        (read_table(FIXTURES / "firearms.csv"), Instrument.FIREARMS, None, None),
        (convention, Instrument.CONVENTION, "UNTC 18-12", None),
        ([*read_table(FIXTURES / "convention_corrected.csv")[:4], peru], Instrument.CONVENTION, None, None),
    ]
    return [
        app.import_table(rows, instrument, actor="registry", source=source, door=door)
        for rows, instrument, source, door in tables
    ]


def contents(app: Treaties) -> tuple[list[RawEvent], list[Link]]:
    with cast(ChainedRecorder, app.recorder).snapshot() as (events, links):
        return list(events), list(links)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[dict[str, str], ...]]:
    """Two empty Treaties stores of one kind, chained with one key."""
    key = secrets.token_hex(32)
    if request.param == "sqlite":
        yield tuple(Settings(home=tmp_path / name, audit_key=key).store_env("Treaties") for name in "ab")
        return
    cluster = cast(PostgresCluster, request.getfixturevalue("postgres_cluster"))
    urls = [cluster.create_database() for _ in "ab"]
    yield tuple(Settings(store="postgres", database_url=u, audit_key=key).store_env("Treaties") for u in urls)
    for url in urls:
        cluster.drop_database(url.rsplit("/", 1)[1])


def test_the_import_stores_what_making_each_aggregate_stored(two_stores: tuple[dict[str, str], ...]) -> None:
    bulk_env, aggregates_env = two_stores
    bulk = Treaties(bulk_env, clock=Clock())
    reference = ThroughAggregates(aggregates_env, clock=Clock())
    try:
        summaries = imports(bulk)
        imports(reference)

        events, links = contents(bulk)
        expected_events, expected_links = contents(reference)
    finally:
        bulk.close()
        reference.close()
    assert [s.recorded for s in summaries] == [19, 0, 15, 9, 0, 1]
    assert [s.corrected for s in summaries] == [0, 1, 0, 0, 1, 0]
    assert sum(s.statements for s in summaries) == 1
    assert events == expected_events
    assert links == expected_links
    assert len(links) == len(events) == 19 + 1 + 15 + 1 + 9 + 1 + 1


def test_every_state_s_actions_are_stored_as_their_aggregates_would_have_been(tmp_path: Path) -> None:
    key = secrets.token_hex(32)
    rows = every_state()
    bulk = Treaties(Settings(home=tmp_path / "bulk", audit_key=key).store_env("Treaties"), clock=Clock())
    reference = ThroughAggregates(
        Settings(home=tmp_path / "aggregates", audit_key=key).store_env("Treaties"), clock=Clock()
    )
    try:
        summary = bulk.import_table(rows, Instrument.SMUGGLING, actor="bench", source=None)
        reference.import_table(rows, Instrument.SMUGGLING, actor="bench", source=None)

        events, links = contents(bulk)
        assert (events, links) == contents(reference)
    finally:
        bulk.close()
        reference.close()
    assert summary.recorded == len(events) == len(links) == 2 * len(rows) > 300
