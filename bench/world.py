"""A synthetic history of treaty actions, engagements, meetings and cooperation, made by the domain rules."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import BaseAggregate

from bench.participants import codes
from domain import commands as c
from domain.checklist import CHECKLIST
from domain.engagement import Engagement
from domain.outreach import CooperationActivity, CooperationKind, Meeting, MeetingDetails, MeetingKind
from domain.treaty import ActionKind, TreatyAction
from domain.values import AssistanceActivity, AssistanceKind, Bill, BillStage, GapItem, Instrument, Step

EARLIEST, LATEST = date(2000, 12, 12), date(2020, 12, 31)
ACTOR, SOURCE = "bench", "synthetic"
# Per participant: about 5 treaty actions and an engagement of about 8 steps plus its assistance
# activities; the rest of the budget is meetings and cooperation activities.
EVENTS_PER_PARTICIPANT = 60
ENGAGEMENT_SHARE = 0.55
CONSENTS = (ActionKind.RATIFICATION,) * 6 + (
    ActionKind.ACCESSION, ActionKind.ACCEPTANCE, ActionKind.APPROVAL, ActionKind.SUCCESSION,
)  # fmt: skip

Written = tuple[str, BaseAggregate[UUID]]


class _Days:
    """Effective dates moving forward, each recorded a little later than it happened."""

    def __init__(self, rng: random.Random, start: date) -> None:
        self.rng, self.day = rng, start
        self.recorded = datetime.combine(start, time(9), UTC)

    def advance(self, least: int, most: int) -> bool:
        """Move on; False once past the end of the synthetic period."""
        self.day += timedelta(days=self.rng.randint(least, most))
        return self.day <= LATEST

    def recorded_at(self) -> datetime:
        late = datetime.combine(self.day, time(9), UTC) + timedelta(minutes=self.rng.randint(0, 4320))
        self.recorded = max(self.recorded + timedelta(seconds=1), late)
        return self.recorded


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _treaty_actions(rng: random.Random, state: str) -> Iterator[TreatyAction]:
    for instrument in Instrument:
        signed = _day(rng, EARLIEST, date(2015, 12, 31)) if rng.random() < 0.75 else None
        if signed is not None:
            yield _treaty_action(rng, state, instrument, ActionKind.SIGNATURE, signed)
        if rng.random() < 0.55:
            kind = rng.choice(CONSENTS)
            consent = _treaty_action(rng, state, instrument, kind, _day(rng, signed or EARLIEST, LATEST))
            if rng.random() < 0.04:
                corrected = min(LATEST, consent.effective_date + timedelta(days=rng.randint(1, 40)))
                later = consent.modified_on + timedelta(days=rng.randint(30, 400))
                consent.correct(
                    kind=kind, effective_date=corrected, recorded_at=later, actor=ACTOR, source=SOURCE
                )
            yield consent


def _treaty_action(
    rng: random.Random, state: str, instrument: Instrument, kind: ActionKind, day: date
) -> TreatyAction:
    recorded = datetime.combine(day, time(9), UTC) + timedelta(days=rng.randint(1, 60))
    return TreatyAction.record(
        participant=state, participant_name=f"Synthetic State {state}", instrument=instrument, kind=kind,
        effective_date=day, recorded_at=recorded, actor=ACTOR, source=SOURCE,
    )  # fmt: skip


def _engagement(rng: random.Random, state: str, activities: int) -> Engagement:
    """An engagement taken through a random number of steps, with activities, bills and reminders."""
    instruments = (Instrument.CONVENTION, *rng.sample(list(Instrument)[1:], rng.randint(0, 3)))
    days = _Days(rng, _day(rng, date(2001, 1, 1), date(2018, 12, 31)))
    common: dict[str, object] = {"state": state, "actor": ACTOR, "source": SOURCE}
    opening = c.OpenEngagement(state=state, actor=ACTOR, effective_date=days.day, instruments=instruments)
    case = Engagement.open(opening, f"Synthetic State {state}", days.recorded_at())
    items = [c.id for c in CHECKLIST if c.instrument is None or c.instrument in instruments]
    gaps = tuple(GapItem(checklist_item=i) for i in rng.sample(items, rng.randint(1, 5)))

    def make(kind: type[c.Command], **fields: object) -> c.Command:
        # The effective date is set as the command is executed, from the moving calendar.
        return kind.model_validate(common | {"effective_date": EARLIEST} | fields)

    either: list[type[c.Command]] = [c.RecordLawSummary, c.NameFocalPoint]
    plan = [make(kind) for kind in rng.sample(either, 2)]
    plan.append(make(c.DrawUpGapList, items=gaps))
    for _ in range(rng.randint(0, 2 * activities)):
        cost = Decimal(rng.randint(0, 50_000))
        activity = AssistanceActivity(kind=rng.choice(list(AssistanceKind)), cost=cost)
        plan.append(make(c.RecordAssistanceActivity, activity=activity))
    plan.append(make(c.ConcludeAssistance))
    for n in range(rng.randint(0, 2)):
        plan += [
            make(c.RecordBill, bill=Bill(title=f"Bill {n}", stage=stage, addresses=(gaps[0].checklist_item,)))
            for stage in BillStage
        ]
    plan += [make(c.ConcludeLegislation), make(c.RecordTraining, officials_trained=30)]
    steps = rng.randint(0, 7)
    for command in plan:
        # Activities and bills come weeks apart; steps, months.
        least, most = (1, 20) if isinstance(command, c.RecordAssistanceActivity | c.RecordBill) else (3, 90)
        if _steps_done(case) >= steps or not days.advance(least, most):
            break
        _overdue(rng, case, common, days)
        case.execute(command.model_copy(update={"effective_date": days.day}), days.recorded_at())
    if case.progress.stage is not None and rng.random() < 0.1 and days.advance(1, 60):
        withdrawal = c.Withdraw.model_validate(common | {"effective_date": days.day, "reason": "Synthetic"})
        case.execute(withdrawal, days.recorded_at())
    return case


def _steps_done(case: Engagement) -> int:
    return len(case.progress.completed) - 1


def _overdue(rng: random.Random, case: Engagement, common: dict[str, object], days: _Days) -> None:
    awaited: Step | None = case.progress.stage
    if awaited is None or rng.random() > 0.15:
        return
    fields = common | {"effective_date": days.day, "step": awaited, "due_date": days.day}
    case.execute(c.SendReminder.model_validate(fields), days.recorded_at())
    if rng.random() < 0.3:
        case.execute(c.Escalate.model_validate(fields), days.recorded_at())


def _cooperation(rng: random.Random, states: list[str], used: set[UUID]) -> CooperationActivity:
    while True:
        day, state, kind = _day(rng, EARLIEST, LATEST), rng.choice(states), rng.choice(list(CooperationKind))
        activity = CooperationActivity.record(
            state=state, kind=kind, title=f"{kind.value} in {state}", partners=("UNODC",), effective_date=day,
            recorded_at=datetime.combine(day, time(9), UTC) + timedelta(days=rng.randint(0, 30)),
            actor=ACTOR, source=SOURCE,
        )  # fmt: skip
        if activity.id not in used:
            used.add(activity.id)
            return activity


def _meeting(rng: random.Random, states: list[str], number: int) -> Meeting:
    start = _day(rng, EARLIEST, LATEST)
    participants = tuple(rng.sample(states, min(len(states), rng.randint(3, 12))))
    details = MeetingDetails(
        title=f"Seminar {number}", kind=rng.choice(list(MeetingKind)), place=f"City {number}", start=start,
        end=start + timedelta(days=2), participants=participants,
    )  # fmt: skip
    recorded = datetime.combine(start, time(9), UTC) + timedelta(days=rng.randint(2, 30))
    meeting = Meeting.record(details, recorded_at=recorded, actor=ACTOR, source=SOURCE)
    if rng.random() < 0.05:
        fixed = details.model_copy(update={"outcome": "Declaration adopted"})
        meeting.correct(fixed, recorded_at=recorded + timedelta(days=20), actor=ACTOR, source=SOURCE)
    return meeting


def history(events: int, seed: int) -> Iterator[Written]:
    """About `events` events (exactly, unless fewer than the engagements alone make) as new aggregates."""
    rng = random.Random(seed)
    states = codes(min(17_576, max(20, events // EVENTS_PER_PARTICIPANT)), seed)
    # Half the engagements get as far as assistance; treaty actions and the other steps make about 16.
    activities = max(1, round((ENGAGEMENT_SHARE * events / len(states) - 16) / 0.5))
    written = 0
    for state in states:
        if written >= ENGAGEMENT_SHARE * events:
            break
        for action in _treaty_actions(rng, state):
            written += action.version
            yield "Treaties", action
        case = _engagement(rng, state, activities)
        written += case.version
        yield "Engagements", case
    used: set[UUID] = set()
    number = 0
    while written < events:
        number += 1
        if rng.random() < 0.15:
            meeting = _meeting(rng, states, number)
            if written + meeting.version > events:
                continue
            written += meeting.version
            yield "Outreach", meeting
        else:
            written += 1
            yield "Outreach", _cooperation(rng, states, used)
