"""What each stored event adds to the read model: its fact rows, their two times, and what it supersedes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from domain.commands import Command, Escalate, SendReminder
from domain.engagement import Engagement
from domain.facts import Fact
from domain.outreach import (
    CooperationActivity,
    CooperationKind,
    Meeting,
    MeetingDetails,
    MeetingKind,
    meeting_id,
)
from domain.treaty import ActionKind, TreatyAction
from domain.values import AssistanceActivity, AssistanceKind, Bill, BillStage, Instrument, Step
from projections.facts import Projected, project
from tests.unit.engagement_steps import (
    RECORDED_AT,
    STATE,
    STATE_NAME,
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

Triple = tuple[str, str, str]


def triples(projected: Projected) -> list[Triple]:
    return [(row.fact, row.subject, row.object) for row in projected.rows]


def events_of(commands: list[Command], opening: Engagement | None = None) -> list[Fact]:
    case = opening or Engagement.open(open_engagement(), STATE_NAME, RECORDED_AT)
    for n, command in enumerate(commands, start=1):
        case.execute(command, RECORDED_AT + timedelta(minutes=n))
    return [event for event in case.collect_events() if isinstance(event, Fact)]


def overdue(kind: type[SendReminder | Escalate]) -> Command:
    return kind(
        state=STATE, effective_date=date(2001, 11, 5), step=Step.LAW_SUMMARY, due_date=date(2001, 11, 2)
    )


def whole_engagement() -> list[Fact]:
    documentation = AssistanceActivity(kind=AssistanceKind.DOCUMENTATION)
    drafted = Bill(title="Organized Crime Act", stage=BillStage.DRAFTED, addresses=("convention.art5",))
    return events_of(
        [
            overdue(SendReminder),
            overdue(Escalate),
            law_summary(),
            focal_point(),
            gap_list(),
            assistance_activity(),
            assistance(activities=(documentation,)),
            bill(stage=BillStage.DRAFTED),
            legislation(drafted.model_copy(update={"stage": BillStage.ENACTED})),
            training(),
        ]
    )


ENGAGEMENT_ROWS: list[tuple[str, list[Triple]]] = [
    ("RequestReceived", [("request", STATE, "convention,smuggling"), ("step", STATE, "request")]),
    ("ReminderSent", [("reminder", STATE, "law_summary")]),
    ("StepEscalated", [("escalation", STATE, "law_summary")]),
    ("LawSummaryReceived", [("step", STATE, "law_summary")]),
    ("FocalPointNamed", [("step", STATE, "focal_point")]),
    (
        "GapListDrawnUp",
        [
            ("step", STATE, "gap_list"),
            ("gap_item", STATE, "convention.art5"),
            ("gap_item", STATE, "smuggling.art6"),
            ("gap_item", STATE, "training.officials"),
        ],
    ),
    ("AssistanceActivityRecorded", [("assistance_activity", STATE, "workshop")]),
    ("AssistanceConcluded", [("step", STATE, "assistance"), ("assistance_activity", STATE, "documentation")]),
    ("BillAdvanced", [("bill", STATE, "drafted")]),
    ("LegislationConcluded", [("step", STATE, "legislation"), ("bill", STATE, "enacted")]),
    ("TrainingHeld", [("step", STATE, "training")]),
]


def test_each_engagement_event_gives_its_rows() -> None:
    events = whole_engagement()

    assert [type(e).__name__ for e in events] == [name for name, _ in ENGAGEMENT_ROWS]
    for event, (_, expected) in zip(events, ENGAGEMENT_ROWS, strict=True):
        projected = project(event, "Engagements", 7)
        assert triples(projected) == expected, type(event).__name__
        assert not projected.supersedes
        assert all(row.effective_date == event.effective_date for row in projected.rows)


def test_a_withdrawal_gives_a_withdrawal_row() -> None:
    [_, _, withdrawn] = events_of([law_summary(), withdraw()])

    assert triples(project(withdrawn, "Engagements", 3)) == [("withdrawal", STATE, "")]


def test_every_row_points_at_its_event_with_both_times() -> None:
    event = whole_engagement()[5]
    projected = project(event, "Engagements", 41)

    ref = projected.ref
    assert (ref.application, ref.position) == ("Engagements", 41)
    assert (ref.origin, ref.version) == (str(event.originator_id), event.originator_version)
    assert (ref.event_type, ref.recorded_at) == ("GapListDrawnUp", event.timestamp)
    assert all(row.ref == ref for row in projected.rows)
    assert {row.effective_date for row in projected.rows} == {event.effective_date}
    assert project(event, "Engagements", 41) == projected


def treaty_action(kind: ActionKind, instrument: Instrument = Instrument.FIREARMS) -> TreatyAction:
    return TreatyAction.record(
        participant="MCO",
        participant_name="Monaco",
        instrument=instrument,
        kind=kind,
        effective_date=date(2001, 6, 5),
        recorded_at=datetime(2002, 1, 10, tzinfo=UTC),
        actor="registry",
        source=None,
    )


@pytest.mark.parametrize(
    ("kind", "fact"),
    [
        (ActionKind.SIGNATURE, "signature"),
        (ActionKind.RATIFICATION, "party"),
        (ActionKind.ACCEPTANCE, "party"),
        (ActionKind.APPROVAL, "party"),
        (ActionKind.ACCESSION, "party"),
        (ActionKind.SUCCESSION, "party"),
    ],
)
def test_a_signature_makes_a_signatory_and_any_consent_a_party(kind: ActionKind, fact: str) -> None:
    [recorded] = treaty_action(kind).collect_events()
    assert isinstance(recorded, Fact)

    projected = project(recorded, "Treaties", 2)

    assert triples(projected) == [(fact, "MCO", "firearms")]
    assert projected.rows[0].effective_date == date(2001, 6, 5)
    assert projected.ref.event_type == "TreatyActionRecorded"
    assert not projected.supersedes


def test_a_treaty_correction_supersedes_the_action_with_its_new_reading() -> None:
    action = treaty_action(ActionKind.RATIFICATION, Instrument.CONVENTION)
    action.correct(
        kind=ActionKind.ACCESSION,
        effective_date=date(2002, 3, 15),
        recorded_at=datetime(2002, 3, 20, tzinfo=UTC),
        actor="registry",
        source="corrigendum",
    )
    [recorded, corrected] = action.collect_events()
    assert isinstance(recorded, Fact)
    assert isinstance(corrected, Fact)

    projected = project(corrected, "Treaties", 9)

    assert projected.supersedes
    assert triples(projected) == [("party", "MCO", "convention")]
    assert projected.rows[0].effective_date == date(2002, 3, 15)
    assert projected.ref.origin == project(recorded, "Treaties", 1).ref.origin
    assert (projected.ref.version, projected.ref.event_type) == (2, "TreatyActionCorrected")


def details(**fields: object) -> MeetingDetails:
    return MeetingDetails.model_validate(
        {
            "title": "Subregional seminar",
            "kind": MeetingKind.SUBREGIONAL_SEMINAR,
            "place": "Dakar",
            "start": date(2002, 2, 18),
            "end": date(2002, 2, 20),
            "participants": ("SEN", "MLI"),
            "observers": ("UNHCR",),
        }
        | fields
    )


def test_a_meeting_gives_its_own_row_and_one_per_participating_state_not_observers() -> None:
    held = Meeting.record(details(), recorded_at=datetime(2002, 2, 25, tzinfo=UTC), actor="a", source=None)
    [event] = held.collect_events()
    assert isinstance(event, Fact)

    projected = project(event, "Outreach", 4)

    dakar = str(meeting_id("Dakar", date(2002, 2, 18)))
    assert triples(projected) == [
        ("meeting", dakar, "subregional_seminar"),
        ("meeting_participant", "SEN", dakar),
        ("meeting_participant", "MLI", dakar),
    ]
    assert not projected.supersedes


def test_a_meeting_correction_supersedes_all_its_rows_with_the_new_details() -> None:
    held = Meeting.record(details(), recorded_at=datetime(2002, 2, 25, tzinfo=UTC), actor="a", source=None)
    new = details(
        participants=("SEN", "GMB"), kind=MeetingKind.MINISTERIAL_CONSULTATION, start=date(2002, 2, 19)
    )
    held.correct(new, recorded_at=datetime(2002, 3, 15, tzinfo=UTC), actor="a", source=None)
    [_, corrected] = held.collect_events()
    assert isinstance(corrected, Fact)

    projected = project(corrected, "Outreach", 5)

    dakar = str(meeting_id("Dakar", date(2002, 2, 18)))
    assert projected.supersedes
    assert triples(projected) == [
        ("meeting", dakar, "ministerial_consultation"),
        ("meeting_participant", "SEN", dakar),
        ("meeting_participant", "GMB", dakar),
    ]
    assert {row.effective_date for row in projected.rows} == {date(2002, 2, 19)}


def test_a_cooperation_activity_gives_one_row_for_its_state() -> None:
    activity = CooperationActivity.record(
        state="HRV",
        kind=CooperationKind.LEGAL_TRAINING,
        title="Training of prosecutors",
        partners=("OSCE",),
        effective_date=date(2002, 2, 1),
        recorded_at=datetime(2002, 3, 1, tzinfo=UTC),
        actor="a",
        source=None,
    )
    [event] = activity.collect_events()
    assert isinstance(event, Fact)

    projected = project(event, "Outreach", 6)

    assert triples(projected) == [("cooperation", "HRV", "legal_training")]
    assert projected.rows[0].effective_date == date(2002, 2, 1)


class NoteFiled(Fact):
    """An event the read model does not know."""

    text: str


def test_an_event_the_read_model_does_not_know_gives_no_rows() -> None:
    note = NoteFiled(
        originator_id=uuid4(),
        originator_version=1,
        timestamp=RECORDED_AT,
        actor="a",
        effective_date=date(2002, 1, 1),
        text="memo",
    )

    projected = project(note, "Engagements", 12)

    assert projected.rows == ()
    assert not projected.supersedes
    assert (projected.ref.event_type, projected.ref.position) == ("NoteFiled", 12)
