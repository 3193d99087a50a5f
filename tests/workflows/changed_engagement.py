"""Changed copies of the engagement workflow, to show what the replay gate accepts and what it refuses."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.engagement_activities import CaseRef, EngagementActivities
    from domain.views import CaseView
    from workflows.admission import Queued
    from workflows.engagement import EngagementWorkflow
    from workflows.messages import WORKFLOW_NAME, EngagementInput
    from workflows.recording import ACTIVITY_RETRY, ACTIVITY_TIMEOUT

# The name a guarded change is known by in new histories.
RELOAD_PATCH = "reload-case-before-each-command"


async def _reload(state: str) -> None:
    await workflow.execute_activity_method(
        EngagementActivities.load_case,
        CaseRef(state=state),
        start_to_close_timeout=ACTIVITY_TIMEOUT,
        retry_policy=ACTIVITY_RETRY,
    )


@workflow.defn(name=WORKFLOW_NAME)
class UnguardedChange(EngagementWorkflow):
    """Reloads the case before each command: an activity the recorded histories never scheduled."""

    @workflow.run
    async def run(self, start: EngagementInput) -> CaseView | None:
        return await super().run(start)

    async def _process(self, item: Queued) -> None:
        await _reload(self.start.state)
        await super()._process(item)


@workflow.defn(name=WORKFLOW_NAME)
class GuardedChange(EngagementWorkflow):
    """The same change behind `workflow.patched`: runs that began before it keep the old path."""

    @workflow.run
    async def run(self, start: EngagementInput) -> CaseView | None:
        return await super().run(start)

    async def _process(self, item: Queued) -> None:
        if workflow.patched(RELOAD_PATCH):
            await _reload(self.start.state)
        await super()._process(item)
