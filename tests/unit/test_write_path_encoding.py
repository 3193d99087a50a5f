"""The write path's faster encodings give the bytes the plain ones give: events' states, and chain links."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta, timezone
from typing import cast
from uuid import UUID, uuid4, uuid5

import pydantic_core
from eventsourcing.domain import DomainEventProtocol
from pydantic import BaseModel

from activities.store.chain import Link, RawEvent, chain, new_links, originator_text
from activities.store.mapper import JsonTranscoder, PydanticMapper
from domain.events import EngagementEvent
from domain.reservations import Statement, StatementKind, TreatyStatement
from domain.treaty import TREATY_NAMESPACE, ActionKind, Slot, TreatyAction, treaty_action_id
from domain.values import Door, Instrument
from tests.unit.test_engagement_events import EVENT_TOPICS, completed_case, reopened_case, run


def facts() -> list[DomainEventProtocol[UUID]]:
    """Events of version 1 with every kind of value: offsets, text beyond ASCII, quotes, None, enums."""
    vienna = datetime(2014, 10, 6, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1)))
    action = TreatyAction.record(
        participant="CIV", participant_name='Côte d\'Ivoire "« »"\n', instrument=Instrument.FIREARMS,
        kind=ActionKind.SUCCESSION, effective_date=date(2012, 10, 25), recorded_at=vienna, actor="clerk",
        source=None, door=Door.CLI,
    )  # fmt: skip
    action.correct(
        kind=ActionKind.ACCESSION, effective_date=date(2012, 10, 26),
        recorded_at=datetime(2020, 1, 1, tzinfo=UTC), actor="ré", source="note\\verbale",
    )  # fmt: skip
    statement = TreatyStatement.record(
        participant="DZA", instrument=Instrument.CONVENTION, effective_date=date(2002, 10, 7),
        statement=Statement(kind=StatementKind.RESERVATION, text="Article 35 ¶ 2 \u2028", article="35"),
        recorded_at=vienna, actor="a", source="s",
    )  # fmt: skip
    return [*action.collect_events(), *statement.collect_events()]


def test_an_event_is_stored_as_its_fields_dumped_then_encoded() -> None:
    mapper = PydanticMapper(transcoder=JsonTranscoder())
    events = facts()

    stored = [mapper.to_stored_event(e) for e in events]

    dumped = [
        pydantic_core.to_json(
            cast(BaseModel, e).model_dump(mode="json", exclude={"originator_id", "originator_version"})
        )
        for e in events
    ]
    assert [s.state for s in stored] == dumped
    assert len({s.topic for s in stored}) == 3


def test_an_event_of_a_later_version_is_stored_as_its_fields_dumped_then_encoded_with_its_version() -> None:
    # Every engagement event type (version 3), with a withdrawal and a new round among them.
    _, completed = run(completed_case())
    _, reopened = run(reopened_case())
    events = [*completed, *reopened]
    mapper = PydanticMapper(transcoder=JsonTranscoder())

    stored = [mapper.to_stored_event(cast(DomainEventProtocol[UUID], e)) for e in events]

    dumped = [
        pydantic_core.to_json(
            e.model_dump(mode="json", exclude={"originator_id", "originator_version"})
            | {"class_version": EngagementEvent.class_version}
        )
        for e in events
    ]
    assert EngagementEvent.class_version > 1
    assert [s.state for s in stored] == dumped
    assert {type(e).__name__ for e in events} == set(EVENT_TOPICS)
    assert [mapper.to_domain_event(s) for s in stored] == events


def test_new_links_are_the_links_chain_gives() -> None:
    key = secrets.token_bytes(32)
    events = [
        (position, uuid4() if position % 2 else f"user-{position}", position % 4 + 1, "domain.é:Tôpic", state)
        for position, state in [
            (1, b""),
            (2, b"{}"),
            (9, b"\x00\xff" * 300),
            (10, "é".encode()),
            (12345, b"x"),
        ]
    ]
    raw = [RawEvent(p, originator_text(o), v, t, s) for p, o, v, t, s in events]

    for head in (None, Link(position=0, previous=0, hash=secrets.token_bytes(32), key_id=b"8 bytes!")):
        expected = [(link.position, link.previous, link.hash, link.key_id) for link in chain(key, head, raw)]
        assert new_links(key, head, events) == expected


def test_a_treaty_action_s_id_is_the_uuid5_of_its_business_key() -> None:
    keys = [("esp", Instrument.CONVENTION, Slot.CONSENT), ("EUU", Instrument.FIREARMS, Slot.SIGNATURE)]
    for participant, instrument, slot in keys:
        expected = uuid5(TREATY_NAMESPACE, f"treaty/{participant.upper()}/{instrument.value}/{slot.value}")
        assert treaty_action_id(participant, instrument, slot) == expected
    # As stored since the first import: a re-imported table must find the same aggregates.
    assert (
        str(treaty_action_id("ESP", Instrument.CONVENTION, Slot.CONSENT))
        == "b0db93a4-28e3-5b34-b044-fda803e8f945"
    )
