"""Rounds, instruments and due dates through the API and the command line, on a real worker and dev server."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest_asyncio
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner, Result

from cli.app import app
from domain.regions import REGION_OF
from domain.user import Role
from tests.integration.web_app import WebApp, csrf_of, running_web_app

OFFICER, STRANGER, MANAGER = "officer", "stranger", "manager"


@pytest_asyncio.fixture(loop_scope="session")
async def web(temporal_env_dev: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[WebApp]:
    async with running_web_app(temporal_env_dev, tmp_path) as running:
        yield running


def states(web: WebApp, n: int) -> list[str]:
    """Fresh States for the officer (and none for the stranger)."""
    chosen = random.sample(sorted(REGION_OF), n)
    web.add_user(OFFICER, Role.OFFICER, states=tuple(chosen))
    web.add_user(STRANGER, Role.OFFICER, states=("ZZZ",))
    web.add_user(MANAGER, Role.MANAGER)
    return chosen


def palermo(web: WebApp, *args: str) -> Result:
    """The command line against the app's Temporal namespace, task queue and stores."""
    settings = web.settings
    env = {
        "PALERMO_HOME": str(settings.home),
        "PALERMO_STORE": "sqlite",
        "PALERMO_TEMPORAL_ADDRESS": settings.temporal_address,
        "PALERMO_TEMPORAL_NAMESPACE": settings.temporal_namespace,
        "PALERMO_TASK_QUEUE": settings.task_queue,
        "PALERMO_ACTOR": "a.quispe",
    }
    return CliRunner().invoke(app, list(args), env=env)


async def cli(web: WebApp, *args: str) -> Result:
    # On a thread: the worker shares this event loop, and the command line waits for its answer.
    return await asyncio.to_thread(palermo, web, *args)


async def test_a_state_asks_again_through_the_api_once_its_engagement_was_withdrawn(web: WebApp) -> None:
    (state,) = states(web, 1)
    first = {"state": state, "instruments": ["convention"], "effective_date": "2001-09-03"}
    again = {"state": state, "instruments": ["firearms"], "effective_date": "2002-03-01"}

    opened = await web.api("POST", "/api/cases", OFFICER, json=first)
    refused = await web.api("POST", "/api/cases", OFFICER, json=again)
    withdrawn = await web.api(
        "POST",
        f"/api/cases/{state}/withdraw",
        OFFICER,
        json={"reason": "Elections", "effective_date": "2001-12-01"},
    )
    reopened = await web.api("POST", "/api/cases", OFFICER, json=again)
    current = await web.api("GET", f"/api/cases/{state}", MANAGER)
    earlier = await web.api("GET", f"/api/cases/{state}", MANAGER, params={"round": 1})
    missing = await web.api("GET", f"/api/cases/{state}", MANAGER, params={"round": 3})
    history = await web.api("GET", f"/api/cases/{state}/history", MANAGER)

    assert (opened.status_code, opened.json()["case"]["round"]) == (201, 1)
    assert refused.status_code == 409
    assert refused.json()["error"].endswith("a new request waits until it is completed or withdrawn.")
    assert withdrawn.status_code == 200
    assert (reopened.status_code, reopened.json()["case"]["round"]) == (201, 2)
    assert (current.json()["case"]["round"], current.json()["case"]["instruments"]) == (2, ["firearms"])
    assert (earlier.json()["case"]["round"], earlier.json()["case"]["status"]) == (1, "withdrawn")
    assert (missing.status_code, missing.json()) == (
        404,
        {"error": f"{state} has no round 3 of its engagement."},
    )
    assert [(e["round"], e["type"]) for e in history.json()] == [
        (1, "RequestReceived"),
        (1, "EngagementWithdrawn"),
        (2, "RoundOpened"),
    ]


async def test_an_instrument_is_added_and_withdrawn_through_the_api_by_the_states_officer(
    web: WebApp,
) -> None:
    (state,) = states(web, 1)
    opening = {"state": state, "instruments": ["convention", "smuggling"], "effective_date": "2001-09-03"}
    assert (await web.api("POST", "/api/cases", OFFICER, json=opening)).status_code == 201
    path = f"/api/cases/{state}/instruments"

    added = await web.api("POST", path, OFFICER, json={"add": ["firearms"], "remove": ["smuggling"]})
    nothing = await web.api("POST", path, OFFICER, json={})
    unknown = await web.api("POST", path, OFFICER, json={"add": ["piracy"]})
    again = await web.api("POST", path, OFFICER, json={"add": ["firearms"]})
    stranger = await web.api("POST", path, STRANGER, json={"add": ["trafficking"]})
    manager = await web.api("POST", path, MANAGER, json={"add": ["trafficking"]})

    assert added.status_code == 200, added.text
    assert added.json()["case"]["instruments"] == ["convention", "firearms"]
    assert (nothing.status_code, nothing.json()["error"]) == (
        422,
        f"The instruments change of {state} names no instrument to add or to withdraw.",
    )
    assert unknown.status_code == 422
    assert again.status_code == 409
    assert again.json()["error"] == f"The request of {state} already concerns firearms; nothing to add."
    assert (stranger.status_code, manager.status_code) == (403, 403)
    assert web.recorded(state) == ["RequestReceived", "InstrumentsChanged"]


