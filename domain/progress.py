"""Where an engagement stands, and the order rules of the report, shared by the aggregate and the workflow."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from domain import commands as c
from domain import errors
from domain.checklist import CHECKLIST_BY_ID
from domain.values import AssistanceActivity, Bill, BillStage, Instrument, Status, Step, Value

# Paragraph 19: summary and focal point in either order; the gap list needs both; legislation
# before training.
PREREQUISITES: dict[Step, frozenset[Step]] = {
    Step.LAW_SUMMARY: frozenset({Step.REQUEST}),
    Step.FOCAL_POINT: frozenset({Step.REQUEST}),
    Step.GAP_LIST: frozenset({Step.LAW_SUMMARY, Step.FOCAL_POINT}),
    Step.ASSISTANCE: frozenset({Step.GAP_LIST}),
    Step.LEGISLATION: frozenset({Step.ASSISTANCE}),
    Step.TRAINING: frozenset({Step.LEGISLATION}),
}

STEP_OF_COMMAND: dict[type[c.Command], Step] = {
    c.RecordLawSummary: Step.LAW_SUMMARY,
    c.NameFocalPoint: Step.FOCAL_POINT,
    c.DrawUpGapList: Step.GAP_LIST,
    c.ConcludeAssistance: Step.ASSISTANCE,
    c.ConcludeLegislation: Step.LEGISLATION,
    c.RecordTraining: Step.TRAINING,
}


class Progress(Value):
    """The part of an engagement's state that the order rules read: of its current round.

    A State whose round was completed or withdrawn may ask again: its next request opens the next round,
    with its own instruments and steps. `closed_on` is the effective date its last round closed.
    """

    state: str
    status: Status = Status.OPEN
    received: date
    instruments: tuple[Instrument, ...]
    completed: tuple[Step, ...] = (Step.REQUEST,)
    bills: tuple[Bill, ...] = ()
    round: int = 1
    closed_on: date | None = None

    @property
    def closed(self) -> bool:
        return self.status is not Status.OPEN

    def awaiting(self) -> tuple[Step, ...]:
        """The steps that could be recorded next, in the report's order."""
        if self.closed:
            return ()
        done = set(self.completed)
        return tuple(step for step, needs in PREREQUISITES.items() if step not in done and needs <= done)

    @property
    def stage(self) -> Step | None:
        """The next step due: the first one awaited, or None once the engagement is closed."""
        awaited = self.awaiting()
        return awaited[0] if awaited else None

    def in_course(self, step: Step) -> bool:
        """Whether what happens during `step` may be recorded now: assistance activities while assistance
        is awaited; bills from the gap list on (parliaments keep their own schedule) until legislation."""
        if self.closed or step in self.completed:
            return False
        if step is Step.LEGISLATION:
            return Step.GAP_LIST in self.completed
        return step in self.awaiting()

    def bill(self, title: str) -> Bill | None:
        return next((b for b in self.bills if b.title.casefold() == title.casefold()), None)

    def completing(self, step: Step, on: date | None = None) -> Progress:
        completed = tuple(s for s in Step if s in {*self.completed, step})
        if step is Step.TRAINING:
            return self.model_copy(
                update={"completed": completed, "status": Status.COMPLETED, "closed_on": on}
            )
        return self.model_copy(update={"completed": completed})

    def next_round(self, command: c.OpenEngagement) -> Progress:
        """The progress of the round a State's new request opens (its first, with no progress before)."""
        return Progress(
            state=command.state,
            received=command.effective_date,
            instruments=command.instruments,
            round=self.round + 1,
        )

    def with_instruments(self, add: Iterable[Instrument], remove: Iterable[Instrument]) -> Progress:
        removed = set(remove)
        kept = tuple(i for i in self.instruments if i not in removed)
        return self.model_copy(update={"instruments": kept + tuple(i for i in add if i not in kept)})

    def with_bills(self, bills: Iterable[Bill]) -> Progress:
        merged = list(self.bills)
        for given in bills:
            # Against the bills merged so far: one command may name a bill at two stages.
            known = next((b for b in merged if b.title.casefold() == given.title.casefold()), None)
            # What a bill addresses is named once; a later stage without it keeps it.
            keeps = known is not None and not given.addresses
            bill = given.model_copy(update={"addresses": known.addresses}) if known and keeps else given
            merged = [b for b in merged if b is not known] + [bill]
        return self.model_copy(update={"bills": tuple(merged)})

    def withdrawn(self, on: date | None = None) -> Progress:
        return self.model_copy(update={"status": Status.WITHDRAWN, "closed_on": on})


