"""Plans and questionnaires, pure: a plan as it stood on a day, the order rules of a plan, reply citations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import cast

import pytest

from domain.errors import RecordClosed
from domain.facts import Fact
from domain.plans import (
    CancelPlan,
    HoldPlan,
    MakePlan,
    MovePlan,
    Plan,
    PlanHeldElsewhere,
    PlannedBeforeDecided,
    PlanStatus,
    plan_as_of,
    plan_id,
)
from domain.questionnaires import (
    AnswerQuestionnaire,
    Dispatch,
    Questionnaire,
    Reply,
    SendQuestionnaire,
    citation,
    cited,
)
from projections.facts import project

NOW = datetime(2002, 3, 4, 12, tzinfo=UTC)


def quito(**fields: object) -> MakePlan:
    asked = {"title": "Regional seminar", "kind": "seminar", "place": "Quito", "planned": date(2002, 5, 6)}
    return MakePlan.model_validate(asked | {"effective_date": date(2002, 3, 4)} | fields)


def made() -> Plan:
    command = quito()
    return Plan.make(
        command, command.details(), plan=plan_id(command.kind, "Quito", command.planned), recorded_at=NOW
    )


def test_a_plan_as_of_a_day_counts_only_what_was_decided_by_then() -> None:
    plan = made()
    plan.move(MovePlan(plan=plan.id, planned=date(2002, 6, 10), effective_date=date(2002, 4, 1)), NOW)
    plan.cancel(CancelPlan(plan=plan.id, reason="No host", effective_date=date(2002, 4, 20)), NOW)
    events = [cast(Fact, e) for e in plan.collect_events()]

    assert plan_as_of(events, date(2002, 3, 1)) is None
    before_move = plan_as_of(events, date(2002, 3, 31))
    after_move = plan_as_of(events, date(2002, 4, 1))
    now = plan_as_of(events)
    assert before_move is not None
    assert after_move is not None
    assert now is not None
    assert (before_move.details.planned, before_move.status) == (date(2002, 5, 6), PlanStatus.PLANNED)
    assert (after_move.details.planned, after_move.moves) == (date(2002, 6, 10), 1)
    assert (now.status, now.closed_on, now.reason) == (PlanStatus.CANCELLED, date(2002, 4, 20), "No host")


def test_a_plan_changes_only_while_planned_and_never_before_it_was_made() -> None:
    plan = made()
    with pytest.raises(PlannedBeforeDecided):
        plan.move(MovePlan(plan=plan.id, planned=date(2002, 6, 10), effective_date=date(2002, 3, 1)), NOW)
    with pytest.raises(PlanHeldElsewhere):
        plan.hold(HoldPlan(plan=plan.id, effective_date=date(2002, 5, 6)), NOW)
    plan.cancel(CancelPlan(plan=plan.id, reason="No host", effective_date=date(2002, 4, 20)), NOW)
    plan.cancel(CancelPlan(plan=plan.id, reason="No host", effective_date=date(2002, 4, 20)), NOW)
    with pytest.raises(RecordClosed, match="is cancelled: it cannot be moved"):
        plan.move(MovePlan(plan=plan.id, planned=date(2002, 6, 10), effective_date=date(2002, 4, 21)), NOW)
    assert [type(e).__name__ for e in plan.collect_events()] == ["PlanMade", "PlanCancelled"]


def test_a_reply_is_cited_by_its_questionnaire_and_state() -> None:
    assert citation(Questionnaire.ADVISORY_COUNCIL, "BOL") == "reply:advisory_council/BOL"
    assert cited("reply:prosecutors/bol") == (Questionnaire.PROSECUTORS, "BOL")
    assert cited("BOL/LAW/2002/1") is None
    with pytest.raises(ValueError, match="cites no questionnaire's reply"):
        cited("reply:ispac/BOL")


def test_a_sending_counts_once_and_each_state_it_reached_and_a_reply_counts_its_state() -> None:
    send = SendQuestionnaire(
        questionnaire=Questionnaire.ADVISORY_COUNCIL, states=("BEN", "TGO"), effective_date=date(2001, 11, 28)
    )
    dispatch = Dispatch.send(send, recorded_at=NOW)
    dispatch.send_again(send.model_copy(update={"states": ("BEN", "NER")}), NOW)
    dispatch.send_again(send.model_copy(update={"states": ("NER",)}), NOW)
    reply = Reply.answer(
        AnswerQuestionnaire(
            questionnaire=Questionnaire.ADVISORY_COUNCIL, state="BEN", effective_date=date(2002, 1, 10)
        ),
        recorded_at=NOW,
    )
    events = [cast(Fact, e) for e in (*dispatch.collect_events(), *reply.collect_events())]

    rows = [project(e, "Outreach", n).triples for n, e in enumerate(events, start=1)]

    origin = str(dispatch.id)
    assert rows == [
        (
            ("questionnaire_sending", origin, "advisory_council"),
            ("questionnaire_sent", "BEN", "advisory_council"),
            ("questionnaire_sent", "TGO", "advisory_council"),
        ),
        (("questionnaire_sent", "NER", "advisory_council"),),
        (("questionnaire_reply", "BEN", "advisory_council"),),
    ]
