"""A command from what a person filled in: the command line's options and the web form's fields alike, read
by the inputs of the command's row in the command table (workflows.commands)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from enum import Enum
from typing import Any

from domain.attachments import Attachment
from domain.commands import Command
from usecases.inputs import gap_items, parse_amount, parse_count, parse_instruments
from workflows.commands import EFFECTIVE, Fill, Input, Row

# What a person gave for each input, by the input's name: text, texts (for `many`), a switch, or nothing.
Given = Mapping[str, str | Sequence[str] | bool | int | Enum | None]
# How a front door names an input in a refusal: `--cost` on the command line, `cost` in a form.
Label = Callable[[Input], str]


def option_label(item: Input) -> str:
    return f"--{item.name.replace('_', '-')}"


def command_from(
    row: Row,
    given: Given,
    *,
    state: str,
    actor: str,
    effective: date,
    source: str | None,
    command_id: str,
    label: Label = option_label,
    documents: Sequence[Attachment] = (),
) -> Command:
    """The row's command with what was given, and the documents attached (stored already); pydantic's
    ValidationError, or BadOption, says what is wrong."""
    fields = payload_of(row, given, effective, label)
    fields |= {
        "state": state,
        "actor": actor,
        "effective_date": effective,
        "source": source,
        "command_id": command_id,
        "documents": tuple(documents),
    }
    return row.model.model_validate(fields)


def given_inputs(row: Row, given: Given) -> list[Input]:
    """The inputs of `row` that were given a value (a switch turned on, a list not empty)."""
    return [item for item in row.inputs if _present(given.get(item.name))]


def payload_of(row: Row, given: Given, effective: date, label: Label = option_label) -> dict[str, Any]:
    """The fields of the row's command that its inputs and fixed parts fill (not state, date or source)."""
    payload: dict[str, Any] = {}
    # Inputs that make one list entry per value come first: the others then fill every entry.
    for item in sorted(row.inputs, key=lambda i: not _makes_entries(i)):
        value = given.get(item.name)
        if not _present(value):
            if item.default is None:
                continue
            value = item.default
        _place(payload, item.into, _converted(item, value, label), entries=_makes_entries(item))
    for path, fixed in row.fixed.items():
        _place(payload, path, effective.isoformat() if fixed == EFFECTIVE else fixed, entries=False)
    return payload


def _present(value: object) -> bool:
    return value not in (None, False, "", (), [])


def _makes_entries(item: Input) -> bool:
    return item.many and "[]." in item.into and not item.into.endswith("[]")


def _texts(value: object) -> list[str]:
    values = list(value) if isinstance(value, list | tuple) else [value]
    return [v.value if isinstance(v, Enum) else str(v) for v in values]


def _converted(item: Input, value: object, label: Label) -> object:
    texts = _texts(value)
    if item.fill is Fill.NEGATED:
        return not value
    if item.fill is Fill.SWITCH:
        return bool(value)
    if item.fill is Fill.INSTRUMENTS:
        return [i.value for i in parse_instruments(",".join(texts), label(item))]
    if item.fill is Fill.GAP_ITEMS:
        return [g.model_dump(mode="json") for g in gap_items(texts, label(item))]
    if item.fill is Fill.AMOUNT:
        return str(parse_amount(texts[0], label(item)))
    if item.fill is Fill.COUNT:
        is_count = isinstance(value, int) and not isinstance(value, bool)
        return value if is_count else parse_count(texts[0], label(item))
    return texts if item.many else texts[0]


def _place(payload: dict[str, Any], path: str, value: object, *, entries: bool) -> None:
    """Put `value` where `path` says: `a`, `a.b`, `a[]` (a list), `a[].b` (every entry, or one per value)."""
    head, _, rest = path.partition(".")
    if not rest:
        payload[head.removesuffix("[]")] = value
        return
    if head.endswith("[]"):
        name = head.removesuffix("[]")
        if entries:
            values = value if isinstance(value, list) else [value]
            found = payload.setdefault(name, [])
            found.extend({} for _ in range(len(values) - len(found)))
            for entry, one in zip(found, values, strict=False):
                _place(entry, rest, one, entries=False)
        else:
            for entry in payload.get(name, []):
                _place(entry, rest, value, entries=False)
        return
    _place(payload.setdefault(head, {}), rest, value, entries=entries)
