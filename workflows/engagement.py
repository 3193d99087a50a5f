"""The engagement workflow: queues officers' commands, runs them one at a time, keeps the due dates."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from typing import TypeVar

from temporalio import workflow
from temporalio.api.common.v1 import Payload
from temporalio.common import RawValue, RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from activities.engagement_activities import CaseCommand, CaseRef, EngagementActivities
    from domain.commands import (
        Command,
        ConcludeAssistance,
        ConcludeLegislation,
        DrawUpGapList,
        NameFocalPoint,
        OpenEngagement,
        RecordAssistanceActivity,
        RecordBill,
        RecordLawSummary,
        RecordTraining,
        Withdraw,
    )
    from domain.errors import DomainError, Premature
    from domain.progress import Progress, anticipate, check
    from domain.recorded import already_recorded
    from domain.views import CaseView, progress_of
    from workflows import deadlines
    from workflows.messages import WORKFLOW_NAME, EngagementInput, EngagementStatus, Refusal

# One command is one small write; the timeout is how long a step waits when the worker running its
# activity dies (kill -9, a lost node): Temporal cannot tell before then. (A local activity's worker
# that dies loses its workflow task, which times out after as long, Temporal's default of 10 s.)
# A late first attempt is harmless, since the retry finds its command recorded.
ACTIVITY_TIMEOUT = timedelta(seconds=10)
# Infrastructure faults (a database restart) are retried without limit: a command waits, never drops.
ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
# Runs that reach this marker take fewer history events per step. Their activities run as local
# activities, in the worker that holds the workflow task: one marker event instead of four activity
# events and a second workflow task. A worker that dies mid-step loses the workflow task, and another
# worker runs the step again (the command's id keeps the retry from recording it twice). And their
# alarm timer is kept while the next alarm is no sooner, instead of being cancelled and started anew
# at every step. Runs begun before it keep their activity tasks and timers.
FEWER_EVENTS_PATCH = "fewer-events-per-step"
# The history length a run reads is the one its workflow task began with; the step that task runs adds
# its own events after (the task's completion, the update accepted, the marker, the update completed:
# more when updates come together). Runs that reach this marker continue as new once they are within
# this many events of the limit, so that a run resting between steps stays under it.
HEADROOM_PATCH = "continue-within-headroom"
HISTORY_HEADROOM = 10
# Runs that reach this marker leave a premature command (one that needs a step this run does not know
# of) to the event store to decide, instead of refusing it themselves: after a reset, a run's view of the
# case can be behind the store, which holds what the discarded part of the run recorded.
STORE_DECIDES_PATCH = "store-decides-premature"
UNOPENED_LIFETIME = timedelta(hours=1)
KEPT_REFUSALS = 20
# The longest command id a command carries (domain.values.ShortText); a longer update id is hashed.
LONGEST_COMMAND_ID = 200


@dataclass
class _Queued:
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
class _Arrival:
    """A command a handler has received, waiting to be admitted to the queue (or refused)."""

    command: Command
    signal: bool
    item: _Queued | None = None
    refusal: DomainError | None = None

    @property
    def decided(self) -> bool:
        return self.item is not None or self.refusal is not None


def _first_line(error: Exception) -> str:
    """A validation error's first complaint, in one line."""
    if isinstance(error, ValidationError) and error.errors():
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "payload"
        return f"{where}: {first['msg']}"
    return str(error).splitlines()[0] if str(error) else type(error).__name__


P = TypeVar("P")
R = TypeVar("R")


def _local() -> bool:
    return workflow.patched(FEWER_EVENTS_PATCH)


async def _execute(activity: Callable[[EngagementActivities, P], R], arg: P) -> R:
    """Run one of the engagement activities: locally in runs that reached the patch, else as a task."""
    execute = workflow.execute_local_activity_method if _local() else workflow.execute_activity_method
    return await execute(activity, arg, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY)


async def _load_case(ref: CaseRef) -> CaseView | None:
    return await _execute(EngagementActivities.load_case, ref)


async def _record_command(command: Command) -> CaseView:
    # Only local runs say when the workflow ran the command: older histories hold the plain payload.
    not_before = workflow.now() if _local() else None
    payload = CaseCommand(command=command, not_before=not_before)
    return await _execute(EngagementActivities.record_command, payload)


