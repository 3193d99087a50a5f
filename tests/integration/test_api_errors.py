"""Bad input never gets a 500: every refusal is JSON with one sentence and its status, and records nothing."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from activities.outreach import Outreach
from domain.outreach import MeetingDetails
from domain.regions import REGION_OF
from domain.user import Role
from tests.integration.web_app import BASE, TEST_COST, WebApp, running_web_app
from tests.servers import free_port
from usecases.read_models import total_events
from usecases.settings import Settings
from web import create_app
from web.config import WebSettings

OFFICER = "officer"
LIMIT = 64 * 1024


@dataclass(frozen=True)
class Case:
    """An officer's open case (request and law summary recorded) and a State of theirs with no case."""

    web: WebApp
    state: str
    unopened: str

    async def post(self, path: str, **kw: Any) -> httpx.Response:
        return await self.web.api("POST", path, OFFICER, **kw)


def assert_one_sentence(answer: httpx.Response, status: int, *mentions: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert list(body) == ["error"], body
    sentence = body["error"]
    assert isinstance(sentence, str)
    assert sentence.endswith("."), sentence
    assert "\n" not in sentence
    assert "Traceback" not in sentence
    for mention in mentions:
        assert mention in sentence, sentence


@pytest_asyncio.fixture(loop_scope="session")
async def case(temporal_env_dev: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Case]:
    state, unopened = random.sample(sorted(REGION_OF), 2)
    async with running_web_app(temporal_env_dev, tmp_path, max_body=LIMIT) as web:
        web.add_user(OFFICER, Role.OFFICER, states=(state, unopened))
        opened = await web.api(
            "POST",
            "/api/cases",
            OFFICER,
            json={
                "state": state,
                "instruments": ["convention", "trafficking"],
                "effective_date": "2001-09-03",
            },
        )
        assert opened.status_code == 201, opened.text
        summary = await web.api("POST", f"/api/cases/{state}/law_summary", OFFICER, json={"document": "L/1"})
        assert summary.status_code == 200, summary.text
        yield Case(web, state, unopened)


RECORDED = ["RequestReceived", "LawSummaryReceived"]


async def test_malformed_json_is_a_400_naming_the_problem_and_records_nothing(case: Case) -> None:
    answer = await case.post(
        f"/api/cases/{case.state}/focal_point",
        content=b'{"focal_point": {"name": "A"',
        headers={"content-type": "application/json"},
    )

    assert_one_sentence(answer, 400, "not valid JSON")
    assert case.web.recorded(case.state) == RECORDED


@pytest.mark.parametrize(
    ("body", "status", "mention"),
    [
        ({"focal_point": {"name": 5}}, 422, "focal_point.name"),
        ({"focal_point": {"name": "A", "rank": "minister"}}, 422, "focal_point.rank"),
        ({"focal_point": {"name": ""}}, 422, "focal_point.name"),
        ({"effective_date": "2002-13-45"}, 422, "effective_date"),
        ({"effective_date": 20020101}, 422, "effective_date"),
        ({"source": "x" * 5000}, 422, "source"),
        ([], 422, "JSON object"),
        (None, 422, "JSON object"),
        ("focal point", 422, "JSON object"),
    ],
)
async def test_wrong_types_and_unknown_fields_are_a_422_naming_the_field(
    case: Case, body: object, status: int, mention: str
) -> None:
    answer = await case.post(f"/api/cases/{case.state}/focal_point", json=body)

    assert_one_sentence(answer, status, mention)
    assert case.web.recorded(case.state) == RECORDED


@pytest.mark.parametrize(
    ("kind", "body", "mention"),
    [
        ("training", {"officials_trained": 10**30}, "officials_trained"),
        ("training", {"officials_trained": -1}, "officials_trained"),
        ("assistance_activity", {"activity": {"kind": "expert_mission", "cost": "NaN"}}, "activity.cost"),
        ("assistance_activity", {"activity": {"kind": "picnic"}}, "activity.kind"),
        ("bill", {"bill": {"title": "Act", "stage": "vetoed"}}, "bill.stage"),
        ("withdraw", {}, "reason"),
        ("training", {"officials_trained": True}, "officials_trained"),
        ("training", {"officials_trained": "12"}, "officials_trained"),
        ("training", {"officials_trained": 12.0}, "officials_trained"),
        ("assistance", {"requested": "no"}, "requested"),
        ("focal_point", {"focal_point": {"name": "A.\u0000Quispe"}}, "focal_point.name"),
        ("focal_point", {"focal_point": {"name": "A.\u200bQuispe"}}, "focal_point.name"),
        ("focal_point", {"focal_point": {"name": "\u202eepsiuQ .A"}}, "focal_point.name"),
        ("law_summary", {"document": "L/1\ufeff"}, "document"),
        ("withdraw", {"reason": "Withdrawn\u0007 by the Government"}, "reason"),
        ("focal_point", {"focal_point": {"name": "A." + "\u0301" * 200}}, "focal_point.name"),
    ],
)
async def test_each_step_refuses_a_bad_field_by_name(
    case: Case, kind: str, body: object, mention: str
) -> None:
    answer = await case.post(f"/api/cases/{case.state}/{kind}", json=body)

    assert_one_sentence(answer, 422, mention)
    assert case.web.recorded(case.state) == RECORDED


async def test_an_oversized_body_is_a_413_whether_declared_or_streamed(case: Case) -> None:
    big = b'{"document": "' + b"x" * (2 * LIMIT) + b'"}'

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 4096):
            yield big[start : start + 4096]

    declared = await case.post(f"/api/cases/{case.state}/focal_point", content=big)
    streamed = await case.post(
        f"/api/cases/{case.state}/focal_point", content=chunks(), headers={"content-type": "application/json"}
    )
    nonsense = await case.post(f"/api/cases/{case.state}/focal_point", headers={"content-length": "lots"})

    assert_one_sentence(declared, 413, "64 KiB")
    assert_one_sentence(streamed, 413, "64 KiB")
    assert_one_sentence(nonsense, 400, "Content-Length")
    assert case.web.recorded(case.state) == RECORDED


