"""Signing in under attack: repeated failures are answered 429 with Retry-After, by address and by user,
and a correct token from an address that has not failed always gets in."""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx

from domain.user import Role, Scope
from tests.integration.web_app import app_alone, client_at, csrf_of, sign_in, users_of, wrong_secret

WINDOW_S = 300


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def guessed() -> str:
    return f"{secrets.token_hex(6)}.{secrets.token_urlsafe(32)}"


def assert_too_many(answer: httpx.Response) -> None:
    assert answer.status_code == 429, answer.text
    assert 1 <= int(answer.headers["retry-after"]) <= WINDOW_S


async def test_bad_tokens_from_one_address_are_refused_with_429_and_retry_after(tmp_path: Path) -> None:
    app = app_alone(tmp_path, sign_in_failures_per_client=3, sign_in_window=WINDOW_S)
    _, token = users_of(tmp_path).add("m.ruiz", Role.MANAGER, Scope(), actor="admin")

    async with client_at(app, "192.0.2.1") as attacker, client_at(app, "192.0.2.2") as colleague:
        answers = [await attacker.get("/api/me", headers=bearer(guessed())) for _ in range(4)]
        own = await attacker.get("/api/me", headers=bearer(token))
        elsewhere = await colleague.get("/api/me", headers=bearer(token))

    assert [a.status_code for a in answers[:3]] == [401, 401, 401]
    assert_too_many(answers[3])
    assert list(answers[3].json()) == ["error"]
    assert "Too many failed sign-ins" in answers[3].json()["error"]
    assert_too_many(own)
    assert elsewhere.status_code == 200
    assert elsewhere.json()["name"] == "m.ruiz"


async def test_failures_against_a_user_slow_only_addresses_that_failed_never_a_correct_token(
    tmp_path: Path,
) -> None:
    app = app_alone(tmp_path, sign_in_failures_per_user=3, sign_in_window=WINDOW_S)
    _, token = users_of(tmp_path).add("a.quispe", Role.AUDITOR, Scope(), actor="admin")
    attackers = [client_at(app, f"192.0.2.{n}") for n in range(10, 14)]

    first = [await a.get("/api/me", headers=bearer(wrong_secret(token))) for a in attackers]
    again = await attackers[0].get("/api/me", headers=bearer(wrong_secret(token)))
    async with client_at(app, "198.51.100.7") as api, client_at(app, "198.51.100.8") as browser:
        by_api = await api.get("/api/me", headers=bearer(token))
        by_page = await sign_in(browser, token)
        page = await browser.get("/users")
    for attacker in attackers:
        await attacker.aclose()

    # A clean address's guess is still checked (and fails); an address that failed waits.
    assert [a.status_code for a in first] == [401, 401, 401, 401]
    assert_too_many(again)
    assert by_api.status_code == 200
    assert (by_page.status_code, by_page.headers["location"]) == (303, "/audit")
    assert page.status_code == 200


async def test_the_sign_in_page_answers_too_many_failures_with_429_and_one_sentence(tmp_path: Path) -> None:
    app = app_alone(tmp_path, sign_in_failures_per_client=2, sign_in_window=WINDOW_S)
    _, token = users_of(tmp_path).add("o.diallo", Role.MANAGER, Scope(), actor="admin")

    async with client_at(app, "192.0.2.5") as browser:
        failed = [await sign_in(browser, guessed()) for _ in range(2)]
        refused = await sign_in(browser, token)
        still_out = await browser.get("/users")

    assert [f.status_code for f in failed] == [401, 401]
    assert_too_many(refused)
    assert "<h1>Sign in</h1>" in refused.text
    assert refused.text.count('role="alert"') == 1
    assert "Too many failed sign-ins" in refused.text
    assert still_out.status_code == 303


async def test_a_sign_in_form_not_from_the_page_the_browser_was_given_is_refused_with_403(
    tmp_path: Path,
) -> None:
    app = app_alone(tmp_path)
    users = users_of(tmp_path)
    _, token = users.add("m.ruiz", Role.MANAGER, Scope(), actor="admin")

    async with client_at(app, "192.0.2.9") as attacker, client_at(app) as victim:
        from_elsewhere = await victim.post("/login", data={"token": token})
        await victim.get("/login")
        with_no_token = await victim.post("/login", data={"token": token})
        with_the_attackers = await victim.post(
            "/login", data={"token": token, "csrf": await csrf_of(attacker)}
        )
        still_out = await victim.get("/users")
        genuine = await sign_in(victim, token)

    for forged in (from_elsewhere, with_no_token, with_the_attackers):
        assert forged.status_code == 403, forged.text
        assert forged.text.count('role="alert"') == 1
        assert "came from elsewhere" in forged.text
    assert still_out.status_code == 303
    assert genuine.status_code == 303
    started = [e for e in users.recorder.select_notifications(0, 100) if e.topic.endswith("SessionStarted")]
    assert len(started) == 1
