"""Pools of experts (paragraph 21): two groups of 20 to 25 experts, four or five from each region."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Unpack
from uuid import UUID, uuid5

from eventsourcing.domain import BaseAggregate, CanInitAggregate
from pydantic import Field, field_validator

from domain.errors import DomainError
from domain.facts import Fact, Stamp, event_fields
from domain.regions import Region
from domain.values import ShortText, Value

# Fixed forever: expert and contribution ids derive from it, so a retried registration finds its own.
RESOURCES_NAMESPACE = UUID("3c1d9f5e-2a7b-4c6e-8d0f-7b5a9e1c2d43")


class PoolGroup(StrEnum):
    """The groups of paragraph 21: the Convention's; the Protocols', with a subgroup for firearms."""

    CONVENTION = "convention"
    PROTOCOLS = "protocols"
    FIREARMS = "firearms"

    @property
    def parent(self) -> PoolGroup | None:
        """The group a subgroup belongs to: the firearms subgroup is part of the Protocols' group."""
        return PoolGroup.PROTOCOLS if self is PoolGroup.FIREARMS else None


# Paragraph 21: "20 to 25 experts (four or five from each region)". The firearms subgroup has no target.
GROUP_TARGET = (20, 25)
REGION_TARGET = (4, 5)
TARGETED = (PoolGroup.CONVENTION, PoolGroup.PROTOCOLS)


class ExpertDetails(Value):
    """An expert as the pools know them: name, region, languages, fields, and the groups they sit in."""

    name: ShortText
    region: Region
    languages: tuple[ShortText, ...] = Field(min_length=1)
    fields: tuple[ShortText, ...] = ()
    groups: tuple[PoolGroup, ...] = Field(min_length=1)

    @field_validator("groups")
    @classmethod
    def _with_parents(cls, value: tuple[PoolGroup, ...]) -> tuple[PoolGroup, ...]:
        """A member of the firearms subgroup is a member of the Protocols' group."""
        with_parents = [g for group in value for g in (group.parent, group) if g is not None]
        return tuple(g for g in PoolGroup if g in with_parents)

    @field_validator("languages", "fields")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        first: dict[str, str] = {}
        for text in value:
            first.setdefault(text.casefold(), text)
        return tuple(first.values())


def expert_key(name: str) -> str:
    """What identifies an expert: the name, its spaces and letter case aside."""
    return " ".join(name.split()).casefold()


def expert_id(name: str) -> UUID:
    return uuid5(RESOURCES_NAMESPACE, f"expert/{expert_key(name)}")


class UnknownExpert(DomainError):
    """An assistance activity names an expert who is in no pool."""


class ExpertRegistered(Fact, CanInitAggregate[UUID]):
    """An expert joined the pools; `effective_date` is the day they joined."""

    originator_topic: str
    details: ExpertDetails

    def apply(self, aggregate: Any) -> None:
        aggregate.details = self.details


class ExpertDetailsChanged(Fact):
    """The expert's region, languages, fields or groups changed; from its recorded time on these stand."""

    details: ExpertDetails

    def apply(self, aggregate: Any) -> None:
        aggregate.details = self.details


class Expert(BaseAggregate[UUID]):
    """One expert of the pools, under the id of their name."""

    details: ExpertDetails

    def __init__(self) -> None:
        """State is set by the events' apply methods."""

    @classmethod
    def register(
        cls,
        details: ExpertDetails,
        **stamp: Unpack[Stamp],
    ) -> Expert:
        return cls._create(
            ExpertRegistered,
            id=expert_id(details.name),
            **event_fields(stamp, stamp["effective_date"]),
            details=details,
        )

    def change(
        self,
        details: ExpertDetails,
        **stamp: Unpack[Stamp],
    ) -> None:
        """Record the new details if they differ; the same details record nothing."""
        if details == self.details:
            return
        self.trigger_event(
            ExpertDetailsChanged,
            **event_fields(stamp, stamp["effective_date"]),
            details=details,
        )
