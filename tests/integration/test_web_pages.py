"""The pages beyond access rules: overdue steps, blank form fields, forged forms, redirects, the API's
description, and failures nobody expected."""

from __future__ import annotations

import random
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from domain.groups import RegionalGroup, group_of
from domain.regions import REGION_OF
from domain.user import Role
from tests.integration.test_api_access import API_ROUTES
from tests.integration.web_app import BASE, WebApp, csrf_of, running_web_app, sign_in
from usecases.settings import Settings
from web import create_app, dashboard
from web.config import WebSettings

OFFICER, MANAGER, AUDITOR = "officer", "manager", "auditor"


class Clock:
    """The app's clock, moved forward by the test to see steps fall due."""

    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.ahead


@dataclass(frozen=True)
class Site:
    web: WebApp
    clock: Clock
    late: str
    on_time: str


@pytest_asyncio.fixture(loop_scope="session")
async def site(temporal_env_dev: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Site]:
    clock = Clock()
    late, on_time = random.sample(sorted(REGION_OF), 2)
    # A Temporal UI address where nothing answers: the links are drawn, following them fails in a sentence.
    ui = "http://127.0.0.1:9/temporal"
    async with running_web_app(temporal_env_dev, tmp_path, clock=clock, temporal_ui=ui) as web:
        web.add_user(OFFICER, Role.OFFICER, states=(late, on_time))
        web.add_user(MANAGER, Role.MANAGER)
        web.add_user(AUDITOR, Role.AUDITOR)
        # Requests that arrive the day they are recorded: their steps fall due a period from now.
        today = datetime.now(UTC).date().isoformat()
        for state in (late, on_time):
            body = {"state": state, "instruments": ["convention"], "effective_date": today}
            assert (await web.api("POST", "/api/cases", OFFICER, json=body)).status_code == 201
        for kind, body in (("law_summary", {}), ("focal_point", {}), ("gap_list", {})):
            answer = await web.api("POST", f"/api/cases/{on_time}/{kind}", OFFICER, json=body)
            assert answer.status_code == 200, answer.text
        yield Site(web, clock, late, on_time)


async def test_steps_past_their_due_period_show_as_overdue_everywhere(site: Site) -> None:
    # Law summary and focal point are due 60 days after the request; assistance 180 after the gap list.
    site.clock.ahead = timedelta(days=61)
    officer = await site.web.browser(OFFICER)
    manager = await site.web.browser(MANAGER)

    listed = await site.web.api("GET", "/api/cases", MANAGER, params={"overdue": "true"})
    on_time = await site.web.api("GET", "/api/cases", MANAGER, params={"overdue": "false"})
    detail = (await site.web.api("GET", f"/api/cases/{site.late}", OFFICER)).json()
    worklist = (await officer.get("/worklist")).text
    filtered = (await officer.get("/cases", params={"overdue": "true"})).text
    dashboard = (await manager.get("/dashboard")).text

    assert [c["state"] for c in listed.json()] == [site.late]
    assert [c["state"] for c in on_time.json()] == [site.on_time]
    assert {(s["step"], s["overdue"]) for s in detail["open_steps"]} == {
        ("law_summary", True),
        ("focal_point", True),
    }
    overdue_part = worklist.split('id="overdue"')[1].split('id="open-steps"')[0]
    assert overdue_part.count('class="overdue"') == 2
    assert site.on_time not in overdue_part
    assert f'data-state="{site.late}"' in filtered
    assert f'data-state="{site.on_time}"' not in filtered
    assert dashboard.split('id="overdue"')[1].count('class="overdue"') == 2

    site.clock.ahead = timedelta(0)
    assert (await site.web.api("GET", "/api/cases", MANAGER, params={"overdue": "true"})).json() == []
    await officer.aclose()
    await manager.aclose()


