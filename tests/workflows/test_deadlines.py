"""Due periods on the time-skipping server: a reminder when a step is overdue, escalation a period later."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from domain.values import Step
from domain.views import Reminder
from tests.workflows.engine import Engine, running_engine, until

# A little past each alarm, so that the timer has certainly fired.
MARGIN = timedelta(hours=1)


def days(n: int) -> timedelta:
    return timedelta(days=n)


@pytest_asyncio.fixture(loop_scope="session")
async def short_engine(
    temporal_env_time_skipping: WorkflowEnvironment, tmp_path: Path
) -> AsyncIterator[Engine]:
    """A worker whose first steps fall due within days: the focal point after 1, others after 2."""
    due_days = {"focal_point": 1, "law_summary": 2, "gap_list": 2}
    async with running_engine(temporal_env_time_skipping, tmp_path, due_days=due_days) as running:
        yield running


async def reached(engine: Engine, event_type: str, step: Step) -> None:
    """Wait until `event_type` about `step` is recorded, then until everything queued with it is done."""
    await until(lambda: bool(engine.events_of(event_type, step)), f"{event_type} about {step}")
    await engine.settled()


async def test_overdue_step_is_reminded_after_its_due_period_and_escalated_after_a_second(
    short_engine: Engine,
) -> None:
    engine = short_engine
    await engine.send(engine.commands.open())
    due = {d.step: d.due_at for d in (await engine.status()).deadlines}
    assert set(due) == {Step.LAW_SUMMARY, Step.FOCAL_POINT}
    assert due[Step.LAW_SUMMARY] - due[Step.FOCAL_POINT] == days(1)

    await engine.env.sleep(days(1) + MARGIN)
    await reached(engine, "ReminderSent", Step.FOCAL_POINT)
    assert engine.event_types() == ["RequestReceived", "ReminderSent"]
    (reminder,) = engine.events_of("ReminderSent")
    assert reminder.data["due_date"] == due[Step.FOCAL_POINT].date().isoformat()
    assert reminder.actor == "system"
    assert reminder.door == "engine"

    await engine.env.sleep(days(1))
    await reached(engine, "StepEscalated", Step.FOCAL_POINT)
    await reached(engine, "ReminderSent", Step.LAW_SUMMARY)
    assert engine.events_of("StepEscalated", Step.LAW_SUMMARY) == []

    await engine.env.sleep(days(2))
    await reached(engine, "StepEscalated", Step.LAW_SUMMARY)

    case = engine.store.case(engine.state)
    assert case is not None
    assert set(case.reminders) == {
        Reminder(step=Step.FOCAL_POINT, due_date=due[Step.FOCAL_POINT].date(), escalated=False),
        Reminder(step=Step.LAW_SUMMARY, due_date=due[Step.LAW_SUMMARY].date(), escalated=False),
        Reminder(step=Step.FOCAL_POINT, due_date=due[Step.FOCAL_POINT].date(), escalated=True),
        Reminder(step=Step.LAW_SUMMARY, due_date=due[Step.LAW_SUMMARY].date(), escalated=True),
    }
    assert len(engine.history()) == 5
    assert all(d.reminded and d.escalated for d in (await engine.status()).deadlines)


async def test_step_recorded_in_time_is_never_reminded(short_engine: Engine) -> None:
    engine = short_engine
    await engine.send(engine.commands.open())
    await engine.send(engine.commands.focal_point())
    assert [d.step for d in (await engine.status()).deadlines] == [Step.LAW_SUMMARY]

    # Past the focal point's due period, its escalation, and the law summary's due date.
    await engine.env.sleep(days(2) + MARGIN)
    await reached(engine, "ReminderSent", Step.LAW_SUMMARY)

    assert engine.event_types() == ["RequestReceived", "FocalPointNamed", "ReminderSent"]


async def test_reminders_stop_once_the_step_is_recorded(short_engine: Engine) -> None:
    engine = short_engine
    await engine.send(engine.commands.open())
    await engine.send(engine.commands.focal_point())
    await engine.env.sleep(days(2) + MARGIN)
    await reached(engine, "ReminderSent", Step.LAW_SUMMARY)

    await engine.send(engine.commands.law_summary())
    (gap_list,) = (await engine.status()).deadlines
    assert gap_list.step is Step.GAP_LIST
    # The law summary would have been escalated 2 days after its due date; the gap list falls
    # due just after that, so its reminder shows the timers have run past the escalation.
    await engine.env.sleep(days(2) + MARGIN)
    await reached(engine, "ReminderSent", Step.GAP_LIST)

    assert engine.event_types() == [
        "RequestReceived",
        "FocalPointNamed",
        "ReminderSent",
        "LawSummaryReceived",
        "ReminderSent",
    ]
