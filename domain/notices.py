"""Notices: a reminder or an escalation the engagement recorded, as the people concerned are told of it, and
the rule of who is told."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum

from domain.events import ReminderSent, StepEscalated
from domain.facts import Fact
from domain.user import Role, Scope
from domain.values import Step, Value


class NoticeKind(StrEnum):
    """A reminder goes to the officers of the State; an escalation to them and to the managers."""

    REMINDER = "reminder"
    ESCALATION = "escalation"


class Notice(Value):
    """An overdue step of a State's case, reminded or escalated when recorded."""

    kind: NoticeKind
    state: str
    state_name: str
    step: Step
    due_date: date
    awaited_from: date | None = None
    recorded_at: datetime
    demo: bool = False

    def overdue_days(self, today: date) -> int:
        """Whole days from the due date to `today` (none before it)."""
        return max(0, (today - self.due_date).days)


def notice_of(event: Fact, name_on: Callable[[str, date], str]) -> Notice | None:
    """The notice a stored engagement event gives people, if it is a reminder or an escalation; `name_on`
    names a State as it was called on a day."""
    if not isinstance(event, ReminderSent | StepEscalated):
        return None
    return Notice(
        kind=NoticeKind.ESCALATION if isinstance(event, StepEscalated) else NoticeKind.REMINDER,
        state=event.state,
        state_name=name_on(event.state, event.effective_date),
        step=event.step,
        due_date=event.due_date,
        awaited_from=event.awaited_from,
        recorded_at=event.timestamp,
        demo=event.demo,
    )


def is_told(notice: Notice, role: Role, scope: Scope) -> bool:
    """Whether someone of `role` and `scope` is told: the officers whose scope covers the State (those it is
    assigned to among them), and, of an escalation, every manager. Auditors change nothing, so are never
    told."""
    if role is Role.OFFICER:
        return scope.covers(notice.state)
    return role is Role.MANAGER and notice.kind is NoticeKind.ESCALATION
