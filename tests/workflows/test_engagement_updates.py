"""A case driven through workflow updates: every step answered with the case, the workflow then ends."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.commands import Command
from domain.values import LegislationOutcome, Status, Step
from domain.views import CaseView
from tests.workflows.case_commands import CaseCommands
from tests.workflows.engine import Engine
from workflows.client import CommandRefused

STEPS_IN_ORDER = [
    Step.REQUEST,
    Step.LAW_SUMMARY,
    Step.FOCAL_POINT,
    Step.GAP_LIST,
    Step.ASSISTANCE,
    Step.LEGISLATION,
    Step.TRAINING,
]
EVENTS_IN_ORDER = [
    "RequestReceived",
    "LawSummaryReceived",
    "FocalPointNamed",
    "GapListDrawnUp",
    "AssistanceConcluded",
    "LegislationConcluded",
    "TrainingHeld",
]


async def test_whole_case_runs_from_request_to_training_and_the_workflow_completes(engine: Engine) -> None:
    steps = engine.commands
    opened = await engine.send(steps.open())
    assert opened.status is Status.OPEN
    assert opened.state == engine.state
    assert opened.completed_steps == (Step.REQUEST,)
    assert opened.awaiting == (Step.LAW_SUMMARY, Step.FOCAL_POINT)

    for number, command in enumerate(steps.after_request(), start=2):
        case = await engine.send(command)
        assert case.completed_steps == tuple(STEPS_IN_ORDER[:number]), command.kind
        assert case.version == number

    assert case.status is Status.COMPLETED
    assert case.stage is None
    assert case.awaiting == ()
    assert case.legislation_outcome is LegislationOutcome.ENACTED
    assert case.officials_trained == 40
    assert case.gap_items == steps.gap_list().items
    assert engine.event_types() == EVENTS_IN_ORDER
    # Every recorded event carries the id the workflow gave its command, each one different.
    ids = [entry.command_id for entry in engine.history()]
    assert None not in ids
    assert len(set(ids)) == len(ids)

    result = await engine.handle().result()
    assert result == case


async def opened_case(engine: Engine) -> CaseView:
    await engine.send(engine.commands.open())
    return await engine.send(engine.commands.law_summary())


def training_before_legislation(steps: CaseCommands, today: date) -> Command:
    return steps.training()


def law_summary_again(steps: CaseCommands, today: date) -> Command:
    return steps.law_summary(document="A second summary")


def focal_point_tomorrow(steps: CaseCommands, today: date) -> Command:
    return steps.focal_point(effective_date=today + timedelta(days=1))


REFUSALS = [
    pytest.param(
        training_before_legislation, "The training step of {state} needs legislation first.", id="order"
    ),
    pytest.param(law_summary_again, "The law_summary step of {state} is already recorded.", id="twice"),
    pytest.param(
        focal_point_tomorrow,
        "The effective date {tomorrow} of the focal_point step of {state} is after today ({today}).",
        id="future",
    ),
]


@pytest.mark.parametrize(("refused", "reason"), REFUSALS)
async def test_refused_update_names_the_rule_and_records_nothing(
    engine: Engine, refused: Callable[[CaseCommands, date], Command], reason: str
) -> None:
    await opened_case(engine)
    recorded = engine.history()
    today = (await engine.env.get_current_time()).date()

    with pytest.raises(CommandRefused) as refusal:
        await engine.send(refused(engine.commands, today))

    assert str(refusal.value) == reason.format(
        state=engine.state, today=today, tomorrow=today + timedelta(days=1)
    )
    assert engine.history() == recorded
    # The workflow goes on: the next step is recorded, and it is the only new event.
    case = await engine.send(engine.commands.focal_point())
    assert case.completed_steps == (Step.REQUEST, Step.LAW_SUMMARY, Step.FOCAL_POINT)
    assert engine.event_types() == [*EVENTS_IN_ORDER[:2], "FocalPointNamed"]


async def test_same_step_sent_twice_at_once_is_recorded_once(engine: Engine) -> None:
    await engine.send(engine.commands.open())

    outcomes = await asyncio.gather(
        engine.send(engine.commands.law_summary(document="first")),
        engine.send(engine.commands.law_summary(document="second")),
        return_exceptions=True,
    )

    cases = [o for o in outcomes if isinstance(o, CaseView)]
    refusals = [str(o) for o in outcomes if isinstance(o, CommandRefused)]
    assert len(cases) == 1, outcomes
    assert refusals == [f"The law_summary step of {engine.state} is already recorded."]
    assert engine.event_types() == ["RequestReceived", "LawSummaryReceived"]
    assert engine.history()[1].data["document"] == cases[0].law_summary_document


async def test_command_for_another_state_is_refused_by_the_states_workflow(engine: Engine) -> None:
    await opened_case(engine)
    recorded = engine.history()
    other = "BOL" if engine.state != "BOL" else "PER"

    with pytest.raises(WorkflowUpdateFailedError) as refusal:
        await engine.handle().execute_update(
            "focal_point", CaseCommands(other).focal_point(), result_type=CaseView
        )

    cause = refusal.value.cause
    assert isinstance(cause, ApplicationError)
    assert cause.message == f"This is the engagement of {engine.state}; the command is for {other}."
    assert engine.history() == recorded
    assert engine.store.case(other) is None


async def test_malformed_payload_is_refused_naming_the_missing_field(engine: Engine) -> None:
    await opened_case(engine)
    recorded = engine.history()

    with pytest.raises(WorkflowUpdateFailedError) as refusal:
        await engine.handle().execute_update("focal_point", {"state": engine.state, "actor": "officer"})

    cause = refusal.value.cause
    assert isinstance(cause, ApplicationError)
    assert cause.message == "Failed decoding arguments"
    assert isinstance(cause.cause, ApplicationError)
    assert "NameFocalPoint\neffective_date\n  Field required" in cause.cause.message
    assert engine.history() == recorded
    assert (await engine.status()).pending == ()
