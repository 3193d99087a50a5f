"""The case list as people search it: by State, document, donor or checklist item; sorted, in pages, and
downloaded as CSV or an Excel workbook."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pytest_asyncio
from openpyxl.reader.excel import load_workbook

from activities.engagements import Engagements
from domain.commands import DrawUpGapList, NameFocalPoint, OpenEngagement, RecordLawSummary
from domain.user import Role
from domain.values import FocalPoint, GapItem, Instrument
from tests.integration.web_app import app_alone, client_at, csrf_of, sign_in, users_of
from usecases.settings import Settings
from web.lists import PAGE_SIZE


@pytest_asyncio.fixture(loop_scope="session")
async def manager(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    engagements = Engagements(Settings(home=tmp_path).store_env("Engagements"))
    for n, (state, received) in enumerate((("BOL", 3), ("PER", 1), ("CHL", 2))):
        common = {"state": state, "actor": "a.quispe", "command_id": None}
        day = date(2001, 9, received)
        engagements.handle(OpenEngagement(**common, effective_date=day, instruments=(Instrument.CONVENTION,)))
        engagements.handle(RecordLawSummary(**common, effective_date=day, document=f"{state}/LAW/{n}"))
        engagements.handle(
            NameFocalPoint(**common, effective_date=day, focal_point=FocalPoint(name="R. Soto"))
        )
        if state == "BOL":
            items = (GapItem(checklist_item="convention.art23"),)
            engagements.handle(DrawUpGapList(**common, effective_date=day, items=items))
    engagements.close()
    users = users_of(tmp_path)
    _, token = users.add("m.rossi", Role.MANAGER, users.scope(), actor="test")
    client = client_at(app_alone(tmp_path))
    assert (await sign_in(client, token)).status_code == 303
    yield client
    await client.aclose()


def listed(page: str) -> list[str]:
    return re.findall(r'<tr data-state="([A-Z]{3})">', page)


async def test_cases_are_found_by_document_and_checklist_item_and_sorted(manager: httpx.AsyncClient) -> None:
    by_document = await manager.get("/cases", params={"q": "per/law"})
    by_item = await manager.get("/cases", params={"q": "convention.art23"})
    by_name = await manager.get("/cases", params={"q": "chile"})
    newest = await manager.get("/cases", params={"sort": "-received"})

    assert listed(by_document.text) == ["PER"]
    assert listed(by_item.text) == ["BOL"]
    assert listed(by_name.text) == ["CHL"]
    assert listed(newest.text) == ["BOL", "CHL", "PER"]
    assert PAGE_SIZE > 3
    assert 'rel="next"' not in newest.text


async def test_the_list_downloads_as_csv_and_excel_with_its_filter(manager: httpx.AsyncClient) -> None:
    as_csv = await manager.get("/cases", params={"q": "R. Soto", "sort": "received", "download": "csv"})
    as_xlsx = await manager.get("/cases", params={"sort": "state", "download": "xlsx"})

    assert as_csv.headers["content-disposition"] == 'attachment; filename="cases.csv"'
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert rows[0][:3] == ["State", "Name", "Region"]
    assert [r[0] for r in rows[1:]] == ["PER", "CHL", "BOL"]
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["State", "BOL", "CHL", "PER"]


async def test_an_officer_claims_an_unassigned_case_and_a_manager_assigns_one(tmp_path: Path) -> None:
    engagements = Engagements(Settings(home=tmp_path).store_env("Engagements"))
    for state in ("BOL", "PER", "ECU"):
        engagements.handle(
            OpenEngagement(
                state=state,
                actor="a",
                command_id=None,
                effective_date=date(2001, 9, 3),
                instruments=(Instrument.CONVENTION,),
            )
        )
    engagements.close()
    users = users_of(tmp_path)
    _, officer_token = users.add("a.quispe", Role.OFFICER, users.scope((), ("Americas",)), actor="test")
    users.add("r.soto", Role.OFFICER, users.scope(("ECU",)), actor="test")
    _, manager_token = users.add("m.rossi", Role.MANAGER, users.scope(), actor="test")
    app = app_alone(tmp_path)
    officer, manager = client_at(app), client_at(app)
    assert (await sign_in(officer, officer_token)).status_code == 303
    assert (await sign_in(manager, manager_token)).status_code == 303

    unassigned = await officer.get("/worklist", params={"show": "unassigned"})
    claimed = await officer.post("/cases/BOL/claim", data={"csrf": await csrf_of(officer)})
    taken = await officer.post(
        "/cases/ECU/claim", data={"csrf": await csrf_of(officer)}, follow_redirects=True
    )
    assigned = await manager.post(
        "/cases/PER/assign", data={"csrf": await csrf_of(manager), "officer": "r.soto"}
    )
    mine = await officer.get("/worklist", params={"show": "mine"})
    team = await officer.get("/worklist", params={"show": "team"})
    page = await manager.get("/cases/PER")
    await officer.aclose()
    await manager.aclose()

    def steps_of(answer: httpx.Response) -> set[str]:
        return set(re.findall(r'<tr class="[^"]*" data-state="([A-Z]{3})"', answer.text))

    assert steps_of(unassigned) == {"BOL", "PER"}
    assert claimed.status_code == 303
    assert "already assigned to r.soto" in taken.text
    assert assigned.status_code == 303
    assert steps_of(mine) == {"BOL"}
    assert steps_of(team) == {"PER", "ECU"}
    assert re.search(r"Assigned to: <strong>r.soto</strong>", page.text)
    quispe, soto = users_of(tmp_path).user("a.quispe"), users_of(tmp_path).user("r.soto")
    assert quispe is not None
    assert soto is not None
    assert (quispe.scope.states, quispe.scope.regions) == (("BOL",), ("Americas",))
    assert soto.scope.states == ("ECU", "PER")
