"""The Idempotency-Key header: a POST retried with its key is recorded once and answered with the first status
and body, by this web server or another, before or after a restart; the key with another request is a 422."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from eventsourcing.persistence import OperationalError
from temporalio.testing import WorkflowEnvironment

from domain.regions import REGION_OF
from domain.user import Role
from tests.integration.web_app import BASE, WebApp, running_web_app
from web import create_app
from web.config import WebSettings

OFFICER = "officer"


@dataclass(frozen=True)
class Opened:
    """An officer's case, its request and law summary recorded."""

    web: WebApp
    state: str

    async def post(self, path: str, key: str | None, body: object, user: str = OFFICER) -> httpx.Response:
        headers = {} if key is None else {"Idempotency-Key": key}
        return await self.web.api("POST", path, user, headers=headers, json=body)


@pytest_asyncio.fixture(loop_scope="session")
async def opened(temporal_env_dev: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Opened]:
    state = random.choice(sorted(REGION_OF))
    async with running_web_app(temporal_env_dev, tmp_path) as web:
        web.add_user(OFFICER, Role.OFFICER, states=(state,))
        case = Opened(web, state)
        request = {"state": state, "instruments": ["convention"], "effective_date": "2001-09-03"}
        assert (await case.post("/api/cases", "open-1", request)).status_code == 201
        summary = await case.post(f"/api/cases/{state}/law_summary", "law-1", {"document": "L/1"})
        assert summary.status_code == 200, summary.text
        await case.post(f"/api/cases/{state}/focal_point", "focal-1", {"focal_point": {"name": "A. B."}})
        await case.post(
            f"/api/cases/{state}/gap_list", "gaps-1", {"items": [{"checklist_item": "convention.art5"}]}
        )
        yield case


def activities_of(case: Opened) -> list[str]:
    return [
        e.type for e in case.web.engagements().history(case.state) if e.type == "AssistanceActivityRecorded"
    ]


async def test_a_post_retried_with_its_key_is_recorded_once_and_answered_as_the_first_time(
    opened: Opened,
) -> None:
    path = f"/api/cases/{opened.state}/assistance_activity"
    workshop = {"activity": {"kind": "workshop", "cost": "1200"}, "effective_date": "2002-02-01"}

    first = await opened.post(path, "workshop-1", workshop)
    again = await opened.post(path, "workshop-1", workshop)
    other = await opened.post(path, "workshop-2", workshop)

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert len(first.json()["case"]["activities"]) == 1
    # Another key is another request: the same workshop held twice is two workshops.
    assert len(other.json()["case"]["activities"]) == 2
    assert activities_of(opened) == ["AssistanceActivityRecorded"] * 2


async def test_an_api_step_is_recorded_as_the_signed_in_users_through_the_api_door(opened: Opened) -> None:
    path = f"/api/cases/{opened.state}/assistance_activity"
    workshop = {"activity": {"kind": "workshop"}, "effective_date": "2002-02-01"}
    before = opened.web.engagements().history(opened.state)

    claimed = await opened.post(path, "claim-1", workshop | {"actor": "manager", "door": "cli"})
    recorded = await opened.post(path, "claim-2", workshop)

    assert claimed.status_code == 422
    assert recorded.status_code == 200, recorded.text
    history = opened.web.engagements().history(opened.state)
    assert len(history) == len(before) + 1
    assert {(e.actor, e.door) for e in history} == {(OFFICER, "api")}


async def test_a_retry_of_the_request_that_opened_the_case_gets_its_201_not_a_conflict(
    opened: Opened,
) -> None:
    request = {"state": opened.state, "instruments": ["convention"], "effective_date": "2001-09-03"}

    again = await opened.post("/api/cases", "open-1", request)
    without_key = await opened.post("/api/cases", None, request)

    assert again.status_code == 201
    assert again.json()["case"]["version"] == 1
    assert without_key.status_code == 409
    assert opened.web.recorded(opened.state)[0] == "RequestReceived"


async def test_overlapping_retries_with_one_key_are_one_command(opened: Opened) -> None:
    path = f"/api/cases/{opened.state}/assistance_activity"
    workshop = {"activity": {"kind": "workshop", "note": "at once"}, "effective_date": "2002-02-02"}

    answers = await asyncio.gather(*(opened.post(path, "at-once", workshop) for _ in range(4)))

    assert {a.status_code for a in answers} == {200}
    assert len({a.text for a in answers}) == 1
    assert len(activities_of(opened)) == 1


