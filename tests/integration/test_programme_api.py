"""Plans and questionnaires through the API: managers plan; officers send questionnaires to and record replies
of their States only; every refusal one sentence with its status, recording nothing; a retried key once."""

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
from domain.regions import REGION_OF, Region
from domain.user import Role
from tests.integration.web_app import WebApp, csrf_of, running_web_app

MANAGER, OFFICER, AUDITOR = "manager", "officer", "auditor"
TOKYO = {"title": "Regional seminar for Asia and the Pacific", "kind": "seminar", "place": "Tokyo"}


@dataclass(frozen=True)
class Office:
    web: WebApp
    mine: str
    other: str

    async def post(self, who: str, path: str, body: dict[str, Any], **kw: Any) -> Any:
        return await self.web.api("POST", path, who, json=body, **kw)

    def events(self) -> list[Fact]:
        outreach = Outreach(self.web.settings.store_env("Outreach"))
        notes = outreach.recorder.select_notifications(start=0, limit=1000, inclusive_of_start=False)
        return [cast(Fact, outreach.mapper.to_domain_event(n)) for n in notes]


@pytest_asyncio.fixture(loop_scope="session")
async def office(temporal_env_dev: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Office]:
    region, elsewhere = random.sample(list(Region), 2)
    mine = random.choice(sorted(c for c, r in REGION_OF.items() if r is region))
    other = random.choice(sorted(c for c, r in REGION_OF.items() if r is elsewhere))
    async with running_web_app(temporal_env_dev, tmp_path) as web:
        web.add_user(MANAGER, Role.MANAGER)
        web.add_user(OFFICER, Role.OFFICER, regions=(region.value,))
        web.add_user(AUDITOR, Role.AUDITOR)
        yield Office(web, mine, other)


async def test_managers_plan_move_and_cancel_and_nobody_else_does(office: Office) -> None:
    body = TOKYO | {"planned": "2002-11-11", "regions": ["Asia", "Oceania"], "effective_date": "2002-03-04"}
    by_officer = await office.post(OFFICER, "/api/plans", body)
    by_auditor = await office.post(AUDITOR, "/api/plans", body)
    made = await office.post(MANAGER, "/api/plans", body, headers={"Idempotency-Key": "tokyo-1"})
    retried = await office.post(MANAGER, "/api/plans", body, headers={"Idempotency-Key": "tokyo-1"})
    plan = made.json()["id"]
    clash = await office.post(MANAGER, "/api/plans", body | {"title": "Another"})
    moved = await office.post(
        MANAGER, f"/api/plans/{plan}/move", {"planned": "2002-12-02", "effective_date": "2002-04-01"}
    )
    cancelled = await office.post(MANAGER, f"/api/plans/{plan}/cancel", {"reason": "No host"})
    again = await office.post(MANAGER, f"/api/plans/{plan}/move", {"planned": "2003-01-13"})
    unknown = await office.post(
        MANAGER, "/api/plans/0f0e3c4d-1a2b-4c5d-8e9f-0a1b2c3d4e5f/hold", {"meeting": None}
    )
    bad = await office.post(MANAGER, "/api/plans", body | {"kind": "banquet"})

    assert (by_officer.status_code, by_auditor.status_code) == (403, 403)
    assert by_officer.json() == {"error": f"Only managers may do this; {OFFICER} is an officer."}
    assert (made.status_code, retried.json()) == (200, made.json())
    assert made.json()["details"]["regions"] == ["Asia", "Oceania"]
    assert clash.status_code == 409
    assert clash.json()["error"].startswith("The seminar at Tokyo planned for 2002-11-11 is already recorded")
    assert (moved.status_code, moved.json()["details"]["planned"], moved.json()["version"]) == (
        200,
        "2002-12-02",
        2,
    )
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert again.status_code == 409
    assert again.json() == {
        "error": "The seminar at Tokyo planned for 2002-12-02 is cancelled: it cannot be moved."
    }
    assert unknown.status_code == 404
    assert bad.status_code == 422
    assert [(type(e).__name__, e.actor, e.door) for e in office.events()] == [
        ("PlanMade", MANAGER, "api"),
        ("PlanMoved", MANAGER, "api"),
        ("PlanCancelled", MANAGER, "api"),
    ]
    listed = await office.web.api("GET", "/api/plans?as_of=2002-03-31", AUDITOR)
    assert [p["details"]["planned"] for p in listed.json()] == ["2002-11-11"]