async def test_a_step_out_of_order_is_a_409_saying_what_comes_first_and_records_nothing(case: Case) -> None:
    answer = await case.post(f"/api/cases/{case.state}/gap_list", json={"items": []})

    assert_one_sentence(answer, 409, f"The gap_list step of {case.state} needs focal_point first")
    assert case.web.recorded(case.state) == RECORDED


async def test_refusals_of_the_rules_have_their_own_status(case: Case) -> None:
    tomorrow = (date.today() + timedelta(days=2)).isoformat()

    twice = await case.post(f"/api/cases/{case.state}/law_summary", json={})
    reopened = await case.post("/api/cases", json={"state": case.state, "instruments": ["convention"]})
    future = await case.post(f"/api/cases/{case.state}/focal_point", json={"effective_date": tomorrow})
    before_request = await case.post(
        f"/api/cases/{case.state}/focal_point", json={"effective_date": "2001-01-01"}
    )
    no_case = await case.post(f"/api/cases/{case.unopened}/law_summary", json={})
    await case.post(f"/api/cases/{case.state}/focal_point", json={})
    unknown_item = await case.post(
        f"/api/cases/{case.state}/gap_list", json={"items": [{"checklist_item": "convention.art999"}]}
    )
    outside = await case.post(
        f"/api/cases/{case.state}/gap_list", json={"items": [{"checklist_item": "firearms.art5"}]}
    )

    assert_one_sentence(twice, 409, "already recorded")
    assert_one_sentence(reopened, 409, "already recorded")
    assert_one_sentence(future, 422, "after today")
    assert_one_sentence(before_request, 422, "before the request")
    assert_one_sentence(no_case, 404, "open it first")
    assert_one_sentence(unknown_item, 422, "convention.art999")
    assert_one_sentence(outside, 422, "firearms")
    assert case.web.recorded(case.state) == [*RECORDED, "FocalPointNamed"]
    assert case.web.recorded(case.unopened) == []


# A State's request as the officer would send it for their State without a case ("{unopened}").
OPEN = {"state": "{unopened}", "instruments": ["convention"]}


