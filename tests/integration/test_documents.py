"""Documents attached to steps, on a real worker and dev server: through the command line, the API and the web
forms; kept by their hash beside the event store, the event recording the hash; read back by those who may see
the case and by nobody else; refused, recording nothing, when too large or not as named; and caught by the
audit once their bytes are changed."""

from __future__ import annotations

import base64
import json
import random
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from domain.attachments import sha256_of
from domain.engagement import engagement_id
from domain.regions import REGION_OF, Region
from domain.user import Role
from tests.integration.test_rounds_doors import cli
from tests.integration.web_app import WebApp, csrf_of, running_web_app

OFFICER, STRANGER, MANAGER = "a.quispe", "stranger", "manager"
# Small, so that a file over it is quick to make; the web app and the command line read it alike.
LIMIT = 4096
LAW = "Ley 1768 de 10 de marzo de 1997 — Código Penal, artículos 132 bis y 185 bis.\n".encode() * 8
LETTER = b"Note verbale No. 12/2002 of the Permanent Mission, naming the focal point."


@dataclass(frozen=True)
class Desk:
    """The web app with an officer's case opened, a stranger officer of another region, and a manager."""

    web: WebApp
    state: str
    officer: httpx.AsyncClient
    stranger: httpx.AsyncClient
    folder: Path

    def stored(self) -> list[dict[str, Any]]:
        """The case's events as the event store holds them, fields as stored."""
        engagements = self.web.engagements()
        try:
            rows = engagements.recorder.select_events(engagement_id(self.state))
        finally:
            engagements.close()
        return [json.loads(row.state) | {"topic": row.topic} for row in rows]

    def kept(self) -> list[Path]:
        return sorted(p for p in self.folder.rglob("*") if p.is_file())

    async def cli(self, *args: str) -> tuple[int, str]:
        result = await cli(self.web, *args)
        return result.exit_code, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.output)


@pytest_asyncio.fixture(loop_scope="session")
async def desk(
    temporal_env_dev: WorkflowEnvironment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Desk]:
    monkeypatch.setenv("PALERMO_DOCUMENT_MAX_BYTES", str(LIMIT))
    # Wide enough that the command line's tables keep each document on one line.
    monkeypatch.setenv("COLUMNS", "400")
    state = random.choice(sorted(REGION_OF))
    elsewhere = random.choice([r for r in Region if r is not REGION_OF[state]])
    async with running_web_app(temporal_env_dev, tmp_path / "home") as web:
        web.add_user(OFFICER, Role.OFFICER, states=(state,))
        web.add_user(STRANGER, Role.OFFICER, regions=(elsewhere.value,))
        web.add_user(MANAGER, Role.MANAGER)
        body = {"state": state, "instruments": ["convention"], "effective_date": "2001-09-03"}
        assert (await web.api("POST", "/api/cases", OFFICER, json=body)).status_code == 201
        officer, stranger = await web.browser(OFFICER), await web.browser(STRANGER)
        yield Desk(web, state, officer, stranger, web.settings.home_dir / "documents")
        await officer.aclose()
        await stranger.aclose()


