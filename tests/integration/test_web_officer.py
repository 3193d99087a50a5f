"""An officer's work in the web app: refusals in plain sentences with what was typed kept, no workflow runs
left behind by a refused command, a readable case page, explicit dates and real actors."""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest_asyncio
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from domain.regions import REGION_OF
from domain.user import Role
from tests.integration.web_app import WebApp, csrf_of, running_web_app
from workflows.messages import workflow_id

OFFICER = "a.quispe"


@dataclass(frozen=True)
class Desk:
    web: WebApp
    officer: httpx.AsyncClient
    client: Client
    withdrawn: str
    unopened: str
    fresh: str

    async def form(self, path: str, **fields: str | list[str]) -> httpx.Response:
        data = {"csrf": await csrf_of(self.officer), **fields}
        return await self.officer.post(path, data=data)


@pytest_asyncio.fixture(loop_scope="session")
async def desk(temporal_env_dev: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Desk]:
    withdrawn, unopened, fresh = random.sample(sorted(c for c in REGION_OF if len(c) == 3), 3)
    async with running_web_app(temporal_env_dev, tmp_path) as web:
        web.add_user(OFFICER, Role.OFFICER, states=(withdrawn, unopened, fresh))
        body = {"state": withdrawn, "instruments": ["convention"], "effective_date": "2001-10-01"}
        assert (await web.api("POST", "/api/cases", OFFICER, json=body)).status_code == 201
        ended = await web.api("POST", f"/api/cases/{withdrawn}/withdraw", OFFICER, json={"reason": "Asked"})
        assert ended.status_code == 200, ended.text
        officer = await web.browser(OFFICER)
        client = web.app.state.services.client
        yield Desk(web, officer, client, withdrawn, unopened, fresh)
        await officer.aclose()


async def runs_of(client: Client, state: str) -> int:
    # Visibility follows the history a moment later: count until two readings a second apart agree.
    last = -1
    for _ in range(10):
        found = len([r async for r in client.list_workflows(f"WorkflowId = '{workflow_id(state)}'")])
        if found == last:
            return found
        last = found
        await asyncio.sleep(1.0)
    return last


async def test_refused_commands_leave_no_workflow_run_behind(desk: Desk) -> None:
    before = await runs_of(desk.client, desk.withdrawn)
    future = (datetime.now(UTC) + timedelta(days=5)).date().isoformat()

    closed = await desk.form(
        f"/cases/{desk.withdrawn}/law_summary", document="L/1", effective_date="2002-01-01"
    )
    unopened = await desk.form(f"/cases/{desk.unopened}/law_summary", document="L/1")
    too_early = await desk.form("/cases", state=desk.fresh, instruments=["convention"], effective_date=future)
    by_api = await desk.web.api("POST", f"/api/cases/{desk.withdrawn}/training", OFFICER, json={})

    assert "is withdrawn" in closed.text, closed.text
    assert "needs an engagement" in unopened.text, unopened.text
    assert "after today" in too_early.text, too_early.text
    assert by_api.status_code == 409, by_api.text
    assert before == 1
    assert await runs_of(desk.client, desk.withdrawn) == before
    assert await runs_of(desk.client, desk.unopened) == 0
    assert await runs_of(desk.client, desk.fresh) == 0
    assert desk.web.recorded(desk.unopened) == []
    assert desk.web.recorded(desk.fresh) == []


def _value(page: str, name: str) -> str | None:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
    return found.group(1) if found else None


async def test_a_refused_open_form_says_why_in_a_sentence_and_keeps_what_was_typed(desk: Desk) -> None:
    refused = await desk.form(
        "/cases",
        state=desk.fresh,
        partner="Commonwealth Secretariat",
        note="Asked by letter",
        effective_date="2001-11-05",
        source="Note verbale 12/2001",
    )

    assert refused.status_code == 422
    flash = re.search(r'<p class="flash error"[^>]*>([^<]+)</p>', refused.text)
    assert flash is not None, refused.text
    sentence = flash.group(1)
    assert sentence == "Instruments: choose at least one.", sentence
    assert "Field required" not in refused.text
    assert "validation" not in sentence.lower()
    assert re.search(rf'<option value="{desk.fresh}" selected', refused.text)
    assert "Commonwealth Secretariat</textarea>" in refused.text
    assert _value(refused.text, "note") == "Asked by letter"
    assert _value(refused.text, "effective_date") == "2001-11-05"
    assert _value(refused.text, "source") == "Note verbale 12/2001"
    assert desk.web.recorded(desk.fresh) == []


def _visible(page: str) -> str:
    """The page's text as a person reads it: tags and attributes left out."""
    return re.sub(r"<[^>]+>", " ", page)


async def test_the_case_page_reads_as_words_shows_notes_puts_the_timeline_first_and_confirms_withdrawal(
    desk: Desk,
) -> None:
    state = desk.unopened
    body = {"state": state, "instruments": ["convention"], "effective_date": "2001-10-01"}
    body["note"] = "By letter"
    assert (await desk.web.api("POST", "/api/cases", OFFICER, json=body)).status_code == 201
    summary = {"document": "L/7", "note": "Draft law summary,\nsecond version"}
    summary["effective_date"] = "2002-01-05"
    summary["effective_date"] = "2002-01-05"
    answer = await desk.web.api("POST", f"/api/cases/{state}/law_summary", OFFICER, json=summary)
    assert answer.status_code == 200, answer.text

    page = (await desk.officer.get(f"/cases/{state}")).text
    unconfirmed = await desk.form(f"/cases/{state}/withdraw", reason="Asked", effective_date="2002-01-06")
    after_refusal = desk.web.recorded(state)
    confirmed = await desk.form(
        f"/cases/{state}/withdraw", reason="Asked", effective_date="2002-01-06", confirm="1"
    )

    words = _visible(page)
    assert "LawSummaryReceived" not in words
    assert "RequestReceived" not in words
    assert "Law summary received" in words
    assert "Request received" in words
    assert "By letter" in words
    assert "Draft law summary,\nsecond version" in page
    assert page.index('id="timeline"') < page.index('<form method="post" action="/cases/')
    assert re.search(r'name="confirm" value="1" required', page)
    assert re.search(r'<li class="done"[^>]*data-step="law_summary"', page)
    assert re.search(r'<li class="[^"]*\bcurrent\b[^"]*"[^>]*data-step="focal_point"', page)
    assert unconfirmed.status_code == 422
    assert "tick" in _visible(unconfirmed.text)
    assert after_refusal == ["RequestReceived", "LawSummaryReceived"]
    assert confirmed.status_code == 303
    assert desk.web.recorded(state)[-1] == "EngagementWithdrawn"
