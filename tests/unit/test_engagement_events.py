"""Engagement events: what each carries, how it is stored and replayed, and what the workflow anticipates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import cast
from uuid import UUID

from eventsourcing.application import project_aggregate
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.utils import resolve_topic
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

from activities.store.mapper import JsonTranscoder, PydanticMapper
from domain import events as ev
from domain.commands import ChangeInstruments, Command, Escalate, SendReminder
from domain.engagement import Engagement, engagement_id
from domain.errors import DomainError
from domain.progress import Progress, anticipate, check
from domain.values import Bill, BillStage, Instrument, Step
from domain.views import progress_of
from tests.unit.engagement_steps import (
    RECEIVED,
    RECORDED_AT,
    STATE,
    STATE_NAME,
    STEP_DAY,
    assistance,
    assistance_activity,
    bill,
    focal_point,
    gap_list,
    law_summary,
    legislation,
    open_engagement,
    training,
    withdraw,
)

# Stored topics are contracts: renaming an event class breaks every stored history.
EVENT_TOPICS = {
    name: f"domain.events:{name}"
    for name in (
        "RequestReceived",
        "RoundOpened",
        "InstrumentsChanged",
        "LawSummaryReceived",
        "FocalPointNamed",
        "GapListDrawnUp",
        "AssistanceActivityRecorded",
        "AssistanceConcluded",
        "BillAdvanced",
        "LegislationConcluded",
        "TrainingHeld",
        "EngagementWithdrawn",
        "ReminderSent",
        "StepEscalated",
    )
}


def reminder(step: Step, kind: type[SendReminder] | type[Escalate] = SendReminder) -> Command:
    return kind(state=STATE, effective_date=date(2001, 10, 20), step=step, due_date=date(2001, 10, 15))


def completed_case() -> list[Command]:
    """Every kind of command but withdrawal, in an order the rules accept."""
    return [
        open_engagement(partners=("Commonwealth Secretariat",)),
        reminder(Step.LAW_SUMMARY),
        reminder(Step.LAW_SUMMARY, Escalate),
        law_summary(effective_date=date(2001, 10, 25)),
        focal_point(effective_date=date(2001, 10, 1)),
        gap_list(),
        assistance_activity(),
        bill(stage=BillStage.DRAFTED),
        assistance(activities=(assistance_activity().activity,)),
        bill(stage=BillStage.SUBMITTED),
        legislation(Bill(title="Organized Crime Act", stage=BillStage.ENACTED, stage_date=date(2002, 1, 30))),
        training(),
    ]


def withdrawn_case() -> list[Command]:
    return [open_engagement(), law_summary(), withdraw()]


def reopened_case() -> list[Command]:
    """A round withdrawn, and a second one opened, its instruments changed."""
    added = ChangeInstruments(state=STATE, effective_date=STEP_DAY, add=(Instrument.FIREARMS,))
    return [*withdrawn_case(), open_engagement(received=STEP_DAY), added, withdraw()]


def with_provenance(commands: Sequence[Command]) -> list[Command]:
    """Give each command its own actor, source, command id and effective date, to tell them apart."""
    return [
        command.model_copy(
            update={
                "actor": f"officer-{n}",
                "source": f"note verbale {n}",
                "command_id": f"command-{n}",
                "effective_date": RECEIVED + timedelta(days=n),
            }
        )
        for n, command in enumerate(commands)
    ]


def recorded_at(n: int) -> datetime:
    return RECORDED_AT + timedelta(hours=n, microseconds=n)


def run(commands: Sequence[Command]) -> tuple[Engagement, list[ev.EngagementEvent]]:
    """Open the engagement with the first command, execute the rest; the aggregate and every event."""
    opening, *rest = commands
    engagement = Engagement.open(opening, STATE_NAME, recorded_at(0))
    for n, command in enumerate(rest, start=1):
        engagement.execute(command, recorded_at(n))
    collected = engagement.collect_events()
    return engagement, [cast(ev.EngagementEvent, e) for e in collected]


def replayed(events: Sequence[ev.EngagementEvent]) -> tuple[Engagement, list[ev.EngagementEvent]]:
    """Store every event through the project's mapper, read it back, and rebuild the aggregate."""
    mapper = PydanticMapper(transcoder=JsonTranscoder())
    stored = [mapper.to_stored_event(cast(DomainEventProtocol[UUID], e)) for e in events]
    for record, event in zip(stored, events, strict=True):
        assert record.topic == EVENT_TOPICS[type(event).__name__]
        assert (record.originator_id, record.originator_version) == (
            event.originator_id,
            event.originator_version,
        )
        assert isinstance(json.loads(record.state), dict)
    read = [cast(ev.EngagementEvent, mapper.to_domain_event(r)) for r in stored]
    engagement = project_aggregate(None, read)
    assert isinstance(engagement, Engagement)
    return engagement, read


def test_every_event_carries_actor_effective_date_recorded_time_source_and_command_id() -> None:
    for case in (completed_case(), withdrawn_case(), reopened_case()):
        commands = with_provenance(case)
        engagement, events = run(commands)

        assert len(events) == len(commands)
        for n, (command, event) in enumerate(zip(commands, events, strict=True)):
            assert event.actor == command.actor == f"officer-{n}"
            assert event.effective_date == command.effective_date
            assert event.timestamp == recorded_at(n)
            assert event.source == f"note verbale {n}"
            assert event.command_id == f"command-{n}"
            assert event.state == STATE
            assert event.originator_id == engagement_id(STATE)
            assert event.originator_version == n + 1
        assert engagement.view().opened_at == recorded_at(0)
        assert engagement.view().modified_at == recorded_at(len(commands) - 1)


