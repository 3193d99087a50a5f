"""The engagement workflow: takes officers' commands in turn, records them one by one, keeps the due dates."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RawValue
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from domain.commands import Command, OpenEngagement
    from domain.errors import DomainError, Premature
    from domain.views import CaseView
    from workflows import deadlines
    from workflows.admission import Admission, Arrival, Queued, takes_rounds
    from workflows.commands import opens
    from workflows.handlers import command_handlers
    from workflows.messages import WORKFLOW_NAME, EngagementInput, EngagementStatus, Refusal
    from workflows.naming import SignalNames, named, start_id, update_id
    from workflows.recording import FEWER_EVENTS_PATCH, load_case, record_command

# The history length a run reads is the one its workflow task began with; the step that task runs adds
# its own events after (the task's completion, the update accepted, the marker, the update completed:
# more when updates come together). Runs that reach this marker continue as new once they are within
# this many events of the limit, so that a run resting between steps stays under it.
HEADROOM_PATCH = "continue-within-headroom"
HISTORY_HEADROOM = 10
# Runs that reach this marker count a step's due period from the day it became awaited in the world, not
# from when that was recorded (workflows.deadlines.refreshed).
EFFECTIVE_DUES_PATCH = "due-from-effective-date"
UNOPENED_LIFETIME = timedelta(hours=1)
KEPT_REFUSALS = 20


def _refused(error: DomainError) -> ApplicationError:
    return ApplicationError(str(error), type=type(error).__name__, non_retryable=True)


def _first_line(error: Exception) -> str:
    """A validation error's first complaint, in one line."""
    if isinstance(error, ValidationError) and error.errors():
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "payload"
        return f"{where}: {first['msg']}"
    return str(error).splitlines()[0] if str(error) else type(error).__name__


