"""Every route against every role and scope: officers act on their States, managers read and reassign,
auditors read everything, and nobody else gets in; a refused request records nothing."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx
import pytest_asyncio
from starlette.routing import Mount, Route
from temporalio.testing import WorkflowEnvironment

from domain.facts import Fact
from domain.regions import REGION_OF, Region
from domain.user import Role
from tests.integration.web_app import WebApp, csrf_of, running_web_app, sign_in
from usecases.settings import Settings
from web.app import ROUTERS, create_app
from web.calendar import feed_key
from web.config import WebSettings

ANONYMOUS, BAD, REVOKED = None, "bad-token", "revoked"
OFFICER_S, OFFICER_R, MANAGER, AUDITOR = "officer-s", "officer-r", "manager", "auditor"
PRINCIPALS = (ANONYMOUS, BAD, REVOKED, OFFICER_S, OFFICER_R, MANAGER, AUDITOR)
SIGNED_IN = (OFFICER_S, OFFICER_R, MANAGER, AUDITOR)
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("law_summary", {"document": "LAW/2002/1"}),
    ("focal_point", {"focal_point": {"name": "A. Quispe"}}),
    ("gap_list", {"items": [{"checklist_item": "convention.art5"}]}),
    ("assistance_activity", {"activity": {"kind": "workshop"}}),
    ("assistance", {}),
    (
        "bill",
        {"bill": {"title": "Organized Crime Act", "stage": "enacted", "addresses": ["convention.art5"]}},
    ),
    ("legislation", {}),
    ("training", {"officials_trained": 12}),
]
TABLE = 'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n'
API_ROUTES = {
    ("POST", "/api/cases"),
    ("GET", "/api/cases"),
    ("GET", "/api/cases/{state}"),
    ("GET", "/api/cases/{state}/history"),
    ("GET", "/api/cases/{state}/documents/{sha256}"),
    ("POST", "/api/documents"),
    ("GET", "/api/audit/cases/{state}"),
    *(
        ("POST", f"/api/cases/{{state}}/{kind}")
        for kind, _ in [*STEPS, ("instruments", {}), ("withdraw", {})]
    ),
    ("GET", "/api/me"),
    ("GET", "/api/report/figures"),
    ("GET", "/api/report/figures/{figure}"),
    ("GET", "/api/report/forecast"),
    ("GET", "/api/treaties/{participant}"),
    ("GET", "/api/treaties/{participant}/statements"),
    ("POST", "/api/treaties/{instrument}/import"),
    ("GET", "/api/seminars"),
    ("POST", "/api/seminars"),
    ("PUT", "/api/seminars/{meeting}"),
    ("GET", "/api/users"),
    ("PUT", "/api/users/{name}/scope"),
    ("GET", "/api/experts"),
    ("POST", "/api/experts"),
    ("GET", "/api/pools"),
    ("GET", "/api/contributions"),
    ("POST", "/api/contributions"),
    ("POST", "/api/contributions/{reference}/receipts"),
    ("GET", "/api/funds"),
    ("GET", "/api/legislation"),
    ("POST", "/api/legislation"),
    ("GET", "/api/legislation/export"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/docs"),
    ("GET", "/api/docs/oauth2-redirect"),
    ("GET", "/api/plans"),
    ("POST", "/api/plans"),
    *(("POST", f"/api/plans/{{plan}}/{verb}") for verb in ("move", "hold", "cancel")),
    ("GET", "/api/questionnaires"),
    ("POST", "/api/questionnaires/send"),
    ("POST", "/api/questionnaires/answer"),
    ("GET", "/api/redoc"),
    ("GET", "/api/docs/assets/{path}"),
    ("GET", "/api/redoc/assets/{path}"),
}
PAGE_ROUTES = {
    # Scraped by Prometheus: open to anyone who reaches the web app, as the README says.
    ("GET", "/metrics"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/"),
    ("GET", "/worklist"),
    ("GET", "/cases"),
    ("POST", "/cases"),
    ("GET", "/cases/{state}"),
    ("GET", "/cases/{state}/documents/{sha256}"),
    ("POST", "/cases/{state}/{kind}"),
    ("POST", "/cases/{state}/claim"),
    ("POST", "/cases/{state}/assign"),
    ("GET", "/dashboard"),
    ("GET", "/report"),
    ("GET", "/report/figures/{figure}"),
    ("GET", "/report/download/{name}"),
    ("GET", "/seminars"),
    ("POST", "/seminars"),
    ("GET", "/plans"),
    ("POST", "/plans"),
    ("POST", "/plans/{plan}/{verb}"),
    ("GET", "/questionnaires"),
    ("POST", "/questionnaires/{verb}"),
    ("GET", "/experts"),
    ("POST", "/experts"),
    ("GET", "/funds"),
    ("POST", "/funds/pledges"),
    ("POST", "/funds/{reference}/receipts"),
    ("GET", "/legislation"),
    ("POST", "/legislation"),
    ("GET", "/legislation/export"),
    ("GET", "/users"),
    ("POST", "/users"),
    ("POST", "/users/{name}/scope"),
    ("POST", "/users/{name}/token"),
    ("POST", "/users/{name}/revoke"),
    ("POST", "/users/{name}/contact"),
    ("GET", "/incidents"),
    ("GET", "/calendar"),
    ("POST", "/calendar/mail"),
    ("GET", "/calendar/{name}/{key}.ics"),
    ("GET", "/audit"),
    ("GET", "/audit/cases/{state}"),
    ("GET", "/audit/verify"),
    ("GET", "/audit/seal"),
    ("GET", "/audit/replay"),
    ("GET", "/audit/export"),
    ("GET", "/static/{path}"),
    *((method, "/temporal/{path:path}") for method in ("GET", "POST", "PUT", "PATCH", "DELETE")),
}
Rule = Callable[[str | None], bool]
SEMINAR_FORM = {"title": "Seminar", "kind": "briefing", "place": "Quito", "start": "2002-05-06"}
LETTER = ("letter.txt", b"Note verbale of 10 January 2002", "text/plain")
# Routes that answer a signed-in user who may not see what they serve 404, not 403: to that user it does not
# exist (a document's hash tells nobody whether the document is kept).
HIDDEN = {("GET", "/cases/{state}/documents/{sha256}"), ("GET", "/api/cases/{state}/documents/{sha256}")}


def refused(route: tuple[str, str]) -> int:
    """How a route refuses a signed-in user outside its rule."""
    return 404 if route in HIDDEN else 403


@dataclass(frozen=True)
class World:
    """The app, and the States each officer covers: S1 (and S1w) by State, S2 (and S2w) by region."""

    web: WebApp
    s1: str
    s1w: str
    s2: str
    s2w: str
    s3: str
    region: Region

    def covers(self, who: str | None, state: str) -> bool:
        mine = {OFFICER_S: {self.s1, self.s1w}, OFFICER_R: {self.s2, self.s2w}}
        return state in mine.get(str(who), set())

    def reads(self, who: str | None, state: str) -> bool:
        return who in (MANAGER, AUDITOR) or self.covers(who, state)

    def officers_of(self, state: str) -> Rule:
        return lambda who: self.covers(who, state)

    def readers_of(self, state: str) -> Rule:
        return lambda who: self.reads(who, state)


def _pick(region: Region, count: int) -> list[str]:
    return random.sample(sorted(c for c, r in REGION_OF.items() if r is region), count)


@pytest_asyncio.fixture(loop_scope="session")
async def world(temporal_env_dev: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[World]:
    region_s, region_r, region_o = random.sample(list(Region), 3)
    s1, s1w = _pick(region_s, 2)
    s2, s2w = _pick(region_r, 2)
    (s3,) = _pick(region_o, 1)
    # The walk sends a bad and a revoked token to every route from one address: no limit on failed
    # sign-ins may stop it (test_sign_in.py tests the limits).
    unlimited: dict[str, Any] = {"sign_in_failures_per_client": 10**6, "sign_in_failures_per_user": 10**6}
    async with running_web_app(temporal_env_dev, tmp_path, **unlimited) as web:
        web.add_user(OFFICER_S, Role.OFFICER, states=(s1, s1w))
        web.add_user(OFFICER_R, Role.OFFICER, regions=(region_r.value,))
        web.add_user(MANAGER, Role.MANAGER)
        web.add_user(AUDITOR, Role.AUDITOR)
        web.add_user(REVOKED, Role.OFFICER, states=(s1, s1w, s2, s2w, s3))
        web.users.revoke(REVOKED, actor="test")
        web.add_user("keeper", Role.OFFICER, states=(s3,))
        web.tokens[BAD] = "0123456789ab.not-a-secret"
        opened = await web.api(
            "POST", "/api/cases", "keeper", json={"state": s3, "instruments": ["convention"]}
        )
        assert opened.status_code == 201, opened.text
        yield World(web, s1, s1w, s2, s2w, s3, region_r)


@dataclass
class Walk:
    """Requests every principal sends to a route; mismatches with the rules are reported together."""

    web: WebApp
    found: list[str] = field(default_factory=list)
    routes: set[tuple[str, str]] = field(default_factory=set)

    def check(self, what: str, who: str | None, status: int, expected: int, body: str) -> None:
        if status != expected:
            self.found.append(f"{what} as {who or 'anonymous'}: {status}, expected {expected}: {body[:150]}")

    async def api(
        self,
        route: tuple[str, str],
        path: str,
        allowed: Rule,
        success: int = 200,
        unchanged: str = "",
        **kw: Any,
    ) -> None:
        """Refused principals first (nothing recorded for `unchanged`), then the allowed ones."""
        method = route[0]
        self.routes.add(route)
        before = self.web.recorded(unchanged) if unchanged else []
        for who in sorted(PRINCIPALS, key=allowed):
            if allowed(who) and unchanged:
                assert self.web.recorded(unchanged) == before, f"a refused {method} {path} recorded an event"
            answer = await self.web.api(method, path, who, **kw)
            anonymous = who in (ANONYMOUS, BAD, REVOKED)
            expected = success if allowed(who) else 401 if anonymous else refused(route)
            self.check(f"{method} {path}", who, answer.status_code, expected, answer.text)
            if answer.status_code >= 400:
                assert set(answer.json()) == {"error"}, answer.text

    def assert_all_as_the_rules_say(self, declared: set[tuple[str, str]]) -> None:
        assert self.found == [], "\n".join(self.found)
        assert self.routes == declared


async def _walk_upload(walk: Walk) -> dict[str, Any]:
    """Those who record steps store documents to attach to them; what the store answered."""
    recorders: Rule = lambda w: w in (OFFICER_S, OFFICER_R, MANAGER)  # noqa: E731
    await walk.api(("POST", "/api/documents"), "/api/documents", recorders, 201, files={"file": LETTER})
    answer = await walk.web.api("POST", "/api/documents", MANAGER, files={"file": LETTER})
    return cast(dict[str, Any], answer.json())


async def _walk_steps(world: World, walk: Walk, state: str, letter: dict[str, Any]) -> None:
    """Every step of the State's case by its officers, a document attached to the law summary; then the
    document, read by those who may read the case."""
    mine = world.officers_of(state)
    for kind, body in STEPS:
        route = ("POST", f"/api/cases/{{state}}/{kind}")
        attached = body | {"documents": [letter]} if kind == "law_summary" else body
        await walk.api(route, f"/api/cases/{state}/{kind}", mine, unchanged=state, json=attached)
    assert walk.web.recorded(state)[-1] == "TrainingHeld"
    route = ("GET", "/api/cases/{state}/documents/{sha256}")
    await walk.api(route, f"/api/cases/{state}/documents/{letter['sha256']}", world.readers_of(state))


async def _walk_resources(world: World, walk: Walk) -> None:
    """The routes of the pools, the funds and the laws."""
    # Managers keep the pools and the donors' funds.
    manager: Rule = lambda w: w == MANAGER  # noqa: E731
    expert = {"name": "A. Diallo", "region": "Africa", "languages": ["French"], "groups": ["convention"]}
    await walk.api(("POST", "/api/experts"), "/api/experts", manager, json=expert)
    pledge = {"reference": "P-1", "donor": "Italy", "amount": "1000000"}
    await walk.api(("POST", "/api/contributions"), "/api/contributions", manager, json=pledge)
    route = ("POST", "/api/contributions/{reference}/receipts")
    await walk.api(route, "/api/contributions/P-1/receipts", manager, json={"amount": "10"})
    # A law: managers record any State's, an officer one of theirs.
    law = {"state": world.s1, "checklist_item": "convention.art5", "law": "Penal Code"}
    law_recorders: Rule = lambda w: w == MANAGER or world.covers(w, world.s1)  # noqa: E731
    await walk.api(("POST", "/api/legislation"), "/api/legislation", law_recorders, json=law)


async def _walk_viewers(walk: Walk) -> None:
    """The API's document and its two viewers, with their assets, are open to anyone."""
    for path in ("/api/openapi.json", "/api/docs", "/api/docs/oauth2-redirect", "/api/redoc"):
        await walk.api(("GET", path), path, lambda w: True)
    for mount, file in (("/api/docs/assets", "swagger-ui.css"), ("/api/redoc/assets", "redoc.standalone.js")):
        await walk.api(("GET", f"{mount}/{{path}}"), f"{mount}/{file}", lambda w: True)