def in_the_future() -> str:
    return (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("body", "status", "mention"),
    [
        ({"state": "Atlantis", "instruments": ["convention"]}, 422, "Atlantis"),
        ({"state": "ZZZ", "instruments": ["convention"]}, 422, "ZZZ"),
        ({"state": 604, "instruments": ["convention"]}, 422, "state"),
        ({"instruments": ["convention"]}, 422, "state is required"),
        ({"state": "{unopened}", "instruments": "convention"}, 422, "instruments"),
        ({"state": "{unopened}", "instruments": ["opium"]}, 422, "instruments"),
        ({"state": "{unopened}", "instruments": []}, 422, "instruments"),
        (OPEN | {"note": "x" * 2001}, 422, "note"),
        (OPEN | {"effective_date": "{future}"}, 422, "after today"),
        (OPEN | {"received": "2001-01-01"}, 422, "received"),
    ],
)
async def test_a_request_refused_for_its_input_records_nothing_in_any_store(
    case: Case, body: dict[str, Any], status: int, mention: str
) -> None:
    filled = {
        k: v.format(unopened=case.unopened, future=in_the_future()) if isinstance(v, str) else v
        for k, v in body.items()
    }
    before = total_events(case.web.settings)

    answer = await case.post("/api/cases", json=filled)

    assert_one_sentence(answer, status, mention)
    assert total_events(case.web.settings) == before
    assert case.web.recorded(case.unopened) == []


async def test_a_step_for_an_unknown_state_is_a_404_and_records_nothing_in_any_store(case: Case) -> None:
    before = total_events(case.web.settings)

    answer = await case.post("/api/cases/ZZZ/law_summary", json={"document": "L/2"})
    named = await case.post("/api/cases/Atlantis/focal_point", json={})

    assert_one_sentence(answer, 404, "'ZZZ' is not an ISO 3166 alpha-3 code")
    assert_one_sentence(named, 404, "Atlantis")
    assert total_events(case.web.settings) == before
    # The count does see what a request records.
    recorded = await case.post(f"/api/cases/{case.state}/focal_point", json={})
    assert recorded.status_code == 200, recorded.text
    assert total_events(case.web.settings) == before + 1


async def test_a_step_submitted_twice_at_once_is_recorded_once_and_the_copy_is_a_409(case: Case) -> None:
    body = {"focal_point": {"name": "A. Quispe"}}
    path = f"/api/cases/{case.state}/focal_point"

    first, second = await asyncio.gather(case.post(path, json=body), case.post(path, json=body))

    accepted, refused = sorted((first, second), key=lambda answer: answer.status_code)
    assert accepted.status_code == 200, accepted.text
    assert_one_sentence(refused, 409, f"The focal_point step of {case.state} is already recorded")
    assert case.web.recorded(case.state) == [*RECORDED, "FocalPointNamed"]


async def test_unknown_states_routes_and_methods_are_refused_in_json(case: Case) -> None:
    unknown_path = await case.web.api("GET", "/api/cases/ZZZ", OFFICER)
    unknown_body = await case.post("/api/cases", json={"state": "Atlantis", "instruments": ["convention"]})
    no_route = await case.web.api("GET", "/api/nothing-here", OFFICER)
    wrong_method = await case.web.api("DELETE", f"/api/cases/{case.state}", OFFICER)
    bad_filter = await case.web.api("GET", "/api/cases", OFFICER, params={"region": "Atlantis"})
    bad_figure = await case.web.api("GET", "/api/report/figures/happiness", OFFICER)
    bad_date = await case.web.api("GET", "/api/report/figures", OFFICER, params={"as_of": "tomorrow"})

    assert_one_sentence(unknown_path, 404, "'ZZZ' is not an ISO 3166 alpha-3 code")
    assert_one_sentence(unknown_body, 422, "Atlantis")
    assert_one_sentence(no_route, 404)
    assert_one_sentence(wrong_method, 405)
    assert_one_sentence(bad_filter, 422, "region")
    assert_one_sentence(bad_figure, 404, "happiness")
    assert_one_sentence(bad_date, 422, "as_of")


