"""The programme's command table: each command of plans and questionnaires declared once, with who may send
it. The command line's subcommands and options, the API's routes and bodies and the web forms are made from
these entries and their models' fields; `command_of` reads what a person typed into the command."""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from activities.engagements import Engagements
from activities.outreach import Outreach
from activities.programme import Citation, Programme, ReplyRecord
from domain.commands import Command
from domain.errors import DomainError
from domain.plans import CancelPlan, HoldPlan, MakePlan, MovePlan
from domain.programme import ENVELOPE, ProgrammeCommand
from domain.questionnaires import AnswerQuestionnaire, SendQuestionnaire, cited
from domain.user import Role
from domain.values import Door
from usecases.inputs import BadOption, parse_date
from usecases.settings import Settings


@dataclass(frozen=True)
class Ask:
    """One thing a person fills in for a command: a field of its model (an option, a form field, a key)."""

    name: str
    option: str
    kind: Any
    many: bool
    lines: bool
    required: bool
    help: str

    @property
    def label(self) -> str:
        return f"--{self.option.replace('_', '-')}"

    @property
    def choices(self) -> tuple[str, ...]:
        if isinstance(self.kind, type) and issubclass(self.kind, Enum):
            return tuple(v.value for v in self.kind)
        return ()


@dataclass(frozen=True)
class Entry:
    """One programme command: `palermo <noun> <verb>`; `target` is the field its path or argument names."""

    noun: str
    verb: str
    model: type[ProgrammeCommand]
    senders: tuple[Role, ...]
    act: Callable[[Programme, Any], BaseModel]
    target: str | None = None

    @property
    def name(self) -> str:
        return f"{self.noun}_{self.verb}"

    @property
    def help(self) -> str:
        return (self.model.__doc__ or "").strip().splitlines()[0]

    @property
    def asks(self) -> tuple[Ask, ...]:
        """The model's fields a person fills in, the target first."""
        hints = typing.get_type_hints(self.model)
        found = []
        for name, field in self.model.model_fields.items():
            if name in ENVELOPE:
                continue
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            annotation = hints[name]
            many = typing.get_origin(_bare(annotation)) is tuple
            found.append(
                Ask(
                    name=name,
                    option=str(extra.get("option", name)),
                    kind=_element(annotation),
                    many=many,
                    lines=bool(extra.get("lines")),
                    required=field.is_required(),
                    help=field.description or "",
                )
            )
        return tuple(sorted(found, key=lambda a: a.name != self.target))


def _bare(annotation: Any) -> Any:
    """The annotation without `| None` (and without Annotated's metadata)."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _bare(typing.get_args(annotation)[0])
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if args and type(None) in typing.get_args(annotation):
        return _bare(args[0])
    return annotation


def _element(annotation: Any) -> Any:
    bare = _bare(annotation)
    if typing.get_origin(bare) is tuple:
        return _element(typing.get_args(bare)[0])
    return bare


ENTRIES: tuple[Entry, ...] = (
    Entry("plan", "make", MakePlan, (Role.MANAGER,), Programme.make_plan),
    Entry("plan", "move", MovePlan, (Role.MANAGER,), Programme.move_plan, target="plan"),
    Entry("plan", "hold", HoldPlan, (Role.MANAGER,), Programme.hold_plan, target="plan"),
    Entry("plan", "cancel", CancelPlan, (Role.MANAGER,), Programme.cancel_plan, target="plan"),
    Entry("questionnaire", "send", SendQuestionnaire, (Role.MANAGER, Role.OFFICER), Programme.send),
    Entry("questionnaire", "answer", AnswerQuestionnaire, (Role.MANAGER, Role.OFFICER), Programme.answer),
)
BY_NAME: dict[str, Entry] = {entry.name: entry for entry in ENTRIES}

# What a person gave for each field, by its name: a text, several texts, or nothing.
Given = Mapping[str, str | list[str] | tuple[str, ...] | None]


def _value(ask: Ask, text: str, label: str, today: date) -> object:
    text = text.strip() if not ask.lines else text
    if ask.kind is date:
        return parse_date(text, label, today)
    if ask.kind is UUID:
        try:
            return UUID(text.strip())
        except ValueError:
            raise BadOption(f"{label} must be an id as the lists give it (`--json`), not '{text}'.") from None
    if ask.choices:
        for choice in ask.choices:
            if choice.casefold() == text.strip().casefold():
                return choice
        raise BadOption(f"{label} must be one of {', '.join(ask.choices)}, not '{text}'.")
    return text


def command_of(
    entry: Entry,
    given: Given,
    *,
    actor: str,
    effective: date,
    source: str | None,
    door: Door,
    label: Callable[[Ask], str] = lambda ask: ask.label,
) -> ProgrammeCommand:
    """The entry's command from what was given; BadOption or pydantic's ValidationError say what is wrong."""
    fields: dict[str, Any] = {"actor": actor, "effective_date": effective, "source": source, "door": door}
    for ask in entry.asks:
        raw = given.get(ask.name)
        texts = [raw] if isinstance(raw, str) else list(raw or ())
        texts = [t for t in texts if t.strip()]
        if not texts:
            continue
        values = [_value(ask, t, label(ask), effective) for t in texts]
        fields[ask.name] = values if ask.many else values[0]
    return entry.model.model_validate(fields)


def open_programme(settings: Settings, outreach: Outreach | None = None) -> Programme:
    """The plans and questionnaires of the deployment's Outreach store."""
    return Programme(outreach or Outreach(settings.store_env("Outreach")))


class UncitableReply(DomainError):
    """A step's source cites a questionnaire reply (`reply:<questionnaire>/<ISO3>`) that is not recorded."""


def check_citation(settings: Settings, command: Command) -> None:
    """A case's step citing a reply as its source (a law summary, a gap list) cites one the State sent."""
    try:
        reply = cited(command.source)
    except ValueError as error:
        raise UncitableReply(f"The source {error}.") from None
    if reply is None:
        return
    questionnaire, state = reply
    if state != command.state:
        raise UncitableReply(
            f"The source '{command.source}' is a reply of {state}; a step of {command.state} cites a reply "
            f"of {command.state}."
        )
    programme = open_programme(settings)
    try:
        found = programme.reply(questionnaire, state)
    finally:
        programme.outreach.close()
    if found is None or found.effective_date > command.effective_date:
        raise UncitableReply(
            f"No reply of {state} to the {questionnaire.value} questionnaire had been recorded by "
            f"{command.effective_date}: record it first (`palermo questionnaire answer`)."
        )


def replies_with_citations(settings: Settings, programme: Programme) -> list[ReplyRecord]:
    """Every reply, with the steps of its State's case (law summary, gap list) citing it as their source."""
    engagements = Engagements(settings.store_env("Engagements"))
    try:
        found = []
        for reply in programme.replies():
            citing = tuple(
                Citation(type=e.type, version=e.version, effective_date=e.effective_date)
                for e in engagements.history(reply.state)
                if e.source == reply.citation
            )
            found.append(reply.model_copy(update={"cited_by": citing}))
        return found
    finally:
        engagements.close()