async def test_a_case_entered_late_with_past_dates_is_overdue_at_once(web: WebApp) -> None:
    late, today = states(web, 2)
    for state, day in ((late, "2002-01-02"), (today, datetime.now(UTC).date().isoformat())):
        body = {"state": state, "instruments": ["convention"], "effective_date": day}
        assert (await web.api("POST", "/api/cases", OFFICER, json=body)).status_code == 201

    overdue = await web.api("GET", "/api/cases", MANAGER, params={"overdue": "true"})
    detail = (await web.api("GET", f"/api/cases/{late}", MANAGER)).json()

    assert late in {c["state"] for c in overdue.json()}
    assert today not in {c["state"] for c in overdue.json()}
    assert {(s["step"], s["overdue"], s["due_at"][:10]) for s in detail["open_steps"]} == {
        ("law_summary", True, "2002-03-03"),
        ("focal_point", True, "2002-03-03"),
    }


async def test_the_command_line_opens_round_2_changes_its_instruments_and_shows_either_round(
    web: WebApp,
) -> None:
    (state,) = states(web, 1)

    opened = await cli(
        web, "case", "open", state, "--instruments", "convention", "--received", "2001-09-03", "--json"
    )
    twice = await cli(web, "case", "open", state, "--instruments", "firearms", "--received", "2002-03-01")
    await cli(web, "case", "withdraw", state, "--reason", "Elections", "--effective", "2001-12-01")
    again = await cli(
        web, "case", "open", state, "--instruments", "firearms", "--received", "2002-03-01", "--json"
    )
    changed = await cli(
        web, "case", "instruments", state, "--add", "trafficking", "--effective", "2002-03-02", "--json"
    )
    shown = await cli(web, "case", "show", state, "--json")
    first = await cli(web, "case", "show", state, "--round", "1", "--json")
    third = await cli(web, "case", "show", state, "--round", "3")
    history = await cli(web, "case", "history", state, "--json")

    assert json.loads(opened.stdout)["round"] == 1
    assert twice.exit_code != 0
    assert "a new request waits until it is completed or withdrawn." in twice.stderr
    assert json.loads(again.stdout)["round"] == 2
    assert json.loads(changed.stdout)["instruments"] == ["firearms", "trafficking"]
    assert (json.loads(shown.stdout)["round"], json.loads(shown.stdout)["status"]) == (2, "open")
    assert (json.loads(first.stdout)["round"], json.loads(first.stdout)["status"]) == (1, "withdrawn")
    assert third.exit_code != 0
    assert f"{state} has no round 3 of its engagement." in third.stderr
    assert [(e["round"], e["type"]) for e in json.loads(history.stdout)] == [
        (1, "RequestReceived"),
        (1, "EngagementWithdrawn"),
        (2, "RoundOpened"),
        (2, "InstrumentsChanged"),
    ]


async def test_the_case_page_offers_the_instruments_form_and_a_closed_states_officer_may_open_round_2(
    web: WebApp,
) -> None:
    (state,) = states(web, 1)
    officer = await web.browser(OFFICER)
    opening = {"state": state, "instruments": ["convention"], "effective_date": "2001-09-03"}
    assert (await web.api("POST", "/api/cases", OFFICER, json=opening)).status_code == 201

    page = (await officer.get(f"/cases/{state}")).text
    added = await officer.post(
        f"/cases/{state}/instruments", data={"csrf": await csrf_of(officer), "add": "firearms"}
    )
    withdrawn = await officer.post(
        f"/cases/{state}/withdraw",
        data={"csrf": await csrf_of(officer), "reason": "Elections", "confirm": "1"},  # the box ticked
    )
    listed = (await officer.get("/worklist")).text
    again = await officer.post(
        "/cases", data={"csrf": await csrf_of(officer), "state": state, "instruments": "trafficking"}
    )
    await officer.aclose()

    assert 'action="/cases/' + state + '/instruments"' in page
    assert (added.status_code, withdrawn.status_code, again.status_code) == (303, 303, 303)
    assert f'value="{state}"' in listed
    assert web.recorded(state) == [
        "RequestReceived",
        "InstrumentsChanged",
        "EngagementWithdrawn",
        "RoundOpened",
    ]
    history = web.engagements().history(state)
    assert [e.door for e in history[1:]] == ["web", "web", "web"]
    assert history[-1].round == 2
