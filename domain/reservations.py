"""Reservations, declarations and objections a participant made to an instrument, article by article."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from enum import StrEnum
from typing import Any, Unpack
from uuid import UUID, uuid5

from eventsourcing.domain import BaseAggregate, CanInitAggregate
from pydantic import BaseModel, ConfigDict

from domain.facts import Fact, Recorded, event_fields
from domain.treaty import TREATY_NAMESPACE
from domain.values import Instrument


class StatementKind(StrEnum):
    """What a participant's statement on an instrument is."""

    RESERVATION = "reservation"
    DECLARATION = "declaration"
    OBJECTION = "objection"


class Statement(BaseModel):
    """One statement as a status table gives it: its kind, the article it names (if any), its text."""

    model_config = ConfigDict(frozen=True)

    kind: StatementKind
    article: str | None
    text: str


# A statement opens with its kind ("Reservation:", "Declarations:", "Objection to the reservation made by …");
# the article is the first one it names ("article 35, paragraph 2", "art. 16").
_OPENING = re.compile(r"^\s*(reservations?|declarations?|objections?)\b[\s:.,-]*", re.IGNORECASE)
_PARAGRAPHS = re.compile(r"\n\s*\n|\n(?=\s*(?:reservation|declaration|objection))", re.IGNORECASE)
_ARTICLE = re.compile(r"\b(?:article|art\.)\s*(\d+)", re.IGNORECASE)


def statements_in(cell: str) -> tuple[Statement, ...]:
    """The statements of a table's `Declarations and Reservations` cell: one per paragraph, its kind from its
    opening word (a paragraph without one continues the statement before it, or is a declaration)."""
    found: list[Statement] = []
    for part in _PARAGRAPHS.split(cell):
        text = part.strip()
        if not text:
            continue
        opening = _OPENING.match(text)
        if opening is None and found:
            last = found.pop()
            text, kind = f"{last.text}\n{text}", last.kind
        else:
            kind = StatementKind(opening.group(1).lower().rstrip("s") if opening else "declaration")
        article = _ARTICLE.search(text)
        found.append(Statement(kind=kind, article=article.group(1) if article else None, text=text))
    return tuple(found)


def statement_id(participant: str, instrument: Instrument, statement: Statement) -> UUID:
    """The same statement read again from a table finds the same aggregate."""
    digest = hashlib.sha256(statement.text.encode("utf-8")).hexdigest()
    return uuid5(
        TREATY_NAMESPACE, f"statement/{participant.upper()}/{instrument.value}/{statement.kind}/{digest}"
    )


class RecordedStatement(BaseModel):
    """A reservation, declaration or objection as the store holds it; `article` is None if it names none."""

    model_config = ConfigDict(frozen=True)

    participant: str
    instrument: Instrument
    kind: StatementKind
    article: str | None
    text: str
    effective_date: date


class TreatyStatementRecorded(Fact, CanInitAggregate[UUID]):
    """A participant's reservation, declaration or objection to an instrument, as its table gives it."""

    originator_topic: str
    participant: str
    instrument: Instrument
    kind: StatementKind
    article: str | None
    text: str

    def said(self) -> RecordedStatement:
        """The statement this event records, as the store holds it."""
        return RecordedStatement.model_validate(self, from_attributes=True)

    def apply(self, aggregate: Any) -> None:
        aggregate.said = self.said()


class TreatyStatement(BaseAggregate[UUID]):
    """One statement of one participant on one instrument."""

    said: RecordedStatement

    def __init__(self) -> None:
        """State is set by the event's apply method, on creation and replay."""

    @classmethod
    def record(
        cls,
        *,
        participant: str,
        instrument: Instrument,
        statement: Statement,
        effective_date: date,
        **recorded: Unpack[Recorded],
    ) -> TreatyStatement:
        return cls._create(
            TreatyStatementRecorded,
            id=statement_id(participant, instrument, statement),
            **event_fields(recorded, effective_date),
            participant=participant,
            instrument=instrument,
            kind=statement.kind,
            article=statement.article,
            text=statement.text,
        )