def check(progress: Progress | None, command: c.Command, today: date) -> None:
    """Raise the named domain error that forbids `command` now; return if it may be recorded."""
    if command.effective_date > today:
        raise errors.EffectiveDateInFuture(
            f"The effective date {command.effective_date} of the {_concerning(command)} is after "
            f"today ({today})."
        )
    if isinstance(command, c.OpenEngagement):
        if progress is not None:
            _check_new_round(progress, command)
        return
    if progress is None:
        raise errors.EngagementNotOpen(f"The {_concerning(command)} needs an engagement; open it first.")
    if progress.closed:
        raise errors.EngagementClosed(
            f"The {_concerning(command)} cannot be recorded: the engagement is {progress.status.value}."
        )
    if command.effective_date < progress.received:
        raise errors.EffectiveDateBeforeRequest(
            f"The effective date {command.effective_date} of the {_concerning(command)} is before the "
            f"request of {progress.received}."
        )
    step = STEP_OF_COMMAND.get(type(command))
    if step is not None:
        _check_step(progress, step)
    if isinstance(command, c.ChangeInstruments):
        _check_instruments(progress, command)
    elif isinstance(command, c.DrawUpGapList):
        _check_items(progress, [item.checklist_item for item in command.items], Step.GAP_LIST)
    elif isinstance(command, c.RecordAssistanceActivity):
        _check_step(progress, Step.ASSISTANCE)
        _check_funding(progress, (command.activity,))
    elif isinstance(command, c.ConcludeAssistance):
        _check_funding(progress, command.activities)
    elif isinstance(command, c.RecordBill):
        _check_bill(progress, command.bill)
    elif isinstance(command, c.ConcludeLegislation):
        # Bill by bill, so that one command may carry a bill from submitted to enacted.
        after = progress
        for bill in command.bills:
            _check_bill(after, bill)
            after = after.with_bills([bill])
        _check_nothing_pending(after)
    elif isinstance(command, c.SendReminder | c.Escalate) and command.step in progress.completed:
        raise errors.StepAlreadyRecorded(
            f"The {command.step.value} step of {progress.state} is already recorded; it is not overdue."
        )


_STEP_CONCERNED: dict[type[c.Command], Step] = {
    c.OpenEngagement: Step.REQUEST,
    c.RecordAssistanceActivity: Step.ASSISTANCE,
    c.RecordBill: Step.LEGISLATION,
    **STEP_OF_COMMAND,
}


def _concerning(command: c.Command) -> str:
    """What a refusal names: the step (or the command) and the State, so that it reads on its own."""
    if isinstance(command, c.SendReminder):
        return f"reminder about the {command.step.value} step of {command.state}"
    if isinstance(command, c.Escalate):
        return f"escalation of the {command.step.value} step of {command.state}"
    if isinstance(command, c.Withdraw):
        return f"withdrawal of {command.state}"
    if isinstance(command, c.ChangeInstruments):
        return f"instruments change of {command.state}"
    step = _STEP_CONCERNED.get(type(command))
    what = f"{step.value} step" if step is not None else command.kind.replace("_", " ")
    return f"{what} of {command.state}"


def _check_new_round(progress: Progress, command: c.OpenEngagement) -> None:
    """A State asks again once its round is closed, and not before the day it closed."""
    if not progress.closed:
        raise errors.RoundStillOpen(
            f"The request step of {command.state} is already recorded: its engagement was opened on "
            f"{progress.received} (round {progress.round}) and is open; a new request waits until it is "
            "completed or withdrawn."
        )
    if progress.closed_on is not None and command.effective_date < progress.closed_on:
        raise errors.RequestBeforeRoundClosed(
            f"The request of round {progress.round + 1} of {command.state} ({command.effective_date}) is "
            f"before round {progress.round} was {progress.status.value} ({progress.closed_on})."
        )