async def test_every_api_route_answers_each_role_and_scope_as_the_rules_say(world: World) -> None:
    web, walk = world.web, Walk(world.web)

    for state in (world.s1, world.s1w, world.s2, world.s2w):
        body = {"state": state, "instruments": ["convention"], "effective_date": "2001-10-01"}
        mine = world.officers_of(state)
        await walk.api(("POST", "/api/cases"), "/api/cases", mine, 201, unchanged=state, json=body)
    for state in (world.s1, world.s2, world.s3):
        reader = world.readers_of(state)
        await walk.api(("GET", "/api/cases/{state}"), f"/api/cases/{state}", reader)
        await walk.api(("GET", "/api/cases/{state}/history"), f"/api/cases/{state}/history", reader)
        await walk.api(
            ("GET", "/api/audit/cases/{state}"), f"/api/audit/cases/{state}", lambda w: w == AUDITOR
        )
    letter = await _walk_upload(walk)
    for state in (world.s1, world.s2):
        await _walk_steps(world, walk, state, letter)
    for state in (world.s1w, world.s2w):
        reason = {"reason": "The Government withdrew its request."}
        mine = world.officers_of(state)
        added = {"add": ["firearms"]}
        route = ("POST", "/api/cases/{state}/instruments")
        await walk.api(route, f"/api/cases/{state}/instruments", mine, unchanged=state, json=added)
        route = ("POST", "/api/cases/{state}/withdraw")
        await walk.api(route, f"/api/cases/{state}/withdraw", mine, unchanged=state, json=reason)
        assert web.recorded(state) == ["RequestReceived", "InstrumentsChanged", "EngagementWithdrawn"]
    for route, path in [
        (("GET", "/api/me"), "/api/me"),
        (("GET", "/api/cases"), "/api/cases"),
        (("GET", "/api/report/figures"), "/api/report/figures"),
        (("GET", "/api/report/figures/{figure}"), "/api/report/figures/requests_received"),
        (("GET", "/api/treaties/{participant}"), f"/api/treaties/{world.s1}"),
        (("GET", "/api/treaties/{participant}/statements"), f"/api/treaties/{world.s1}/statements"),
        (("GET", "/api/seminars"), "/api/seminars"),
        (("GET", "/api/experts"), "/api/experts"),
        (("GET", "/api/pools"), "/api/pools"),
        (("GET", "/api/contributions"), "/api/contributions"),
        (("GET", "/api/funds"), "/api/funds"),
        (("GET", "/api/legislation"), "/api/legislation"),
        (("GET", "/api/legislation/export"), "/api/legislation/export"),
    ]:
        await walk.api(route, path, lambda w: w in SIGNED_IN)
    # No party is recorded yet, so every reader is told there is too little to forecast from.
    forecast = ("GET", "/api/report/forecast")
    await walk.api(forecast, "/api/report/forecast?as_of=2002-03-04", lambda w: w in SIGNED_IN, success=422)
    await _walk_resources(world, walk)
    await walk.api(("GET", "/api/users"), "/api/users", lambda w: w in (MANAGER, AUDITOR))
    csv = (TABLE + "Peru,14 Dec 2000,23 Jan 2002\n").encode()
    route = ("POST", "/api/treaties/{instrument}/import")
    await walk.api(route, "/api/treaties/convention/import", lambda w: w == MANAGER, content=csv)
    seminar = {
        "title": "Seminar",
        "kind": "briefing",
        "place": "Lima",
        "start": "2001-05-02",
        "end": "2001-05-03",
    }
    # An officer records a meeting whose participating States are all theirs.
    by_them = lambda w: w in (MANAGER, OFFICER_S)  # noqa: E731
    await walk.api(
        ("POST", "/api/seminars"), "/api/seminars", by_them, json=seminar | {"participants": [world.s1]}
    )
    # An officer corrects a meeting they recorded, or one whose participating States are all theirs.
    meeting = (await web.api("GET", "/api/seminars", MANAGER)).json()[0]["id"]
    corrected = seminar | {"participants": [world.s1], "outcome": "A declaration."}
    route = ("PUT", "/api/seminars/{meeting}")
    await walk.api(route, f"/api/seminars/{meeting}", by_them, json=corrected)
    web.add_user("spare", Role.OFFICER, states=(world.s3,))
    route = ("PUT", "/api/users/{name}/scope")
    await walk.api(route, "/api/users/spare/scope", lambda w: w == MANAGER, json={"states": [world.s1]})
    await _walk_viewers(walk)
    await _walk_programme(world, walk)

    walk.assert_all_as_the_rules_say(API_ROUTES)
    # Every event carries the user who caused it.
    for state, officer in ((world.s1, OFFICER_S), (world.s2, OFFICER_R), (world.s1w, OFFICER_S)):
        assert {e.actor for e in web.engagements().history(state)} == {officer}
    recorded = await web.api("GET", "/api/seminars", AUDITOR)
    assert [m["actor"] for m in recorded.json()] == [OFFICER_S]
    spare = web.users.user("spare")
    assert spare is not None
    assert spare.scope.states == (world.s1,)
    last = web.users.recorder.select_notifications(start=0, limit=1000, inclusive_of_start=False)[-1]
    change = cast(Fact, web.users.mapper.to_domain_event(last))
    assert (type(change).__name__, change.actor, change.door) == ("AccessChanged", MANAGER, "api")