async def test_the_key_with_a_different_request_is_a_422_and_records_nothing(opened: Opened) -> None:
    path = f"/api/cases/{opened.state}/assistance_activity"
    await opened.post(path, "workshop-9", {"activity": {"kind": "workshop"}, "effective_date": "2002-02-01"})
    recorded = opened.web.recorded(opened.state)

    changed = await opened.post(path, "workshop-9", {"activity": {"kind": "documentation"}})
    elsewhere = await opened.post(f"/api/cases/{opened.state}/withdraw", "workshop-9", {"reason": "none"})

    for answer in (changed, elsewhere):
        assert answer.status_code == 422, answer.text
        assert answer.json() == {
            "error": "The Idempotency-Key 'workshop-9' was sent before with a different request; "
            "a new request needs a new key."
        }
    assert opened.web.recorded(opened.state) == recorded


async def test_a_refused_request_keeps_no_answer_and_is_decided_again(opened: Opened) -> None:
    path = f"/api/cases/{opened.state}/training"

    early = await opened.post(path, "training-1", {"officials_trained": 5})
    assert early.status_code == 409
    assert "needs legislation first" in early.json()["error"]

    for step, key in (("assistance", "a-1"), ("legislation", "l-1")):
        assert (await opened.post(f"/api/cases/{opened.state}/{step}", key, {})).status_code == 200
    later = await opened.post(path, "training-1", {"officials_trained": 5})

    assert later.status_code == 200
    assert later.json()["case"]["status"] == "completed"


async def test_keys_are_kept_in_the_event_store_for_every_web_server(opened: Opened) -> None:
    path = f"/api/cases/{opened.state}/assistance_activity"
    workshop = {"activity": {"kind": "model_law"}, "effective_date": "2002-02-03"}
    first = await opened.post(path, "shared-key", workshop)
    # A second web server (or this one restarted) on the same stores and Temporal namespace.
    other = create_app(opened.web.settings, web=WebSettings(secret="another-secret"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=other), base_url=BASE) as http:
        again = await http.post(
            path,
            json=workshop,
            headers=opened.web.bearer(OFFICER) | {"Idempotency-Key": "shared-key"},
        )

    assert again.status_code == 200
    assert again.json() == first.json()
    assert len(activities_of(opened)) == 1


async def test_keys_belong_to_their_user(opened: Opened) -> None:
    opened.web.add_user("colleague", Role.OFFICER, states=(opened.state,))
    path = f"/api/cases/{opened.state}/assistance_activity"
    workshop = {"activity": {"kind": "workshop", "note": "mine"}, "effective_date": "2002-02-04"}

    mine = await opened.post(path, "k-1", workshop)
    theirs = await opened.post(path, "k-1", workshop, user="colleague")

    assert mine.status_code == theirs.status_code == 200
    assert len(activities_of(opened)) == 2


async def test_a_key_that_is_no_token_is_a_422(opened: Opened) -> None:
    path = f"/api/cases/{opened.state}/assistance_activity"
    for key in ("has space", "x" * 201):
        answer = await opened.post(path, key, {"activity": {"kind": "workshop"}})
        assert answer.status_code == 422, answer.text
        assert "Idempotency-Key" in answer.json()["error"]
    assert activities_of(opened) == []


async def test_a_store_that_does_not_answer_is_a_503_to_retry(
    opened: Opened, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(*_: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(opened.web.app.state.services.request_keys, "answered", unreachable)
    answer = await opened.post(
        f"/api/cases/{opened.state}/assistance_activity", "k-9", {"activity": {"kind": "workshop"}}
    )

    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"
    assert answer.json() == {
        "error": "The event store did not answer; send the request again (with its Idempotency-Key)."
    }
    assert activities_of(opened) == []


async def test_a_step_without_a_date_is_dated_today_and_the_answer_says_so(opened: Opened) -> None:
    path = f"/api/cases/{opened.state}/assistance_activity"
    papers = {"activity": {"kind": "documentation"}}
    before = datetime.now(UTC).date()
    dated = await opened.post(path, "dated-1", papers | {"effective_date": "2002-02-01"})
    undated = await opened.post(path, "undated-1", papers)
    again = await opened.post(path, "undated-1", papers)

    assert dated.status_code == undated.status_code == again.status_code == 200, undated.text
    assert "Palermo-Dated" not in dated.headers
    assert undated.headers["Palermo-Dated"] == "today (no effective_date given)"
    assert again.headers["Palermo-Dated"] == undated.headers["Palermo-Dated"]
    [*_, first, last] = opened.web.engagements().history(opened.state)
    assert first.effective_date == date(2002, 2, 1)
    # The web app's clock is the wall clock here: the day it recorded is today, unless midnight came between.
    assert before <= last.effective_date <= datetime.now(UTC).date()
