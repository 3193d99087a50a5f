"""The worker process: runs engagement workflows and their activities against the configured store."""

from __future__ import annotations

import asyncio
import signal
from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from activities.engagement_activities import EngagementActivities
from activities.engagements import Engagements
from activities.participants import ParticipantDirectory
from activities.resources import Resources
from activities.store.opening import opened
from usecases import logs
from usecases.cases import connect
from usecases.metrics import serve_metrics
from usecases.settings import Settings, SettingsError, keep_private, load_settings
from usecases.tracing import install
from workflows.engagement import EngagementWorkflow

# Activities are plain functions (eventsourcing is synchronous); they run on this many threads.
ACTIVITY_THREADS = 16
# The workflow runs without the SDK's sandbox. The sandbox re-imports the workflow module for every
# workflow it starts and runs each payload's serialization lookup through exec: about a fifth of the
# worker's CPU per step (bench.steps). What it guards, non-deterministic calls in workflow code, is
# guarded here by the workflow importing only deterministic modules (domain, workflows) and by the
# replay gate (tests/workflows/test_replay_histories.py), which fails on any change of commands.
WORKFLOW_RUNNER = UnsandboxedWorkflowRunner()


def build_worker(
    client: Client,
    settings: Settings,
    executor: ThreadPoolExecutor,
    participants: ParticipantDirectory | None = None,
) -> Worker:
    """A worker for the engagement workflow with activities bound to the configured event store."""
    # Assistance draws on the pools of experts and the donors' funds (activities.resources).
    resources = opened(lambda: Resources(settings.store_env("Resources"), participants=participants))
    activities = EngagementActivities(
        opened(
            lambda: Engagements(
                settings.store_env("Engagements"), participants=participants, resources=resources
            )
        )
    )
    return engagement_worker(client, settings, executor, activities)


def engagement_worker(
    client: Client, settings: Settings, executor: ThreadPoolExecutor, activities: EngagementActivities
) -> Worker:
    """The worker of the engagement workflow on the configured task queue, with these activities."""
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[EngagementWorkflow],
        activities=[activities.record_command, activities.load_case],
        activity_executor=executor,
        max_concurrent_activities=ACTIVITY_THREADS,
        workflow_runner=WORKFLOW_RUNNER,
    )


def runtime_of(settings: Settings) -> Runtime | None:
    """A Temporal runtime exporting the SDK's own metrics in Prometheus form, when a port is set for them."""
    if settings.temporal_metrics_port is None:
        return None
    address = f"{settings.metrics_host}:{settings.temporal_metrics_port}"
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=address)))


async def serve(settings: Settings, participants: ParticipantDirectory | None = None) -> None:
    serve_metrics(settings.metrics_port, settings.metrics_host)
    install(settings, "palermo-worker")
    logs.configure()
    client = await connect(settings, runtime_of(settings))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    with ThreadPoolExecutor(max_workers=ACTIVITY_THREADS) as executor:
        worker = build_worker(client, settings, executor, participants)
        async with worker:
            ready = settings.home_dir / "worker.ready"
            ready.parent.mkdir(parents=True, exist_ok=True)
            ready.touch()
            await stop.wait()


def main() -> None:
    keep_private()
    try:
        settings = load_settings()
        settings.temporal_tls()
    except SettingsError as error:
        raise SystemExit(str(error)) from None
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