async def test_a_file_attached_on_the_command_line_is_recorded_by_its_hash_and_read_back_by_its_readers(
    desk: Desk, tmp_path: Path
) -> None:
    law, letter = tmp_path / "Ley 1768.pdf", tmp_path / "nota.txt"
    law.write_bytes(LAW)
    letter.write_bytes(LETTER)
    digest = sha256_of(LAW)

    code, said = await desk.cli(
        "case", "advance", desk.state, "law_summary", "--effective", "2002-01-10",
        "--attach", str(law), "--attach", str(letter),
    )  # fmt: skip
    shown = json.loads((await desk.cli("case", "show", desk.state, "--json"))[1])
    history = json.loads((await desk.cli("case", "history", desk.state, "--json"))[1])
    table = (await desk.cli("case", "history", desk.state))[1]
    page = await desk.officer.get(f"/cases/{desk.state}")
    link = f"/cases/{desk.state}/documents/{digest}"
    downloaded = await desk.officer.get(link)
    by_manager = await desk.web.api("GET", f"/api{link}", MANAGER)
    by_stranger = await desk.stranger.get(link)
    by_stranger_api = await desk.web.api("GET", f"/api{link}", STRANGER)
    not_in_case = await desk.officer.get(f"/cases/{desk.state}/documents/{sha256_of(b'elsewhere')}")

    assert code == 0, said
    summary = desk.stored()[-1]
    assert summary["topic"].endswith(":LawSummaryReceived")
    assert summary["documents"] == [
        {"name": "Ley 1768.pdf", "media_type": "application/pdf", "size": len(LAW), "sha256": digest},
        {"name": "nota.txt", "media_type": "text/plain", "size": len(LETTER), "sha256": sha256_of(LETTER)},
    ]
    assert "documents" not in desk.stored()[0]
    assert (desk.folder / "sha256" / digest[:2] / digest).read_bytes() == LAW
    assert [(d["step"], d["event"], d["name"]) for d in shown["documents"]] == [
        ("law_summary", "LawSummaryReceived", "Ley 1768.pdf"),
        ("law_summary", "LawSummaryReceived", "nota.txt"),
    ]
    assert history[-1]["data"]["documents"][0]["sha256"] == digest
    assert f"sha256 {digest[:12]}" in table
    assert page.status_code == 200
    assert f'href="{link}">Ley 1768.pdf</a>' in page.text
    assert f'<code title="SHA-256 {digest}">{digest[:12]}</code>' in page.text
    assert (downloaded.status_code, downloaded.content) == (200, LAW)
    assert downloaded.headers["content-type"] == "application/pdf"
    assert "attachment" in downloaded.headers["content-disposition"]
    assert "Ley%201768.pdf" in downloaded.headers["content-disposition"]
    recorded = base64.b64encode(bytes.fromhex(digest)).decode()
    assert downloaded.headers["repr-digest"] == f"sha-256=:{recorded}:"
    assert (by_manager.status_code, by_manager.content) == (200, LAW)
    assert by_stranger.status_code == by_stranger_api.status_code == not_in_case.status_code == 404
    assert LAW not in by_stranger.content


async def test_a_document_stored_through_the_api_is_named_in_a_step_and_read_back(desk: Desk) -> None:
    upload = {"file": ("focal point.txt", LETTER, "text/plain")}

    stored = await desk.web.api("POST", "/api/documents", OFFICER, files=upload)
    checked = await desk.web.api(
        "POST", "/api/documents", OFFICER, files=upload, data={"sha256": sha256_of(LETTER).upper()}
    )
    by_stranger = await desk.web.api("POST", "/api/documents", STRANGER, files=upload)
    named = {"focal_point": {"name": "R. Soto"}, "documents": [stored.json()]}
    step = await desk.web.api("POST", f"/api/cases/{desk.state}/focal_point", OFFICER, json=named)
    read = await desk.web.api("GET", f"/api/cases/{desk.state}/documents/{sha256_of(LETTER)}", OFFICER)

    assert stored.status_code == 201, stored.text
    assert stored.json() == {
        "name": "focal point.txt",
        "media_type": "text/plain",
        "size": len(LETTER),
        "sha256": sha256_of(LETTER),
    }
    assert (checked.status_code, checked.json()) == (201, stored.json())
    # The stranger may store documents (an officer), but not name them in a case that is not theirs.
    assert by_stranger.status_code == 201
    assert step.status_code == 200, step.text
    assert [d["name"] for d in step.json()["case"]["documents"]] == ["focal point.txt"]
    assert desk.stored()[-1]["documents"] == [stored.json()]
    assert (read.status_code, read.content) == (200, LETTER)


