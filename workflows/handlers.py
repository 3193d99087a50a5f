"""The engagement workflow's updates and signals, one of each per row of the command table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from temporalio import workflow
from temporalio.common import RawValue

with workflow.unsafe.imports_passed_through():
    from domain.commands import Command
    from domain.views import CaseView
    from workflows.commands import COMMANDS, Row


class Handling(Protocol):
    """What the handlers hand a command to (workflows.engagement.EngagementWorkflow)."""

    async def _submit(self, command: Command) -> CaseView: ...

    def _validate(self, command: Command) -> None: ...

    async def _signal(self, model: type[Command], payload: RawValue) -> None: ...


W = TypeVar("W")


def command_handlers(cls: type[W]) -> type[W]:
    """One update (with its validator) and one signal per row of the command table, by the row's name."""
    for row in COMMANDS:
        update, signal = _handlers(row)
        setattr(cls, f"{row.name}_update", update)
        setattr(cls, f"{row.name}_signal", signal)
    return cls


def _handlers(row: Row) -> tuple[Callable[..., Any], Callable[..., Any]]:
    async def update(self: Handling, command: Command) -> CaseView:
        return await self._submit(command)

    def validate(self: Handling, command: Command) -> None:
        self._validate(command)

    async def signal(self: Handling, payload: RawValue) -> None:
        await self._signal(row.model, payload)

    # The SDK reads the payload's type from the annotations: each handler takes its row's model.
    update.__annotations__ = {"command": row.model, "return": CaseView}
    validate.__annotations__ = {"command": row.model, "return": None}
    signal.__annotations__ = {"payload": RawValue, "return": None}
    update.__name__ = update.__qualname__ = row.name
    signal.__name__ = signal.__qualname__ = f"{row.name}_signal"
    defined = workflow.update(name=row.name)(update)
    defined.validator(validate)
    return defined, workflow.signal(name=row.name)(signal)
