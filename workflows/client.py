"""Client side of the engagement workflow: send a command as an update, turn failures into sentences."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from temporalio.client import (
    Client,
    Interceptor,
    RPCTimeoutOrCancelledError,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
    WorkflowUpdateStage,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError
from temporalio.runtime import Runtime
from temporalio.service import RPCError, TLSConfig

from domain.commands import Command
from domain.values import Step
from domain.views import CaseView
from workflows.commands import row_of
from workflows.engagement import EngagementWorkflow
from workflows.messages import EngagementInput, workflow_id


class CommandRefused(Exception):
    """The workflow refused the command; nothing was recorded. The message says why.

    `kind` names the rule that refused it (the domain error's class, e.g. StepOutOfOrder) when known.
    """

    def __init__(self, reason: str, kind: str | None = None) -> None:
        super().__init__(reason)
        self.kind = kind


class ServerUnavailable(Exception):
    """The Temporal server, or a worker behind it, did not answer; sent again later under its id, the command
    is recorded once. `retry_after` is when it is worth sending again, in seconds."""

    def __init__(self, reason: str, retry_after: float = 5.0) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class NotTaken(ServerUnavailable):
    """No worker took the command within the time the sender gives: none runs, or none is free. Temporal
    keeps it and may deliver it when a worker is back; sent again under its id, it gets that answer."""

    def __init__(self, state: str, within: float) -> None:
        super().__init__(
            f"The engagement workflow of {state} did not take the command within {within:g} s "
            "(no worker is running, or none is free)",
            retry_after=within,
        )
        self.state = state
        self.within = within


@dataclass(frozen=True)
class Route:
    """Where the engagement workflows run: the Temporal server, the task queue, the due periods in days."""

    address: str
    task_queue: str
    due_days: Mapping[str, int] = field(default_factory=dict)


async def connect(
    address: str,
    namespace: str,
    tls: TLSConfig | None = None,
    runtime: Runtime | None = None,
    interceptors: Sequence[Interceptor] = (),
) -> Client:
    """A client of the Temporal server that speaks the workflows' pydantic payloads, over mutual TLS
    when `tls` holds a client certificate (on `runtime`, else the SDK's default one)."""
    return await Client.connect(
        address,
        namespace=namespace,
        data_converter=pydantic_data_converter,
        tls=tls,
        runtime=runtime,
        interceptors=interceptors,
    )


def update_id(command: Command) -> str:
    """The update's id: the command's, with what it asks.

    Temporal answers a second update of the same id in the same run with the first one's outcome; an id
    reused for a different command therefore becomes a different update, which the workflow refuses.
    """
    return f"{command.command_id}/{command.digest()[:16]}"


def start_input(route: Route, state: str) -> EngagementInput:
    return EngagementInput(state=state, due_days={Step(k): v for k, v in route.due_days.items()})


async def send(
    client: Client, route: Route, command: Command, *, accept_within: float | None = None
) -> CaseView:
    """Send `command` to its State's workflow, starting the workflow if none runs.

    A new run loads the case from the event store, so a case whose workflow has ended (or whose
    Temporal history was lost) still answers with the right refusal or records the step. With
    `accept_within`, a command no worker has taken by then raises NotTaken rather than waiting on.
    """
    if row_of(command) is None:
        raise CommandRefused(f"'{command.kind}' is recorded by the engagement's own timers.")
    if command.command_id is None:
        # A programming error, not a user's: without the sender's id a retry could not be told apart.
        raise ValueError("A command is sent under the command id its sender chose for it.")
    operation = WithStartWorkflowOperation(
        EngagementWorkflow.run,
        start_input(route, command.state),
        id=workflow_id(command.state),
        task_queue=route.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    try:
        taking = client.start_update_with_start_workflow(
            command.kind,
            command,
            start_workflow_operation=operation,
            wait_for_stage=WorkflowUpdateStage.ACCEPTED,
            id=update_id(command),
            result_type=CaseView,
        )
        try:
            taken = await asyncio.wait_for(taking, accept_within)
        except (TimeoutError, RPCTimeoutOrCancelledError):
            if accept_within is None:
                raise
            raise NotTaken(command.state, accept_within) from None
        case: CaseView = await taken.result()
    except WorkflowUpdateFailedError as error:
        cause = error.cause
        if isinstance(cause, ApplicationError):
            raise CommandRefused(cause.message, cause.type) from None
        raise CommandRefused(str(cause or error)) from None
    except RPCError as error:
        raise ServerUnavailable(
            f"The Temporal server at {route.address} did not answer: {error.message}"
        ) from None
    except RPCTimeoutOrCancelledError:
        raise ServerUnavailable(
            f"The engagement workflow of {command.state} did not answer in time (is a worker running?)"
        ) from None
    return case