async def _walk_programme(world: World, walk: Walk) -> None:
    """Managers plan; officers send questionnaires to and record replies of their own States."""
    managers: Rule = lambda w: w == MANAGER  # noqa: E731
    for place in ("Quito", "Vilnius"):
        plan = {"title": "Mission", "kind": "mission", "place": place, "planned": "2002-05-06"}
        plan |= {"effective_date": "2002-03-04"}
        await walk.api(("POST", "/api/plans"), "/api/plans", managers, json=plan)
    quito, vilnius = [p["id"] for p in (await world.web.api("GET", "/api/plans", MANAGER)).json()]
    for verb, plan, body in (
        ("move", quito, {"planned": "2002-06-03", "effective_date": "2002-04-01"}),
        ("hold", quito, {}),
        ("cancel", vilnius, {"reason": "No host."}),
    ):
        route = ("POST", f"/api/plans/{{plan}}/{verb}")
        await walk.api(route, f"/api/plans/{plan}/{verb}", managers, json=body)
    senders: Rule = lambda w: w == MANAGER or world.covers(w, world.s1)  # noqa: E731
    sent = {"questionnaire": "prosecutors", "states": [world.s1]}
    await walk.api(("POST", "/api/questionnaires/send"), "/api/questionnaires/send", senders, json=sent)
    reply = {"questionnaire": "prosecutors", "state": world.s1}
    await walk.api(("POST", "/api/questionnaires/answer"), "/api/questionnaires/answer", senders, json=reply)
    for path in ("/api/plans", "/api/questionnaires"):
        await walk.api(("GET", path), path, lambda w: w in SIGNED_IN)