async def test_officers_send_questionnaires_to_and_record_replies_of_their_states_only(
    office: Office,
) -> None:
    send = {"questionnaire": "advisory_council", "effective_date": "2001-11-05"}
    outside = await office.post(
        OFFICER, "/api/questionnaires/send", send | {"states": [office.mine, office.other]}
    )
    sent = await office.post(OFFICER, "/api/questionnaires/send", send | {"states": [office.mine]})
    by_manager = await office.post(MANAGER, "/api/questionnaires/send", send | {"states": [office.other]})
    reply = {"questionnaire": "advisory_council", "document": "R/1", "effective_date": "2002-01-15"}
    answered = await office.post(OFFICER, "/api/questionnaires/answer", reply | {"state": office.mine})
    not_theirs = await office.post(OFFICER, "/api/questionnaires/answer", reply | {"state": office.other})
    unsent = await office.post(
        MANAGER, "/api/questionnaires/answer", reply | {"state": office.mine, "questionnaire": "prosecutors"}
    )

    assert outside.status_code == 403
    assert office.other in outside.json()["error"]
    assert (sent.status_code, sent.json()["states"]) == (200, [office.mine])
    assert by_manager.json()["states"] == [office.mine, office.other]
    assert (answered.status_code, answered.json()["citation"]) == (
        200,
        f"reply:advisory_council/{office.mine}",
    )
    assert not_theirs.status_code == 403
    assert unsent.status_code == 422
    assert "had not been sent" in unsent.json()["error"]
    listed = (await office.web.api("GET", "/api/questionnaires", AUDITOR)).json()
    assert [r["state"] for r in listed["replies"]] == [office.mine]
    assert [type(e).__name__ for e in office.events()] == [
        "QuestionnaireSent",
        "QuestionnaireSentToMore",
        "QuestionnaireAnswered",
    ]


async def test_a_law_summary_cites_a_reply_of_its_state_once_the_reply_is_recorded(office: Office) -> None:
    cite = f"reply:prosecutors/{office.mine}"
    opened = await office.post(
        OFFICER,
        "/api/cases",
        {"state": office.mine, "instruments": ["convention"], "effective_date": "2001-10-01"},
    )
    await office.post(
        MANAGER,
        "/api/questionnaires/send",
        {"questionnaire": "prosecutors", "states": [office.mine], "effective_date": "2001-10-31"},
    )
    law = f"/api/cases/{office.mine}/law_summary"
    early = await office.post(
        OFFICER, law, {"document": "LAW/1", "source": cite, "effective_date": "2002-01-20"}
    )
    wrong = await office.post(
        OFFICER, law, {"document": "LAW/1", "source": "reply:ispac/X", "effective_date": "2002-01-20"}
    )
    other = await office.post(
        OFFICER,
        law,
        {"document": "LAW/1", "source": f"reply:prosecutors/{office.other}", "effective_date": "2002-01-20"},
    )
    await office.post(
        OFFICER,
        "/api/questionnaires/answer",
        {"questionnaire": "prosecutors", "state": office.mine, "effective_date": "2002-01-15"},
    )
    cited = await office.post(
        OFFICER, law, {"document": "LAW/1", "source": cite, "effective_date": "2002-01-20"}
    )

    assert opened.status_code == 201, opened.text
    assert early.status_code == 422
    assert early.json()["error"] == (
        f"No reply of {office.mine} to the prosecutors questionnaire had been recorded by 2002-01-20: "
        "record it first (`palermo questionnaire answer`)."
    )
    assert (wrong.status_code, other.status_code) == (422, 422)
    assert "cites no questionnaire's reply" in wrong.json()["error"]
    assert cited.status_code == 200, cited.text
    history = (await office.web.api("GET", f"/api/cases/{office.mine}/history", MANAGER)).json()
    assert [(e["type"], e["source"]) for e in history] == [
        ("RequestReceived", None),
        ("LawSummaryReceived", cite),
    ]


async def test_the_pages_record_plans_and_questionnaires_and_the_dashboard_shows_them_by_month(
    office: Office,
) -> None:
    manager, officer = await office.web.browser(MANAGER), await office.web.browser(OFFICER)
    plan = {"title": "Regional seminar", "kind": "seminar", "place": "Quito", "planned": "2002-05-06"}
    plan |= {"regions": "Americas", "effective_date": "2002-03-04", "csrf": await csrf_of(manager)}
    by_officer = await officer.post("/plans", data=plan | {"csrf": await csrf_of(officer)})
    made = await manager.post("/plans", data=plan)
    early = await manager.post("/plans", data=plan | {"place": "Tokyo", "planned": "2002-01-07"})
    sent = await officer.post(
        "/questionnaires/send",
        data={"questionnaire": "prosecutors", "states": office.mine, "effective_date": "2001-10-31"}
        | {"csrf": await csrf_of(officer)},
    )
    plans_page = await manager.get("/plans")
    dashboard = await manager.get("/dashboard?as_of=2002-03-04")
    questionnaires = await officer.get("/questionnaires")

    assert by_officer.status_code == 403
    assert (made.status_code, early.status_code, sent.status_code) == (303, 303, 303)
    assert "cannot be planned for 2002-01-07" in plans_page.text
    assert plans_page.text.count("<td>Quito</td>") == 1
    assert "Tokyo" not in plans_page.text.split('<table class="plans">')[1].split("</table>")[0]
    calendar = dashboard.text.split('id="calendar"', 1)[1].split("</table>", 1)[0]
    may = calendar.split("<td>May</td>", 1)[1].split("</tr>", 1)[0]
    assert '<div class="planned">6: Regional seminar, Quito</div>' in may
    assert f"<td>{office.mine}</td>" in questionnaires.text
    assert [(type(e).__name__, e.actor, e.door) for e in office.events()] == [
        ("PlanMade", MANAGER, "web"),
        ("QuestionnaireSent", OFFICER, "web"),
    ]
    for client in (manager, officer):
        await client.aclose()
