"""The event store is the record of truth: a new run loads the case, whether a run ended or never ran."""

from __future__ import annotations

import pytest

from domain.values import Step
from tests.workflows.engine import Engine
from workflows.client import CommandRefused


async def test_command_to_a_completed_case_is_refused_by_a_new_run_from_the_event_store(
    engine: Engine,
) -> None:
    await engine.send(engine.commands.open())
    for command in engine.commands.after_request():
        await engine.send(command)
    completed = await engine.handle().result()
    ended_run = (await engine.handle().describe()).run_id
    recorded = engine.history()

    with pytest.raises(CommandRefused) as refusal:
        await engine.send(engine.commands.withdraw())

    assert str(refusal.value) == (
        f"The withdrawal of {engine.state} cannot be recorded: the engagement is completed."
    )
    assert engine.history() == recorded
    new_run = engine.handle()
    assert (await new_run.describe()).run_id != ended_run
    # The new run ends by itself once it has answered: the case it loaded is closed.
    assert await new_run.result() == completed


async def test_new_workflow_resumes_a_case_recorded_in_the_event_store(engine: Engine) -> None:
    steps = engine.commands
    # Recorded now by the server's clock, which earlier tests may have skipped days ahead of the wall clock:
    # on the wall clock's time the workflow would find the gap list awaited for days and remind at once.
    now = await engine.env.get_current_time()
    for command in (steps.open(), steps.law_summary(), steps.focal_point()):
        named = command.model_copy(update={"command_id": f"direct-{command.kind}"})
        engine.store.handle(named, not_before=now)

    with pytest.raises(CommandRefused) as refusal:
        await engine.send(steps.law_summary())
    assert str(refusal.value) == f"The law_summary step of {engine.state} is already recorded."

    case = await engine.send(steps.gap_list())

    assert case.completed_steps == (Step.REQUEST, Step.LAW_SUMMARY, Step.FOCAL_POINT, Step.GAP_LIST)
    assert case.version == 4
    assert engine.event_types() == [
        "RequestReceived",
        "LawSummaryReceived",
        "FocalPointNamed",
        "GapListDrawnUp",
    ]
    status = await engine.status()
    assert status.case == case
    assert [d.step for d in status.deadlines] == [Step.ASSISTANCE]
