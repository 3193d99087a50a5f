"""Sessions of the web app live in the event store: signing out ends one for every copy of its cookie and
on every web server, and revoking a user or issuing a new token ends all of theirs at once."""

from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from eventsourcing.persistence import IntegrityError

from activities.users import Users
from domain.facts import Fact
from domain.user import Role, Scope
from tests.integration.web_app import app_alone, client_at, csrf_of, sign_in, users_of

MANAGER = "m.ruiz"


class Clock:
    """The app's clock, moved forward by the test."""

    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.ahead


def log_of(users: Users) -> list[Fact]:
    notes = users.recorder.select_notifications(start=0, limit=1000, inclusive_of_start=False)
    return [cast(Fact, users.mapper.to_domain_event(n)) for n in notes]


def sessions_in(users: Users) -> list[tuple[str, str, Any]]:
    """(event, actor, reason) of each session event of the Users log, in order."""
    return [
        (type(e).__name__, e.actor, getattr(e, "reason", None))
        for e in log_of(users)
        if type(e).__name__.startswith("Session")
    ]


async def signed_in(client: httpx.AsyncClient) -> bool:
    """Whether the client's cookie still opens a manager's page (else it is sent to sign in)."""
    answer = await client.get("/users")
    assert answer.status_code in (200, 303), answer.text
    return answer.status_code == 200


async def sign_out(client: httpx.AsyncClient) -> httpx.Response:
    return await client.post("/logout", data={"csrf": await csrf_of(client)})


@pytest.fixture
def token(tmp_path: Path) -> str:
    return users_of(tmp_path).add(MANAGER, Role.MANAGER, Scope(), actor="admin")[1]


async def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(tmp_path: Path, token: str) -> None:
    app = app_alone(tmp_path)
    async with client_at(app) as browser:
        assert (await sign_in(browser, token)).status_code == 303
        async with client_at(app, "192.0.2.66", cookies=browser.cookies) as thief:
            assert await signed_in(thief)
            out = await sign_out(browser)
            still = await signed_in(thief)

    assert (out.status_code, out.headers["location"]) == (303, "/login")
    assert not still


async def test_a_session_ended_on_one_web_server_is_over_on_every_other(tmp_path: Path, token: str) -> None:
    first, second = app_alone(tmp_path), app_alone(tmp_path)
    async with client_at(first) as browser:
        await sign_in(browser, token)
        async with client_at(second, cookies=browser.cookies) as elsewhere:
            before = await signed_in(elsewhere)
            await sign_out(browser)
            after = await signed_in(elsewhere)

    assert (before, after) == (True, False)


@pytest.mark.parametrize("change", ["revoke", "issue_token"])
async def test_revoking_a_user_or_issuing_a_new_token_ends_all_their_sessions_at_once(
    tmp_path: Path, token: str, change: str
) -> None:
    app = app_alone(tmp_path)
    async with client_at(app) as office, client_at(app, "192.0.2.7") as home:
        await sign_in(office, token)
        await sign_in(home, token)
        getattr(users_of(tmp_path), change)(MANAGER, actor="admin")
        still = [await signed_in(office), await signed_in(home)]

    assert still == [False, False]
    ended = [s for s in sessions_in(users_of(tmp_path)) if s[0] == "SessionEnded"]
    assert ended == [("SessionEnded", "admin", "token revoked")] * 2


async def test_sessions_are_events_of_the_user_and_the_cookie_secret_is_not_stored(
    tmp_path: Path, token: str
) -> None:
    app = app_alone(tmp_path)
    async with client_at(app) as browser:
        await sign_in(browser, token)
        cookie = browser.cookies["palermo_session"]
        await sign_out(browser)

    content = json.loads(base64.b64decode(cookie.split(".")[0] + "=="))
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("users.sqlite*"))
    assert set(content) == {"session", "csrf"}
    assert content["session"].encode() not in stored
    assert token.partition(".")[2].encode() not in stored
    assert sessions_in(users_of(tmp_path)) == [
        ("SessionStarted", MANAGER, None),
        ("SessionEnded", MANAGER, "signed out"),
    ]
    assert {e.door for e in log_of(users_of(tmp_path)) if type(e).__name__.startswith("Session")} == {"web"}


async def test_a_session_is_over_eight_hours_after_signing_in(tmp_path: Path, token: str) -> None:
    clock = Clock()
    app = app_alone(tmp_path, clock=clock)
    async with client_at(app) as browser:
        await sign_in(browser, token)
        clock.ahead = timedelta(hours=7, minutes=59)
        before = await signed_in(browser)
        clock.ahead = timedelta(hours=8)
        after = await signed_in(browser)

    assert (before, after) == (True, False)


def test_a_sign_in_meeting_a_change_of_the_same_user_elsewhere_is_retried(tmp_path: Path, token: str) -> None:
    here, elsewhere = users_of(tmp_path), users_of(tmp_path)
    get = here.repository.get
    changed: list[bool] = []

    def get_then_change_elsewhere(*args: Any, **kwargs: Any) -> Any:
        found = get(*args, **kwargs)
        if not changed:
            changed.append(True)
            elsewhere.assign(MANAGER, Scope(), role=Role.AUDITOR, actor="admin")
        return found

    here.repository.get = get_then_change_elsewhere  # type: ignore[method-assign]
    try:
        secret = here.start_session(MANAGER, token.partition(".")[0])
    except IntegrityError:
        pytest.fail("a sign-in that met another server's change of the user was not tried again")

    assert here.signed_in(secret) is not None
    assert [type(e).__name__ for e in log_of(here)][-2:] == ["AccessChanged", "SessionStarted"]


def test_twenty_sign_ins_of_one_user_at_once_in_one_process_all_start_a_session(
    tmp_path: Path, token: str
) -> None:
    users = users_of(tmp_path)
    token_id = token.partition(".")[0]
    with ThreadPoolExecutor(max_workers=20) as pool:
        secrets = list(pool.map(lambda _: users.start_session(MANAGER, token_id), range(20)))

    assert all(users.signed_in(secret) is not None for secret in secrets)
    assert [event for event, _, _ in sessions_in(users)].count("SessionStarted") == 20
