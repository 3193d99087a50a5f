"""Mail in the web app: a manager gives any user an address and a choice of mail on the users' page, and each
officer or manager chooses their own on their calendar page; a bad address is refused in one sentence and
records nothing."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import httpx
import pytest_asyncio

from activities.users import Users
from domain.contact import MailPreference
from domain.facts import Fact
from domain.user import Role
from tests.integration.web_app import app_alone, client_at, csrf_of, sign_in, users_of


@dataclass(frozen=True)
class Office:
    home: Path
    manager: httpx.AsyncClient
    officer: httpx.AsyncClient

    def users(self) -> Users:
        return users_of(self.home)

    def last_event(self) -> tuple[str, str, object]:
        users = self.users()
        notes = users.recorder.select_notifications(start=0, limit=1000)
        event = cast(Fact, users.mapper.to_domain_event(notes[-1]))
        return type(event).__name__, event.actor, event.door


async def post(client: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    return await client.post(path, data={"csrf": await csrf_of(client), **fields})


def flash_of(page: str) -> str:
    found = re.search(r'<p class="flash (?:ok|error)"[^>]*>([^<]+)</p>', page)
    assert found is not None, page
    return html.unescape(found.group(1))


@pytest_asyncio.fixture(loop_scope="session")
async def office(tmp_path: Path) -> AsyncIterator[Office]:
    users = users_of(tmp_path)
    _, manager_token = users.add("m.rossi", Role.MANAGER, users.scope(), actor="test")
    _, officer_token = users.add("a.quispe", Role.OFFICER, users.scope(regions=("Americas",)), actor="test")
    app = app_alone(tmp_path)
    manager, officer = client_at(app), client_at(app)
    for client, token in ((manager, manager_token), (officer, officer_token)):
        assert (await sign_in(client, token)).status_code == 303
    yield Office(tmp_path, manager, officer)
    await manager.aclose()
    await officer.aclose()


async def test_a_manager_gives_an_officer_an_address_and_a_bad_one_is_refused_as_typed(
    office: Office,
) -> None:
    given = await post(
        office.manager, "/users/a.quispe/contact", email="a.quispe@un.example.org", mail="each"
    )
    listed = await office.manager.get("/users")
    after_given = office.users().user("a.quispe")
    recorded = office.last_event()
    refused = await post(office.manager, "/users/a.quispe/contact", email="a.quispe@un", mail="each")
    unknown_choice = await post(office.manager, "/users/a.quispe/contact", email="", mail="weekly")
    by_an_officer = await post(
        office.officer, "/users/a.quispe/contact", email="x@un.example.org", mail="each"
    )

    assert given.status_code == 303
    assert after_given is not None
    assert (after_given.email, after_given.mail) == ("a.quispe@un.example.org", MailPreference.EACH)
    assert recorded == ("ContactChanged", "m.rossi", "web")
    assert refused.status_code == 422
    assert flash_of(refused.text) == (
        "'a.quispe@un' is not an e-mail address: write one mailbox, as name@example.org."
    )
    assert 'value="a.quispe@un"' in refused.text
    assert unknown_choice.status_code == 422
    assert flash_of(unknown_choice.text) == "'weekly' is not a choice of mail: choose each, digest, none."
    assert by_an_officer.status_code == 403
    assert office.last_event() == recorded
    assert "a.quispe is told of overdue steps at a.quispe@un.example.org (each)." in flash_of(listed.text)


async def test_an_officer_chooses_a_daily_digest_on_their_calendar_page(office: Office) -> None:
    page = await office.officer.get("/calendar")
    chosen = await post(office.officer, "/calendar/mail", mail="digest")
    shown = await office.officer.get("/calendar")
    refused = await post(office.officer, "/calendar/mail", mail="hourly")

    assert "You have no e-mail address yet" in page.text
    assert 'value="each" checked' in page.text
    assert chosen.status_code == 303
    record = office.users().user("a.quispe")
    assert record is not None
    assert record.mail is MailPreference.DIGEST
    assert office.last_event() == ("ContactChanged", "a.quispe", "web")
    users = office.users()
    events = users.recorder.max_notification_id()
    assert refused.status_code == 422
    assert flash_of(refused.text) == "'hourly' is not a choice of mail: choose each, digest, none."
    assert 'value="digest" checked' in shown.text
    assert "Overdue steps reach you by mail: digest." in flash_of(shown.text)
    assert users.recorder.max_notification_id() == events
