"""The forecast where managers look: the dashboard's outlook with a fan chart per instrument, the report's
outlook paragraph, and the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from domain.user import Role
from tests.integration.web_app import running_web_app
from web import dashboard

TABLE = (
    'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n'
    "Peru,14 Dec 2000,23 Jan 2002\n"
    "Monaco,13 Dec 2000,5 Jun 2001\n"
    "Poland,12 Dec 2000,12 Nov 2001\n"
    "Nigeria,13 Dec 2000,28 Jun 2001\n"
    "Latvia,13 Dec 2000,7 Dec 2001\n"
    "Spain,13 Dec 2000,1 Mar 2002\n"
)


async def test_the_dashboard_shows_the_outlook_and_the_api_answers_the_forecast(
    temporal_env_dev: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_web_app(temporal_env_dev, tmp_path) as web:
        web.add_user("manager", Role.MANAGER)
        browser = await web.browser("manager")
        before = (await browser.get("/dashboard", params={"as_of": "2002-03-04"})).text
        imported = await web.api("POST", "/api/treaties/convention/import", "manager", content=TABLE.encode())
        assert imported.status_code == 200, imported.text

        page = (await browser.get("/dashboard", params={"as_of": "2002-03-04"})).text
        answer = await web.api("GET", "/api/report/forecast", "manager", params={"as_of": "2002-03-04"})
        report = (await browser.get("/report", params={"as_of": "2002-03-04"})).text
        await browser.aclose()

    assert "too little to project from" in before
    assert 'id="fan-convention"' in page
    outlook = page.split('id="outlook"')[1].split('id="overdue"')[0]
    assert outlook.count('class="fan"') == 4
    assert 'class="band"' in outlook
    assert "40 instruments" in outlook
    assert "These are projections, not figures." in outlook
    assert answer.status_code == 200, answer.text
    convention = answer.json()["instruments"]["convention"]
    assert convention["parties_now"] == 6
    assert 6 <= convention["parties"]["p10"] <= convention["parties"]["p50"] <= convention["parties"]["p90"]
    assert set(convention["entry_into_force"]) == {"actual", "p10", "p50", "p90"}
    assert f"{convention['parties']['p50']} parties projected" in outlook
    assert "Outlook, a projection rather than a count: from what was known on 4 March 2002" in report
    assert f"the Convention would have {convention['parties']['p50']} parties" in report


async def test_the_dashboard_lists_the_first_projected_completions_and_links_to_them_all(
    temporal_env_dev: WorkflowEnvironment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dashboard, "SHOWN", 1)
    async with running_web_app(temporal_env_dev, tmp_path) as web:
        web.add_user("manager", Role.MANAGER)
        web.add_user("officer", Role.OFFICER, states=("BOL", "KEN"))
        imported = await web.api("POST", "/api/treaties/convention/import", "manager", content=TABLE.encode())
        assert imported.status_code == 200, imported.text
        for state in ("BOL", "KEN"):
            body = {"state": state, "instruments": ["convention"], "effective_date": "2002-01-10"}
            assert (await web.api("POST", "/api/cases", "officer", json=body)).status_code == 201
        browser = await web.browser("manager")
        page = (await browser.get("/dashboard", params={"as_of": "2002-03-04"})).text
        await browser.aclose()

    completions = page.split('id="projected-completions"')[1].split("<h2")[0]
    assert completions.count('<tr><td><a href="/cases/') == 1
    assert "The first 1 of 2 open engagements" in completions
    assert 'href="/api/report/forecast?as_of=2002-03-04"' in completions