@pytest.mark.parametrize(("name", "value"), [("known_at", "2002"), ("known_at", "1e-22"), ("as_of", "1e-22")])
async def test_a_report_date_given_as_a_number_is_refused_not_read_as_seconds_since_1970(
    case: Case, name: str, value: str
) -> None:
    figures = await case.web.api("GET", "/api/report/figures", OFFICER, params={name: value})
    lineage = await case.web.api(
        "GET", "/api/report/figures/requests_received", OFFICER, params={name: value}
    )

    assert_one_sentence(figures, 422, name, "ISO 8601")
    assert_one_sentence(lineage, 422, name, "ISO 8601")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("known_at", "0001-01-01T00:00:00"),
        ("known_at", "9999-12-31T23:59:59"),
        ("known_at", "0001-01-01T00:00:00+14:00"),
        ("as_of", "0001-01-01"),
        ("as_of", "9999-12-31"),
    ],
)
async def test_a_report_date_out_of_range_is_a_422_not_a_server_error(
    case: Case, name: str, value: str
) -> None:
    figures = await case.web.api("GET", "/api/report/figures", OFFICER, params={name: value})
    lineage = await case.web.api(
        "GET", "/api/report/figures/requests_received", OFFICER, params={name: value}
    )

    assert_one_sentence(figures, 422, name, "1990-01-01")
    assert_one_sentence(lineage, 422, name, "1990-01-01")


async def test_the_figures_count_meetings_of_the_year_asked_for(case: Case) -> None:
    outreach = Outreach(case.web.settings.store_env("Outreach"))
    details = {"title": "Seminar", "kind": "briefing", "place": "Vienna", "start": date(2001, 6, 5)}
    outreach.record_meeting(
        MeetingDetails.model_validate(details | {"end": date(2001, 6, 5)}), actor="t", source=None
    )
    ask = {"as_of": "2002-03-04"}

    of_2001 = await case.web.api("GET", "/api/report/figures", OFFICER, params=ask | {"year": "2001"})
    of_2002 = await case.web.api("GET", "/api/report/figures", OFFICER, params=ask)
    lineage = await case.web.api(
        "GET", "/api/report/figures/meetings_held", OFFICER, params=ask | {"year": "2001"}
    )
    too_late = await case.web.api("GET", "/api/report/figures", OFFICER, params=ask | {"year": "2003"})
    too_early = await case.web.api("GET", "/api/report/figures", OFFICER, params=ask | {"year": "1066"})

    assert (of_2001.json()["year"], of_2001.json()["meetings_held"]) == (2001, 1)
    assert (of_2002.json()["year"], of_2002.json()["meetings_held"]) == (2002, 0)
    assert lineage.json()["value"] == 1
    assert_one_sentence(too_late, 422, "year", "2002")
    assert_one_sentence(too_early, 422, "year", "1990")


async def test_what_a_refusal_quotes_of_the_request_stays_on_one_line(case: Case) -> None:
    figure = await case.web.api("GET", "/api/report/figures/happi%0Aness", OFFICER)
    state = await case.post("/api/cases", json={"state": "Atlan\ntis\u0007", "instruments": ["convention"]})

    assert_one_sentence(figure, 404, "'happi\\nness' is not a figure")
    assert_one_sentence(state, 422, "'Atlan\\ntis\\x07'")


async def test_a_form_encoded_body_is_refused_as_not_json(case: Case) -> None:
    answer = await case.post(f"/api/cases/{case.state}/focal_point", data={"focal_point": "A"})

    assert_one_sentence(answer, 422, "JSON object")
    assert case.web.recorded(case.state) == RECORDED


@pytest.mark.parametrize(
    "junk",
    [b"[" * 50_000, b"\xff\xfe\x00", b'{"focal_point": {"name": "\\ud800"}}', b"1e999999", b"\x00" * 100],
)
async def test_junk_bodies_never_make_a_server_error(case: Case, junk: bytes) -> None:
    answer = await case.post(
        f"/api/cases/{case.state}/focal_point", content=junk, headers={"content-type": "application/json"}
    )

    assert 400 <= answer.status_code < 500, answer.text
    assert list(answer.json()) == ["error"]
    assert case.web.recorded(case.state) == RECORDED


async def test_treaty_tables_that_cannot_be_read_are_refused_whole(case: Case) -> None:
    case.web.add_user("manager", Role.MANAGER)
    header = (
        'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n'
    )

    binary = await case.web.api("POST", "/api/treaties/convention/import", "manager", content=b"\xff\xfe")
    bad_row = await case.web.api(
        "POST",
        "/api/treaties/convention/import",
        "manager",
        content=(header + "Peru,14 Dec 2000,\nAtlantis,1 Jan 2001,\n").encode(),
    )
    bad_instrument = await case.web.api(
        "POST", "/api/treaties/opium/import", "manager", content=header.encode()
    )

    assert_one_sentence(binary, 400, "UTF-8")
    assert_one_sentence(bad_row, 422, "Atlantis")
    assert_one_sentence(bad_instrument, 422, "instrument")
    peru = await case.web.api("GET", "/api/treaties/PER", "manager")
    assert peru.json() == []


