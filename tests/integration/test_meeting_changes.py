"""Who may change a meeting: a manager any; an officer one they recorded, or one whose States are all
theirs. A meeting keeps the id it was first recorded under; a change is a correction, with its actor."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from activities.outreach import Outreach
from domain.facts import Fact
from domain.outreach import MeetingCorrected
from domain.regions import REGION_OF, Region
from domain.user import Role
from tests.integration.web_app import WebApp, running_web_app

MANAGER, OFFICER_A, OFFICER_B = "manager", "officer-a", "officer-b"


@dataclass(frozen=True)
class Regions:
    web: WebApp
    a: list[str]  # States of officer A's region
    b: list[str]  # States of officer B's region

    async def post(self, who: str, body: dict[str, Any]) -> Any:
        return await self.web.api("POST", "/api/seminars", who, json=body)

    async def put(self, who: str, meeting: str, body: dict[str, Any]) -> Any:
        return await self.web.api("PUT", f"/api/seminars/{meeting}", who, json=body)

    def outreach(self) -> Outreach:
        return Outreach(self.web.settings.store_env("Outreach"))

    def corrections(self) -> list[Fact]:
        outreach = self.outreach()
        notes = outreach.recorder.select_notifications(start=0, limit=1000, inclusive_of_start=False)
        events = [cast(Fact, outreach.mapper.to_domain_event(note)) for note in notes]
        return [e for e in events if isinstance(e, MeetingCorrected)]


def seminar(participants: list[str], **fields: Any) -> dict[str, Any]:
    return {
        "title": "Regional seminar on the ratification of the instruments",
        "kind": "regional_seminar",
        "place": "Lima",
        "start": "2001-05-02",
        "end": "2001-05-03",
        "participants": participants,
    } | fields


@pytest_asyncio.fixture(loop_scope="session")
async def regions(temporal_env_dev: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Regions]:
    region_a, region_b = random.sample(list(Region), 2)
    a = random.sample(sorted(c for c, r in REGION_OF.items() if r is region_a), 2)
    b = random.sample(sorted(c for c, r in REGION_OF.items() if r is region_b), 2)
    async with running_web_app(temporal_env_dev, tmp_path) as web:
        web.add_user(MANAGER, Role.MANAGER)
        web.add_user(OFFICER_A, Role.OFFICER, regions=(region_a.value,))
        web.add_user(OFFICER_B, Role.OFFICER, regions=(region_b.value,))
        yield Regions(web, a, b)


async def test_an_officer_cannot_rewrite_a_meeting_with_states_outside_their_scope(regions: Regions) -> None:
    recorded = await regions.post(MANAGER, seminar([*regions.a, *regions.b]))
    assert recorded.status_code == 200, recorded.text
    meeting = recorded.json()["id"]

    # Officer B names only States of theirs, at the same place and first day: that would drop A's States.
    by_post = await regions.post(OFFICER_B, seminar(regions.b[:1]))
    by_put = await regions.put(OFFICER_B, meeting, seminar(regions.b[:1]))

    assert (by_post.status_code, by_put.status_code) == (403, 403)
    assert by_post.json()["error"] == (
        f"The meeting at Lima on 2001-05-02 was recorded by {MANAGER} and includes {', '.join(regions.a)}, "
        f"outside the States and regions assigned to {OFFICER_B}: only they or a manager may change it."
    )
    [stands] = regions.outreach().meetings()
    assert stands.details.participants == (*regions.a, *regions.b)
    assert stands.version == 1
    assert regions.corrections() == []


async def test_an_officer_changes_a_meeting_whose_states_are_all_theirs(regions: Regions) -> None:
    meeting = (await regions.post(MANAGER, seminar(regions.b))).json()["id"]

    changed = await regions.put(OFFICER_B, meeting, seminar(regions.b[:1], outcome="A joint statement."))

    assert changed.status_code == 200, changed.text
    assert changed.json()["details"]["participants"] == regions.b[:1]
    assert (changed.json()["recorded_by"], changed.json()["actor"]) == (MANAGER, OFFICER_B)
    [correction] = regions.corrections()
    assert (correction.actor, correction.door) == (OFFICER_B, "api")


async def test_an_officer_changes_a_meeting_they_recorded_though_a_manager_added_other_states(
    regions: Regions,
) -> None:
    meeting = (await regions.post(OFFICER_B, seminar(regions.b))).json()["id"]
    widened = await regions.put(MANAGER, meeting, seminar([*regions.b, *regions.a]))
    assert widened.status_code == 200, widened.text

    narrowed = await regions.post(OFFICER_B, seminar(regions.b))
    by_other = await regions.put(OFFICER_A, meeting, seminar(regions.a))

    assert narrowed.status_code == 200, narrowed.text
    assert narrowed.json()["details"]["participants"] == regions.b
    assert by_other.status_code == 403
    assert [(c.actor, c.door) for c in regions.corrections()] == [(MANAGER, "api"), (OFFICER_B, "api")]


async def test_a_meeting_keeps_its_id_when_its_place_and_day_are_corrected(regions: Regions) -> None:
    meeting = (await regions.post(MANAGER, seminar(regions.a))).json()["id"]

    moved = await regions.put(
        MANAGER, meeting, seminar(regions.a, place="Cusco", start="2001-05-09", end="2001-05-10")
    )
    another = await regions.post(MANAGER, seminar(regions.b, title="Another seminar"))

    assert moved.status_code == another.status_code == 200
    assert moved.json()["id"] == meeting
    assert (moved.json()["details"]["place"], moved.json()["details"]["start"]) == ("Cusco", "2001-05-09")
    # Lima on 2 May is free again: a meeting recorded there now is another meeting, with an id of its own.
    assert another.json()["id"] != meeting
    listed = (await regions.web.api("GET", "/api/seminars", MANAGER)).json()
    assert [(m["id"], m["details"]["place"]) for m in listed] == [
        (another.json()["id"], "Lima"),
        (meeting, "Cusco"),
    ]


async def test_a_correction_of_no_meeting_is_a_404_and_of_no_id_a_422(regions: Regions) -> None:
    unknown = "0f0e3c4d-1a2b-4c5d-8e9f-0a1b2c3d4e5f"

    missing = await regions.put(MANAGER, unknown, seminar(regions.a))
    malformed = await regions.put(MANAGER, "lima-2001", seminar(regions.a))

    assert missing.status_code == 404
    assert missing.json() == {"error": f"No meeting is recorded under the id {unknown}."}
    assert malformed.status_code == 422
    assert regions.outreach().meetings() == []
