"""Client side of the engagement workflow: send a command as an update, turn failures into sentences."""

from __future__ import annotations

from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from deploy.settings import Settings
from domain.commands import Command
from domain.values import Step
from domain.views import CaseView
from workflows.engagement import EngagementWorkflow
from workflows.messages import EngagementInput, workflow_id

# Update names are the command kinds, except the timers' own commands, which no client sends.
CLIENT_UPDATES = frozenset(
    {
        "open",
        "law_summary",
        "focal_point",
        "gap_list",
        "assistance_activity",
        "assistance",
        "bill",
        "legislation",
        "training",
        "withdraw",
    }
)


class CommandRefused(Exception):
    """The workflow refused the command; nothing was recorded. The message says why.

    `kind` names the rule that refused it (the domain error's class, e.g. StepOutOfOrder) when known.
    """

    def __init__(self, reason: str, kind: str | None = None) -> None:
        super().__init__(reason)
        self.kind = kind


class ServerUnavailable(Exception):
    """The Temporal server could not be reached."""


def start_input(settings: Settings, state: str) -> EngagementInput:
    return EngagementInput(state=state, due_days={Step(k): v for k, v in settings.due_days.items()})


async def send(client: Client, settings: Settings, command: Command) -> CaseView:
    """Send `command` to its State's workflow, starting the workflow if none runs.

    A new run loads the case from the event store, so a case whose workflow has ended (or whose
    Temporal history was lost) still answers with the right refusal or records the step.
    """
    if command.kind not in CLIENT_UPDATES:
        raise CommandRefused(f"'{command.kind}' is recorded by the engagement's own timers.")
    operation = WithStartWorkflowOperation(
        EngagementWorkflow.run,
        start_input(settings, command.state),
        id=workflow_id(command.state),
        task_queue=settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    try:
        case: CaseView = await client.execute_update_with_start_workflow(
            command.kind,
            command,
            start_workflow_operation=operation,
            result_type=CaseView,
        )
    except WorkflowUpdateFailedError as error:
        cause = error.cause
        if isinstance(cause, ApplicationError):
            raise CommandRefused(cause.message, cause.type) from None
        raise CommandRefused(str(cause or error)) from None
    except RPCError as error:
        raise ServerUnavailable(
            f"The Temporal server at {settings.temporal_address} did not answer: {error.message}"
        ) from None
    return case