async def _page_clients(world: World) -> dict[str | None, httpx.AsyncClient]:
    """A browser per principal; the revoked one signed in before its token was revoked."""
    web = world.web
    web.add_user("revoked-later", Role.OFFICER, states=(world.s1, world.s2, world.s3))
    clients = {who: await web.browser(who) for who in (None, OFFICER_S, OFFICER_R, MANAGER, AUDITOR)}
    clients[REVOKED] = await web.browser("revoked-later")
    web.users.revoke("revoked-later", actor="test")
    return clients


async def _visit_programme(world: World, visit: Callable[..., Awaitable[None]]) -> None:
    """Managers plan through the pages; officers send questionnaires (their States are checked after)."""
    plan = {"title": "Mission", "kind": "mission", "place": "Lima", "planned": "2002-05-06"}
    await visit(
        ("POST", "/plans"), "/plans", lambda w: w == MANAGER, 303, **plan, effective_date="2002-03-04"
    )
    [made] = (await world.web.api("GET", "/api/plans", MANAGER)).json()
    route = ("POST", "/plans/{plan}/{verb}")
    await visit(route, f"/plans/{made['id']}/cancel", lambda w: w == MANAGER, 303, reason="No host.")
    senders: Rule = lambda w: w in (MANAGER, OFFICER_S, OFFICER_R)  # noqa: E731
    sent = {"questionnaire": "prosecutors", "states": world.s1}
    await visit(("POST", "/questionnaires/{verb}"), "/questionnaires/send", senders, 303, **sent)