def _refused(error: DomainError) -> ApplicationError:
    return ApplicationError(str(error), type=type(error).__name__, non_retryable=True)


def _named(command: Command, command_id: str) -> Command:
    """`command` under the id its sender gave it, or else under `command_id`."""
    if command.command_id is not None:
        return command
    return command.model_copy(update={"command_id": command_id})


def _update_id() -> str:
    """The id of the update being handled: the stock `temporal` client's name for its command.

    Temporal keeps it when a reset reapplies the update, so the command keeps its id too.
    """
    info = workflow.current_update_info()
    assert info is not None, "only update handlers and validators name a command by their update"
    if len(info.id) <= LONGEST_COMMAND_ID:
        return info.id
    return "update/" + hashlib.sha256(info.id.encode()).hexdigest()


@workflow.defn(name=WORKFLOW_NAME)
class EngagementWorkflow:
    """One State's engagement. Updates answer with the case or the reason for refusal."""

    @workflow.init
    def __init__(self, start: EngagementInput) -> None:
        self.start = start
        self.case: CaseView | None = start.case
        self.expected: Progress | None = progress_of(start.case)
        self.deadlines = start.deadlines
        self.loaded = start.case is not None
        self.queue: list[_Queued] = []
        # Commands received and not yet admitted. Signals and updates that arrive in one workflow
        # task come to the handlers in an order Temporal does not keep on replay (updates reapplied by
        # a reset come before or after signals): they are admitted together, in an order of our own.
        self.inbox: list[_Arrival] = []
        self.refusals: list[Refusal] = list(start.refusals)
        self.open_failed = False
        self.timer: asyncio.Task[None] | None = None
        self.timer_at: datetime | None = None
        self.headroom = 0
        # How many signals of each content this workflow has received, over its runs: the ids of
        # signals sent without one (see `_signal_id`).
        self.signals_seen: dict[str, int] = dict(start.signals_seen)
        # Whether `case` was read from the store by this execution of the workflow, not replayed from
        # history: only validators may look at it (see `_validate`).
        self.case_is_current = False

    @workflow.run
    async def run(self, start: EngagementInput) -> CaseView | None:
        if workflow.patched(HEADROOM_PATCH):
            self.headroom = HISTORY_HEADROOM
        if not self.loaded:
            # The event store is the record of truth: a new run resumes whatever it holds.
            self.case = await _load_case(CaseRef(state=start.state))
            self.case_is_current = not workflow.unsafe.is_replaying()
            self._settle()
            self.loaded = True
        if start.open is not None and self.case is None:
            # A start without an id is named by what it asks: the same start again is a retry.
            self._enqueue(_Queued(_named(start.open, f"start/{start.open.digest()}")))
        while True:
            await self._wait()
            self._admit_arrivals()
            while self.queue:
                await self._process(self.queue[0])
                self.queue.pop(0)
                self._admit_arrivals()
            self._raise_alarms()
            if self.queue or self.inbox:
                continue
            if self._finished():
                await workflow.wait_condition(self._handled_or_queued)
                if not self.queue:
                    return self.case
            elif self._history_is_long():
                await workflow.wait_condition(self._handled_or_queued)
                if not self.queue:
                    workflow.continue_as_new(
                        self.start.model_copy(
                            update={
                                "open": None,
                                "case": self.case,
                                "deadlines": self.deadlines,
                                "refusals": tuple(self.refusals),
                                "signals_seen": dict(self.signals_seen),
                            }
                        )
                    )

    def _handled_or_queued(self) -> bool:
        """Every handler is done, or one has queued a command (which it waits for: process it first).

        An update arriving in the workflow task that finds the history long queues its command only
        after the loop looked at the queue; waiting for all handlers alone would wait forever.
        """
        return workflow.all_handlers_finished() or bool(self.queue) or bool(self.inbox)

    async def _wait(self) -> None:
        alarm = deadlines.next_alarm(self.deadlines, self.start.due_days)
        if self.case is None:
            alarm = workflow.info().start_time + UNOPENED_LIFETIME
        if workflow.patched(FEWER_EVENTS_PATCH):
            self._arm(alarm)
            timer = self.timer
            await workflow.wait_condition(
                lambda: (
                    bool(self.queue)
                    or bool(self.inbox)
                    or self._finished()
                    or self._history_is_long()
                    or (timer is not None and timer.done())
                )
            )
            return
        timeout = None if alarm is None else max(alarm - workflow.now(), timedelta(0))
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: bool(self.queue) or bool(self.inbox) or self._finished() or self._history_is_long(),
                timeout=timeout,
            )

    def _arm(self, alarm: datetime | None) -> None:
        """Have a timer fire by `alarm`, keeping the running one unless it would fire later.

        A timer that fires before the alarm only wakes the loop, which arms the next one.
        """
        running = self.timer is not None and not self.timer.done()
        soon_enough = alarm is None or (self.timer_at is not None and self.timer_at <= alarm)
        if running and soon_enough:
            return
        if running and self.timer is not None:
            self.timer.cancel()
        self.timer, self.timer_at = None, None
        if alarm is not None:
            delay = max(alarm - workflow.now(), timedelta(0)).total_seconds()
            self.timer, self.timer_at = asyncio.create_task(asyncio.sleep(delay)), alarm

    def _finished(self) -> bool:
        if self.queue or self.inbox:
            return False
        if self.case is None:
            unopened_for = workflow.now() - workflow.info().start_time
            return self.open_failed or unopened_for >= UNOPENED_LIFETIME
        return self.case.status.value != "open"

    def _history_is_long(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() > self.start.history_limit - self.headroom
        )

    async def _process(self, item: _Queued) -> None:
        if item.refused is not None:
            self._refuse(item.command.kind, item.refused)
            item.done = True
            return
        try:
            item.result = await _record_command(item.command)
            self.case = item.result
            self.case_is_current = not workflow.unsafe.is_replaying()
        except (ActivityError, ApplicationError) as error:
            # An activity's failure comes wrapped in an ActivityError; a local activity's final one,
            # as the activity raised it.
            cause = error.cause if isinstance(error, ActivityError) else error
            message = cause.message if isinstance(cause, ApplicationError) else str(error)
            kind = cause.type if isinstance(cause, ApplicationError) else "ActivityError"
            item.error = ApplicationError(message, type=kind, non_retryable=True)
            if item.signal:
                self._refuse(item.command.kind, message)
            # Refused with no case in the store: this run (started to carry the command) is done.
            if self.case is None and (item.unsure or isinstance(item.command, OpenEngagement)):
                self.open_failed = True
        item.done = True
        self._settle(after=item)

    def _settle(self, after: _Queued | None = None) -> None:
        """Recompute what the queue will lead to, and the deadlines of the steps now awaited."""
        rest = [q.command for q in self.queue if q is not after and q.counted]
        self.expected = reduce(anticipate, rest, progress_of(self.case))
        self.deadlines = deadlines.refreshed(self.deadlines, self.case, self.start.due_days)

    def _raise_alarms(self) -> None:
        if self.case is None:
            return
        self.deadlines, commands = deadlines.overdue(
            self.deadlines, self.start.state, workflow.now(), self.start.due_days
        )
        for command in commands:
            try:
                if self._check(command) is None:
                    self._enqueue(_Queued(command))
            except DomainError:
                continue

    def _check(self, command: Command) -> _Queued | None:
        """Refuse `command` with the rule it breaks, or say what it repeats.

        Returns the queued item a command repeats (a stand-in item when it repeats one recorded), or
        None for a new command that the rules allow after everything queued.
        """
        if command.state != self.start.state:
            raise DomainError(
                f"This is the engagement of {self.start.state}; the command is for {command.state}."
            )
        queued = {q.command.command_id: q for q in self.queue if q.command.command_id is not None}
        if already_recorded({i: q.command.digest() for i, q in queued.items()}, command):
            return queued[str(command.command_id)]
        if self.case is not None and already_recorded(self.case.recorded_commands, command):
            return _Queued(command, repeat=True)
        check(self.expected, command, workflow.now().date())
        return None

    def _enqueue(self, item: _Queued) -> _Queued:
        self.queue.append(item)
        if item.counted:
            self.expected = anticipate(self.expected, item.command)
        return item

    def _admit(self, command: Command, *, signal: bool = False) -> _Queued:
        """Queue `command`, or find the queued item it repeats; raise the rule that refuses it."""
        try:
            repeated = self._check(command)
        except Premature:
            if not workflow.patched(STORE_DECIDES_PATCH):
                raise
            return self._enqueue(_Queued(command, unsure=True, signal=signal))
        if repeated is None:
            return self._enqueue(_Queued(command, signal=signal))
        if repeated.repeat:
            # Recorded already: the activity finds it and answers with the case as it left it.
            return self._enqueue(_Queued(command, repeat=True, signal=signal))
        return repeated

    def _validate(self, command: Command) -> None:
        if not self.loaded:
            return
        try:
            self._check(_named(command, _update_id()))
        except Premature as error:
            # A view of the case read from the store by this very execution is the store's; one replayed
            # from history (after a reset, say) may be behind it, so the handler leaves it to the store.
            # Validators run only for new updates and record nothing: this cannot break a replay.
            if self.case_is_current:
                raise _refused(error) from None
        except DomainError as error:
            raise _refused(error) from None

    def _admit_arrivals(self) -> None:
        """Admit what the handlers received: signals first, then updates, each kind in its order."""
        arrivals = sorted(self.inbox, key=lambda arrival: not arrival.signal)
        self.inbox = []
        for arrival in arrivals:
            try:
                arrival.item = self._admit(arrival.command, signal=arrival.signal)
            except DomainError as error:
                arrival.refusal = error
                if arrival.signal:
                    # Decided now, listed in its turn: refusals come in the order the signals did.
                    self._enqueue(_Queued(arrival.command, signal=True, refused=str(error)))
                elif self.case is None and not self.queue:
                    # A run started only to carry this refused command has nothing left to do.
                    self.open_failed = True

    async def _received(self, command: Command, *, signal: bool) -> _Arrival:
        arrival = _Arrival(command, signal=signal)
        self.inbox.append(arrival)
        await workflow.wait_condition(lambda: arrival.decided)
        return arrival

    async def _submit(self, command: Command) -> CaseView:
        arrival = await self._received(_named(command, _update_id()), signal=False)
        if arrival.refusal is not None:
            raise _refused(arrival.refusal) from None
        item = arrival.item
        assert item is not None
        await workflow.wait_condition(lambda: item.done)
        if item.error is not None:
            raise item.error
        assert item.result is not None
        return item.result

    def _signal_id(self, name: str, payload: Payload) -> str:
        """The id of a signal sent without one, from what Temporal keeps across resets and retries.

        Its name and content, and how many signals with the same had come before: a reset reapplies
        the signals after its point in their order, so each gets the id it had the first time.
        """
        content = hashlib.sha256(name.encode() + b"\0" + payload.data).hexdigest()[:32]
        seen = self.signals_seen.get(content, 0)
        self.signals_seen[content] = seen + 1
        return f"signal/{content}/{seen}"

    async def _signal(self, model: type[Command], payload: RawValue) -> None:
        """Decode and check a signal; what cannot be acted on goes to `refusals` (signals answer nothing)."""
        kind = str(model.model_fields["kind"].default)
        # Counted before anything else, so that an unreadable signal keeps its place in the count too.
        signal_id = self._signal_id(kind, payload.payload)
        try:
            command = workflow.payload_converter().from_payload(payload.payload, model)
        except Exception as error:  # the payload converter raises whatever the model's validation raises
            self._refuse(kind, f"The {kind} signal could not be read: {_first_line(error)}")
            return
        await self._received(_named(command, signal_id), signal=True)

    def _refuse(self, kind: str, reason: str) -> None:
        workflow.logger.warning("Refused %s signal: %s", kind, reason)
        self.refusals = [
            *self.refusals[-KEPT_REFUSALS + 1 :],
            Refusal(at=workflow.now(), kind=kind, reason=reason),
        ]

    @workflow.query(name="status")
    def status(self) -> EngagementStatus:
        return EngagementStatus(
            case=self.case,
            pending=tuple(q.command.kind for q in self.queue) + tuple(a.command.kind for a in self.inbox),
            deadlines=self.deadlines,
            refusals=tuple(self.refusals),
        )

    # One update and one signal per command, with the same name and payload.
    @workflow.update(name="open")
    async def open(self, command: OpenEngagement) -> CaseView:
        return await self._submit(command)

    @open.validator
    def _validate_open(self, command: OpenEngagement) -> None:
        self._validate(command)

    @workflow.signal(name="open")
    async def open_signal(self, payload: RawValue) -> None:
        await self._signal(OpenEngagement, payload)

    @workflow.update(name="law_summary")
    async def law_summary(self, command: RecordLawSummary) -> CaseView:
        return await self._submit(command)

    @law_summary.validator
    def _validate_law_summary(self, command: RecordLawSummary) -> None:
        self._validate(command)

    @workflow.signal(name="law_summary")
    async def law_summary_signal(self, payload: RawValue) -> None:
        await self._signal(RecordLawSummary, payload)

    @workflow.update(name="focal_point")
    async def focal_point(self, command: NameFocalPoint) -> CaseView:
        return await self._submit(command)

    @focal_point.validator
    def _validate_focal_point(self, command: NameFocalPoint) -> None:
        self._validate(command)

    @workflow.signal(name="focal_point")
    async def focal_point_signal(self, payload: RawValue) -> None:
        await self._signal(NameFocalPoint, payload)

    @workflow.update(name="gap_list")
    async def gap_list(self, command: DrawUpGapList) -> CaseView:
        return await self._submit(command)

    @gap_list.validator
    def _validate_gap_list(self, command: DrawUpGapList) -> None:
        self._validate(command)

    @workflow.signal(name="gap_list")
    async def gap_list_signal(self, payload: RawValue) -> None:
        await self._signal(DrawUpGapList, payload)

    @workflow.update(name="assistance_activity")
    async def assistance_activity(self, command: RecordAssistanceActivity) -> CaseView:
        return await self._submit(command)

    @assistance_activity.validator
    def _validate_assistance_activity(self, command: RecordAssistanceActivity) -> None:
        self._validate(command)

    @workflow.signal(name="assistance_activity")
    async def assistance_activity_signal(self, payload: RawValue) -> None:
        await self._signal(RecordAssistanceActivity, payload)

    @workflow.update(name="assistance")
    async def assistance(self, command: ConcludeAssistance) -> CaseView:
        return await self._submit(command)

    @assistance.validator
    def _validate_assistance(self, command: ConcludeAssistance) -> None:
        self._validate(command)

    @workflow.signal(name="assistance")
    async def assistance_signal(self, payload: RawValue) -> None:
        await self._signal(ConcludeAssistance, payload)

    @workflow.update(name="bill")
    async def bill(self, command: RecordBill) -> CaseView:
        return await self._submit(command)

    @bill.validator
    def _validate_bill(self, command: RecordBill) -> None:
        self._validate(command)

    @workflow.signal(name="bill")
    async def bill_signal(self, payload: RawValue) -> None:
        await self._signal(RecordBill, payload)

    @workflow.update(name="legislation")
    async def legislation(self, command: ConcludeLegislation) -> CaseView:
        return await self._submit(command)

    @legislation.validator
    def _validate_legislation(self, command: ConcludeLegislation) -> None:
        self._validate(command)

    @workflow.signal(name="legislation")
    async def legislation_signal(self, payload: RawValue) -> None:
        await self._signal(ConcludeLegislation, payload)

    @workflow.update(name="training")
    async def training(self, command: RecordTraining) -> CaseView:
        return await self._submit(command)

    @training.validator
    def _validate_training(self, command: RecordTraining) -> None:
        self._validate(command)

    @workflow.signal(name="training")
    async def training_signal(self, payload: RawValue) -> None:
        await self._signal(RecordTraining, payload)

    @workflow.update(name="withdraw")
    async def withdraw(self, command: Withdraw) -> CaseView:
        return await self._submit(command)

    @withdraw.validator
    def _validate_withdraw(self, command: Withdraw) -> None:
        self._validate(command)

    @workflow.signal(name="withdraw")
    async def withdraw_signal(self, payload: RawValue) -> None:
        await self._signal(Withdraw, payload)