async def test_a_treaty_table_is_read_with_any_line_endings_and_an_unreadable_one_is_refused(
    tmp_path: Path,
) -> None:
    # Treaty tables need no Temporal server; the body limit lets a field pass the CSV reader's own limit.
    app = create_app(Settings(home=tmp_path), web=WebSettings(secret="test", max_body=512 * 1024))
    users = app.state.services.users
    users.cost = TEST_COST
    _, token = users.add("manager", Role.MANAGER, users.scope([]), actor="test")
    header = (
        'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n'
    )
    old_mac = (header + "Peru,14 Dec 2000,23 Jan 2002\n").replace("\n", "\r").encode()
    huge = (header + "Chile,14 Dec 2000," + "9" * 200_000 + "\n").encode()
    before = total_events(Settings(home=tmp_path))

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        imported = await client.post("/api/treaties/convention/import", content=old_mac)
        refused = await client.post("/api/treaties/trafficking/import", content=huge)
        peru = await client.get("/api/treaties/PER")
        chile = await client.get("/api/treaties/CHL")

    assert imported.status_code == 200, imported.text
    assert imported.json()["recorded"] == 2
    assert [(a["instrument"], a["kind"]) for a in peru.json()] == [
        ("convention", "signature"),
        ("convention", "ratification"),
    ]
    assert_one_sentence(refused, 422, "nothing recorded", "row 2: a line longer than 1,000 characters")
    assert chile.json() == []
    assert total_events(Settings(home=tmp_path)) == before + 2


async def test_a_treaty_table_over_its_own_limit_is_a_413_whether_declared_or_streamed(
    tmp_path: Path,
) -> None:
    # The body limit lets the table through; the table's own limit, a quarter of it, refuses it.
    settings = Settings(home=tmp_path, treaty_max_bytes=64 * 1024)
    app = create_app(settings, web=WebSettings(secret="test", max_body=1024 * 1024))
    users = app.state.services.users
    users.cost = TEST_COST
    _, token = users.add("manager", Role.MANAGER, users.scope([]), actor="test")
    header = (
        'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n'
    )
    chunk = ("Chile,13 Dec 2000,\n" * 400).encode()
    pulled = 0

    async def streamed() -> AsyncIterator[bytes]:
        nonlocal pulled
        yield header.encode()
        for _ in range(100):
            pulled += 1
            yield chunk

    before = total_events(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        declared = await client.post("/api/treaties/convention/import", content=header.encode() + chunk * 20)
        sent = await client.post("/api/treaties/convention/import", content=streamed())
        chile = await client.get("/api/treaties/CHL")

    for answer in (declared, sent):
        assert_one_sentence(
            answer,
            413,
            "The table was refused and nothing recorded",
            "larger than the 65,536 bytes a treaty table may have (PALERMO_TREATY_MAX_BYTES)",
        )
    # The ninth chunk passes 65,536 bytes: of the hundred, no more (and one read ahead) were asked for.
    assert pulled <= 10
    assert chile.json() == []
    assert total_events(settings) == before


@pytest.fixture
def unreachable(tmp_path: Path) -> tuple[httpx.AsyncClient, str]:
    settings = Settings(home=tmp_path, temporal_address=f"127.0.0.1:{free_port()}")
    app = create_app(settings, web=WebSettings(secret="test"))
    users = app.state.services.users
    users.cost = TEST_COST
    state = random.choice(sorted(REGION_OF))
    _, token = users.add("officer", Role.OFFICER, users.scope([state]), actor="test")
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE, headers={"Authorization": f"Bearer {token}"}
    )
    return client, state


async def test_a_temporal_server_that_does_not_answer_is_a_503_and_reading_still_works(
    unreachable: tuple[httpx.AsyncClient, str],
) -> None:
    client, state = unreachable
    async with client:
        opened = await client.post("/api/cases", json={"state": state, "instruments": ["convention"]})
        listed = await client.get("/api/cases")

    assert_one_sentence(opened, 503, "did not answer", "nothing was recorded")
    assert listed.status_code == 200
    assert listed.json() == []
