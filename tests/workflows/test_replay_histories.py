"""The determinism gate: recorded workflow histories must replay with the current workflow code.

The histories in tests/fixtures/workflow_histories/ come from `python -m tests.fixtures.record_histories`.
A change to the workflow that running cases could not follow fails here; guard it with
`workflow.patched` (and keep the old histories) instead of re-recording them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.fixtures.record_histories import FOLDER, SCENARIOS
from tests.workflows.changed_engagement import RELOAD_PATCH, GuardedChange, UnguardedChange
from workflows.engagement import EFFECTIVE_DUES_PATCH, HEADROOM_PATCH, EngagementWorkflow

RECORDED = sorted(FOLDER.glob("*.json"))
# The marker the SDK records for each local activity's result (patches record "core_patch").
LOCAL_ACTIVITY_MARKER = "core_local_activity"
PATCH_MARKER = "core_patch"


def history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


async def every_history() -> AsyncIterator[WorkflowHistory]:
    for path in RECORDED:
        yield history(path)


def replayer(workflow_class: type) -> Replayer:
    return Replayer(workflows=[workflow_class], data_converter=pydantic_data_converter)


def event_types(path: Path) -> set[EventType.ValueType]:
    return {event.event_type for event in history(path).events}


def patches(path: Path) -> set[str]:
    """The ids of the `workflow.patched` markers a history holds."""
    found = set()
    for event in history(path).events:
        marker = event.marker_recorded_event_attributes
        if marker.marker_name == PATCH_MARKER:
            (payload,) = marker.details["patch-data"].payloads
            found.add(json.loads(payload.data)["id"])
    return found


def ran_a_command(path: Path) -> bool:
    """The run scheduled an activity, or recorded a local activity's marker, to record a command.

    Loading the case is an activity too: a run that loaded it only to refuse what it was started for (a
    second request, before rounds) ran no command.
    """
    for event in history(path).events:
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            return True
        marker = event.marker_recorded_event_attributes
        if marker.marker_name == LOCAL_ACTIVITY_MARKER and b'"record_command"' in b"".join(
            p.data for p in marker.details["data"].payloads
        ):
            return True
    return False


@pytest.mark.parametrize("path", RECORDED, ids=lambda path: path.stem)
async def test_recorded_history_replays_with_the_current_workflow(path: Path) -> None:
    result = await replayer(EngagementWorkflow).replay_workflow(history(path), raise_on_replay_failure=False)

    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"


def test_every_scenario_has_histories_covering_updates_signals_timers_and_continue_as_new() -> None:
    assert {path.name.split("-")[0] for path in RECORDED} == set(SCENARIOS)
    covered = set().union(*(event_types(path) for path in RECORDED))
    assert {
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        EventType.EVENT_TYPE_TIMER_FIRED,
        EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
    } <= covered


async def test_an_unguarded_extra_activity_fails_the_gate_as_non_deterministic() -> None:
    results = await replayer(UnguardedChange).replay_workflows(every_history(), raise_on_replay_failure=False)

    failed = results.replay_failures
    whole_case = history(FOLDER / "whole_case-BOL-run1.json")
    assert isinstance(failed.get(whole_case.run_id), workflow.NondeterminismError)
    assert "Nondeterminism" in str(failed[whole_case.run_id])
    # Every run that ran a command breaks, by activity task or by local activity; most of them did.
    commanding = {history(path).run_id for path in RECORDED if ran_a_command(path)}
    assert set(failed) == commanding
    # Besides two runs, only those that a second request started before rounds (to refuse it) ran none.
    refusing = [p for p in RECORDED if p.name.endswith(".before-rounds.json") and not ran_a_command(p)]
    assert len(refusing) == 3
    assert len(commanding) == len(RECORDED) - 2 - len(refusing)


async def test_the_same_change_behind_workflow_patched_passes_the_gate() -> None:
    results = await replayer(GuardedChange).replay_workflows(every_history(), raise_on_replay_failure=False)

    assert results.replay_failures == {}
    assert all(RELOAD_PATCH not in patches(path) for path in RECORDED)
    assert HEADROOM_PATCH in patches(FOLDER / "whole_case-BOL-run1.json")


def test_the_gate_holds_reminder_histories_from_before_and_after_due_periods_counted_in_the_world() -> None:
    before = FOLDER / "reminders-THA-run1.before-effective-dues.json"
    since = FOLDER / "reminders-THA-run1.json"

    assert EFFECTIVE_DUES_PATCH not in patches(before)
    assert EFFECTIVE_DUES_PATCH in patches(since)
    # Both runs reminded and escalated by their timers.
    for path in (before, since):
        assert {EventType.EVENT_TYPE_TIMER_FIRED} <= event_types(path)


def test_a_case_recorded_since_local_activities_takes_one_workflow_task_per_step_and_one_timer() -> None:
    events = history(FOLDER / "whole_case-BOL-run1.json").events
    kinds = [event.event_type for event in events]
    steps = kinds.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
    markers = [event.marker_recorded_event_attributes.marker_name for event in events]

    assert steps == 8
    assert EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED not in kinds
    assert markers.count(LOCAL_ACTIVITY_MARKER) == steps + 1  # each step, and loading the case
    assert kinds.count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) == steps
    # The alarm's timer is kept from step to step while the next alarm is no sooner.
    assert kinds.count(EventType.EVENT_TYPE_TIMER_STARTED) == 1
    assert EventType.EVENT_TYPE_TIMER_CANCELED not in kinds
