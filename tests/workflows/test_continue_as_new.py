"""Continue-as-new: a long case moves to a new run and carries its case and deadlines, losing nothing."""

from __future__ import annotations

from datetime import timedelta

from domain.values import Step
from tests.workflows.engine import Engine, until
from usecases.cases import start_input
from workflows.engagement import EngagementWorkflow
from workflows.messages import workflow_id

ACTIVITIES = 30
ASSISTANCE_DAYS = 3


async def test_long_case_continues_as_new_keeping_case_deadlines_and_every_event(engine: Engine) -> None:
    steps = engine.commands
    settings_input = start_input(engine.settings, engine.state)
    due_days = {**settings_input.due_days, Step.ASSISTANCE: ASSISTANCE_DAYS}
    first = await engine.client.start_workflow(
        EngagementWorkflow.run,
        settings_input.model_copy(update={"open": steps.open(), "history_limit": 100, "due_days": due_days}),
        id=workflow_id(engine.state),
        task_queue=engine.settings.task_queue,
    )
    for command in (steps.law_summary(), steps.focal_point(), steps.gap_list()):
        await engine.send(command)
    (assistance_due,) = (await engine.status()).deadlines
    assert assistance_due.step is Step.ASSISTANCE

    for number in range(1, ACTIVITIES + 1):
        case = await engine.send(steps.assistance_activity(number))
        assert len(case.activities) == number

    described = await engine.handle().describe()
    assert described.run_id != first.result_run_id
    # Each run keeps its history near the limit: far fewer events than the commands took in all.
    assert described.raw_description.workflow_execution_info.history_length <= 100
    status = await engine.status()
    assert status.case == case
    assert status.deadlines == (assistance_due,)

    history = engine.history()
    assert [e.type for e in history] == [
        "RequestReceived",
        "LawSummaryReceived",
        "FocalPointNamed",
        "GapListDrawnUp",
        *["AssistanceActivityRecorded"] * ACTIVITIES,
    ]
    assert [e.data["activity"]["note"] for e in history[4:]] == [
        f"workshop {n}" for n in range(1, ACTIVITIES + 1)
    ]
    assert len({e.command_id for e in history}) == len(history)

    # The deadline carried over still fires, from its original due date.
    await engine.env.sleep(timedelta(days=ASSISTANCE_DAYS, hours=1))
    await until(lambda: bool(engine.events_of("ReminderSent", Step.ASSISTANCE)), "the assistance reminder")
    (reminder,) = engine.events_of("ReminderSent")
    assert reminder.data["due_date"] == assistance_due.due_at.date().isoformat()

    concluded = await engine.send(steps.assistance())
    assert concluded.completed_steps[-1] is Step.ASSISTANCE
    assert len(concluded.activities) == ACTIVITIES
    assert len(engine.history()) == 4 + ACTIVITIES + 2