def _check_instruments(progress: Progress, command: c.ChangeInstruments) -> None:
    if not command.add and not command.remove:
        raise errors.InstrumentsNotNamed(
            f"The instruments change of {progress.state} names no instrument to add or to withdraw."
        )
    both = [i.value for i in command.add if i in command.remove]
    if both:
        raise errors.InstrumentsNotNamed(
            f"The instruments change of {progress.state} both adds and withdraws {', '.join(both)}."
        )
    asked = [i.value for i in command.add if i in progress.instruments]
    if asked:
        raise errors.InstrumentsUnchanged(
            f"The request of {progress.state} already concerns {', '.join(asked)}; nothing to add."
        )
    unasked = [i.value for i in command.remove if i not in progress.instruments]
    if unasked:
        raise errors.InstrumentsUnchanged(
            f"The request of {progress.state} does not concern {', '.join(unasked)}; nothing to withdraw."
        )
    if not progress.with_instruments(command.add, command.remove).instruments:
        raise errors.LastInstrumentWithdrawn(
            f"Withdrawing every instrument of {progress.state} withdraws its engagement; "
            "use the withdrawal, with its reason."
        )


def _check_step(progress: Progress, step: Step) -> None:
    if step in progress.completed:
        raise errors.StepAlreadyRecorded(f"The {step.value} step of {progress.state} is already recorded.")
    missing = [s.value for s in Step if s in PREREQUISITES[step] - set(progress.completed)]
    if missing:
        raise errors.StepOutOfOrder(
            f"The {step.value} step of {progress.state} needs {' and '.join(missing)} first."
        )


def _check_items(progress: Progress, ids: Iterable[str], step: Step) -> None:
    for item_id in ids:
        item = CHECKLIST_BY_ID.get(item_id)
        where = f"in the {step.value} step of {progress.state}"
        if item is None:
            raise errors.UnknownChecklistItem(
                f"'{item_id}' {where} is not an item of the ratification checklist."
            )
        # Bills may address any checklist item; gap lists keep to the instruments asked about.
        instrument = item.instrument
        if step is Step.GAP_LIST and instrument is not None and instrument not in progress.instruments:
            raise errors.ChecklistItemOutsideInstruments(
                f"'{item_id}' {where} belongs to the {instrument.value} instrument, which "
                f"{progress.state} did not ask about."
            )


def _check_funding(progress: Progress, activities: Iterable[AssistanceActivity]) -> None:
    for activity in activities:
        if activity.unfunded and activity.contribution is not None:
            raise errors.ChargedAndUnfunded(
                f"The {activity.kind.value} of {progress.state} is charged to contribution "
                f"{activity.contribution} and recorded as unfunded: it is one or the other."
            )


def _check_bill(progress: Progress, bill: Bill) -> None:
    if Step.GAP_LIST not in progress.completed:
        raise errors.StepOutOfOrder(
            f"The legislation step of {progress.state} takes bills only after the gap_list step."
        )
    if Step.LEGISLATION in progress.completed:
        raise errors.StepAlreadyRecorded(f"The legislation step of {progress.state} is already recorded.")
    _check_items(progress, bill.addresses, Step.LEGISLATION)
    known = progress.bill(bill.title)
    if known is not None and bill.stage.rank <= known.stage.rank:
        raise errors.BillStageOutOfOrder(
            f"In the legislation step of {progress.state}, the bill '{bill.title}' is already "
            f"{known.stage.value} and cannot become {bill.stage.value}."
        )


def _check_nothing_pending(progress: Progress) -> None:
    pending = [b.title for b in progress.bills if b.stage is not BillStage.ENACTED]
    if pending:
        raise errors.LegislationPending(
            f"The legislation step of {progress.state} cannot conclude while bills are before parliament "
            f"({', '.join(pending)}); record their enactment first."
        )


def anticipate(progress: Progress | None, command: c.Command) -> Progress | None:
    """The progress once `command` is recorded; lets a queue of commands be checked in order."""
    if isinstance(command, c.OpenEngagement):
        if progress is None:
            received, instruments = command.effective_date, command.instruments
            return Progress(state=command.state, received=received, instruments=instruments)
        return progress.next_round(command)
    if progress is None:
        return None
    if isinstance(command, c.Withdraw):
        return progress.withdrawn(command.effective_date)
    if isinstance(command, c.ChangeInstruments):
        return progress.with_instruments(command.add, command.remove)
    if isinstance(command, c.RecordBill):
        return progress.with_bills([command.bill])
    if isinstance(command, c.ConcludeLegislation):
        progress = progress.with_bills(command.bills)
    step = STEP_OF_COMMAND.get(type(command))
    return progress.completing(step, command.effective_date) if step is not None else progress
