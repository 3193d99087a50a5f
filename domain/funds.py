"""Donors' contributions (paragraph 22): pledged, received, earmarked or not, and the costs charged."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Unpack
from uuid import UUID, uuid5

from eventsourcing.domain import BaseAggregate, CanInitAggregate
from pydantic import Field

from domain.errors import DomainError
from domain.experts import RESOURCES_NAMESPACE
from domain.facts import Fact, Stamp, event_fields
from domain.regions import Region
from domain.values import AssistanceKind, Instrument, ShortText, Text, Value

# US dollars, to the cent, as the UN's accounts keep them.
Amount = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]


class Earmark(Value):
    """What a donor reserved a contribution for: an instrument, a region, both, or (both None) nothing."""

    instrument: Instrument | None = None
    region: Region | None = None

    def describe(self) -> str:
        parts = [p for p in (self.instrument, self.region) if p is not None]
        return " and ".join(str(p) for p in parts) or "no purpose"


class Pledge(Value):
    """A donor's promise of a contribution, named by the reference it is known by."""

    reference: ShortText
    donor: ShortText
    amount: Amount
    earmark: Earmark = Earmark()
    note: Text | None = None


def contribution_id(reference: str) -> UUID:
    return uuid5(RESOURCES_NAMESPACE, f"contribution/{' '.join(reference.split()).casefold()}")


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


class UnknownContribution(DomainError):
    """No contribution is pledged under that reference."""


class ContributionAlreadyPledged(DomainError):
    """A reference names one contribution; it was pledged before with other terms."""


class ReceiptOverPledge(DomainError):
    """A donor's payments cannot add up to more than the pledge."""


class ReceiptBeforePledge(DomainError):
    """A payment cannot come in before the pledge it honours."""


class EarmarkMismatch(DomainError):
    """The contribution is earmarked for another region or instrument than the activity's."""


class FundsExhausted(DomainError):
    """The activity costs more than the contribution has left."""


class ContributionPledged(Fact, CanInitAggregate[UUID]):
    """A donor pledged a contribution; `effective_date` is the day of the pledge."""

    originator_topic: str
    pledge: Pledge

    def apply(self, aggregate: Any) -> None:
        aggregate.pledge = self.pledge
        aggregate.pledged_on = self.effective_date
        aggregate.received = Decimal(0)
        aggregate.charges = {}
        aggregate.spent_keys = ()


class ContributionReceived(Fact):
    """The donor paid (part of) the contribution; `effective_date` is the day the funds arrived."""

    amount: Amount

    def apply(self, aggregate: Any) -> None:
        aggregate.received += self.amount


class CostCharged(Fact):
    """An assistance activity's cost was charged to the contribution; `key` names the activity."""

    key: ShortText
    state: ShortText
    kind: AssistanceKind
    cost: Amount

    def apply(self, aggregate: Any) -> None:
        aggregate.charges[self.key] = self.cost


class ChargesSpent(Fact):
    """The assistance of `state` concluded: what was charged for it (`keys`) is spent, no longer committed."""

    state: ShortText
    keys: tuple[ShortText, ...]

    def apply(self, aggregate: Any) -> None:
        aggregate.spent_keys = (*aggregate.spent_keys, *self.keys)


