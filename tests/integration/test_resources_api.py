"""Pools, funds and legislation through the API, and assistance drawing on them through the engagement
workflow (real Temporal dev server and worker): charged, refused when the funds run short, or recorded
unfunded by a manager; the command line's `case activity` too."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest_asyncio
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from activities.resources import Resources
from cli.app import app as palermo
from domain.user import Role
from tests.integration.web_app import WebApp, csrf_of, running_web_app

MANAGER, OFFICER, OUTSIDER, AUDITOR = "manager", "officer", "outsider", "auditor"
STATE = "BOL"
PLEDGE = {"reference": "NLD-2001-7", "donor": "Netherlands", "amount": "30000", "pledged": "2001-10-01"}


@dataclass(frozen=True)
class Site:
    web: WebApp

    async def post(self, who: str, path: str, body: dict[str, Any]) -> Any:
        return await self.web.api("POST", path, who, json=body)

    async def get(self, who: str, path: str, **params: str) -> Any:
        return await self.web.api("GET", path, who, params=params)

    def charged(self) -> list[str]:
        store = Resources(self.web.settings.store_env("Resources"))
        try:
            return [str(c.charged) for c in store.contributions()]
        finally:
            store.close()


@pytest_asyncio.fixture(loop_scope="session")
async def site(temporal_env_dev: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Site]:
    async with running_web_app(temporal_env_dev, tmp_path) as web:
        web.add_user(MANAGER, Role.MANAGER)
        web.add_user(OFFICER, Role.OFFICER, states=(STATE,))
        web.add_user(OUTSIDER, Role.OFFICER, states=("PER",))
        web.add_user(AUDITOR, Role.AUDITOR)
        yield Site(web)


async def ready_for_assistance(site: Site) -> None:
    opened = await site.post(
        OFFICER, "/api/cases", {"state": STATE, "instruments": ["convention"], "effective_date": "2001-09-03"}
    )
    assert opened.status_code == 201, opened.text
    for step, body in (
        ("law_summary", {"document": "LAW/1"}),
        ("focal_point", {"focal_point": {"name": "A. Quispe"}}),
        ("gap_list", {"items": [{"checklist_item": "convention.art5"}]}),
    ):
        done = await site.post(OFFICER, f"/api/cases/{STATE}/{step}", body | {"effective_date": "2002-01-10"})
        assert done.status_code == 200, done.text


async def test_managers_keep_the_pools_and_everyone_signed_in_reads_their_fill(site: Site) -> None:
    expert = {
        "name": "A. Diallo",
        "region": "Africa",
        "languages": ["French"],
        "groups": ["convention"],
        "fields": ["extradition"],
        "joined": "2002-01-15",
    }
    refused = await site.post(OFFICER, "/api/experts", expert)
    assert refused.status_code == 403
    added = await site.post(MANAGER, "/api/experts", expert)
    assert added.status_code == 200, added.text
    assert (added.json()["actor"], added.json()["door"]) == (MANAGER, "api")
    bad = await site.post(MANAGER, "/api/experts", expert | {"region": "Atlantis"})
    assert bad.status_code == 422
    assert set(bad.json()) == {"error"}

    fills = {f["group"]: f for f in (await site.get(AUDITOR, "/api/pools")).json()}
    assert fills["convention"]["by_region"]["Africa"] == 1
    assert fills["convention"]["short"][0] == "group"
    assert [e["details"]["name"] for e in (await site.get(OFFICER, "/api/experts")).json()] == ["A. Diallo"]


async def test_assistance_is_charged_refused_beyond_the_funds_and_recorded_unfunded_only_by_a_manager(
    site: Site,
) -> None:
    assert (await site.post(OFFICER, "/api/contributions", PLEDGE)).status_code == 403
    pledged = await site.post(MANAGER, "/api/contributions", PLEDGE | {"earmark": {"region": "Americas"}})
    assert pledged.status_code == 200, pledged.text
    paid = await site.post(
        MANAGER, "/api/contributions/NLD-2001-7/receipts", {"amount": "20000", "received": "2001-11-01"}
    )
    assert paid.json()["left"] == "20000"
    unknown = await site.post(MANAGER, "/api/contributions/NONE/receipts", {"amount": "1"})
    assert unknown.status_code == 404
    await ready_for_assistance(site)
    path = f"/api/cases/{STATE}/assistance_activity"
    mission = {"kind": "expert_mission", "cost": "15000", "contribution": "NLD-2001-7"}

    charged = await site.post(OFFICER, path, {"activity": mission, "effective_date": "2002-02-01"})
    assert charged.status_code == 200, charged.text
    short = await site.post(OFFICER, path, {"activity": mission | {"cost": "6000"}})
    versions = site.web.recorded(STATE)
    by_officer = await site.post(
        OFFICER, path, {"activity": mission | {"contribution": None, "unfunded": True}}
    )
    by_manager_alone = await site.post(MANAGER, path, {"activity": {"kind": "workshop"}})
    unfunded = await site.post(
        MANAGER,
        path,
        {"activity": {"kind": "workshop", "cost": "6000", "unfunded": True}, "effective_date": "2002-02-05"},
    )

    assert short.status_code == 409
    assert short.json()["error"].startswith(
        "The expert_mission of BOL costs 6,000.00, more than the 5,000.00 left"
    )
    assert by_officer.status_code == 403
    assert "Only managers may give unfunded" in by_officer.json()["error"]
    assert by_manager_alone.status_code == 403
    assert unfunded.status_code == 200, unfunded.text
    assert site.web.recorded(STATE) == [*versions, "AssistanceActivityRecorded"]
    assert site.charged() == ["15000"]
    [last] = [e for e in site.web.engagements().history(STATE)][-1:]
    assert (last.actor, last.data["activity"]["unfunded"]) == (MANAGER, True)

    concluded = await site.post(OFFICER, f"/api/cases/{STATE}/assistance", {"effective_date": "2002-02-20"})
    assert concluded.status_code == 200, concluded.text
    during = (await site.get(MANAGER, "/api/funds", as_of="2002-02-10")).json()
    after = (await site.get(AUDITOR, "/api/funds", as_of="2002-03-01")).json()
    assert (during["totals"]["committed"], during["totals"]["spent"]) == ("15000", "0")
    assert (after["totals"]["committed"], after["totals"]["spent"]) == ("0", "15000")
    assert after["totals"]["unfunded"] == "6000"
    assert after["by_donor"]["Netherlands"]["left"] == "5000"
    assert after["by_region"]["Americas"]["spent"] == "15000"


async def test_the_command_line_charges_an_activity_through_the_workflow(site: Site) -> None:
    await site.post(MANAGER, "/api/contributions", PLEDGE)
    await site.post(MANAGER, "/api/contributions/NLD-2001-7/receipts", {"amount": "1000"})
    await ready_for_assistance(site)
    settings = site.web.settings
    env = {
        "PALERMO_HOME": str(settings.home),
        "PALERMO_TEMPORAL_ADDRESS": settings.temporal_address,
        "PALERMO_TEMPORAL_NAMESPACE": settings.temporal_namespace,
        "PALERMO_TASK_QUEUE": settings.task_queue,
        "PALERMO_ACTOR": "a.quispe",
    }
    args = ["case", "activity", STATE, "workshop", "--cost", "800", "--contribution", "NLD-2001-7", "--json"]

    # The worker shares this loop: the command line runs on a thread of its own.
    done = await asyncio.to_thread(CliRunner().invoke, palermo, args, env=env)
    again = await asyncio.to_thread(
        CliRunner().invoke, palermo, [*args[:4], "--cost", "300", "--contribution", "NLD-2001-7"], env=env
    )

    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["activities"][-1]["activity"]["contribution"] == "NLD-2001-7"
    assert again.exit_code != 0
    assert "more than the 200.00 left of contribution NLD-2001-7 of Netherlands" in " ".join(
        again.stderr.split()
    )
    assert site.charged() == ["800"]


async def test_laws_are_recorded_by_officers_for_their_states_searched_and_exported(site: Site) -> None:
    law = {
        "state": STATE,
        "checklist_item": "convention.art5",
        "law": "Código Penal",
        "how": "Art. 132.",
        "enacted": "1972-08-23",
    }
    assert (await site.post(OUTSIDER, "/api/legislation", law)).status_code == 403
    assert (await site.post(AUDITOR, "/api/legislation", law)).status_code == 403
    recorded = await site.post(OFFICER, "/api/legislation", law)
    assert recorded.status_code == 200, recorded.text
    bad = await site.post(OFFICER, "/api/legislation", law | {"checklist_item": "convention.art99"})
    assert bad.status_code == 422
    assert "not an item of the ratification checklist" in bad.json()["error"]

    found = (await site.get(AUDITOR, "/api/legislation", item="convention.art5")).json()
    assert [(k["state"], k["law"], k["how"]) for k in found] == [(STATE, "Código Penal", "Art. 132.")]
    assert (await site.get(AUDITOR, "/api/legislation", region="Africa")).json() == []
    csv = await site.get(OUTSIDER, "/api/legislation/export", format="csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "convention.art5,Criminalization of participation" in csv.text


async def test_the_pages_record_through_their_forms_and_the_dashboard_shows_the_pools_fill(
    site: Site,
) -> None:
    manager, officer = await site.web.browser(MANAGER), await site.web.browser(OFFICER)
    try:
        token = await csrf_of(manager)
        expert = {
            "csrf": token,
            "name": "C. Silva",
            "region": "Americas",
            "languages": "Portuguese, Spanish",
            "groups": "firearms",
            "joined": "2002-01-20",
        }
        assert (await manager.post("/experts", data=expert)).status_code == 303
        pledge = {
            "csrf": token,
            "reference": "BRA-1",
            "donor": "Brazil",
            "amount": "900",
            "region": "Americas",
            "pledged": "2002-01-02",
        }
        assert (await manager.post("/funds/pledges", data=pledge)).status_code == 303
        over = await manager.post("/funds/BRA-1/receipts", data={"csrf": token, "amount": "901"})
        paid = await manager.post(
            "/funds/BRA-1/receipts", data={"csrf": token, "amount": "400", "received": "2002-02-01"}
        )
        law = {
            "csrf": await csrf_of(officer),
            "state": STATE,
            "checklist_item": "convention.art6",
            "law": "Ley 1768",
            "enacted": "1997-03-10",
        }
        assert (await officer.post("/legislation", data=law)).status_code == 303

        experts, funds_page = await manager.get("/experts"), await manager.get("/funds?as_of=2002-03-04")
        dashboard, laws = (
            await manager.get("/dashboard"),
            await officer.get("/legislation?item=convention.art6"),
        )
    finally:
        await manager.aclose()
        await officer.aclose()

    assert over.status_code == paid.status_code == 303
    assert "C. Silva" in experts.text
    assert 'data-group="firearms"' in dashboard.text
    assert "<td>Brazil</td><td>900.00</td><td>400.00</td>" in funds_page.text
    assert "Ley 1768" in laws.text
    [contribution] = Resources(site.web.settings.store_env("Resources")).contributions()
    assert str(contribution.received) == "400"


async def test_a_manager_records_an_unfunded_activity_through_the_case_page_and_an_officer_may_not(
    site: Site,
) -> None:
    await ready_for_assistance(site)
    manager, officer = await site.web.browser(MANAGER), await site.web.browser(OFFICER)
    try:
        page = await manager.get(f"/cases/{STATE}")
        form = {"kind": "workshop", "cost": "700", "unfunded": "1", "effective_date": "2002-02-02"}
        by_officer = await officer.post(
            f"/cases/{STATE}/assistance_activity", data=form | {"csrf": await csrf_of(officer)}
        )
        by_manager = await manager.post(
            f"/cases/{STATE}/assistance_activity", data=form | {"csrf": await csrf_of(manager)}
        )
    finally:
        await manager.aclose()
        await officer.aclose()

    assert 'name="unfunded"' in page.text
    assert "step-assistance_activity" in page.text
    assert "step-withdraw" not in page.text
    assert by_officer.status_code == 403
    assert by_manager.status_code == 303
    last = site.web.engagements().history(STATE)[-1]
    assert (last.type, last.actor, last.door, last.data["activity"]["unfunded"]) == (
        "AssistanceActivityRecorded",
        MANAGER,
        "web",
        True,
    )
