"""Command-line options made from the command table's inputs: one per input, typed by what it takes."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from workflows.commands import Fill, Input, Row


def help_of(item: Input, rows: Sequence[Row]) -> str:
    """The option's help; where several steps share a subcommand, the steps that take it come first."""
    if len(rows) == 1:
        return item.help
    users = [row.name for row in rows if any(i.name == item.name for i in row.inputs)]
    return f"{', '.join(users)}: {item.help[:1].lower()}{item.help[1:]}"


def parameter(item: Input, row: Row, rows: Sequence[Row]) -> inspect.Parameter:
    """The Typer parameter of one input."""
    help_text = help_of(item, rows)
    kind: Any = str
    default: Any = None
    if item.fill in (Fill.NEGATED, Fill.SWITCH):
        kind, default = bool, False
    elif item.fill is Fill.COUNT:
        kind, default = int, 0
    elif item.fill is Fill.CHOICE:
        kind = row.field_type(item.into)
        default = None if item.default is None else kind(item.default)
    if item.many:
        kind = list[kind]
    if item.argument:
        positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
        return inspect.Parameter(
            item.name, positional, annotation=Annotated[kind, typer.Argument(help=help_text)]
        )
    declared = (
        typer.Option(min=0, help=help_text) if item.fill is Fill.COUNT else typer.Option(help=help_text)
    )
    keyword = inspect.Parameter.KEYWORD_ONLY
    if item.required:
        return inspect.Parameter(item.name, keyword, annotation=Annotated[kind, declared])
    optional = kind if default is not None else kind | None
    return inspect.Parameter(item.name, keyword, default=default, annotation=Annotated[optional, declared])


def with_signature(
    function: Callable[..., None], parameters: Sequence[inspect.Parameter]
) -> Callable[..., None]:
    """`function(ctx, **values)` as Typer sees a command: the parameters given, positional ones first."""
    ordered = sorted(parameters, key=lambda p: (p.kind, p.default is not inspect.Parameter.empty))
    function.__signature__ = inspect.Signature(ordered)  # type: ignore[attr-defined]
    return function