async def _visit_resources(world: World, visit: Callable[..., Awaitable[None]]) -> None:
    """The forms of the pools, the funds and the laws."""
    manager: Rule = lambda w: w == MANAGER  # noqa: E731
    expert = {"name": "B. Sato", "region": "Asia", "languages": "Japanese", "groups": "protocols"}
    await visit(("POST", "/experts"), "/experts", manager, 303, **expert)
    await visit(
        ("POST", "/funds/pledges"),
        "/funds/pledges",
        manager,
        303,
        reference="W-1",
        donor="Japan",
        amount="500",
    )
    route = ("POST", "/funds/{reference}/receipts")
    await visit(route, "/funds/W-1/receipts", manager, 303, amount="5")
    law_recorders: Rule = lambda w: w == MANAGER or world.covers(w, world.s1)  # noqa: E731
    law = {"state": world.s1, "checklist_item": "convention.art6", "law": "Penal Code"}
    await visit(("POST", "/legislation"), "/legislation", law_recorders, 303, **law)


async def _visit_reads(world: World, visit: Callable[..., Awaitable[None]], state: str) -> None:
    """The case's full history (auditors), and a document attached to it (those who may read the case)."""
    await visit(("GET", "/audit/cases/{state}"), f"/audit/cases/{state}", lambda w: w == AUDITOR)
    officer = OFFICER_S if state == world.s1 else OFFICER_R
    letter = (await world.web.api("POST", "/api/documents", officer, files={"file": LETTER})).json()
    named = {"focal_point": {"name": "A. Quispe"}, "documents": [letter]}
    answer = await world.web.api("POST", f"/api/cases/{state}/focal_point", officer, json=named)
    assert answer.status_code == 200, answer.text
    route = ("GET", "/cases/{state}/documents/{sha256}")
    await visit(route, f"/cases/{state}/documents/{letter['sha256']}", world.readers_of(state))


