"""The payloads of the workflow's updates and signals, described for the README from the commands' models."""

from __future__ import annotations

import types
import typing
from enum import StrEnum
from typing import Any

from domain.commands import ENVELOPE
from workflows.commands import COMMANDS, element

# The fields every command has, which the README's payload table names once in its header.
COMMON_FIELDS = ENVELOPE


def payload_table() -> str:
    """The README's table of update and signal payloads, one line per row, from the commands' models."""
    lines = [
        "| name | payload (besides `state`, `effective_date`, optional `actor`, `source`, `documents`, "
        "`command_id`, `door`, `door_seal`, `demo`) |",
        "|---|---|",
    ]
    for row in COMMANDS:
        own = [name for name in row.model.model_fields if name not in COMMON_FIELDS]
        lines.append(f"| `{row.name}` | {', '.join(_described(row.model, name) for name in own)} |")
    return "\n".join(lines) + "\n"


def _described(model: type[Any], name: str) -> str:
    annotation = typing.get_type_hints(model)[name]
    inner = element(annotation)
    listed = typing.get_origin(annotation) is tuple or typing.get_origin(_optional(annotation)) is tuple
    if isinstance(inner, type) and issubclass(inner, StrEnum):
        values = ", ".join(f"`{v.value}`" for v in inner)
        return f"`{name}` ({'list of ' if listed else ''}{values})"
    if isinstance(inner, type) and hasattr(inner, "model_fields"):
        shape = "{" + ", ".join(inner.model_fields) + "}"
        choices = [
            f"`{field}`: " + ", ".join(f"`{v.value}`" for v in kind)
            for field in inner.model_fields
            if isinstance(kind := element(typing.get_type_hints(inner)[field]), type)
            and issubclass(kind, StrEnum)
        ]
        said = f"`{name}`: {'list of ' if listed else ''}`{shape}`"
        return f"{said} ({'; '.join(choices)})" if choices else said
    if inner is bool:
        return f"`{name}` (bool)"
    return f"`{name}`"


def _optional(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    return (
        args[0] if typing.get_origin(annotation) in (typing.Union, types.UnionType) and args else annotation
    )
