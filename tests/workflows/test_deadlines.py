"""Due periods on the time-skipping server: a reminder when a step is overdue, escalation a period later."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
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


async def today(engine: Engine) -> date:
    """The day on the server's clock: a step dated today is recorded the day it happened."""
    return (await engine.env.get_current_time()).date()


async def reached(engine: Engine, event_type: str, step: Step) -> None:
    """Wait until `event_type` about `step` is recorded, then until everything queued with it is done."""
    await until(lambda: bool(engine.events_of(event_type, step)), f"{event_type} about {step}")
    await engine.settled()


async def test_overdue_step_is_reminded_after_its_due_period_and_escalated_after_a_second(
    short_engine: Engine,
) -> None:
    engine = short_engine
    day = await today(engine)
    await engine.send(engine.commands.open(effective_date=day))
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
    day = await today(engine)
    await engine.send(engine.commands.open(effective_date=day))
    await engine.send(engine.commands.focal_point(effective_date=day))
    assert [d.step for d in (await engine.status()).deadlines] == [Step.LAW_SUMMARY]

    # Past the focal point's due period, its escalation, and the law summary's due date.
    await engine.env.sleep(days(2) + MARGIN)
    await reached(engine, "ReminderSent", Step.LAW_SUMMARY)

    assert engine.event_types() == ["RequestReceived", "FocalPointNamed", "ReminderSent"]


async def test_reminders_stop_once_the_step_is_recorded(short_engine: Engine) -> None:
    engine = short_engine
    day = await today(engine)
    await engine.send(engine.commands.open(effective_date=day))
    await engine.send(engine.commands.focal_point(effective_date=day))
    await engine.env.sleep(days(2) + MARGIN)
    await reached(engine, "ReminderSent", Step.LAW_SUMMARY)

    await engine.send(engine.commands.law_summary(effective_date=await today(engine)))
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


async def test_a_step_entered_late_is_due_from_its_day_in_the_world_and_reminded_a_day_after_entry(
    short_engine: Engine,
) -> None:
    engine = short_engine
    received = engine.commands.open().effective_date
    opened = await engine.send(engine.commands.open())
    deadlines = {d.step: d for d in (await engine.status()).deadlines}
    assert {step: d.due_at.date() for step, d in deadlines.items()} == {
        Step.FOCAL_POINT: received + days(1),
        Step.LAW_SUMMARY: received + days(2),
    }
    entered = opened.awaited_since[Step.FOCAL_POINT]
    assert all(d.remind_at == entered + days(1) for d in deadlines.values())

    # Overdue since the request was received, but the officer has a day to bring the case up to date.
    await engine.env.sleep(timedelta(hours=12))
    await engine.settled()
    assert engine.event_types() == ["RequestReceived"]

    await engine.env.sleep(timedelta(hours=12) + MARGIN)
    await reached(engine, "ReminderSent", Step.FOCAL_POINT)
    await reached(engine, "ReminderSent", Step.LAW_SUMMARY)
    for reminder in engine.events_of("ReminderSent"):
        # Both dates the step became awaited: in the world, and in the record.
        assert reminder.data["awaited_from"] == received.isoformat()
        assert reminder.data["awaited_recorded_at"] is not None
    (focal,) = engine.events_of("ReminderSent", Step.FOCAL_POINT)
    assert focal.data["due_date"] == (received + days(1)).isoformat()

    # Escalated one due period after the reminder: a day for the focal point, two for the law summary.
    await engine.env.sleep(days(1))
    await reached(engine, "StepEscalated", Step.FOCAL_POINT)
    assert engine.events_of("StepEscalated", Step.LAW_SUMMARY) == []
    await engine.env.sleep(days(1))
    await reached(engine, "StepEscalated", Step.LAW_SUMMARY)
    (escalated,) = engine.events_of("StepEscalated", Step.LAW_SUMMARY)
    assert escalated.data["due_date"] == (received + days(2)).isoformat()
    assert escalated.data["awaited_from"] == received.isoformat()


async def test_steps_entered_late_are_not_reminded_once_recorded_within_a_day(short_engine: Engine) -> None:
    engine = short_engine
    await engine.send(engine.commands.open())
    await engine.send(engine.commands.focal_point())
    await engine.send(engine.commands.law_summary())

    await engine.env.sleep(days(1) + MARGIN)
    await reached(engine, "ReminderSent", Step.GAP_LIST)

    assert engine.event_types() == [
        "RequestReceived",
        "FocalPointNamed",
        "LawSummaryReceived",
        "ReminderSent",
    ]
    (reminder,) = engine.events_of("ReminderSent")
    law_summary = engine.commands.law_summary().effective_date
    assert reminder.data["due_date"] == (law_summary + days(2)).isoformat()