class Contribution(BaseAggregate[UUID]):
    """One contribution: its pledge, what came in, and each cost charged to it."""

    pledge: Pledge
    pledged_on: date
    received: Decimal
    charges: dict[str, Decimal]
    spent_keys: tuple[str, ...]

    def __init__(self) -> None:
        """State is set by the events' apply methods."""

    @classmethod
    def promise(
        cls,
        pledge: Pledge,
        **stamp: Unpack[Stamp],
    ) -> Contribution:
        return cls._create(
            ContributionPledged,
            id=contribution_id(pledge.reference),
            **event_fields(stamp, stamp["effective_date"]),
            pledge=pledge,
        )

    @property
    def charged(self) -> Decimal:
        return sum(self.charges.values(), Decimal(0))

    @property
    def left(self) -> Decimal:
        """What may still be charged: what came in, less what was charged."""
        return self.received - self.charged

    def receive(
        self,
        amount: Decimal,
        **stamp: Unpack[Stamp],
    ) -> None:
        name = f"contribution {self.pledge.reference} of {self.pledge.donor}"
        paid = stamp["effective_date"]
        if paid < self.pledged_on:
            raise ReceiptBeforePledge(
                f"The payment of {paid} to {name} is dated before its pledge of {self.pledged_on}."
            )
        if self.received + amount > self.pledge.amount:
            raise ReceiptOverPledge(
                f"A payment of {money(amount)} to {name} would bring what came in to "
                f"{money(self.received + amount)}, more than the {money(self.pledge.amount)} pledged."
            )
        self.trigger_event(
            ContributionReceived,
            **event_fields(stamp, stamp["effective_date"]),
            amount=amount,
        )

    def check_charge(
        self,
        *,
        key: str,
        state: str,
        region: Region | None,
        instruments: tuple[Instrument, ...],
        kind: AssistanceKind,
        cost: Decimal,
        also: Decimal = Decimal(0),
    ) -> None:
        """Refuse a charge the earmark forbids, or one the funds left (less `also`, charged beside it) do
        not cover; a charge already recorded under `key` passes."""
        if key in self.charges:
            return
        name = f"contribution {self.pledge.reference} of {self.pledge.donor}"
        earmark = self.pledge.earmark
        if earmark.region is not None and region is not earmark.region:
            raise EarmarkMismatch(
                f"The {kind.value} of {state} cannot be charged to {name}: it is earmarked for "
                f"{earmark.region.value}, and {state} is in {region.value if region else 'no region'}."
            )
        if earmark.instrument is not None and earmark.instrument not in instruments:
            raise EarmarkMismatch(
                f"The {kind.value} of {state} cannot be charged to {name}: it is earmarked for the "
                f"{earmark.instrument.value} instrument, which {state} did not ask about."
            )
        left = self.left - also
        if cost > left:
            raise FundsExhausted(
                f"The {kind.value} of {state} costs {money(cost)}, more than the {money(left)} left of "
                f"{name} (received {money(self.received)}, charged {money(self.charged + also)}); "
                "nothing was recorded."
            )

    def charge(
        self,
        *,
        key: str,
        state: str,
        kind: AssistanceKind,
        cost: Decimal,
        **stamp: Unpack[Stamp],
    ) -> None:
        """Record a charge already checked (`check_charge`); the same key again records nothing."""
        if key in self.charges:
            return
        self.trigger_event(
            CostCharged,
            **event_fields(stamp, stamp["effective_date"]),
            key=key,
            state=state,
            kind=kind,
            cost=cost,
        )

    def spend(
        self,
        state: str,
        keys: tuple[str, ...],
        **stamp: Unpack[Stamp],
    ) -> None:
        """Mark what was charged for `state` under `keys` as spent; keys spent before are left out."""
        fresh = tuple(k for k in keys if k in self.charges and k not in self.spent_keys)
        if fresh:
            self.trigger_event(
                ChargesSpent,
                **event_fields(stamp, stamp["effective_date"]),
                state=state,
                keys=fresh,
            )


class UnfundedActivityRecorded(Fact, CanInitAggregate[UUID]):
    """A manager let an assistance activity go ahead with no contribution to pay for it."""

    originator_topic: str
    key: ShortText
    state: ShortText
    kind: AssistanceKind
    cost: Decimal

    def apply(self, aggregate: Any) -> None:
        aggregate.key = self.key


class UnfundedActivity(BaseAggregate[UUID]):
    """An activity recorded as unfunded, under the id of its key."""

    key: str

    def __init__(self) -> None:
        """State is set by the events' apply methods."""

    @classmethod
    def record(
        cls,
        *,
        key: str,
        state: str,
        kind: AssistanceKind,
        cost: Decimal,
        **stamp: Unpack[Stamp],
    ) -> UnfundedActivity:
        return cls._create(
            UnfundedActivityRecorded,
            id=unfunded_id(key),
            **event_fields(stamp, stamp["effective_date"]),
            key=key,
            state=state,
            kind=kind,
            cost=cost,
        )


def unfunded_id(key: str) -> UUID:
    return uuid5(RESOURCES_NAMESPACE, f"unfunded/{key}")
