"""The users' store is in the audit chain like every other: an officer made a manager, or a token hash
swapped, by editing the database, is caught by `audit verify` and by the seal; a store of users alone
verifies."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import cast

import pytest

from activities.tokens import TokenCost
from activities.users import Users
from domain.user import Role, Scope
from tests.integration.audit_store import Store, deployment, recorded_store
from usecases.audits import make_seal, verify
from usecases.settings import Settings

CHEAP = TokenCost(n=2**10, r=8, p=1)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    url = cast(str, request.getfixturevalue("fresh_postgres_url")) if request.param == "postgres" else None
    recorded = recorded_store(request.param, tmp_path / "home", url)
    add_users(recorded.settings)
    return recorded


def add_users(settings: Settings) -> None:
    users = Users(settings.store_env("Users"), cost=CHEAP)
    try:
        users.add("a.quispe", Role.OFFICER, Scope(states=("BOL",)), actor="admin")
        users.add("m.rossi", Role.MANAGER, Scope(), actor="admin")
    finally:
        users.close()


def user_event(store: Store, topic_end: str) -> int:
    rows = store.sql("Users", "SELECT {pos}, topic FROM {events} ORDER BY {pos}")
    return next(int(position) for position, topic in rows if str(topic).endswith(topic_end))


def test_the_users_store_is_verified_and_sealed_with_the_others(store: Store) -> None:
    verified = verify(store.settings, store.key)

    assert verified.applications["Users"].events == 4  # two users added, each with a token issued
    assert make_seal(store.settings, store.key).applications["Users"].position == store.last("Users")


def test_an_officer_made_a_manager_by_editing_the_database_is_caught(store: Store) -> None:
    seal = make_seal(store.settings, store.key)
    position = user_event(store, ":UserAdded")
    fields = json.loads(bytes(store.row(position, "Users")[3]))
    fields["role"] = "manager"
    edited = json.dumps(fields).encode()
    store.sql("Users", "UPDATE {events} SET state = ? WHERE {pos} = ?", (edited, position))

    for found in (store.failures(), store.failures(seal)):
        assert [(f.application, f.position, f.reason) for f in found] == [("Users", position, "modified")]


def test_a_token_hash_swapped_in_the_database_is_caught(store: Store) -> None:
    position = user_event(store, ":TokenIssued")
    fields = json.loads(bytes(store.row(position, "Users")[3]))
    fields["token"]["digest"] = secrets.token_hex(32)
    edited = json.dumps(fields).encode()
    store.sql("Users", "UPDATE {events} SET state = ? WHERE {pos} = ?", (edited, position))

    assert [(f.application, f.reason) for f in store.failures()] == [("Users", "modified")]


def test_a_store_of_users_alone_verifies(tmp_path: Path) -> None:
    settings = deployment("sqlite", tmp_path / "home", None, None)
    add_users(settings)

    verified = verify(settings, Store("sqlite", settings).key)

    assert verified.applications["Users"].events == 4
    assert verified.applications["Engagements"].events == 0