async def test_a_document_too_large_or_not_as_named_is_refused_in_a_sentence_and_nothing_is_recorded(
    desk: Desk, tmp_path: Path
) -> None:
    big = tmp_path / "annexes.pdf"
    big.write_bytes(b"x" * (LIMIT + 1))
    before, kept = desk.stored(), desk.kept()
    letter = {
        "name": "nota.txt",
        "media_type": "text/plain",
        "size": len(LETTER),
        "sha256": sha256_of(LETTER),
    }
    path = f"/api/cases/{desk.state}/law_summary"

    too_large_cli = await desk.cli("case", "advance", desk.state, "law_summary", "--attach", str(big))
    missing_cli = await desk.cli(
        "case", "advance", desk.state, "law_summary", "--attach", str(tmp_path / "no")
    )
    too_large_api = await desk.web.api(
        "POST", "/api/documents", OFFICER, files={"file": ("annexes.pdf", big.read_bytes())}
    )
    mismatched = await desk.web.api(
        "POST", "/api/documents", OFFICER, files={"file": ("nota.txt", LETTER)}, data={"sha256": "0" * 64}
    )
    never_stored = await desk.web.api("POST", path, OFFICER, json={"documents": [letter]})
    form = {"csrf": await csrf_of(desk.officer), "document": "L/2002/1"}
    too_large_form = await desk.officer.post(
        path.removeprefix("/api"), data=form, files=[("documents", ("annexes.pdf", big.read_bytes()))]
    )

    assert too_large_cli[0] == 1
    assert "annexes.pdf is larger than 4.0 KB, the most a document may be" in too_large_cli[1]
    assert missing_cli[0] == 1
    assert "the file cannot be read" in missing_cli[1]
    assert too_large_api.status_code == 413
    assert too_large_api.json()["error"].startswith("annexes.pdf is larger than 4.0 KB")
    assert mismatched.status_code == 422
    assert mismatched.json()["error"].startswith(
        f"nota.txt does not match the SHA-256 given for it: its bytes hash to {sha256_of(LETTER)}"
    )
    assert never_stored.status_code == 422
    assert never_stored.json()["error"].startswith(f"No document with SHA-256 {sha256_of(LETTER)} is stored")
    assert too_large_form.status_code == 413
    assert "annexes.pdf is larger than 4.0 KB" in too_large_form.text
    assert 'value="L/2002/1"' in too_large_form.text
    assert desk.stored() == before
    assert desk.kept() == kept


async def test_a_document_sent_with_a_step_form_is_listed_on_the_case_page(desk: Desk) -> None:
    form = {"csrf": await csrf_of(desk.officer), "document": "L/2002/1", "effective_date": "2002-01-10"}
    files = [("documents", ("ley.pdf", LAW, "application/pdf")), ("documents", ("nota.txt", LETTER, None))]

    sent = await desk.officer.post(f"/cases/{desk.state}/law_summary", data=form, files=files)
    page = await desk.officer.get(f"/cases/{desk.state}")

    assert sent.status_code == 303, sent.text
    assert [d["name"] for d in desk.stored()[-1]["documents"]] == ["ley.pdf", "nota.txt"]
    assert 'enctype="multipart/form-data"' in page.text
    assert f'href="/cases/{desk.state}/documents/{sha256_of(LETTER)}">nota.txt</a>' in page.text


async def test_the_audit_fails_naming_the_state_event_and_file_once_a_documents_bytes_are_changed(
    desk: Desk, tmp_path: Path
) -> None:
    law = tmp_path / "ley.pdf"
    law.write_bytes(LAW)
    assert (await desk.cli("case", "advance", desk.state, "law_summary", "--attach", str(law)))[0] == 0
    kept = desk.folder / "sha256" / sha256_of(LAW)[:2] / sha256_of(LAW)

    desk.web.add_user("auditor", Role.AUDITOR)
    auditor = await desk.web.browser("auditor")

    intact = await desk.cli("audit", "verify")
    kept.write_bytes(LAW.replace(b"1997", b"1998"))
    altered = await desk.cli("audit", "verify")
    page = await auditor.get("/audit/verify")
    kept.unlink()
    gone = await desk.cli("audit", "verify")
    await auditor.aclose()

    assert intact[0] == 0, intact[1]
    assert re.fullmatch(r"verified \d+ events in 7 applications and 1 document\n", intact[1]), intact[1]
    assert altered[0] == 1
    line = f"Engagements: position 2 document altered — {desk.state} LawSummaryReceived (version 2): ley.pdf"
    assert line in altered[1].replace("\n", " "), altered[1]
    assert "no longer hashes to it" in altered[1]
    assert page.status_code == 409
    assert "A document is not as its event recorded it" in page.text
    assert "The chain is broken" not in page.text
    assert gone[0] == 1
    assert f"document missing — {desk.state} LawSummaryReceived (version 2): ley.pdf" in gone[1]
