"""The pages' forms read into the API's request bodies, so both paths check input the same way."""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import FormData

from deploy.cases import new_command_id
from deploy.options import gap_items
from deploy.web.bodies import COMMANDS, Body

# What a form's command id may be: the page makes a UUID; anything else a client sends is replaced.
COMMAND_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


def form_command_id(form: FormData) -> str:
    """The id the page gave the form's command, sent again when the form is; a new one if none came."""
    given = form.get("command_id")
    return given if isinstance(given, str) and COMMAND_ID.fullmatch(given) else new_command_id()


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    text = value.strip() if isinstance(value, str) else ""
    return text or None


def _list(form: FormData, name: str) -> list[str]:
    return [v.strip() for v in form.getlist(name) if isinstance(v, str) and v.strip()]


def _lines(form: FormData, name: str) -> list[str]:
    """A text area or a comma-separated field as a list of entries."""
    return [part.strip() for part in re.split(r"[\n,;]", _text(form, name) or "") if part.strip()]


def _drop_none(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def _bill(form: FormData) -> dict[str, Any]:
    return _drop_none(
        {
            "title": _text(form, "title"),
            "stage": _text(form, "stage"),
            "addresses": _list(form, "addresses"),
            "stage_date": _text(form, "effective_date"),
        }
    )


def _activity(form: FormData) -> dict[str, Any]:
    return _drop_none(
        {
            "kind": _text(form, "activity_kind"),
            "experts": _lines(form, "experts"),
            "cost": _text(form, "cost"),
            "donor": _text(form, "donor"),
            "note": _text(form, "note"),
        }
    )


def fields_of(kind: str, form: FormData) -> dict[str, Any]:
    """The body's fields for a step's form, by the names the templates give the inputs."""
    common = {"effective_date": _text(form, "effective_date"), "source": _text(form, "source")}
    note = {"note": _text(form, "note")}
    specific: dict[str, Any]
    if kind == "open":
        specific = {"state": _text(form, "state"), "instruments": _list(form, "instruments")}
        specific |= {"partners": _lines(form, "partners"), **note}
    elif kind == "law_summary":
        specific = {"document": _text(form, "document"), **note}
    elif kind == "focal_point":
        point = {name: _text(form, name) for name in ("name", "office", "contact")}
        specific = {"focal_point": _drop_none(point) if point["name"] else None}
    elif kind == "gap_list":
        specific = {"items": [item.model_dump() for item in gap_items(_list(form, "items"))], **note}
    elif kind == "assistance_activity":
        specific = {"activity": _activity(form)}
    elif kind == "assistance":
        specific = {"requested": not form.get("not_requested"), **note}
    elif kind == "bill":
        specific = {"bill": _bill(form)}
    elif kind == "legislation":
        specific = dict(note)
    elif kind == "training":
        specific = {"officials_trained": _text(form, "officials_trained") or 0, **note}
    else:
        specific = {"reason": _text(form, "reason")}
    return _drop_none(common | specific)


def body_of(kind: str, form: FormData) -> Body:
    """The request body a form stands for; pydantic's ValidationError says what is wrong."""
    return COMMANDS[kind][0].model_validate(fields_of(kind, form))
