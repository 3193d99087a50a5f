"""Plans and questionnaires, kept in the Outreach application's log beside the meetings they lead to: every
record idempotent by its business key, refused with one sentence when a rule is broken."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from pydantic import BaseModel, ConfigDict

from activities.outreach import MeetingRecord, Outreach
from activities.recording import events_of, not_after_today, retrying
from domain.checklist import CHECKLIST_BY_ID
from domain.errors import UnknownChecklistItem, UnknownRecord
from domain.facts import Fact
from domain.plans import (
    PLAN_EVENTS,
    CancelPlan,
    HoldPlan,
    MakePlan,
    MovePlan,
    Plan,
    PlanDetails,
    PlanExists,
    PlanHeldElsewhere,
    PlanStatus,
    PlanView,
    plan_as_of,
    plan_id,
)
from domain.questionnaires import (
    Answer,
    AnswerQuestionnaire,
    Dispatch,
    Questionnaire,
    QuestionnaireNotSent,
    Reply,
    Sending,
    SendQuestionnaire,
    SentOutsideMeeting,
    citation,
    dispatch_id,
    reply_id,
)
from domain.values import Door


class PlanRecord(PlanView):
    """A plan as it stands (or stood on a day), with its latest change: who, through which door, when."""

    version: int
    recorded_at: datetime
    actor: str
    door: Door | None = None


class DispatchRecord(BaseModel):
    """One sending of a questionnaire, with every State it went to."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    questionnaire: Questionnaire
    effective_date: date
    states: tuple[str, ...]
    meeting: UUID | None
    recipients: str | None
    note: str | None
    actor: str
    door: Door | None
    source: str | None


class Citation(BaseModel):
    """A step of the State's case that names the reply as its source."""

    model_config = ConfigDict(frozen=True)

    type: str
    version: int
    effective_date: date


