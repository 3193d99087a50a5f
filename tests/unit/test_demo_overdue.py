"""The demo's engagements, entered long after their dates, show their overdue steps at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.engagement import Engagement
from projections.casebook import open_steps
from usecases.demo import REQUESTS, demo_commands
from workflows.messages import DEFAULT_DUE_DAYS

# The demo is loaded today, not in 2002: every event is recorded now, dated then.
LOADED = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
DUE_DAYS = {step.value: days for step, days in DEFAULT_DUE_DAYS.items()}


def test_every_demo_engagement_shows_its_awaited_steps_overdue_the_day_it_is_loaded() -> None:
    seen = 0
    for number, (state, received, reached) in enumerate(REQUESTS):
        commands = demo_commands(state, received, reached, number)
        engagement = Engagement.open(commands[0], state, LOADED)
        for n, command in enumerate(commands[1:], start=1):
            engagement.execute(command, LOADED + timedelta(seconds=n))
        steps = open_steps(engagement.view(), DUE_DAYS, now=LOADED + timedelta(minutes=1))

        assert steps, state
        for step in steps:
            # Due a period after the day it became awaited in the world (2001-2002), so overdue already;
            # the workflow's reminder waits a day after it was entered.
            assert step.due_at.year <= 2004, (state, step)
            assert step.overdue, (state, step)
            assert step.reminder_at.date() == (LOADED + timedelta(days=1)).date(), (state, step)
            seen += 1
    assert seen >= len(REQUESTS)