@workflow.defn(name=WORKFLOW_NAME)
@command_handlers
class EngagementWorkflow:
    """One State's engagement. Updates answer with the case or the reason for refusal."""

    @workflow.init
    def __init__(self, start: EngagementInput) -> None:
        self.start = start
        self.case: CaseView | None = start.case
        self.admission = Admission(start.state, start.case)
        self.deadlines = start.deadlines
        self.loaded = start.case is not None
        self.refusals: list[Refusal] = list(start.refusals)
        self.open_failed = False
        self.timer: asyncio.Task[None] | None = None
        self.timer_at: datetime | None = None
        self.headroom = 0
        self.signal_names = SignalNames(start.signals_seen)
        # Whether `case` was read from the store by this execution of the workflow, not replayed from
        # history: only validators may look at it (see `_validate`).
        self.case_is_current = False

    @workflow.run
    async def run(self, start: EngagementInput) -> CaseView | None:
        if workflow.patched(HEADROOM_PATCH):
            self.headroom = HISTORY_HEADROOM
        if not self.loaded:
            # The event store is the record of truth: a new run resumes whatever it holds.
            self.case = await load_case(start.state)
            self.case_is_current = not workflow.unsafe.is_replaying()
            self._settle()
            self.loaded = True
        if start.open is not None and self.case is None:
            self.admission.enqueue(Queued(named(start.open, start_id(start.open))))
        elif start.open is not None and self._closed() and takes_rounds():
            # Started with a request for a State whose round is closed: its next round, if the rules allow.
            self._admit_start(start.open)
        queue = self.admission.queue
        while True:
            await self._wait()
            self._admit_arrivals()
            while queue:
                await self._process(queue[0])
                queue.pop(0)
                self._admit_arrivals()
            self._raise_alarms()
            if self.admission:
                continue
            if self._finished():
                await workflow.wait_condition(self._handled_or_queued)
                if not queue:
                    return self.case
            elif self._history_is_long():
                await workflow.wait_condition(self._handled_or_queued)
                if not queue:
                    workflow.continue_as_new(self._carried_on())

    def _admit_start(self, command: OpenEngagement) -> None:
        try:
            self.admission.admit(named(command, start_id(command)), self.case, workflow.now().date())
        except DomainError as error:
            self._refuse(command.kind, str(error))

    def _carried_on(self) -> EngagementInput:
        """What the next run starts from."""
        return self.start.model_copy(
            update={
                "open": None,
                "case": self.case,
                "deadlines": self.deadlines,
                "refusals": tuple(self.refusals),
                "signals_seen": dict(self.signal_names.seen),
            }
        )

    def _handled_or_queued(self) -> bool:
        """Every handler is done, or one has queued a command (which it waits for: process it first).

        An update arriving in the workflow task that finds the history long queues its command only
        after the loop looked at the queue; waiting for all handlers alone would wait forever.
        """
        return workflow.all_handlers_finished() or bool(self.admission)

    async def _wait(self) -> None:
        alarm = deadlines.next_alarm(self.deadlines, self.start.due_days)
        if self.case is None:
            alarm = workflow.info().start_time + UNOPENED_LIFETIME
        if workflow.patched(FEWER_EVENTS_PATCH):
            self._arm(alarm)
            timer = self.timer
            await workflow.wait_condition(
                lambda: (
                    bool(self.admission)
                    or self._finished()
                    or self._history_is_long()
                    or (timer is not None and timer.done())
                )
            )
            return
        timeout = None if alarm is None else max(alarm - workflow.now(), timedelta(0))
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: bool(self.admission) or self._finished() or self._history_is_long(), timeout=timeout
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

    def _closed(self) -> bool:
        """The case's round is completed or withdrawn."""
        return self.case is not None and self.case.status.value != "open"

    def _finished(self) -> bool:
        if self.admission:
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

    async def _process(self, item: Queued) -> None:
        if item.refused is not None:
            self._refuse(item.command.kind, item.refused)
            item.done = True
            return
        try:
            item.result = await record_command(item.command)
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
            if self.case is None and (item.unsure or opens(item.command)):
                self.open_failed = True
        item.done = True
        self._settle(after=item)

    def _settle(self, after: Queued | None = None) -> None:
        """Recompute what the queue will lead to, and the deadlines of the steps now awaited."""
        self.admission.settle(self.case, after)
        self.deadlines = deadlines.refreshed(
            self.deadlines,
            self.case,
            self.start.due_days,
            in_the_world=workflow.patched(EFFECTIVE_DUES_PATCH),
        )

    def _raise_alarms(self) -> None:
        if self.case is None:
            return
        self.deadlines, commands = deadlines.overdue(
            self.deadlines, self.start.state, workflow.now(), self.start.due_days
        )
        for command in commands:
            try:
                if self.admission.check(command, self.case, workflow.now().date()) is None:
                    self.admission.enqueue(Queued(command))
            except DomainError:
                continue

    def _admit_arrivals(self) -> None:
        if self.admission.admit_arrivals(self.case, workflow.now().date()) and self.case is None:
            self.open_failed = True

    def _validate(self, command: Command) -> None:
        if not self.loaded:
            return
        try:
            self.admission.check(named(command, update_id()), self.case, workflow.now().date())
        except Premature as error:
            # A view of the case read from the store by this very execution is the store's; one replayed
            # from history (after a reset, say) may be behind it, so the handler leaves it to the store.
            # Validators run only for new updates and record nothing: this cannot break a replay.
            if self.case_is_current:
                raise _refused(error) from None
        except DomainError as error:
            raise _refused(error) from None

    async def _received(self, command: Command, *, signal: bool) -> Arrival:
        arrival = Arrival(command, signal=signal)
        self.admission.inbox.append(arrival)
        await workflow.wait_condition(lambda: arrival.decided)
        return arrival

    async def _submit(self, command: Command) -> CaseView:
        arrival = await self._received(named(command, update_id()), signal=False)
        if arrival.refusal is not None:
            raise _refused(arrival.refusal) from None
        item = arrival.item
        assert item is not None
        await workflow.wait_condition(lambda: item.done)
        if item.error is not None:
            raise item.error
        assert item.result is not None
        return item.result

    async def _signal(self, model: type[Command], payload: RawValue) -> None:
        """Decode and check a signal; what cannot be acted on goes to `refusals` (signals answer nothing)."""
        kind = str(model.model_fields["kind"].default)
        # Named before anything else, so that an unreadable signal keeps its place in the count too.
        signal_id = self.signal_names.next(kind, payload.payload.data)
        try:
            command = workflow.payload_converter().from_payload(payload.payload, model)
        except Exception as error:  # the payload converter raises whatever the model's validation raises
            self._refuse(kind, f"The {kind} signal could not be read: {_first_line(error)}")
            return
        await self._received(named(command, signal_id), signal=True)

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
            pending=self.admission.pending(),
            deadlines=self.deadlines,
            refusals=tuple(self.refusals),
        )
