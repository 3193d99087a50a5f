"""Checking a presented token: the slow hash runs beside other requests, never in their way, and costs the
same whether or not the token's id exists."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from activities.tokens import TokenCost
from activities.users import Users
from domain.user import Role, Scope
from tests.integration.web_app import TEST_COST, wrong_secret
from usecases.settings import Settings

WAIT_S = 10.0


@pytest.fixture
def users(tmp_path: Path) -> Iterator[Users]:
    # The cost of checking an unknown id is the application's own: the same as the tokens' here.
    found = Users(Settings(home=tmp_path).store_env("Users"), cost=TEST_COST)
    yield found
    found.close()


def test_a_slow_token_check_does_not_hold_up_other_readers_of_the_users(
    users: Users, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = users.add("m.ruiz", Role.MANAGER, Scope(), actor="admin")
    hashing, release = threading.Event(), threading.Event()
    scrypt = hashlib.scrypt

    def held_scrypt(*args: Any, **kwargs: Any) -> bytes:
        hashing.set()
        release.wait(WAIT_S)
        return scrypt(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", held_scrypt)
    checking = threading.Thread(target=users.authenticate, args=(wrong_secret(token),))
    checking.start()
    try:
        assert hashing.wait(WAIT_S)
        answered: list[object] = []
        reader = threading.Thread(target=lambda: answered.append(users.user("m.ruiz")))
        reader.start()
        reader.join(2.0)
        # Read while the hash is still being computed: the check holds no lock others need.
        assert answered != [], "reading a user waited for another request's token check"
    finally:
        release.set()
        checking.join()


def test_an_unknown_token_id_costs_the_same_hashing_as_a_wrong_secret(
    users: Users, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = users.add("a.quispe", Role.AUDITOR, Scope(), actor="admin")
    costs: list[tuple[int, int, int]] = []
    scrypt = hashlib.scrypt

    def counted_scrypt(password: bytes, **kwargs: Any) -> bytes:
        costs.append((kwargs["n"], kwargs["r"], kwargs["p"]))
        return scrypt(password, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counted_scrypt)
    known = users.authenticate(wrong_secret(token))
    work_for_known = list(costs)
    costs.clear()
    unknown = users.authenticate("0123456789ab." + token.partition(".")[2])

    assert (known, unknown) == (None, None)
    assert work_for_known == [(TEST_COST.n, TEST_COST.r, TEST_COST.p)]
    assert costs == work_for_known


def test_a_token_issued_at_another_cost_is_checked_at_its_own(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    issuer = Users(settings.store_env("Users"), cost=TokenCost(n=2**11, r=8, p=1))
    _, token = issuer.add("o.diallo", Role.AUDITOR, Scope(), actor="admin")
    checker = Users(settings.store_env("Users"), cost=TEST_COST)

    found = checker.authenticate(token)

    assert found is not None
    assert found.name == "o.diallo"
    assert checker.authenticate(wrong_secret(token)) is None
