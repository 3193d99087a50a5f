"""A case driven through signals: the same payloads as the updates; refusals are kept for the status query."""

from __future__ import annotations

from domain.values import Status, Step
from tests.workflows.engine import Engine, until
from usecases.cases import start_input
from workflows.engagement import EngagementWorkflow
from workflows.messages import workflow_id


async def test_signals_sent_back_to_back_drive_a_case_to_completion(engine: Engine) -> None:
    steps = engine.commands
    handle = await engine.client.start_workflow(
        EngagementWorkflow.run,
        start_input(engine.settings, engine.state),
        id=workflow_id(engine.state),
        task_queue=engine.settings.task_queue,
    )
    await handle.signal("open", steps.open())
    # Sent without waiting: each is checked against what the commands queued before it lead to.
    for command in steps.after_request():
        await handle.signal(command.kind, command)

    case = await handle.result()

    assert case is not None
    assert case.status is Status.COMPLETED
    assert case.completed_steps == tuple(Step)
    assert engine.event_types() == [
        "RequestReceived",
        "LawSummaryReceived",
        "FocalPointNamed",
        "GapListDrawnUp",
        "AssistanceConcluded",
        "LegislationConcluded",
        "TrainingHeld",
    ]
    assert (await engine.status()).refusals == ()


async def test_refused_signal_is_listed_in_the_status_and_records_nothing(engine: Engine) -> None:
    steps = engine.commands
    await engine.send(steps.open())
    handle = engine.handle()

    await handle.signal("law_summary", steps.law_summary())
    await handle.signal("training", steps.training())
    await handle.signal("law_summary", steps.law_summary(document="A second summary"))
    await handle.signal("focal_point", steps.focal_point())
    # The last signal is a marker: signals are handled in order, so the refusals come before it.
    await until(lambda: "FocalPointNamed" in engine.event_types(), "the focal point to be recorded")
    await engine.settled()

    status = await engine.status()
    assert [(r.kind, r.reason) for r in status.refusals] == [
        ("training", f"The training step of {engine.state} needs legislation first."),
        ("law_summary", f"The law_summary step of {engine.state} is already recorded."),
    ]
    assert status.case is not None
    assert status.case.completed_steps == (Step.REQUEST, Step.LAW_SUMMARY, Step.FOCAL_POINT)
    assert status.case.law_summary_document == f"{engine.state}/LAW/2002/1"
    assert engine.event_types() == ["RequestReceived", "LawSummaryReceived", "FocalPointNamed"]