async def test_the_dashboard_lists_the_longest_overdue_steps_and_links_to_them_all(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One row shown of the two overdue steps: the dashboard's list is short however many cases there are.
    monkeypatch.setattr(dashboard, "SHOWN", 1)
    site.clock.ahead = timedelta(days=61)
    manager = await site.web.browser(MANAGER)

    page = (await manager.get("/dashboard")).text
    linked = (await manager.get("/cases", params={"overdue": "true"})).text
    await manager.aclose()
    site.clock.ahead = timedelta(0)

    overdue = page.split('id="overdue"')[1].split("<h2")[0]
    assert '<span class="count">2</span>' in overdue
    assert overdue.count('class="overdue"') == 1
    assert 'The 1 longest overdue of 2; <a href="/cases?overdue=true">every case with a step' in overdue
    assert f'data-state="{site.late}"' in linked


async def test_blank_fields_of_the_filter_and_date_forms_mean_not_given(site: Site) -> None:
    officer = await site.web.browser(OFFICER)
    manager = await site.web.browser(MANAGER)

    cases = await officer.get("/cases", params={"region": "", "instrument": "", "stage": "", "overdue": ""})
    dashboard = await manager.get("/dashboard", params={"as_of": "", "known_at": ""})
    report = await manager.get("/report", params={"as_of": "2002-03-04", "known_at": ""})
    bad = await officer.get("/cases", params={"region": "Atlantis"})

    assert cases.status_code == 200
    assert f'data-state="{site.late}"' in cases.text
    assert dashboard.status_code == 200
    assert report.status_code == 200
    assert "4 March 2002" in report.text
    assert bad.status_code == 422
    assert "region" in bad.text
    await officer.aclose()
    await manager.aclose()


async def test_cases_are_filtered_by_united_nations_regional_group(site: Site) -> None:
    manager = await site.web.browser(MANAGER)

    for group in RegionalGroup:
        listed = await site.web.api("GET", "/api/cases", MANAGER, params={"group": group.value})
        page = (await manager.get("/cases", params={"group": group.value})).text
        members = {state for state in (site.late, site.on_time) if group_of(state) is group}
        assert {c["state"] for c in listed.json()} == members
        assert {c["group"] for c in listed.json()} <= {group.value}
        assert {s for s in (site.late, site.on_time) if f'data-state="{s}"' in page} == members
    bad = await site.web.api("GET", "/api/cases", MANAGER, params={"group": "Nordic"})
    dashboard = (await manager.get("/dashboard", params={"as_of": "2002-03-04"})).text

    assert bad.status_code == 422
    assert all(f'data-group="{g.name.lower()}"' in dashboard for g in RegionalGroup)
    await manager.aclose()


async def test_a_form_posted_without_its_token_is_refused_and_records_nothing(site: Site) -> None:
    officer = await site.web.browser(OFFICER)
    before = site.web.recorded(site.late)

    forged = await officer.post(f"/cases/{site.late}/law_summary", data={"document": "FORGED"})
    wrong = await officer.post(f"/cases/{site.late}/law_summary", data={"document": "X", "csrf": "guess"})
    genuine = await officer.post(
        f"/cases/{site.late}/law_summary", data={"document": "REAL", "csrf": await csrf_of(officer)}
    )

    assert forged.status_code == 403
    assert wrong.status_code == 403
    assert "reload the page" in forged.text
    assert genuine.status_code == 303
    assert site.web.recorded(site.late) == [*before, "LawSummaryReceived"]
    recorded = site.web.engagements().history(site.late)[-1]
    assert recorded.data["document"] == "REAL"
    assert (recorded.actor, recorded.door) == (OFFICER, "web")
    await officer.aclose()


async def test_a_refused_form_says_why_on_the_case_page_and_records_nothing(site: Site) -> None:
    officer = await site.web.browser(OFFICER)
    before = site.web.recorded(site.on_time)

    refused = await officer.post(
        f"/cases/{site.on_time}/training",
        data={"csrf": await csrf_of(officer), "officials": "12"},
        follow_redirects=True,
    )
    future = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    too_late = await officer.post(
        f"/cases/{site.on_time}/assistance",
        data={"csrf": await csrf_of(officer), "effective_date": future},
        follow_redirects=True,
    )

    # The case page again, with the refusal's status, rather than a redirect to it.
    assert refused.status_code == 409
    assert too_late.status_code == 422
    assert "needs legislation first" in refused.text
    assert 'class="flash error"' in refused.text
    assert "after today" in too_late.text
    assert site.web.recorded(site.on_time) == before
    await officer.aclose()


async def test_signing_in_returns_to_the_page_asked_for_but_never_to_another_site(site: Site) -> None:
    client = httpx.AsyncClient(transport=site.web.transport, base_url=BASE)
    token = site.web.tokens[MANAGER]

    asked = await client.get("/users")
    back = await sign_in(client, token, next=asked.headers["location"].split("=", 1)[1])
    elsewhere = await sign_in(client, token, next="//evil.example/")

    assert asked.status_code == 303
    assert back.headers["location"] == "/users"
    assert elsewhere.headers["location"] == "/dashboard"
    await client.aclose()


async def test_the_openapi_document_describes_every_api_route_and_no_page(site: Site) -> None:
    document = (await site.web.http.get("/api/openapi.json")).json()

    described = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    public = {
        ("GET", "/api/openapi.json"),
        ("GET", "/api/docs"),
        ("GET", "/api/docs/oauth2-redirect"),
        ("GET", "/api/redoc"),
        ("GET", "/api/docs/assets/{path}"),
        ("GET", "/api/redoc/assets/{path}"),
    }
    assert described == API_ROUTES - public
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    step = document["paths"]["/api/cases/{state}/bill"]["post"]
    assert step["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("BillBody")


async def test_the_api_viewers_load_every_script_and_style_from_this_server(site: Site) -> None:
    http = site.web.http
    for page, kind in (("/api/docs", "Swagger UI"), ("/api/redoc", "ReDoc")):
        html = (await http.get(page)).text
        loaded = re.findall(r'(?:src|href)=["\']([^"\']+)["\']', html)
        scripts = [url for url in loaded if url.endswith((".js", ".css"))]

        assert scripts, f"{kind} loads no script"
        assert [url for url in loaded if "//" in url] == [], f"{kind} loads from elsewhere: {loaded}"
        for url in scripts:
            served = await http.get(url)
            assert served.status_code == 200, url
            assert len(served.content) > 100_000, url


async def test_an_unexpected_failure_is_one_sentence_for_the_api_and_a_page_for_people(
    tmp_path: Path,
) -> None:
    app = create_app(Settings(home=tmp_path), web=WebSettings(secret="x"))

    def broken() -> None:
        raise RuntimeError("a bug, with internals: /secret/path")

    app.add_api_route("/api/broken", broken)
    app.add_api_route("/broken", broken)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        api = await client.get("/api/broken")
        page = await client.get("/broken")

    assert api.status_code == 500
    assert api.json() == {"error": "Something went wrong on the server; the error is in its log."}
    assert page.status_code == 500
    assert "Something went wrong" in page.text
    assert "/secret/path" not in api.text + page.text


async def test_pages_cannot_be_framed_and_allow_no_script(site: Site) -> None:
    officer = await site.web.browser(OFFICER)

    page = await officer.get(f"/cases/{site.late}")
    api = await site.web.api("GET", f"/api/cases/{site.late}", OFFICER)

    assert page.headers["x-frame-options"] == "DENY"
    assert "script-src 'none'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "<script" not in page.text
    assert api.headers["x-content-type-options"] == "nosniff"
    await officer.aclose()


async def test_only_managers_and_auditors_are_shown_the_temporal_ui(site: Site) -> None:
    workflow = (
        f'href="/temporal/namespaces/{site.web.settings.temporal_namespace}/workflows/engagement-{site.late}"'
    )
    pages = {}
    for who, path in ((OFFICER, "/cases"), (MANAGER, "/cases"), (AUDITOR, f"/audit/cases/{site.late}")):
        browser = await site.web.browser(who)
        pages[who] = (await browser.get(path)).text + (await browser.get(f"/cases/{site.late}")).text
        await browser.aclose()
    manager = await site.web.browser(MANAGER)
    unreachable = await manager.get("/temporal/")
    await manager.aclose()

    assert "/temporal" not in pages[OFFICER]
    for who in (MANAGER, AUDITOR):
        assert 'href="/temporal/">Temporal UI</a>' in pages[who]
        assert workflow in pages[who]
    assert unreachable.status_code == 502
    assert "The Temporal UI at http://127.0.0.1:9/temporal did not answer" in unreachable.text
