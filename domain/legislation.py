"""What each State enacted, per checklist item (paragraph 20): the knowledge of legislation to disseminate."""

from __future__ import annotations

from datetime import date
from typing import Any, Unpack
from uuid import UUID, uuid5

from eventsourcing.domain import BaseAggregate, CanInitAggregate
from pydantic import field_validator

from domain.checklist import CHECKLIST_BY_ID
from domain.commands import StateCode
from domain.facts import Fact, Recorded, event_fields
from domain.values import ShortText, Text, Value

# Fixed forever: the ids of laws on record derive from it, so recording one again finds it.
LEGISLATION_NAMESPACE = UUID("6f2e8b1a-9c4d-4a7e-b3f5-0d8c2e6a1b97")


class Enactment(Value):
    """A State's law that meets one checklist item: which law, which provision, and how it meets it."""

    state: StateCode
    checklist_item: ShortText
    law: ShortText
    provision: ShortText | None = None
    how: Text | None = None

    @field_validator("checklist_item")
    @classmethod
    def _on_the_checklist(cls, value: str) -> str:
        if value not in CHECKLIST_BY_ID:
            raise ValueError(
                f"'{value}' is not an item of the ratification checklist (see `palermo checklist`)"
            )
        return value


def enactment_id(state: str, checklist_item: str, law: str) -> UUID:
    """A law on record: the State's, for one checklist item, under its title (case and spaces aside)."""
    title = " ".join(law.split()).casefold()
    return uuid5(LEGISLATION_NAMESPACE, f"enactment/{state.upper()}/{checklist_item}/{title}")


class EnactmentRecorded(Fact, CanInitAggregate[UUID]):
    """A State's law meeting a checklist item was recorded; `effective_date` is the day it was enacted."""

    originator_topic: str
    enactment: Enactment

    def apply(self, aggregate: Any) -> None:
        aggregate.enactment = self.enactment
        aggregate.enacted = self.effective_date


class EnactmentCorrected(Fact):
    """The record of the law was wrong; from its recorded time on, these details (and date) stand."""

    enactment: Enactment

    def apply(self, aggregate: Any) -> None:
        aggregate.enactment = self.enactment
        aggregate.enacted = self.effective_date


class LawOnRecord(BaseAggregate[UUID]):
    """One law of one State for one checklist item."""

    enactment: Enactment
    enacted: date

    def __init__(self) -> None:
        """State is set by the events' apply methods."""

    @classmethod
    def record(
        cls,
        enactment: Enactment,
        *,
        enacted: date,
        **recorded: Unpack[Recorded],
    ) -> LawOnRecord:
        return cls._create(
            EnactmentRecorded,
            id=enactment_id(enactment.state, enactment.checklist_item, enactment.law),
            **event_fields(recorded, enacted),
            enactment=enactment,
        )

    def correct(
        self,
        enactment: Enactment,
        *,
        enacted: date,
        **recorded: Unpack[Recorded],
    ) -> None:
        """Record the new details if they differ; the same details record nothing."""
        if (enactment, enacted) == (self.enactment, self.enacted):
            return
        self.trigger_event(
            EnactmentCorrected,
            **event_fields(recorded, enacted),
            enactment=enactment,
        )