class ReplyRecord(BaseModel):
    """A State's reply to a questionnaire: when it first came, what the latest says, and how it is cited."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    questionnaire: Questionnaire
    state: str
    effective_date: date
    document: str | None
    respondent: str | None
    items: tuple[str, ...]
    note: str | None
    replies: int
    citation: str
    actor: str
    door: Door | None
    source: str | None
    # The steps of the State's case that cite the reply (filled by who reads the cases too).
    cited_by: tuple[Citation, ...] = ()


class Programme:
    """Plans and questionnaires on an Outreach application (its store, clock and participants)."""

    def __init__(self, outreach: Outreach) -> None:
        self.outreach = outreach

    # Plans

    def plans(self, as_of: date | None = None) -> list[PlanRecord]:
        """Every plan as it stands (or as it stood on `as_of`), by first day planned, then in the order they
        were made (the report's own order, for plans it dates only to the year)."""
        found = [p for events in self._by_plan().values() if (p := self._plan_record(events, as_of))]
        return sorted(found, key=lambda p: p.details.planned)

    def plans_after(self, day: date) -> list[PlanRecord]:
        """What was, on `day`, planned for after it and neither held nor cancelled."""
        return [p for p in self.plans(day) if p.status is PlanStatus.PLANNED and p.details.planned > day]

    def plan(self, plan: UUID) -> PlanRecord | None:
        events = self._by_plan().get(plan)
        return None if events is None else self._plan_record(events, None)

    def make_plan(self, command: MakePlan) -> PlanRecord:
        """Make a plan; the same plan again records nothing, another of its kind, place and day is refused."""
        details = self._invited(command.details())

        def once() -> UUID:
            standing = [p for p in self.plans() if _same_slot(p.details, details)]
            if standing:
                if standing[0].details == details:
                    return standing[0].id
                raise PlanExists(
                    f"{details.opening()} is already recorded (id {standing[0].id}): move it or cancel it."
                )
            now = self._dated_now(command.effective_date, details.describe())
            plan = Plan.make(command, details, plan=self._free_id(details), recorded_at=now)
            self.outreach.save(plan)
            return plan.id

        return self._read_back(self._retrying(once))

    def move_plan(self, command: MovePlan) -> PlanRecord:
        return self._change(command.plan, lambda plan, now: plan.move(command, now), command.effective_date)

    def hold_plan(self, command: HoldPlan) -> PlanRecord:
        """Hold a plan by its meeting, on the meeting's first day; a mission by the command's date."""
        if command.meeting is not None:
            meeting = self._meeting(command.meeting)
            holding = [p for p in self.plans() if p.meeting == meeting.id and p.id != command.plan]
            if holding:
                raise PlanHeldElsewhere(
                    f"The meeting at {meeting.details.place} on {meeting.details.start} already holds "
                    f"{holding[0].details.describe()}."
                )
            command = command.model_copy(update={"effective_date": meeting.details.start})
        held = command
        return self._change(held.plan, lambda plan, now: plan.hold(held, now), held.effective_date)

    def cancel_plan(self, command: CancelPlan) -> PlanRecord:
        return self._change(command.plan, lambda plan, now: plan.cancel(command, now), command.effective_date)

    def _change(self, plan_id_: UUID, change: Callable[[Plan, datetime], None], day: date) -> PlanRecord:
        def once() -> UUID:
            try:
                plan = cast(Plan, self.outreach.repository.get(plan_id_))
            except AggregateNotFoundError:
                raise UnknownRecord(f"No plan is recorded under the id {plan_id_}.") from None
            change(plan, self._dated_now(day, plan.details.describe()))
            if plan.pending_events:
                self.outreach.save(plan)
            return plan.id

        return self._read_back(self._retrying(once))

    def _invited(self, details: PlanDetails) -> PlanDetails:
        codes = tuple(dict.fromkeys(self._code(s) for s in details.states))
        return PlanDetails.model_validate(details.model_dump() | {"states": codes})

    def _free_id(self, details: PlanDetails) -> UUID:
        number = 1
        while (candidate := plan_id(details.kind, details.place, details.planned, number)) in (
            self.outreach.repository
        ):
            number += 1
        return candidate

    def _read_back(self, plan: UUID) -> PlanRecord:
        found = self.plan(plan)
        assert found is not None, "a plan just recorded reads back"
        return found

    def _by_plan(self) -> dict[UUID, list[Fact]]:
        found: dict[UUID, list[Fact]] = {}
        for event in self._events():
            if isinstance(event, PLAN_EVENTS):
                found.setdefault(event.originator_id, []).append(event)
        return found

    @staticmethod
    def _plan_record(events: list[Fact], day: date | None) -> PlanRecord | None:
        view = plan_as_of(events, day)
        if view is None:
            return None
        last = [e for e in events if day is None or e.effective_date <= day][-1]
        return PlanRecord(
            **view.model_dump(),
            version=last.originator_version,
            recorded_at=last.timestamp,
            actor=last.actor,
            door=last.door,
        )

    # Questionnaires

    def dispatches(self) -> list[DispatchRecord]:
        """Every sending of a questionnaire, by date."""
        found: dict[UUID, DispatchRecord] = {}
        for event in self._events():
            if not isinstance(event, Sending):
                continue
            earlier = found.get(event.originator_id)
            if earlier is None:
                found[event.originator_id] = DispatchRecord(
                    id=event.originator_id,
                    questionnaire=event.questionnaire,
                    effective_date=event.effective_date,
                    states=event.states,
                    meeting=event.meeting,
                    recipients=event.recipients,
                    note=event.note,
                    actor=event.actor,
                    door=event.door,
                    source=event.source,
                )
            else:
                more = {"states": (*earlier.states, *event.states)}
                if event.recipients:
                    more["recipients"] = event.recipients  # type: ignore[assignment]
                found[event.originator_id] = earlier.model_copy(update=more)
        return sorted(found.values(), key=lambda d: (d.effective_date, d.questionnaire.value))

    def replies(self) -> list[ReplyRecord]:
        """Every State's reply to each questionnaire, by questionnaire then State."""
        found: dict[UUID, ReplyRecord] = {}
        for event in self._events():
            if not isinstance(event, Answer):
                continue
            earlier = found.get(event.originator_id)
            found[event.originator_id] = ReplyRecord(
                id=event.originator_id,
                questionnaire=event.questionnaire,
                state=event.state,
                effective_date=earlier.effective_date if earlier else event.effective_date,
                document=event.document,
                respondent=event.respondent,
                items=event.items,
                note=event.note,
                replies=earlier.replies + 1 if earlier else 1,
                citation=citation(event.questionnaire, event.state),
                actor=event.actor,
                door=event.door,
                source=event.source,
            )
        return sorted(found.values(), key=lambda r: (r.questionnaire.value, r.state))

    def reply(self, questionnaire: Questionnaire, state: str) -> ReplyRecord | None:
        wanted = reply_id(questionnaire, state)
        return next((r for r in self.replies() if r.id == wanted), None)

    def send(self, command: SendQuestionnaire) -> DispatchRecord:
        """Send a questionnaire; sent again on the day at the same meeting, only States added are recorded."""
        codes = tuple(dict.fromkeys(self._code(s) for s in command.states))
        command = command.model_copy(update={"states": codes})
        if command.meeting is not None:
            meeting = self._meeting(command.meeting)
            first, last = meeting.details.start, meeting.details.end
            if not first <= command.effective_date <= last:
                raise SentOutsideMeeting(
                    f"The meeting at {meeting.details.place} was held from {first} to {last}; a "
                    "questionnaire handed out there"
                    f" is sent on one of those days, not on {command.effective_date}."
                )
        sent = command
        key = dispatch_id(sent.questionnaire, sent.effective_date, sent.meeting)

        def once() -> UUID:
            what = f"the sending of the {sent.questionnaire.value} questionnaire"
            now = self._dated_now(sent.effective_date, what)
            dispatch = self.outreach.make_or_change(
                Dispatch, key, lambda: Dispatch.send(sent, recorded_at=now), lambda d: d.send_again(sent, now)
            )
            return dispatch.id

        self._retrying(once)
        return next(d for d in self.dispatches() if d.id == key)

    def answer(self, command: AnswerQuestionnaire) -> ReplyRecord:
        """Record a State's reply, once the questionnaire was sent to it (or to no State in particular)."""
        code = self._code(command.state)
        command = command.model_copy(update={"state": code})
        unknown = [item for item in command.items if item not in CHECKLIST_BY_ID]
        if unknown:
            raise UnknownChecklistItem(
                f"'{unknown[0]}' is no item of the ratification checklist (see `palermo checklist`)."
            )
        sent = [
            d
            for d in self.dispatches()
            if d.questionnaire is command.questionnaire
            and d.effective_date <= command.effective_date
            and (code in d.states or not d.states)
        ]
        if not sent:
            raise QuestionnaireNotSent(
                f"The {command.questionnaire.value} questionnaire had not been sent to {code} by "
                f"{command.effective_date}: record its sending first (`palermo questionnaire send`)."
            )
        answered = command

        def once() -> None:
            now = self._dated_now(answered.effective_date, f"the reply of {code}")
            self.outreach.make_or_change(
                Reply,
                reply_id(answered.questionnaire, code),
                lambda: Reply.answer(answered, recorded_at=now),
                lambda r: r.answer_again(answered, now),
            )

        self._retrying(once)
        found = self.reply(answered.questionnaire, code)
        assert found is not None, "a reply just recorded reads back"
        return found

    # Shared

    def _code(self, state: str) -> str:
        """The code of a State named by its code or by the Treaty Collection's name for it."""
        return self.outreach.participants.named(state).code

    def _meeting(self, meeting: UUID) -> MeetingRecord:
        found = self.outreach.meeting(meeting)
        if found is None:
            raise UnknownRecord(f"No meeting is recorded under the id {meeting}.")
        return found

    def _dated_now(self, effective_date: date, concerning: str) -> datetime:
        return not_after_today(self.outreach.clock, effective_date, concerning)

    _retrying = staticmethod(retrying)

    def _events(self) -> Iterator[object]:
        return events_of(self.outreach.recorder, self.outreach.mapper)


def _same_slot(a: PlanDetails, b: PlanDetails) -> bool:
    return (a.kind, a.place.strip().casefold(), a.planned) == (b.kind, b.place.strip().casefold(), b.planned)
