"""The pages' forms, made from the command table: a field per input, read back into the same commands as the
command line's options."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from starlette.datastructures import FormData, UploadFile

from domain.attachments import Attachment
from domain.checklist import CHECKLIST
from domain.commands import Command
from domain.values import Instrument
from domain.views import CaseView, progress_of
from usecases.cases import new_command_id
from usecases.commands import Given, command_from
from usecases.inputs import BadOption, parse_date
from workflows.commands import COMMANDS, Fill, Input, Row

# What a form's command id may be: the page makes a UUID; anything else a client sends is replaced.
COMMAND_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
WORDS = re.compile(r"[\n,;]")
# A row's help up to its first pause names what its form's button does ("Withdraw the engagement").
CLAUSE = re.compile(r"[.,:;]| while ")
# The field of a form's files.
DOCUMENTS = "documents"


@dataclass(frozen=True)
class Field:
    """One field of a form as the template draws it."""

    name: str
    label: str
    hint: str
    widget: str  # text, number, checkbox, checkboxes, select, lines
    choices: tuple[tuple[str, str], ...] = ()
    default: str = ""


@dataclass(frozen=True)
class Form:
    """A command's form: its id, heading and button, and its fields."""

    name: str
    title: str
    button: str
    fields: tuple[Field, ...]
    confirm: str | None = None
    # Whether files may be attached (`documents`, sent as multipart/form-data): a case's commands take them.
    documents: bool = False


def form_label(item: Input) -> str:
    """How a refusal names a field: by its label on the form."""
    return _words(item.name).capitalize()


def _words(name: str) -> str:
    return name.replace("_", " ")


def _field(row: Row, item: Input, case: CaseView | None) -> Field:
    label, hint = _words(item.name).capitalize(), item.help
    if item.fill in (Fill.NEGATED, Fill.SWITCH):
        return Field(item.name, hint, "", "checkbox")
    if item.fill is Fill.COUNT:
        return Field(item.name, label, hint, "number", default="0")
    if item.fill is Fill.INSTRUMENTS:
        choices = tuple((i.value, i.value) for i in Instrument)
        return Field(item.name, label, "", "checkboxes", choices)
    if item.fill is Fill.GAP_ITEMS:
        wanted = case.instruments if case is not None else tuple(Instrument)
        listed = tuple((i.id, f"{i.id} {i.title}") for i in CHECKLIST if i.instrument in (None, *wanted))
        return Field(item.name, label, hint, "checkboxes", listed)
    if item.fill is Fill.CHECKLIST:
        gaps = tuple((g.checklist_item, g.checklist_item) for g in case.gap_items) if case else ()
        return Field(item.name, label, hint, "checkboxes", gaps)
    if item.fill is Fill.CHOICE:
        kind: type[Enum] = row.field_type(item.into)
        choices = tuple((v.value, _words(v.value)) for v in kind)
        return Field(item.name, label, hint, "select", choices, default=item.default or "")
    if item.many:
        return Field(item.name, label, f"{hint} One per line, or separated by commas.", "lines")
    return Field(item.name, label, hint, "text")


def form_of(row: Row, case: CaseView | None = None) -> Form:
    return Form(
        name=row.name,
        title=row.help.split(":")[0].rstrip("."),
        button=CLAUSE.split(row.help, maxsplit=1)[0],
        fields=tuple(_field(row, item, case) for item in row.inputs),
        confirm=row.confirm,
        documents=True,
    )


def forms_for(case: CaseView) -> list[Form]:
    """The forms a case's page offers: each step awaited, what comes during a step, the withdrawal."""
    progress = progress_of(case)
    assert progress is not None
    shown = []
    for row in COMMANDS:
        if row.opens:
            continue
        if row.step is not None and row.step not in case.awaiting:
            continue
        if row.during is not None and not progress.in_course(row.during):
            continue
        shown.append(form_of(row, case))
    return shown


def form_command_id(form: FormData) -> str:
    """The id the page gave the form's command, sent again when the form is; a new one if none came."""
    given = form.get("command_id")
    return given if isinstance(given, str) and COMMAND_ID.fullmatch(given) else new_command_id()


def given_of(row: Row, form: FormData) -> Given:
    """What the form's fields give for each of the row's inputs."""
    given: dict[str, Any] = {}
    for item in row.inputs:
        values = [v.strip() for v in form.getlist(item.name) if isinstance(v, str) and v.strip()]
        if item.fill in (Fill.NEGATED, Fill.SWITCH):
            given[item.name] = bool(values)
        elif item.many or item.fill is Fill.INSTRUMENTS:
            # Checkboxes (instruments, checklist items) send a value each; a text area, words to split.
            given[item.name] = listed(values, split=item.fill in (Fill.TEXT, Fill.NOTE))
        else:
            given[item.name] = values[0] if values else None
    return given


def listed(values: Iterable[str], *, split: bool = True) -> list[str]:
    """The words a field's values give, blanks left out: each value cut at new lines, commas and semicolons
    when `split` (a text area), else kept whole (a checkbox's value)."""
    return [w.strip() for v in values for w in (WORDS.split(v) if split else [v]) if w.strip()]


def text(form: FormData, name: str) -> str | None:
    """A field's text, stripped; None when the field is blank or missing."""
    value = form.get(name)
    found = value.strip() if isinstance(value, str) else ""
    return found or None


def uploads_of(form: FormData) -> list[UploadFile]:
    """The files a form's `documents` field carries; a field left empty sends a part with no file name."""
    return [f for f in form.getlist(DOCUMENTS) if isinstance(f, UploadFile) and f.filename]


def command_of_form(
    row: Row,
    form: FormData,
    *,
    state: str,
    actor: str,
    today: date,
    documents: tuple[Attachment, ...] = (),
) -> Command:
    """The row's command from a submitted form, with the documents its files were stored as; ValidationError
    or BadOption says what is wrong."""
    if row.confirm is not None and not text(form, "confirm"):
        raise BadOption(f"Nothing was recorded: tick “{row.confirm}” to {row.name} the engagement.")
    effective = parse_date(text(form, "effective_date"), "Effective date", today)
    return command_from(
        row,
        given_of(row, form),
        state=state,
        actor=actor,
        effective=effective,
        source=text(form, "source"),
        command_id=form_command_id(form),
        label=form_label,
        documents=documents,
    )
