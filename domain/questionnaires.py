"""The two questionnaires of paragraphs 12 and 20: the Advisory Council's for policy makers and legislation
drafters, the International Association of Prosecutors' for practitioners; sent to States (at a seminar or
directly) and answered. A reply is cited (`reply:<questionnaire>/<ISO3>`) as the source of a law summary or a
gap list."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import BaseAggregate, CanInitAggregate
from pydantic import Field, model_validator

from domain.errors import DomainError
from domain.facts import Fact
from domain.outreach import OUTREACH_NAMESPACE
from domain.programme import ProgrammeCommand, many, note, provenance
from domain.values import ShortText, Text


class Questionnaire(StrEnum):
    """The questionnaires, by who prepared them (paragraph 12)."""

    ADVISORY_COUNCIL = "advisory_council"
    PROSECUTORS = "prosecutors"

    @property
    def full_title(self) -> str:
        return TITLES[self]


TITLES = {
    Questionnaire.ADVISORY_COUNCIL: (
        "Questionnaire of the International Scientific and Professional Advisory Council, for policy makers "
        "and legislation drafters"
    ),
    Questionnaire.PROSECUTORS: (
        "Questionnaire of the International Association of Prosecutors, for practitioners"
    ),
}
CITATION = "reply:"


def citation(questionnaire: Questionnaire, state: str) -> str:
    """How a law summary or a gap list names a reply as its source."""
    return f"{CITATION}{questionnaire.value}/{state}"


def cited(source: str | None) -> tuple[Questionnaire, str] | None:
    """The questionnaire and State a source cites, if it cites a reply; ValueError if it is not one."""
    if source is None or not source.startswith(CITATION):
        return None
    name, _, state = source.removeprefix(CITATION).partition("/")
    try:
        return Questionnaire(name), state.strip().upper()
    except ValueError:
        known = ", ".join(f"{CITATION}{q.value}/ISO3" for q in Questionnaire)
        raise ValueError(f"'{source}' cites no questionnaire's reply; a reply is cited as {known}") from None


class QuestionnaireNotSent(DomainError):
    """A State answers a questionnaire sent to it (or distributed without naming States) before its reply."""


class SentOutsideMeeting(DomainError):
    """A questionnaire handed out at a meeting is sent on one of the meeting's days."""


class SendQuestionnaire(ProgrammeCommand):
    """Send a questionnaire to States, at a seminar or directly (managers; officers to States of theirs)."""

    questionnaire: Questionnaire = Field(description="Which questionnaire.")
    states: tuple[ShortText, ...] = many("state", "ISO 3166 alpha-3 code of a State it is sent to (repeat).")
    meeting: UUID | None = Field(
        default=None,
        description="The meeting it was handed out at (`meeting list --json`); else sent directly.",
    )
    recipients: ShortText | None = Field(
        default=None, description="Who else it went to, e.g. the Association's membership."
    )
    note: Text | None = note("A note kept with the sending (tested, distributed, …).")

    @model_validator(mode="after")
    def _to_someone(self) -> SendQuestionnaire:
        if not self.states and self.recipients is None:
            raise ValueError("a questionnaire is sent to States or to other recipients: name one")
        return self

    def concerns(self) -> tuple[str, ...]:
        return self.states


class AnswerQuestionnaire(ProgrammeCommand):
    """Record a State's reply to a questionnaire (managers; officers for States of theirs)."""

    questionnaire: Questionnaire = Field(description="Which questionnaire.")
    state: ShortText = Field(description="ISO 3166 alpha-3 code of the State that replied.")
    document: ShortText | None = Field(default=None, description="The reply's reference.")
    respondent: ShortText | None = Field(default=None, description="The office or person who replied.")
    items: tuple[ShortText, ...] = many("item", "A checklist item the reply finds unmet (repeat).")
    note: Text | None = note("A note kept with the reply.")

    def concerns(self) -> tuple[str, ...]:
        return (self.state,)


def dispatch_id(questionnaire: Questionnaire, day: date, meeting: UUID | None) -> UUID:
    """One sending: a questionnaire on a day, at a meeting or directly."""
    at = "direct" if meeting is None else str(meeting)
    return uuid5(OUTREACH_NAMESPACE, f"questionnaire/{questionnaire.value}/{day.isoformat()}/{at}")