def calendar_feed(web: WebApp, name: str) -> str:
    """The address of the user's calendar feed."""
    user = web.users.user(name)
    assert user is not None
    return f"/calendar/{name}/{feed_key(web.app.state.services, user)}.ics"


async def _visit_records(world: World, visit: Callable[..., Awaitable[None]]) -> None:
    """The programme's and the resources' forms."""
    await _visit_programme(world, visit)
    await _visit_resources(world, visit)


async def _visit_readers(visit: Callable[..., Awaitable[None]]) -> None:
    """The pages of managers and auditors, the auditor's tools, and the metrics anyone may scrape."""
    await visit(("GET", "/metrics"), "/metrics", lambda w: True)
    for route in (("GET", "/dashboard"), ("GET", "/users"), ("GET", "/incidents")):
        await visit(route, route[1], lambda w: w in (MANAGER, AUDITOR))
    for tool in ("/audit", "/audit/verify", "/audit/seal", "/audit/replay", "/audit/export"):
        await visit(("GET", tool), tool, lambda w: w == AUDITOR)


async def test_every_page_answers_each_role_and_scope_as_the_rules_say(world: World) -> None:
    web, walk = world.web, Walk(world.web)
    clients = await _page_clients(world)
    tokens = {who: await csrf_of(client) for who, client in clients.items()}

    async def visit(
        route: tuple[str, str], path: str, allowed: Rule, success: int = 200, **form: Any
    ) -> None:
        walk.routes.add(route)
        for who in sorted(clients, key=allowed):
            client, method = clients[who], route[0]
            data = {"csrf": tokens[who], **form} if method == "POST" else None
            answer = await client.request(method, path, data=data)
            signed_out = who in (ANONYMOUS, REVOKED)
            expected = success if allowed(who) else 303 if signed_out else refused(route)
            walk.check(f"{method} {path}", who, answer.status_code, expected, answer.text)
            if not allowed(who) and signed_out:
                assert answer.headers["location"].startswith("/login"), answer.headers
            if not allowed(who) and not signed_out:
                assert 'role="alert"' in answer.text

    signed_in: Rule = lambda w: w in SIGNED_IN  # noqa: E731
    for state in (world.s1, world.s2):
        form = {"state": state, "instruments": "convention", "effective_date": "2001-10-01"}
        mine = world.officers_of(state)
        await visit(("POST", "/cases"), "/cases", mine, 303, **form)
        assert web.recorded(state) == ["RequestReceived"]
        assert web.engagements().history(state)[0].actor == (OFFICER_S if state == world.s1 else OFFICER_R)
        await visit(("GET", "/cases/{state}"), f"/cases/{state}", world.readers_of(state))
        route = ("POST", "/cases/{state}/{kind}")
        await visit(route, f"/cases/{state}/law_summary", mine, 303, document="LAW/1")
        assert web.recorded(state) == ["RequestReceived", "LawSummaryReceived"]
        await _visit_reads(world, visit, state)
    for route, path in [
        (("GET", "/worklist"), "/worklist"),
        (("GET", "/cases"), "/cases"),
        (("GET", "/report"), "/report"),
        (("GET", "/report/figures/{figure}"), "/report/figures/requests_received"),
        (("GET", "/report/download/{name}"), "/report/download/md"),
        (("GET", "/seminars"), "/seminars"),
        (("GET", "/plans"), "/plans"),
        (("GET", "/questionnaires"), "/questionnaires"),
        (("GET", "/experts"), "/experts"),
        (("GET", "/funds"), "/funds"),
        (("GET", "/legislation"), "/legislation"),
        (("GET", "/legislation/export"), "/legislation/export"),
        (("GET", "/calendar"), "/calendar"),
    ]:
        await visit(route, path, signed_in)
    await _visit_records(world, visit)
    await visit(("GET", "/"), "/", signed_in, 303)
    await _visit_readers(visit)
    await visit(
        ("POST", "/users/{name}/scope"),
        f"/users/{OFFICER_R}/scope",
        lambda w: w == MANAGER,
        303,
        regions=world.region.value,
        states=world.s3,
    )
    manager: Rule = lambda w: w == MANAGER  # noqa: E731
    changes: list[tuple[tuple[str, str], str, Rule, int, dict[str, str]]] = [
        (
            ("POST", "/seminars"),
            "/seminars",
            lambda w: w in (MANAGER, OFFICER_S),
            303,
            {**SEMINAR_FORM, "participants": world.s1},
        ),
        (("POST", "/users"), "/users", manager, 200, {"name": "page-added", "role": "auditor"}),
        # S1w is named in OFFICER_S's scope already: claimed and assigned again, nobody's access changes.
        (("POST", "/cases/{state}/claim"), f"/cases/{world.s1w}/claim", lambda w: w == OFFICER_S, 303, {}),
        (
            ("POST", "/cases/{state}/assign"),
            f"/cases/{world.s1w}/assign",
            manager,
            303,
            {"officer": OFFICER_S},
        ),
        (("POST", "/users/{name}/token"), "/users/page-added/token", manager, 200, {}),
        (
            ("POST", "/users/{name}/contact"),
            "/users/page-added/contact",
            manager,
            303,
            {"email": "page-added@un.example.org", "mail": "each"},
        ),
        # Each signed-in user chooses how overdue steps reach them by mail.
        (("POST", "/calendar/mail"), "/calendar/mail", signed_in, 303, {"mail": "digest"}),
        (("POST", "/users/{name}/revoke"), "/users/page-added/revoke", manager, 303, {"confirm": "1"}),
    ]
    for route, path, rule, success, fields in changes:
        await visit(route, path, rule, success, **fields)
    # The calendar feed asks for no sign-in: its address is its secret.
    for route, path in (
        (("GET", "/calendar/{name}/{key}.ics"), calendar_feed(web, OFFICER_S)),
        (("GET", "/static/{path}"), "/static/palermo.css"),
    ):
        await visit(route, path, lambda w: True)
    # Managers and auditors may watch the Temporal UI (this app is given none: 404), nobody may write.
    watchers: Rule = lambda w: w in (MANAGER, AUDITOR)  # noqa: E731
    await visit(("GET", "/temporal/{path:path}"), "/temporal/", watchers, 404)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        path = "/temporal/namespaces/default/workflows/x/terminate"
        await visit((method, "/temporal/{path:path}"), path, lambda w: False)
    await visit(("GET", "/login"), "/login", lambda w: True)
    await visit(("POST", "/logout"), "/logout", signed_in, 303)
    walk.routes.add(("POST", "/login"))
    good = await sign_in(clients[None], web.tokens[MANAGER])
    wrong = await sign_in(clients[None], web.tokens[REVOKED])
    for client in clients.values():
        await client.aclose()

    walk.assert_all_as_the_rules_say(PAGE_ROUTES)
    assert (good.status_code, good.headers["location"]) == (303, "/dashboard")
    assert wrong.status_code == 401
    assert "not valid" in wrong.text
    assert web.users.user(OFFICER_R).scope.states == (world.s3,)  # type: ignore[union-attr]


