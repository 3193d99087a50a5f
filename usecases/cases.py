"""Engagements as the command line and the web app use them: commands sent once, cases and histories read."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, date, datetime

from temporalio.client import Client
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from activities.engagements import Engagements
from domain.commands import Command
from domain.doors import sealed
from domain.errors import DomainError
from domain.progress import check
from domain.questionnaires import CITATION
from domain.recorded import already_recorded
from domain.values import Door, Status
from domain.views import CaseView, progress_of
from usecases.documents import check_attached
from usecases.metrics import UPDATE_SECONDS
from usecases.programme import check_citation
from usecases.refusals import noting_refusal
from usecases.settings import Settings
from usecases.tracing import interceptors
from workflows import client as workflows
from workflows.client import CommandRefused, ServerUnavailable
from workflows.messages import EngagementInput


def new_command_id() -> str:
    """A command id for one user action; every retry of that action sends it again."""
    return str(uuid.uuid4())


def route(settings: Settings) -> workflows.Route:
    return workflows.Route(settings.temporal_address, settings.task_queue, dict(settings.due_days))


def start_input(settings: Settings, state: str) -> EngagementInput:
    return workflows.start_input(route(settings), state)


async def connect(settings: Settings, runtime: Runtime | None = None) -> Client:
    """A client of the configured Temporal server; over mutual TLS when its files are configured. A worker
    passes the `runtime` that exports the SDK's metrics."""
    files = settings.temporal_tls()
    tls = None
    if files is not None:
        tls = TLSConfig(server_root_ca_cert=files.ca, client_cert=files.cert, client_private_key=files.key)
    return await workflows.connect(
        settings.temporal_address, settings.temporal_namespace, tls, runtime, interceptors(settings)
    )


def refuse_before_sending(case: CaseView | None, command: Command, today: date) -> None:
    """Refuse, without asking Temporal, a command that the event store's case already refuses and for which
    no workflow runs: no case yet, or a case that ended. Sent, it would start a run that refuses it and ends
    at once, a run left in the workflow list for nothing. An open case's workflow decides for itself, and a
    command already recorded is answered by it as the first time."""
    if case is not None and case.status is Status.OPEN:
        return
    try:
        if case is not None and already_recorded(case.recorded_commands, command):
            return
        check(progress_of(case), command, today)
    except DomainError as error:
        raise CommandRefused(str(error), type(error).__name__) from None


async def check_before_sending(
    settings: Settings, store: Engagements, command: Command, *, door: Door, today: date
) -> None:
    """`refuse_before_sending`, with the event store's case; a refusal is noted as sent through `door`."""
    case = await asyncio.to_thread(store.case, command.state)
    async with noting_refusal(settings, command, door):
        refuse_before_sending(case, command, today)


async def send(
    client: Client, settings: Settings, command: Command, *, door: Door, accept_within: float | None = None
) -> CaseView:
    """Send `command` through its State's workflow (see workflows.client.send), sealed as sent by `door`;
    a refusal is noted (usecases.refusals) before it reaches the sender.

    The documents it names must be stored, as it names them: the workflow records their hashes only."""
    async with noting_refusal(settings, command, door):
        if command.source is not None and command.source.startswith(CITATION):
            await asyncio.to_thread(check_citation, settings, command)
        if command.documents:
            await asyncio.to_thread(check_attached, settings, command.documents)
        sent = sealed(command, door, settings.audit_key_bytes())
        with UPDATE_SECONDS.labels(command.kind).time():
            return await workflows.send(client, route(settings), sent, accept_within=accept_within)


# How long a command is sent again while the server does not answer (a restarting worker, a server coming
# back): under the same id, so that it is recorded once however often it is sent.
PATIENCE_S = 60.0
# How long one sending waits for a worker to take the command before it is sent again.
ACCEPT_WITHIN_S = 10.0


async def send_patiently(
    settings: Settings, command: Command, *, door: Door, patience: float = PATIENCE_S
) -> CaseView:
    """Send `command`, again and again under its id while the server does not answer, for `patience` s."""
    deadline = time.monotonic() + patience
    store = Engagements(settings.store_env("Engagements"))
    await check_before_sending(settings, store, command, door=door, today=datetime.now(UTC).date())
    while True:
        try:
            client = await connect(settings)
            return await send(client, settings, command, door=door, accept_within=ACCEPT_WITHIN_S)
        except (ServerUnavailable, RuntimeError) as error:
            if time.monotonic() > deadline:
                raise ServerUnavailable(
                    f"{str(error).rstrip('.')}; nothing is lost: send it again with --command-id "
                    f"{command.command_id} and it is recorded once."
                ) from None
            await asyncio.sleep(1.0)