def reply_id(questionnaire: Questionnaire, state: str) -> UUID:
    return uuid5(OUTREACH_NAMESPACE, f"reply/{questionnaire.value}/{state.upper()}")


class Sending(Fact):
    """What a sending of a questionnaire says: to which States (and recipients), at which meeting."""

    questionnaire: Questionnaire
    states: tuple[str, ...] = ()
    meeting: UUID | None = None
    recipients: str | None = None
    note: str | None = None

    def apply(self, aggregate: Any) -> None:
        aggregate.questionnaire = self.questionnaire
        aggregate.states = (*getattr(aggregate, "states", ()), *self.states)
        aggregate.recipients = self.recipients or getattr(aggregate, "recipients", None)


class QuestionnaireSent(Sending, CanInitAggregate[UUID]):
    """A questionnaire went to these States (and recipients), on the effective date, at a meeting or not."""

    originator_topic: str


class QuestionnaireSentToMore(Sending):
    """The same sending (its day and meeting) reached more States, or other recipients, than recorded."""


class Dispatch(BaseAggregate[UUID]):
    """One sending of a questionnaire (see `dispatch_id`), with every State it went to."""

    questionnaire: Questionnaire
    states: tuple[str, ...]
    recipients: str | None

    def __init__(self) -> None:
        """State is set by the events' apply methods."""

    @classmethod
    def send(cls, command: SendQuestionnaire, *, recorded_at: datetime) -> Dispatch:
        return cls._create(
            QuestionnaireSent,
            id=dispatch_id(command.questionnaire, command.effective_date, command.meeting),
            timestamp=recorded_at,
            **provenance(command),
            questionnaire=command.questionnaire,
            states=command.states,
            meeting=command.meeting,
            recipients=command.recipients,
            note=command.note,
        )

    def send_again(self, command: SendQuestionnaire, recorded_at: datetime) -> None:
        """Record the States not sent to before; none new (and no new recipients) records nothing."""
        added = tuple(s for s in command.states if s not in self.states)
        recipients = command.recipients if command.recipients != self.recipients else None
        if not added and recipients is None:
            return
        self.trigger_event(
            QuestionnaireSentToMore,
            timestamp=recorded_at,
            **provenance(command),
            questionnaire=command.questionnaire,
            states=added,
            meeting=command.meeting,
            recipients=recipients,
            note=command.note,
        )


class Answer(Fact):
    """What a reply says: its reference, who replied, the checklist items it finds unmet."""

    questionnaire: Questionnaire
    state: str
    document: str | None = None
    respondent: str | None = None
    items: tuple[str, ...] = ()
    note: str | None = None

    def apply(self, aggregate: Any) -> None:
        aggregate.answered = (*getattr(aggregate, "answered", ()), self)


class QuestionnaireAnswered(Answer, CanInitAggregate[UUID]):
    """A State's reply to a questionnaire arrived on the effective date."""

    originator_topic: str


class ReplySupplemented(Answer):
    """A further reply of the State to the same questionnaire arrived on the effective date."""


class Reply(BaseAggregate[UUID]):
    """A State's replies to one questionnaire (see `reply_id`)."""

    answered: tuple[Answer, ...]

    def __init__(self) -> None:
        """State is set by the events' apply methods."""

    @classmethod
    def answer(cls, command: AnswerQuestionnaire, *, recorded_at: datetime) -> Reply:
        return cls._create(
            QuestionnaireAnswered,
            id=reply_id(command.questionnaire, command.state),
            timestamp=recorded_at,
            **_answer_fields(command),
        )

    def answer_again(self, command: AnswerQuestionnaire, recorded_at: datetime) -> None:
        """A further reply; the same reply again (its date and all it says) records nothing."""
        fields = _answer_fields(command)
        asked = {k: v for k, v in fields.items() if k not in ("actor", "door", "source")}
        for earlier in self.answered:
            if all(getattr(earlier, k) == v for k, v in asked.items()):
                return
        self.trigger_event(ReplySupplemented, timestamp=recorded_at, **fields)


def _answer_fields(command: AnswerQuestionnaire) -> dict[str, Any]:
    return provenance(command) | {
        "questionnaire": command.questionnaire,
        "state": command.state,
        "document": command.document,
        "respondent": command.respondent,
        "items": command.items,
        "note": command.note,
    }
