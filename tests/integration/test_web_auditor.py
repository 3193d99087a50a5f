"""An auditor's work in the web app: verify the chains, seal them, replay a State as of a date, export a
bundle; a store changed behind Palermo's back is caught on the page."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from collections.abc import AsyncIterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest_asyncio

from activities.engagements import Engagements
from domain.commands import OpenEngagement, RecordLawSummary
from domain.engagement import engagement_id
from domain.user import Role
from domain.values import Instrument
from tests.integration.web_app import app_alone, client_at, sign_in, users_of
from usecases.settings import Settings

AUDITOR = "c.dupont"


@dataclass(frozen=True)
class Desk:
    home: Path
    auditor: httpx.AsyncClient


@pytest_asyncio.fixture(loop_scope="session")
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    engagements = Engagements(Settings(home=tmp_path).store_env("Engagements"))
    common = {"state": "BOL", "actor": "a.quispe", "command_id": None}
    engagements.handle(
        OpenEngagement(**common, effective_date=date(2001, 9, 3), instruments=(Instrument.CONVENTION,))
    )
    engagements.handle(RecordLawSummary(**common, effective_date=date(2002, 1, 28), document="BOL/1"))
    engagements.close()
    users = users_of(tmp_path)
    _, token = users.add(AUDITOR, Role.AUDITOR, users.scope(), actor="test")
    auditor = client_at(app_alone(tmp_path))
    assert (await sign_in(auditor, token)).status_code == 303
    yield Desk(tmp_path, auditor)
    await auditor.aclose()


async def test_an_auditor_verifies_seals_replays_and_exports_from_the_web_app(desk: Desk) -> None:
    verified = await desk.auditor.get("/audit/verify")
    seal = await desk.auditor.get("/audit/seal")
    before = await desk.auditor.get("/audit/replay", params={"state": "BOL", "as_of": "2001-09-01"})
    after = await desk.auditor.get("/audit/replay", params={"state": "BOL", "as_of": "2002-02-01"})
    bundle = await desk.auditor.get("/audit/export", params={"state": "BOL", "as_of": "2002-03-04"})

    assert verified.status_code == 200
    assert "Every log matches its chain" in verified.text
    assert seal.status_code == 200
    assert seal.headers["content-disposition"].startswith('attachment; filename="seal-')
    assert "Engagements" in json.loads(seal.content)["applications"]
    assert before.status_code == 200
    assert "Replayed 2 events (the engagement of BOL): no differences." in before.text
    assert "no request yet" in before.text
    assert "focal point" in after.text  # the stage BOL was at on 1 February 2002
    assert bundle.status_code == 200
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        assert {"events.jsonl", "seal.json", "manifest.json"} <= set(archive.namelist())


async def test_a_store_changed_behind_palermos_back_is_caught_by_the_web_apps_verification(
    desk: Desk,
) -> None:
    with closing(sqlite3.connect(desk.home / "engagements.sqlite")) as db, db:
        db.execute(
            "UPDATE stored_events SET state = ? WHERE originator_id = ? AND originator_version = 2",
            (b'{"document": "FORGED"}', engagement_id("BOL").hex),
        )

    verified = await desk.auditor.get("/audit/verify")

    assert verified.status_code == 409
    assert "The chain is broken" in verified.text
    assert "Engagements: position 2" in verified.text
