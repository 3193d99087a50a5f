"""Event versions: stored shapes carry their class version, and older shapes are upcast on read."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar, cast
from uuid import UUID

import pydantic_core
import pytest
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import MapperDeserialisationError, StoredEvent
from eventsourcing.utils import get_topic

from activities.store.mapper import JsonTranscoder, PydanticMapper, upcast
from domain import events as ev
from domain.engagement import Engagement, engagement_id
from domain.facts import Fact
from domain.identity import state_of_engagement
from domain.treaty import ActionKind, TreatyAction
from domain.values import Instrument
from tests.unit.engagement_steps import (
    RECORDED_AT,
    STATE,
    STATE_NAME,
    focal_point,
    law_summary,
    open_engagement,
)

MAPPER = PydanticMapper(transcoder=JsonTranscoder())
ENGAGEMENT_EVENTS = sorted(
    (c for c in vars(ev).values() if isinstance(c, type) and issubclass(c, ev.EngagementEvent)),
    key=lambda c: c.__name__,
)


def stored(event: Fact) -> StoredEvent:
    return MAPPER.to_stored_event(cast(DomainEventProtocol[UUID], event))


def read(record: StoredEvent) -> Fact:
    return cast(Fact, MAPPER.to_domain_event(record))


def fields_of(record: StoredEvent) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(record.state))


def as_stored(record: StoredEvent, fields: dict[str, Any]) -> StoredEvent:
    """The same stored event with other stored fields, as an earlier version of the code wrote it."""
    return StoredEvent(
        originator_id=record.originator_id,
        originator_version=record.originator_version,
        topic=record.topic,
        state=pydantic_core.to_json(fields),
    )


def recorded_steps() -> list[ev.EngagementEvent]:
    engagement = Engagement.open(open_engagement(), STATE_NAME, RECORDED_AT)
    engagement.execute(law_summary(), RECORDED_AT)
    engagement.execute(focal_point(), RECORDED_AT)
    return [cast(ev.EngagementEvent, e) for e in engagement.collect_events()]


@pytest.mark.parametrize("code", ["BOL", "YUG", "ANT", "EUU", "AAA", "ZZZ"])
def test_version_1_step_event_is_given_the_state_its_engagement_id_derives_from(code: str) -> None:
    version_1 = {"originator_id": engagement_id(code), "actor": "officer", "document": None}

    upcast_fields = ev.EngagementEvent.upcast_v1_v2(version_1)

    assert upcast_fields == version_1 | {"state": code}
    assert "state" not in version_1


def test_an_event_that_already_names_its_state_keeps_it() -> None:
    # Written after events named their State but before the version number was raised.
    named = {"originator_id": engagement_id("BOL"), "state": "PER"}

    assert ev.EngagementEvent.upcast_v1_v2(named) == {"originator_id": engagement_id("BOL"), "state": "PER"}


def test_an_id_that_no_state_code_derives_is_refused() -> None:
    stranger = uuid.uuid4()

    with pytest.raises(ValueError, match=str(stranger)):
        ev.EngagementEvent.upcast_v1_v2({"originator_id": stranger})
    assert state_of_engagement(engagement_id("bol")) == "BOL"


@pytest.mark.parametrize("event_class", ENGAGEMENT_EVENTS, ids=lambda c: c.__name__)
def test_every_engagement_event_is_version_3_with_the_upcasters_to_it(
    event_class: type[ev.EngagementEvent],
) -> None:
    assert event_class.class_version == 3
    assert event_class.upcast_v1_v2 is ev.EngagementEvent.upcast_v1_v2
    assert event_class.upcast_v2_v3 is ev.EngagementEvent.upcast_v2_v3


def test_engagement_events_are_stored_with_their_version_and_other_facts_without() -> None:
    treaty = TreatyAction.record(
        participant="ITA",
        participant_name="Italy",
        instrument=Instrument.CONVENTION,
        kind=ActionKind.SIGNATURE,
        effective_date=date(2000, 12, 12),
        recorded_at=datetime(2001, 1, 5, tzinfo=UTC),
        actor="registry",
        source=None,
    )
    (signature,) = treaty.collect_events()

    assert [fields_of(stored(e))["class_version"] for e in recorded_steps()] == [3, 3, 3]
    assert "class_version" not in fields_of(stored(cast(Fact, signature)))


def test_a_version_1_step_event_reads_as_the_current_shape() -> None:
    request, summary, named = recorded_steps()
    old_fields = {
        k: v for k, v in fields_of(stored(summary)).items() if k not in ("state", "round", "class_version")
    }
    with pytest.raises(pydantic_core.ValidationError, match="state"):
        ev.LawSummaryReceived.model_validate(
            old_fields | {"originator_id": summary.originator_id, "originator_version": 2}
        )

    read_back = read(as_stored(stored(summary), old_fields))

    assert read_back == summary
    assert isinstance(read_back, ev.LawSummaryReceived)
    assert read_back.state == STATE
    # Events that round-trip in the current shape are unchanged by the versioning.
    assert [read(stored(e)) for e in (request, named)] == [request, named]


def test_an_event_stored_by_a_newer_version_of_its_class_is_refused() -> None:
    _, summary, _ = recorded_steps()
    record = stored(summary)
    newer = as_stored(record, fields_of(record) | {"class_version": 4})

    with pytest.raises(MapperDeserialisationError, match="LawSummaryReceived was stored as version 4"):
        read(newer)


class SeminarHeld(Fact):
    """A test event whose shape changed twice: `title` became `name`, then `kind` was added."""

    class_version: ClassVar[int] = 3

    name: str
    kind: str

    @staticmethod
    def upcast_v1_v2(stored: dict[str, Any]) -> dict[str, Any]:
        fields = dict(stored)
        fields["name"] = fields.pop("title")
        return fields

    @staticmethod
    def upcast_v2_v3(stored: dict[str, Any]) -> dict[str, Any]:
        return {**stored, "kind": "seminar" if "seminar" in stored["name"].lower() else "meeting"}


@pytest.mark.parametrize(
    "version_fields",
    [
        {"title": "Subregional seminar, Bangkok"},
        {"class_version": 2, "name": "Subregional seminar, Bangkok"},
        {"class_version": 3, "name": "Subregional seminar, Bangkok", "kind": "seminar"},
    ],
    ids=["v1", "v2", "v3"],
)
def test_upcasters_run_in_turn_from_the_stored_version_to_the_current(version_fields: dict[str, Any]) -> None:
    common = {
        "timestamp": "2002-01-22T10:00:00Z",
        "actor": "registry",
        "effective_date": "2002-01-21",
        "source": None,
    }
    record = StoredEvent(
        originator_id=uuid.uuid5(uuid.NAMESPACE_URL, "seminar/bangkok"),
        originator_version=1,
        topic=get_topic(SeminarHeld),
        state=pydantic_core.to_json(common | version_fields),
    )

    event = read(record)

    assert isinstance(event, SeminarHeld)
    assert (event.name, event.kind) == ("Subregional seminar, Bangkok", "seminar")
    assert fields_of(stored(event))["class_version"] == 3
    current = common | {"name": "Subregional seminar, Bangkok", "kind": "seminar"}
    assert upcast(SeminarHeld, common | version_fields) == current
