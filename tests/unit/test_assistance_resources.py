"""The assistance payload's new fields (pool experts, contribution, unfunded) leave older payloads, events and
retries as they were; the unfunded switch is a manager's; charged and unfunded at once is refused."""

from __future__ import annotations

from datetime import date

import pytest

from domain import errors
from domain.commands import RecordAssistanceActivity
from domain.events import AssistanceActivityRecorded
from domain.progress import check
from domain.user import Role
from domain.views import progress_of
from tests.unit.engagement_steps import engagement_after, focal_point, gap_list, law_summary
from workflows.commands import BY_NAME, refusal

OLD_ACTIVITY = {"kind": "workshop", "experts": ["X"], "cost": "1500", "donor": "Italy"}
ROW = BY_NAME["assistance_activity"]


def command(**activity: object) -> RecordAssistanceActivity:
    return RecordAssistanceActivity.model_validate(
        {"state": "BOL", "effective_date": date(2002, 2, 1), "activity": OLD_ACTIVITY | activity}
    )


def test_an_older_payload_reads_with_no_pool_expert_no_contribution_and_funded() -> None:
    activity = command().activity
    assert (activity.pool_experts, activity.contribution, activity.unfunded) == ((), None, False)


def test_a_retry_of_an_older_command_has_the_digest_it_was_recorded_with() -> None:
    spelled_out = command(pool_experts=[], contribution=None, unfunded=False)
    assert command().digest() == spelled_out.digest()
    assert command(contribution="ITA-1").digest() != command().digest()


def test_an_event_stored_before_the_new_fields_loads() -> None:
    stored = {
        "originator_id": "5b0f1f8e-7c39-4d0e-9a3c-2f1e6a1d0c55",
        "originator_version": 5,
        "timestamp": "2002-03-04T09:30:00+00:00",
        "actor": "officer",
        "effective_date": "2002-02-01",
        "state": "BOL",
        "activity": OLD_ACTIVITY,
    }
    event = AssistanceActivityRecorded.model_validate(stored)
    assert event.activity.unfunded is False
    assert event.activity.contribution is None


def test_only_a_manager_gives_unfunded_and_a_manager_sends_an_activity_only_to_give_it() -> None:
    unfunded = command(unfunded=True)
    assert refusal(ROW, command(), Role.OFFICER) is None
    assert (
        refusal(ROW, unfunded, Role.OFFICER)
        == "Only managers may give unfunded in assistance_activity; an officer may not."
    )
    assert refusal(ROW, unfunded, Role.MANAGER) is None
    assert "a manager sends it only with unfunded" in (refusal(ROW, command(), Role.MANAGER) or "")
    assert Role.MANAGER in ROW.admits
    assert Role.MANAGER not in BY_NAME["gap_list"].admits


def test_an_activity_charged_to_a_contribution_and_unfunded_is_refused_by_the_rules() -> None:
    progress = progress_of(engagement_after([law_summary(), focal_point(), gap_list()]).view())
    with pytest.raises(
        errors.ChargedAndUnfunded, match="charged to contribution ITA-1 and recorded as unfunded"
    ):
        check(progress, command(contribution="ITA-1", unfunded=True), date(2002, 3, 4))