def test_events_of_a_whole_case_cover_every_event_type() -> None:
    _, completed = run(completed_case())
    _, withdrawn = run(reopened_case())

    assert {type(e).__name__ for e in [*completed, *withdrawn]} == set(EVENT_TOPICS)


def test_replaying_stored_events_gives_the_same_case() -> None:
    for case in (completed_case(), reopened_case(), with_provenance(completed_case())):
        engagement, events = run(case)

        rebuilt, read = replayed(events)

        assert read == events
        assert rebuilt.view() == engagement.view()
        assert rebuilt.progress == engagement.progress
        assert rebuilt.commands == engagement.commands


def test_event_topics_are_the_stored_contract() -> None:
    for name, topic in EVENT_TOPICS.items():
        assert resolve_topic(topic) is getattr(ev, name)
    _, (opened, *_) = run(completed_case())

    assert isinstance(opened, ev.RequestReceived)
    # The created event names the aggregate class; moving it needs register_topic.
    assert opened.originator_topic == "domain.engagement:Engagement"
    assert resolve_topic(opened.originator_topic) is Engagement


# Random commands: valid and invalid ones, with dates on both sides of the request and of today.
DAYS = st.dates(min_value=date(2001, 8, 1), max_value=date(2002, 3, 10))
TITLES = st.sampled_from(["Organized Crime Act", "organized crime act", "Smuggling Act"])
ITEMS = st.sampled_from(
    ["convention.art5", "smuggling.art6", "firearms.art5", "training.officials", "nowhere.art1"]
)
BILLS = st.builds(
    Bill, title=TITLES, stage=st.sampled_from(BillStage), addresses=st.lists(ITEMS, max_size=1).map(tuple)
)


@st.composite
def commands(draw: st.DrawFn) -> Command:
    day = draw(DAYS)
    choice = draw(st.integers(min_value=0, max_value=11))
    made: Command
    if choice == 0:
        instruments = draw(st.lists(st.sampled_from(Instrument), min_size=1, max_size=4, unique=True))
        made = open_engagement(received=day, instruments=tuple(instruments))
    elif choice == 1:
        made = law_summary(effective_date=day)
    elif choice == 2:
        made = focal_point(effective_date=day)
    elif choice == 3:
        made = gap_list(*draw(st.lists(ITEMS, min_size=1, max_size=3)), effective_date=day)
    elif choice == 4:
        made = assistance_activity(effective_date=day)
    elif choice == 5:
        made = assistance(effective_date=day, requested=draw(st.booleans()))
    elif choice == 6:
        made = bill(effective_date=day).model_copy(update={"bill": draw(BILLS)})
    elif choice == 7:
        made = legislation(*draw(st.lists(BILLS, max_size=2)), effective_date=day)
    elif choice == 8:
        made = training(effective_date=day)
    elif choice == 9:
        made = withdraw(effective_date=day)
    else:
        kind = SendReminder if choice == 10 else Escalate
        made = kind(state=STATE, effective_date=day, step=draw(st.sampled_from(Step)), due_date=day)
    return made


@st.composite
def command_sequences(draw: st.DrawFn) -> list[Command]:
    """A valid opening, then the steps (in order or shuffled) interleaved with random commands."""
    steps = [
        law_summary(),
        focal_point(),
        gap_list(),
        assistance(),
        legislation(*draw(st.lists(BILLS, max_size=2))),
        training(),
    ]
    if draw(st.booleans()):
        happy = draw(st.permutations(steps))
    else:
        happy = steps if draw(st.booleans()) else [steps[1], steps[0], *steps[2:]]
    noise = draw(st.lists(commands(), max_size=12))
    merged: list[Command] = list(happy)
    for command in noise:
        merged.insert(draw(st.integers(min_value=0, max_value=len(merged))), command)
    return [open_engagement(), *merged]


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(command_sequences())
def test_anticipated_progress_matches_the_recorded_case(sequence: list[Command]) -> None:
    opening, *rest = sequence
    expected: Progress | None = anticipate(None, opening)
    engagement = Engagement.open(opening, STATE_NAME, recorded_at(0))
    assert engagement.progress == expected

    for n, command in enumerate(rest, start=1):
        today = recorded_at(n).date()
        anticipated_error: type[DomainError] | None = None
        recorded_error: type[DomainError] | None = None
        version = engagement.version
        try:
            check(expected, command, today)
        except DomainError as error:
            anticipated_error = type(error)
        try:
            engagement.execute(command, recorded_at(n))
        except DomainError as error:
            recorded_error = type(error)

        assert recorded_error is anticipated_error, command
        if anticipated_error is None:
            expected = anticipate(expected, command)
            assert engagement.version == version + 1
        else:
            assert engagement.version == version
        assert engagement.progress == expected
        assert progress_of(engagement.view()) == expected

    # Steer towards long cases, where bills and completion are exercised.
    target(float(len(engagement.progress.completed) + len(engagement.progress.bills)))
    rebuilt, _ = replayed([cast(ev.EngagementEvent, e) for e in engagement.collect_events()])
    assert rebuilt.view() == engagement.view()


def test_anticipate_runs_ahead_of_a_queue_of_commands() -> None:
    queue = [law_summary(), focal_point(), gap_list(), assistance(), bill(), legislation()]
    expected = progress_of(Engagement.open(open_engagement(), STATE_NAME, RECORDED_AT).view())

    for command in queue:
        check(expected, command, RECORDED_AT.date())
        expected = anticipate(expected, command)

    engagement, _ = run([open_engagement(), *queue])
    assert expected == engagement.progress
    assert expected is not None
    assert expected.awaiting() == (Step.TRAINING,)
