"""The Resources application: the pools of experts and the donors' contributions, and what assistance draws
on them (paragraphs 21 and 22), idempotently."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Unpack, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from pydantic import BaseModel, ConfigDict

from activities.recording import Recording
from domain import commands as c
from domain.experts import (
    Expert,
    ExpertDetails,
    ExpertDetailsChanged,
    ExpertRegistered,
    UnknownExpert,
    expert_id,
)
from domain.facts import Fact, Told
from domain.funds import (
    Contribution,
    ContributionAlreadyPledged,
    ContributionPledged,
    Pledge,
    UnfundedActivity,
    UnknownContribution,
    contribution_id,
    unfunded_id,
)
from domain.regions import region_of
from domain.values import AssistanceActivity, Door, Instrument


class ExpertRecord(BaseModel):
    """An expert as the pools now know them, and who recorded that, when."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    details: ExpertDetails
    joined: date
    recorded_at: datetime
    actor: str
    source: str | None
    door: Door | None = None


class ContributionRecord(BaseModel):
    """A contribution as it stands: its pledge, what came in, what was charged, what is left."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    pledge: Pledge
    pledged_on: date
    received: Decimal
    charged: Decimal
    left: Decimal
    version: int


class Resources(Recording):
    """Experts (under the id of their name) and contributions (under the id of their reference)."""

    name = "Resources"

    # Experts.

    def expert(self, name: str) -> ExpertRecord | None:
        wanted = expert_id(name)
        return next((e for e in self.experts() if e.id == wanted), None)

    def register_expert(
        self,
        details: ExpertDetails,
        **told: Unpack[Told],
    ) -> ExpertRecord:
        """Add an expert to the pools; the same name again records their new details (or nothing)."""
        stamp = self._stamp(told, f"the registration of {details.name}")

        def once() -> UUID:
            expert = self.make_or_change(
                Expert,
                expert_id(details.name),
                lambda: Expert.register(details, **stamp),
                lambda known: known.change(details, **stamp),
            )
            return expert.id

        found = self._retrying(once)
        return next(e for e in self.experts() if e.id == found)

    def experts(self) -> list[ExpertRecord]:
        """Every expert with their latest details, by region then name."""
        found: dict[UUID, ExpertRecord] = {}
        for event in self._events():
            if isinstance(event, ExpertRegistered):
                found[event.originator_id] = ExpertRecord(
                    id=event.originator_id,
                    details=event.details,
                    joined=event.effective_date,
                    recorded_at=event.timestamp,
                    actor=event.actor,
                    source=event.source,
                    door=event.door,
                )
            elif isinstance(event, ExpertDetailsChanged) and event.originator_id in found:
                found[event.originator_id] = found[event.originator_id].model_copy(
                    update={
                        "details": event.details,
                        "recorded_at": event.timestamp,
                        "actor": event.actor,
                        "source": event.source,
                        "door": event.door,
                    }
                )
        return sorted(found.values(), key=lambda e: (e.details.region.value, e.details.name.casefold()))

    # Contributions.

    def contribution(self, reference: str) -> Contribution:
        try:
            return cast(Contribution, self.repository.get(contribution_id(reference)))
        except AggregateNotFoundError:
            raise UnknownContribution(
                f"No contribution is pledged under the reference '{reference}'."
            ) from None

    def pledge(
        self,
        pledge: Pledge,
        **told: Unpack[Told],
    ) -> ContributionRecord:
        """Record a pledge; the same terms under the same reference again record nothing."""
        stamp = self._stamp(told, f"the pledge {pledge.reference}")

        def once() -> Contribution:
            try:
                known = self.contribution(pledge.reference)
            except UnknownContribution:
                made = Contribution.promise(pledge, **stamp)
                self.save(made)
                return made
            if known.pledge != pledge or known.pledged_on != stamp["effective_date"]:
                raise ContributionAlreadyPledged(
                    f"A contribution is already pledged under the reference '{pledge.reference}' "
                    f"(by {known.pledge.donor} on {known.pledged_on}, other terms); choose another reference."
                )
            return known

        return record_of(self._retrying(once))

    def receive(
        self,
        reference: str,
        amount: Decimal,
        **told: Unpack[Told],
    ) -> ContributionRecord:
        """Record a payment towards a pledge."""
        stamp = self._stamp(told, f"the payment to {reference}")

        def once() -> Contribution:
            contribution = self.contribution(reference)
            contribution.receive(amount, **stamp)
            self.save(contribution)
            return contribution

        return record_of(self._retrying(once))

    def contributions(self) -> list[ContributionRecord]:
        ids = dict.fromkeys(e.originator_id for e in self._events() if isinstance(e, ContributionPledged))
        found = [record_of(cast(Contribution, self.repository.get(i))) for i in ids]
        return sorted(found, key=lambda r: (r.pledged_on, r.pledge.reference.casefold()))

    # What assistance draws on the pools and the contributions.

    def draw(self, command: c.Command, instruments: tuple[Instrument, ...], recorded_at: datetime) -> None:
        """Check an assistance command against the pools and the funds, then record its charges (or its
        unfunded activities); a refusal is one sentence and records nothing; sent again, nothing."""
        activities = _activities_of(command)
        if activities is None:
            return
        key = f"{command.state}/{command.command_id or command.digest()}"
        for activity in activities:
            for name in activity.pool_experts:
                # By the id of the name: one look-up, not a walk over the log, on every assistance step.
                if expert_id(name) not in self.repository:
                    raise UnknownExpert(
                        f"'{name}' of the {activity.kind.value} of {command.state} is in no pool of experts; "
                        "add them with `palermo expert add` first."
                    )
        self._retrying(lambda: self._charge(command, activities, key, instruments, recorded_at))
        if isinstance(command, c.ConcludeAssistance):
            self._retrying(lambda: self._spend(command, recorded_at))

    def _charge(
        self,
        command: c.Command,
        activities: tuple[AssistanceActivity, ...],
        key: str,
        instruments: tuple[Instrument, ...],
        now: datetime,
    ) -> None:
        region = region_of(command.state)
        charged: dict[str, tuple[Contribution, Decimal]] = {}
        planned: list[tuple[Contribution, str, AssistanceActivity]] = []
        for number, activity in enumerate(activities, start=1):
            if activity.contribution is None:
                continue
            contribution, before = charged.get(activity.contribution.casefold(), (None, Decimal(0)))
            contribution = contribution or self.contribution(activity.contribution)
            one = f"{key}/{number}"
            contribution.check_charge(
                key=one,
                state=command.state,
                region=region,
                instruments=instruments,
                kind=activity.kind,
                cost=activity.cost,
                also=before,
            )
            charged[activity.contribution.casefold()] = (contribution, before + activity.cost)
            planned.append((contribution, one, activity))
        provenance: dict[str, Any] = {
            "effective_date": command.effective_date,
            "recorded_at": now,
            "actor": command.actor,
            "source": command.source,
            "door": command.door,
        }
        for contribution, one, activity in planned:
            contribution.charge(
                key=one, state=command.state, kind=activity.kind, cost=activity.cost, **provenance
            )
        unfunded = []
        for number, activity in enumerate(activities, start=1):
            one = f"{key}/{number}"
            if activity.unfunded and unfunded_id(one) not in self.repository:
                unfunded.append(
                    UnfundedActivity.record(
                        key=one, state=command.state, kind=activity.kind, cost=activity.cost, **provenance
                    )
                )
        touched = [found for found, _ in charged.values() if found.pending_events]
        if touched or unfunded:
            self.save(*touched, *unfunded)

    def _spend(self, command: c.Command, now: datetime) -> None:
        """When the State's assistance concludes, what was charged for it is spent."""
        prefix = f"{command.state}/"
        touched = []
        for record in self.contributions():
            contribution = cast(Contribution, self.repository.get(record.id))
            keys = tuple(k for k in contribution.charges if k.startswith(prefix))
            contribution.spend(
                command.state,
                keys,
                effective_date=command.effective_date,
                recorded_at=now,
                actor=command.actor,
                source=command.source,
                door=command.door,
            )
            if contribution.pending_events:
                touched.append(contribution)
        if touched:
            self.save(*touched)

    # Shared.

    def facts(self) -> Iterator[Fact]:
        """Every stored event, in the order recorded."""
        for event in self._events():
            yield cast(Fact, event)


def record_of(contribution: Contribution) -> ContributionRecord:
    return ContributionRecord(
        id=contribution.id,
        pledge=contribution.pledge,
        pledged_on=contribution.pledged_on,
        received=contribution.received,
        charged=contribution.charged,
        left=contribution.left,
        version=contribution.version,
    )


def _activities_of(command: c.Command) -> tuple[AssistanceActivity, ...] | None:
    if isinstance(command, c.RecordAssistanceActivity):
        return (command.activity,)
    if isinstance(command, c.ConcludeAssistance):
        return command.activities
    return None
