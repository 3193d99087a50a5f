"""A form's refusal in plain sentences that name its fields by their labels, never pydantic's wording."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from workflows.commands import Fill, Row

# Fields every step's form has beside its command's inputs.
COMMON_LABELS = {"effective_date": "Effective date", "source": "Source", "state": "State"}
LISTS = (Fill.INSTRUMENTS, Fill.GAP_ITEMS, Fill.CHECKLIST)
# At most this many problems are named; the rest are counted.
NAMED = 3


def field_label(name: str) -> str:
    return COMMON_LABELS.get(name) or name.replace("_", " ").capitalize()


def _where(row: Row | None, loc: Sequence[Any]) -> tuple[str, bool]:
    """The label of the field a location points at ("" for the whole form), and whether the field takes
    several values."""
    path = ".".join(str(p) for p in loc if not isinstance(p, int))
    for item in row.inputs if row is not None else ():
        into = item.into.replace("[]", "")
        if path == into or path.startswith(f"{into}.") or into.startswith(f"{path}."):
            return field_label(item.name), item.many or item.fill in LISTS
    return (field_label(str(loc[0])) if loc else ""), False


def _sentence(label: str, many: bool, problem: Mapping[str, Any]) -> str:
    kind = str(problem.get("type", ""))
    ctx = problem.get("ctx") or {}
    if kind == "missing" or (kind in ("too_short", "string_too_short") and many):
        return f"{label}: choose at least one." if many else f"{label} is required."
    if kind == "string_too_short":
        return f"{label} is required."
    if kind == "string_too_long":
        return f"{label} is longer than {ctx.get('max_length')} characters."
    if kind == "too_long" and ctx.get("field_type") in ("List", "Tuple"):
        return f"{label}: at most {ctx.get('max_length')}."
    if kind == "too_long":
        return f"{label} is longer than {ctx.get('max_length')} characters."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{label} must be a whole number."
    if kind.startswith(("date_", "datetime_")):
        return f"{label} must be a date like 2002-03-04."
    if kind in ("enum", "literal_error"):
        return f"{label} must be one of {ctx.get('expected', 'the choices offered')}."
    if kind == "greater_than_equal":
        return f"{label} must be at least {ctx.get('ge')}."
    said = re.sub(r"^(Value|Assertion) error, ", "", str(problem.get("msg", "is not valid"))).rstrip(".")
    if not label:
        # A rule over several fields (a meeting's days): its message names them.
        return f"{said[:1].upper()}{said[1:]}."
    return f"{label}: {said[:1].lower()}{said[1:]}."


def plain(error: ValidationError, row: Row | None = None) -> str:
    """What is wrong with a submitted form: a sentence per problem (the first few), labels as the form has
    them."""
    problems = error.errors()
    sentences = list(dict.fromkeys(_sentence(*_where(row, p.get("loc", ())), p) for p in problems))
    more = len(sentences) - NAMED
    tail = [f"And {more} more {'problem' if more == 1 else 'problems'}."] if more > 0 else []
    return " ".join(sentences[:NAMED] + tail)


@dataclass(frozen=True)
class Kept:
    """What a refused form held, to draw it again as it was typed (never its form token or a secret)."""

    form: str
    fields: dict[str, list[str]]


def kept_of(name: str, form: FormData) -> Kept:
    """What the form held, less its token and its files (a file field cannot be filled in again)."""
    fields = {
        k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form if k not in ("csrf", "token")
    }
    return Kept(name, {k: v for k, v in fields.items() if v})
