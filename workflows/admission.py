"""Which command the workflow takes next: received commands checked, refused, queued or known as repeats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import reduce

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.commands import Command, OpenEngagement
    from domain.errors import DomainError, EngagementAlreadyOpen, Premature, RoundStillOpen
    from domain.progress import Progress, anticipate, check
    from domain.recorded import already_recorded
    from domain.views import CaseView, progress_of

# Runs that reach this marker leave a premature command (one that needs a step this run does not know
# of) to the event store to decide, instead of refusing it themselves: after a reset, a run's view of the
# case can be behind the store, which holds what the discarded part of the run recorded.
STORE_DECIDES_PATCH = "store-decides-premature"
# Runs that reach this marker open a State's next round when it asks again after its engagement was
# completed or withdrawn; runs begun before refused that request, as an engagement already open.
ROUNDS_PATCH = "engagement-rounds"


def takes_rounds() -> bool:
    """Whether this run opens new rounds (see ROUNDS_PATCH). Not from a validator: it records a marker."""
    return workflow.patched(ROUNDS_PATCH)


def refused_before_rounds(progress: Progress) -> EngagementAlreadyOpen:
    """The refusal of a second request by runs begun before rounds, in their words."""
    return EngagementAlreadyOpen(
        f"The request step of {progress.state} is already recorded: its engagement was opened on "
        f"{progress.received}."
    )


@dataclass
class Queued:
    """A command waiting its turn to be recorded, and then its outcome."""

    command: Command
    # A repeat of a command already recorded: the activity answers as it did the first time, and the
    # progress the queue leads to does not count it again.
    repeat: bool = False
    # Premature as far as this run knows: the event store decides, and the queue's progress leaves it out.
    unsure: bool = False
    # A signal's command, whose refusal (nobody awaits an answer) goes to the status query's list; with
    # `refused` already set, that is all its turn in the queue does, so refusals keep the signals' order.
    signal: bool = False
    refused: str | None = None
    result: CaseView | None = None
    error: ApplicationError | None = None
    done: bool = False

    @property
    def counted(self) -> bool:
        """Whether the progress the queue leads to counts this command."""
        return not (self.repeat or self.unsure or self.refused)


@dataclass
class Arrival:
    """A command a handler has received, waiting to be admitted to the queue (or refused)."""

    command: Command
    signal: bool
    item: Queued | None = None
    refusal: DomainError | None = None

    @property
    def decided(self) -> bool:
        return self.item is not None or self.refusal is not None


class Admission:
    """The queue of one State's commands, what it will lead to, and the commands received meanwhile.

    Signals and updates that arrive in one workflow task come to the handlers in an order Temporal does
    not keep on replay (updates reapplied by a reset come before or after signals): they wait in `inbox`
    and are admitted together, in an order of our own.
    """

    def __init__(self, state: str, case: CaseView | None) -> None:
        self.state = state
        self.queue: list[Queued] = []
        self.inbox: list[Arrival] = []
        self.expected: Progress | None = progress_of(case)

    def __bool__(self) -> bool:
        return bool(self.queue) or bool(self.inbox)

    def pending(self) -> tuple[str, ...]:
        return tuple(q.command.kind for q in self.queue) + tuple(a.command.kind for a in self.inbox)

    def check(self, command: Command, case: CaseView | None, today: date) -> Queued | None:
        """Refuse `command` with the rule it breaks, or say what it repeats.

        Returns the queued item a command repeats (a stand-in item when it repeats one recorded), or
        None for a new command that the rules allow after everything queued.
        """
        if command.state != self.state:
            raise DomainError(f"This is the engagement of {self.state}; the command is for {command.state}.")
        queued = {q.command.command_id: q for q in self.queue if q.command.command_id is not None}
        if already_recorded({i: q.command.digest() for i, q in queued.items()}, command):
            return queued[str(command.command_id)]
        if case is not None and already_recorded(case.recorded_commands, command):
            return Queued(command, repeat=True)
        check(self.expected, command, today)
        return None

    def enqueue(self, item: Queued) -> Queued:
        self.queue.append(item)
        if item.counted:
            self.expected = anticipate(self.expected, item.command)
        return item

    def settle(self, case: CaseView | None, after: Queued | None = None) -> None:
        """Recompute what the queue will lead to from the case as it now stands."""
        rest = [q.command for q in self.queue if q is not after and q.counted]
        self.expected = reduce(anticipate, rest, progress_of(case))

    def admit(self, command: Command, case: CaseView | None, today: date, *, signal: bool = False) -> Queued:
        """Queue `command`, or find the queued item it repeats; raise the rule that refuses it."""
        try:
            repeated = self.check(command, case, today)
        except Premature as error:
            if not workflow.patched(STORE_DECIDES_PATCH):
                raise
            if isinstance(error, RoundStillOpen) and self.expected is not None and not takes_rounds():
                raise refused_before_rounds(self.expected) from None
            return self.enqueue(Queued(command, unsure=True, signal=signal))
        # A new request after a closed round: the next round, in runs that take rounds.
        reopens = isinstance(command, OpenEngagement) and self.expected is not None
        if repeated is None and reopens and self.expected is not None and not takes_rounds():
            raise refused_before_rounds(self.expected)
        if repeated is None:
            return self.enqueue(Queued(command, signal=signal))
        if repeated.repeat:
            # Recorded already: the activity finds it and answers with the case as it left it.
            return self.enqueue(Queued(command, repeat=True, signal=signal))
        return repeated

    def admit_arrivals(self, case: CaseView | None, today: date) -> bool:
        """Admit what the handlers received: signals first, then updates, each kind in its order.

        True when an update was refused while nothing was queued: with no case, a run started only to
        carry it has nothing left to do.
        """
        arrivals = sorted(self.inbox, key=lambda arrival: not arrival.signal)
        self.inbox = []
        alone = False
        for arrival in arrivals:
            try:
                arrival.item = self.admit(arrival.command, case, today, signal=arrival.signal)
            except DomainError as error:
                arrival.refusal = error
                if arrival.signal:
                    # Decided now, listed in its turn: refusals come in the order the signals did.
                    self.enqueue(Queued(arrival.command, signal=True, refused=str(error)))
                elif not self.queue:
                    alone = True
        return alone
