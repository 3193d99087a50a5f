"""Due periods of awaited steps: when each falls due, when to remind, when to escalate. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.commands import Escalate, SendReminder
    from domain.progress import Progress
    from domain.values import Step
    from workflows.messages import Deadline


def refreshed(
    deadlines: tuple[Deadline, ...],
    progress: Progress | None,
    now: datetime,
    due_days: dict[Step, int],
) -> tuple[Deadline, ...]:
    """Keep the deadlines of steps still awaited; start the clock for steps newly awaited."""
    awaited = progress.awaiting() if progress is not None else ()
    kept = [d for d in deadlines if d.step in awaited]
    started = {d.step for d in kept}
    kept += [
        Deadline(step=step, due_at=now + timedelta(days=due_days[step]))
        for step in awaited
        if step not in started
    ]
    return tuple(kept)


def _alarm(deadline: Deadline, due_days: dict[Step, int]) -> datetime | None:
    if not deadline.reminded:
        return deadline.due_at
    if not deadline.escalated:
        # Escalation comes one more due period after the reminder.
        return deadline.due_at + timedelta(days=due_days[deadline.step])
    return None


def next_alarm(deadlines: tuple[Deadline, ...], due_days: dict[Step, int]) -> datetime | None:
    """The earliest moment a reminder or an escalation falls due, if any."""
    alarms = [a for d in deadlines if (a := _alarm(d, due_days)) is not None]
    return min(alarms, default=None)


def overdue(
    deadlines: tuple[Deadline, ...],
    state: str,
    now: datetime,
    due_days: dict[Step, int],
) -> tuple[tuple[Deadline, ...], list[SendReminder | Escalate]]:
    """The deadlines marked for what falls due by `now`, and the commands that record it."""
    updated: list[Deadline] = []
    commands: list[SendReminder | Escalate] = []
    for deadline in deadlines:
        alarm = _alarm(deadline, due_days)
        if alarm is None or alarm > now:
            updated.append(deadline)
            continue
        fields = {
            "state": state,
            "actor": "system",
            "effective_date": now.date(),
            "step": deadline.step,
            "due_date": deadline.due_at.date(),
        }
        if not deadline.reminded:
            commands.append(SendReminder.model_validate(fields))
            updated.append(deadline.model_copy(update={"reminded": True}))
        else:
            commands.append(Escalate.model_validate(fields))
            updated.append(deadline.model_copy(update={"escalated": True}))
    return tuple(updated), commands
