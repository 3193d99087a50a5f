"""Value objects of the engagement: instruments, steps, gap items, activities, bills, trainings."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StringConstraints


class Value(BaseModel):
    """Base of every immutable value: unknown fields are refused, not ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


# Characters no text of ours holds: controls, format characters (zero-width spaces, direction overrides, byte
# order marks), lone surrogates, line and paragraph separators. A joiner between two letters is part of the
# word (Persian, Indic scripts), so it stays; a note keeps its line breaks and tabs.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_JOINERS = frozenset({"\u200c", "\u200d"})


def _in_word(char: str) -> bool:
    """A letter, or a mark that belongs to one (a virama before a joiner)."""
    return char.isalpha() or unicodedata.category(char).startswith("M")


def _refused(text: str, at: int, lines: bool) -> bool:
    char = text[at]
    if lines and char in "\n\t":
        return False
    if char in _JOINERS:
        return not (0 < at < len(text) - 1 and _in_word(text[at - 1]) and _in_word(text[at + 1]))
    return unicodedata.category(char) in _REFUSED_CATEGORIES


def _cleaned(value: object, *, lines: bool) -> object:
    """A text in its composed form (NFC), refused naming the first character it may not hold."""
    if not isinstance(value, str):
        return value
    if lines:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", value)
    for at in range(len(text)):
        if _refused(text, at, lines):
            char = text[at]
            name = unicodedata.name(char, "")
            shown = f"U+{ord(char):04X}" + (f" {name}" if name else "")
            raise ValueError(f"holds {shown}, a control or format character, which no text may hold")
    return text


def _one_line(value: object) -> object:
    return _cleaned(value, lines=False)


def _lines(value: object) -> object:
    return _cleaned(value, lines=True)


Text = Annotated[str, BeforeValidator(_lines), StringConstraints(min_length=1, max_length=2000)]
ShortText = Annotated[str, BeforeValidator(_one_line), StringConstraints(min_length=1, max_length=200)]


class Door(StrEnum):
    """How a recorded fact came in: a person through the web app, the API or the command line (each proves
    it with a seal of the audit key), anything else through Temporal, or the engagement's own timers."""

    WEB = "web"
    API = "api"
    CLI = "cli"
    TEMPORAL = "temporal"
    ENGINE = "engine"


class DatePrecision(StrEnum):
    """How precisely the source dates a fact: to the day, or only to its month or its year. A fact dated to
    the month or the year keeps a day of that period as its effective date, and is shown as the period."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class Instrument(StrEnum):
    """The Convention and its three Protocols."""

    CONVENTION = "convention"
    TRAFFICKING = "trafficking"
    SMUGGLING = "smuggling"
    FIREARMS = "firearms"


class Step(StrEnum):
    """The steps of an engagement, in the order of paragraphs 18-19 of the report."""

    REQUEST = "request"
    LAW_SUMMARY = "law_summary"
    FOCAL_POINT = "focal_point"
    GAP_LIST = "gap_list"
    ASSISTANCE = "assistance"
    LEGISLATION = "legislation"
    TRAINING = "training"


class Status(StrEnum):
    """Where an engagement stands as a whole."""

    OPEN = "open"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class NeedKind(StrEnum):
    """A gap is a legislative change or a non-legislative need (paragraph 19)."""

    LEGISLATIVE = "legislative"
    TRAINING = "training"
    INSTITUTION = "institution"


class GapItem(Value):
    """One provision (or non-legislative need) to bring into conformity, pointing at the checklist."""

    checklist_item: ShortText
    kind: NeedKind = NeedKind.LEGISLATIVE
    note: Text | None = None


class AssistanceKind(StrEnum):
    """The forms assistance takes (paragraphs 14, 19 and 21)."""

    EXPERT_MISSION = "expert_mission"
    WORKSHOP = "workshop"
    DOCUMENTATION = "documentation"
    MODEL_LAW = "model_law"
    LEGISLATIVE_ADVICE = "legislative_advice"


class AssistanceActivity(Value):
    """One assistance activity, drawing on the expert pools and donor resources.

    `experts` are named as given; `pool_experts` are drawn from the pools and must be in them. The cost is
    charged to `contribution`, or recorded `unfunded` when a manager lets the activity go ahead without
    one. Activities recorded before the pools and the ledger name neither (the fields default).
    """

    kind: AssistanceKind
    experts: tuple[ShortText, ...] = ()
    cost: Decimal = Field(default=Decimal(0), ge=0, max_digits=14, decimal_places=2)
    donor: ShortText | None = None
    note: Text | None = None
    pool_experts: tuple[ShortText, ...] = ()
    contribution: ShortText | None = None
    unfunded: StrictBool = False


class BillStage(StrEnum):
    """The stages a bill passes on its way through parliament."""

    DRAFTED = "drafted"
    SUBMITTED = "submitted"
    ENACTED = "enacted"

    @property
    def rank(self) -> int:
        return list(BillStage).index(self)


class Bill(Value):
    """A bill, identified by its title within the engagement, and the gap items it addresses."""

    title: ShortText
    stage: BillStage = BillStage.ENACTED
    addresses: tuple[ShortText, ...] = ()
    stage_date: date | None = None


class LegislationOutcome(StrEnum):
    """How the legislation step ended."""

    ENACTED = "enacted"
    NOT_NEEDED = "not_needed"


class FocalPoint(Value):
    """The person a State names as its focal point."""

    name: ShortText
    office: ShortText | None = None
    contact: ShortText | None = None
