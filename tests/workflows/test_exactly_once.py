"""Exactly once through the workflow: a command sent again under its id (an update, a signal, the stock
client's update id, a retry after the run ended or continued as new) is answered as the first time and
recorded once; an id given to another command is refused."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.values import Status
from domain.views import CaseView
from tests.workflows.engine import Engine, until
from usecases.cases import start_input
from workflows.client import CommandRefused
from workflows.engagement import EngagementWorkflow
from workflows.messages import workflow_id


async def test_an_update_sent_again_gets_the_first_answer_and_records_nothing(engine: Engine) -> None:
    steps = engine.commands
    await engine.send(steps.open())
    law_summary = steps.law_summary()
    first = await engine.send(law_summary)
    await engine.send(steps.focal_point())

    again = await engine.send(law_summary)

    assert again == first
    assert again.version == 2
    assert engine.event_types() == ["RequestReceived", "LawSummaryReceived", "FocalPointNamed"]


async def test_a_retried_request_gets_its_case_not_a_refusal_as_already_open(engine: Engine) -> None:
    opening = engine.commands.open()
    opened = await engine.send(opening)
    await engine.send(engine.commands.law_summary())

    assert await engine.send(opening) == opened
    assert engine.event_types() == ["RequestReceived", "LawSummaryReceived"]


async def test_an_id_given_to_another_command_is_refused_with_one_sentence(engine: Engine) -> None:
    steps = engine.commands
    await engine.send(steps.open())
    law_summary = await engine.send(steps.law_summary(command_id="officer-42"))
    assert law_summary.version == 2

    with pytest.raises(CommandRefused) as refused:
        await engine.send(steps.focal_point(command_id="officer-42"))

    assert refused.value.kind == "CommandIdReused"
    assert str(refused.value) == (
        f"The command id 'officer-42' was given before to a different command of {engine.state}; "
        "a new command needs a new id."
    )
    assert engine.event_types() == ["RequestReceived", "LawSummaryReceived"]


async def test_the_same_activity_sent_thrice_is_recorded_once_and_answered_alike(engine: Engine) -> None:
    steps = engine.commands
    for command in (steps.open(), steps.law_summary(), steps.focal_point(), steps.gap_list()):
        await engine.send(command)
    workshop = steps.assistance_activity(1)

    answers = [await engine.send(workshop), await engine.send(workshop), await engine.send(workshop)]

    assert answers[0] == answers[1] == answers[2]
    assert len(answers[0].activities) == 1
    assert engine.event_types().count("AssistanceActivityRecorded") == 1


async def test_the_stock_clients_update_id_names_a_command_sent_without_one(engine: Engine) -> None:
    steps = engine.commands
    await engine.send(steps.open())
    payload = steps.law_summary().model_dump(mode="json", exclude={"command_id"})
    handle = engine.handle()

    first = await handle.execute_update("law_summary", payload, id="stock-update-7", result_type=CaseView)
    again = await handle.execute_update("law_summary", payload, id="stock-update-7", result_type=CaseView)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update("law_summary", payload, id="stock-update-8", result_type=CaseView)

    assert again == first
    cause = refused.value.cause
    assert isinstance(cause, ApplicationError)
    assert cause.message == f"The law_summary step of {engine.state} is already recorded."
    (recorded,) = engine.events_of("LawSummaryReceived")
    assert recorded.command_id == "stock-update-7"


async def test_a_signal_sent_again_under_its_id_is_recorded_once(engine: Engine) -> None:
    steps = engine.commands
    for command in (steps.open(), steps.law_summary(), steps.focal_point(), steps.gap_list()):
        await engine.send(command)
    handle = engine.handle()
    workshop = steps.assistance_activity(1)

    for _ in range(3):
        await handle.signal("assistance_activity", workshop)
    await handle.signal("assistance_activity", steps.assistance_activity(2))
    await until(lambda: len(engine.events_of("AssistanceActivityRecorded")) == 2, "both workshops")
    await engine.settled()

    recorded = engine.events_of("AssistanceActivityRecorded")
    assert [e.command_id for e in recorded] == [workshop.command_id, recorded[1].command_id]
    assert (await engine.status()).refusals == ()


async def test_signals_without_ids_are_told_apart_by_their_content_and_order(engine: Engine) -> None:
    steps = engine.commands
    for command in (steps.open(), steps.law_summary(), steps.focal_point(), steps.gap_list()):
        await engine.send(command)
    handle = engine.handle()
    plain = steps.assistance_activity(1).model_dump(mode="json", exclude={"command_id"})
    other = steps.assistance_activity(2).model_dump(mode="json", exclude={"command_id"})

    # Without an id, two equal signals are two workshops that happened alike; the ids say which is which.
    for payload in (plain, other, plain):
        await handle.signal("assistance_activity", payload)
    await until(lambda: len(engine.events_of("AssistanceActivityRecorded")) == 3, "three workshops")

    ids = [e.command_id or "" for e in engine.events_of("AssistanceActivityRecorded")]
    assert len(set(ids)) == 3
    assert all(i.startswith("signal/") for i in ids)
    assert ids[0].rsplit("/", 1) == [ids[2].rsplit("/", 1)[0], "0"]
    assert ids[2].endswith("/1")


async def test_a_retry_after_the_case_completed_is_answered_from_the_event_store(engine: Engine) -> None:
    steps = engine.commands
    await engine.send(steps.open())
    commands = steps.after_request()
    for command in commands:
        last = await engine.send(command)
    assert last.status is Status.COMPLETED
    await engine.handle().result()  # the run has ended

    again = await engine.send(commands[-1])
    earlier = await engine.send(commands[0])

    assert again == last
    assert earlier.version == 2
    assert len(engine.history()) == 7


async def test_a_retry_reaching_a_later_run_is_answered_as_the_first_time(engine: Engine) -> None:
    steps = engine.commands
    first = await engine.client.start_workflow(
        EngagementWorkflow.run,
        start_input(engine.settings, engine.state).model_copy(update={"history_limit": 100}),
        id=workflow_id(engine.state),
        task_queue=engine.settings.task_queue,
    )
    for command in (steps.open(), steps.law_summary(), steps.focal_point(), steps.gap_list()):
        await engine.send(command)
    early = steps.assistance_activity(0)
    answered = await engine.send(early)
    for number in range(1, 25):
        await engine.send(steps.assistance_activity(number))
    assert (await engine.handle().describe()).run_id != first.result_run_id

    assert await engine.send(early) == answered
    assert len(engine.events_of("AssistanceActivityRecorded")) == 25
