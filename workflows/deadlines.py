"""Due periods of awaited steps: when each falls due, when to remind, when to escalate. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.commands import Escalate, SendReminder
    from domain.values import Step
    from domain.views import CaseView
    from workflows.messages import Deadline


def refreshed(
    deadlines: tuple[Deadline, ...],
    case: CaseView | None,
    due_days: dict[Step, int],
    *,
    in_the_world: bool = False,
) -> tuple[Deadline, ...]:
    """The deadlines of the steps the case awaits, derived from the case itself.

    A step falls due one period after it became awaited: `in_the_world`, after the day it became
    awaited in the world (CaseView.awaited_at), reminded at CaseView.reminder_at; otherwise (runs older
    than that rule) after it was recorded as awaited, and reminded then. Both
    are times the event store keeps, and a reminder or escalation the store holds for that due date is
    not sent again; so a new run that loads the case from the store keeps the clock where it was. Flags
    already raised in this run (their commands still queued) are kept.
    """
    if case is None:
        return ()
    raised = {(d.step, d.due_at): d for d in deadlines}
    kept = []
    for step in case.awaiting:
        period = timedelta(days=due_days[step])
        recorded = case.awaited_since.get(step, case.modified_at)
        due_at = (case.awaited_at(step) if in_the_world else recorded) + period
        sent = {r.escalated for r in case.reminders if r.step is step and r.due_date == due_at.date()}
        earlier = raised.get((step, due_at))
        kept.append(
            Deadline(
                step=step,
                due_at=due_at,
                reminded=bool(sent) or (earlier is not None and earlier.reminded),
                escalated=True in sent or (earlier is not None and earlier.escalated),
                remind_at=case.reminder_at(step, period) if in_the_world else None,
            )
        )
    return tuple(kept)


def _alarm(deadline: Deadline, due_days: dict[Step, int]) -> datetime | None:
    remind_at = deadline.due_at if deadline.remind_at is None else deadline.remind_at
    if not deadline.reminded:
        return remind_at
    if not deadline.escalated:
        # Escalation comes one more due period after the reminder.
        return remind_at + timedelta(days=due_days[deadline.step])
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
        # One reminder and one escalation per step and due date: that is their id, whichever run or
        # reset of the workflow raises them.
        named = f"{deadline.step.value}/{deadline.due_at.date().isoformat()}"
        if not deadline.reminded:
            commands.append(SendReminder.model_validate(fields | {"command_id": f"reminder/{named}"}))
            updated.append(deadline.model_copy(update={"reminded": True}))
        else:
            commands.append(Escalate.model_validate(fields | {"command_id": f"escalation/{named}"}))
            updated.append(deadline.model_copy(update={"escalated": True}))
    return tuple(updated), commands
