"""A manager's work in the web app: seminars recorded, users added, given tokens and revoked; the report's
year chosen on the page and kept by its links."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from activities.outreach import Outreach
from domain.user import Role
from tests.integration.web_app import app_alone, client_at, csrf_of, sign_in, users_of
from usecases.settings import Settings
from web import dashboard

MANAGER = "m.rossi"


@dataclass(frozen=True)
class Office:
    web_home: Path
    manager: httpx.AsyncClient
    app: FastAPI

    async def form(self, path: str, **fields: str | list[str]) -> httpx.Response:
        return await self.manager.post(path, data={"csrf": await csrf_of(self.manager), **fields})


@pytest_asyncio.fixture(loop_scope="session")
async def office(tmp_path: Path) -> AsyncIterator[Office]:
    _, token = users_of(tmp_path).add(MANAGER, Role.MANAGER, users_of(tmp_path).scope(), actor="test")
    app = app_alone(tmp_path)
    manager = client_at(app)
    assert (await sign_in(manager, token)).status_code == 303
    yield Office(tmp_path, manager, app)
    await manager.aclose()


def flash_of(page: str) -> str:
    found = re.search(r'<p class="flash (?:ok|error)"[^>]*>([^<]+)</p>', page)
    assert found is not None, page
    return found.group(1)


async def test_a_manager_records_a_seminar_and_a_refused_one_comes_back_as_typed(office: Office) -> None:
    seminar = {
        "title": "Subregional seminar on the Convention",
        "kind": "subregional_seminar",
        "place": "Windhoek",
        "start": "2002-05-06",
        "end": "2002-05-08",
        "participants": "NAM, BWA\nZAF",
        "organizers": "Centre for International Crime Prevention",
        "source": "Mission report 2002/5",
    }

    refused = await office.form("/seminars", **(seminar | {"end": "2002-05-01"}))
    recorded = await office.form("/seminars", **seminar)
    listed = await office.manager.get("/seminars")

    assert refused.status_code == 422
    assert flash_of(refused.text) == "The meeting ends (2002-05-01) before it starts (2002-05-06)."
    assert 'value="Windhoek"' in refused.text
    assert "NAM, BWA\nZAF</textarea>" in refused.text
    assert recorded.status_code == 303
    assert "Windhoek on 2002-05-06 is recorded" in flash_of(listed.text)
    meetings = Outreach(Settings(home=office.web_home).store_env("Outreach")).meetings()
    assert [(m.details.place, m.details.participants, m.recorded_by) for m in meetings] == [
        ("Windhoek", ("NAM", "BWA", "ZAF"), MANAGER)
    ]


async def test_the_dashboards_calendar_shows_a_few_meetings_a_month_and_links_to_the_rest(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dashboard, "SHOWN_PER_MONTH", 2)
    for day, place in (("2001-06-01", "Vienna"), ("2001-06-12", "Dakar"), ("2001-06-20", "Lima")):
        seminar = {"title": "Briefing", "kind": "briefing", "place": place, "start": day}
        assert (await office.form("/seminars", **seminar)).status_code == 303

    page = (await office.manager.get("/dashboard", params={"as_of": "2001-12-31"})).text

    june = page.split('id="calendar"')[1].split("<tr><td>June</td>")[1].split("</tr>")[0]
    assert june.count('class="held"') == 2
    assert "1: Briefing, Vienna" in june
    assert "12: Briefing, Dakar" in june
    assert '<a href="/seminars?sort=start">and 1 more</a>' in june


async def test_a_manager_adds_a_user_who_signs_in_with_the_token_shown_once(office: Office) -> None:
    added = await office.form("/users", name="b.okafor", role="officer", states="NGA GHA")
    shown = re.search(r'<code class="token">([^<]+)</code>', added.text)
    again = await office.form("/users", name="b.okafor", role="officer")
    fresh = await office.form("/users/b.okafor/token")
    renewed = re.search(r'<code class="token">([^<]+)</code>', fresh.text)
    assert shown is not None
    assert renewed is not None
    newcomer = client_at(office.app)
    with_old = await sign_in(newcomer, shown.group(1))
    with_new = await sign_in(newcomer, renewed.group(1))
    await newcomer.aclose()
    unticked = await office.form("/users/b.okafor/revoke")
    still = users_of(office.web_home).user("b.okafor")
    revoked = await office.form("/users/b.okafor/revoke", confirm="1")

    assert added.status_code == 200, flash_of(added.text)
    assert "b.okafor is added as an officer" in flash_of(added.text)
    assert again.status_code == 422
    assert "already exists" in flash_of(again.text)
    assert renewed.group(1) != shown.group(1)
    assert with_old.status_code == 401
    assert with_new.status_code == 303
    assert unticked.status_code == 303
    assert still is not None
    assert still.token_ids
    assert revoked.status_code == 303
    gone = users_of(office.web_home).user("b.okafor")
    assert gone is not None
    assert gone.token_ids == ()
    assert gone.scope.states == ("NGA", "GHA")


def _figure(page: str, name: str) -> int:
    found = re.search(rf'data-figure="{re.escape(name)}"[^>]*>(\d+)</a>', page)
    assert found is not None, page
    return int(found.group(1))


async def test_the_year_reviewed_is_chosen_on_the_page_and_kept_by_its_links(office: Office) -> None:
    seminar = {"title": "Briefing", "kind": "briefing", "place": "Vienna", "start": "2001-06-01"}
    assert (await office.form("/seminars", **seminar)).status_code == 303

    this_year = (await office.manager.get("/dashboard", params={"as_of": "2002-03-04"})).text
    reviewed = (await office.manager.get("/dashboard", params={"as_of": "2002-03-04", "year": "2001"})).text
    report = (await office.manager.get("/report", params={"as_of": "2002-03-04", "year": "2001"})).text
    too_late = await office.manager.get("/report", params={"as_of": "2002-03-04", "year": "2003"})

    assert _figure(this_year, "meetings_held") == 0
    assert _figure(reviewed, "meetings_held") == 1
    assert 'href="/report?as_of=2002-03-04&amp;year=2001"' in reviewed
    assert 'name="year" value="2001"' in reviewed
    assert 'name="year" value="2001"' in report
    assert 'href="/report?as_of=2002-03-04&amp;year=2001">the report of 4 March 2002' in report
    assert too_late.status_code == 422
    assert "year must be a year from 1990 to that of as_of (2002)" in too_late.text


async def test_the_seminars_and_users_lists_download_as_csv_and_excel(office: Office) -> None:
    seminar = {"title": "Briefing", "kind": "briefing", "place": "Vienna", "start": "2001-06-01"}
    assert (await office.form("/seminars", **seminar)).status_code == 303

    seminars = await office.manager.get("/seminars", params={"download": "csv"})
    users = await office.manager.get("/users", params={"download": "xlsx"})

    assert seminars.headers["content-disposition"] == 'attachment; filename="seminars.csv"'
    assert seminars.text.splitlines()[1].startswith("2001-06-01,2001-06-01,briefing,Vienna,Briefing")
    assert users.headers["content-disposition"] == 'attachment; filename="users.xlsx"'
    assert users.content[:2] == b"PK"
