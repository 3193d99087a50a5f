"""`python -m tests.integration.dying_worker`: the deployed worker, except that it dies (SIGKILL, by its own
hand) right after recording a command whose id starts with `die/`, before the answer leaves it; once per
command id, remembered in PALERMO_HOME, so that the worker that takes over records it normally."""

from __future__ import annotations

import asyncio
import os
import signal
from concurrent.futures import ThreadPoolExecutor

from temporalio import activity
from temporalio.worker import Worker

from activities.engagement_activities import CaseCommand, EngagementActivities
from activities.engagements import Engagements
from deploy.worker import ACTIVITY_THREADS, WORKFLOW_RUNNER
from domain.views import CaseView
from usecases.cases import connect
from usecases.settings import Settings, load_settings
from workflows.engagement import EngagementWorkflow

MARK = "die/"


class DyingActivities(EngagementActivities):
    def __init__(self, engagements: Engagements, settings: Settings) -> None:
        super().__init__(engagements)
        self.settings = settings

    @activity.defn(name="record_command")
    def record_command(self, payload: CaseCommand) -> CaseView:
        case = super().record_command(payload)
        command_id = payload.command.command_id or ""
        died = self.settings.home_dir / f"died-{command_id.replace('/', '_')}"
        if command_id.startswith(MARK) and not died.exists():
            died.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return case


async def serve(settings: Settings) -> None:
    client = await connect(settings)
    activities = DyingActivities(Engagements(settings.store_env("Engagements")), settings)
    with ThreadPoolExecutor(max_workers=ACTIVITY_THREADS) as executor:
        async with Worker(
            client,
            task_queue=settings.task_queue,
            workflows=[EngagementWorkflow],
            activities=[activities.record_command, activities.load_case],
            activity_executor=executor,
            workflow_runner=WORKFLOW_RUNNER,
        ):
            (settings.home_dir / "worker.ready").touch()
            await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(load_settings()))