def test_the_rules_above_cover_every_route_of_the_app(tmp_path: Path) -> None:
    app = create_app(Settings(home=tmp_path), web=WebSettings(secret="x"))
    found: set[tuple[str, str]] = set()
    for route in [*app.routes, *(r for router in ROUTERS for r in router.routes)]:
        if isinstance(route, Route):
            found |= {(m, route.path) for m in (route.methods or set()) - {"HEAD"}}
        elif isinstance(route, Mount):
            found.add(("GET", f"{route.path}/{{path}}"))

    assert found == API_ROUTES | PAGE_ROUTES


async def test_case_lists_show_officers_their_own_cases_and_others_everything(world: World) -> None:
    for state in (world.s1, world.s1w, world.s2, world.s2w):
        owner = OFFICER_S if world.covers(OFFICER_S, state) else OFFICER_R
        opened = await world.web.api(
            "POST", "/api/cases", owner, json={"state": state, "instruments": ["firearms"]}
        )
        assert opened.status_code == 201, opened.text
    everything = {world.s1, world.s1w, world.s2, world.s2w, world.s3}
    expected = {
        OFFICER_S: {world.s1, world.s1w},
        OFFICER_R: {world.s2, world.s2w},
        MANAGER: everything,
        AUDITOR: everything,
    }

    listed = {who: await world.web.api("GET", "/api/cases", who) for who in expected}
    in_region = await world.web.api("GET", "/api/cases", MANAGER, params={"region": world.region.value})
    by_stage = await world.web.api("GET", "/api/cases", AUDITOR, params={"stage": "law_summary"})
    by_instrument = await world.web.api("GET", "/api/cases", AUDITOR, params={"instrument": "firearms"})
    overdue = await world.web.api("GET", "/api/cases", MANAGER, params={"overdue": "true"})

    assert {who: {c["state"] for c in answer.json()} for who, answer in listed.items()} == expected
    assert {c["state"] for c in in_region.json()} == {world.s2, world.s2w}
    assert {c["state"] for c in by_stage.json()} == everything
    assert {c["state"] for c in by_instrument.json()} == everything - {world.s3}
    assert overdue.json() == []
