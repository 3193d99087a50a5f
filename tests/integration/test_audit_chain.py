"""Tamper evidence on SQLite and PostgreSQL: each way of editing the database directly is caught and named."""

from __future__ import annotations

import json
import secrets
import stat
import threading
from pathlib import Path
from typing import cast
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from activities.engagements import Engagements
from activities.store.chain_store import UnchainedHistory
from audit.verify import Failure, SealInvalid, read_seal
from tests.integration.audit_store import RECORDED, Store, deployment, record, recorded_store, steps
from usecases.audits import adopt, audit_key, make_seal, verify
from usecases.settings import SettingsError, load_settings


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """Two engagements of four steps (Engagements 1-8) and three treaty actions, under a fresh key."""
    url = cast(str, request.getfixturevalue("fresh_postgres_url")) if request.param == "postgres" else None
    return recorded_store(request.param, tmp_path / "home", url)


def only(failures: list[Failure]) -> tuple[str, int, str]:
    assert len(failures) == 1, failures
    return failures[0].application, failures[0].position, failures[0].reason


def test_an_untouched_store_verifies_every_event_of_every_application(store: Store) -> None:
    verified = verify(store.settings, store.key)

    assert verified.events == 11
    assert {name: head.events for name, head in verified.applications.items()} == {
        "Engagements": 8,
        "Treaties": 3,
        "Outreach": 0,
        "Resources": 0,
        "Legislation": 0,
        "Users": 0,
        "RequestKeys": 0,
    }
    assert verified.applications["Engagements"].position == store.last()


def test_an_edited_event_is_named_as_modified_at_its_position(store: Store) -> None:
    state = store.row(3)[3]
    fields = json.loads(bytes(state))
    fields["actor"] = "someone else"
    store.sql(
        "Engagements", "UPDATE {events} SET state = ? WHERE {pos} = ?", (json.dumps(fields).encode(), 3)
    )

    assert only(store.failures()) == ("Engagements", 3, "modified")


def test_a_deleted_event_is_named_as_deleted_at_its_position(store: Store) -> None:
    store.sql("Engagements", "DELETE FROM {events} WHERE {pos} = ?", (2,))

    assert only(store.failures()) == ("Engagements", 2, "deleted")


def test_events_deleted_with_their_chain_rows_are_named_as_deleted_from_the_first(store: Store) -> None:
    store.sql("Engagements", "DELETE FROM {events} WHERE {pos} IN (4, 5)")
    store.sql("Engagements", "DELETE FROM {chain} WHERE position IN (4, 5)")

    failures = store.failures()
    assert only(failures) == ("Engagements", 4, "deleted")
    assert "positions 4 to 5" in failures[0].detail


def test_two_events_that_trade_places_are_named_as_reordered(store: Store) -> None:
    first, second = store.row(2), store.row(3)
    swap = (
        "UPDATE {events} SET originator_id = ?, originator_version = ?, topic = ?, state = ? WHERE {pos} = ?"
    )
    store.sql("Engagements", "UPDATE {events} SET originator_version = -1 WHERE {pos} = ?", (2,))
    store.sql("Engagements", swap, (*first, 3))
    store.sql("Engagements", swap, (*second, 2))

    application, position, reason = only(store.failures())
    assert (application, position, reason) == ("Engagements", 2, "reordered")


def test_an_event_inserted_around_the_application_is_named_as_inserted(store: Store) -> None:
    store.sql(
        "Engagements",
        "INSERT INTO {events} (originator_id, originator_version, topic, state) "
        "SELECT originator_id, 99, topic, state FROM {events} WHERE {pos} = ?",
        (4,),
    )

    assert only(store.failures()) == ("Engagements", store.last(), "inserted")


def test_a_chain_row_removed_alone_is_named_as_unlinked(store: Store) -> None:
    store.sql("Engagements", "DELETE FROM {chain} WHERE position = ?", (6,))

    assert only(store.failures()) == ("Engagements", 6, "unlinked")


def test_events_cut_off_after_the_seal_are_caught_against_the_seal(store: Store) -> None:
    seal = make_seal(store.settings, store.key)
    last = store.last()
    store.sql("Engagements", "DELETE FROM {events} WHERE {pos} > ?", (last - 2,))
    store.sql("Engagements", "DELETE FROM {chain} WHERE position > ?", (last - 2,))

    # What remains is a consistent shorter chain: only the seal, kept elsewhere, knows it was longer.
    assert verify(store.settings, store.key).events == 9
    failure = store.failures(seal)
    assert only(failure) == ("Engagements", last - 1, "cut off")
    assert "2 events" in failure[0].detail


def test_a_seal_still_verifies_after_later_events_are_recorded(store: Store) -> None:
    seal = make_seal(store.settings, store.key)
    record(store.settings, states=("NGA",))

    assert verify(store.settings, store.key, seal).events == 15


def test_a_wrong_key_fails_verification_naming_both_keys(store: Store) -> None:
    other = bytes.fromhex(secrets.token_hex(32))
    seal = make_seal(store.settings, store.key)

    failures = store.failures(key=other)

    assert [(f.application, f.position, f.reason) for f in failures] == [
        ("Engagements", 1, "wrong key"),
        ("Treaties", 1, "wrong key"),
    ]
    assert seal.key_id in failures[0].detail
    with pytest.raises(SealInvalid, match=seal.key_id):
        read_seal(seal.model_dump_json(), other)


def test_an_altered_seal_is_refused(store: Store) -> None:
    seal = make_seal(store.settings, store.key)
    data = json.loads(seal.model_dump_json())
    data["applications"]["Engagements"]["position"] -= 1

    assert read_seal(seal.model_dump_json(), store.key) == seal
    with pytest.raises(SealInvalid, match="altered"):
        read_seal(json.dumps(data), store.key)


def test_two_writers_at_once_keep_one_unbroken_chain(store: Store) -> None:
    # Two instances, as two workers have; opened first, since creating tables at once is its own race.
    writers = [Engagements(store.settings.store_env("Engagements"), clock=lambda: RECORDED) for _ in range(2)]
    groups = [["NGA", "GHA", "SEN"], ["PER", "CHL", "ARG"]]
    start = threading.Barrier(2)
    problems: list[BaseException] = []

    def write(writer: Engagements, group: list[str]) -> None:
        start.wait()
        try:
            for state in group:
                for command in steps(state):
                    writer.handle(command)
        except BaseException as error:
            problems.append(error)

    threads = [threading.Thread(target=write, args=pair) for pair in zip(writers, groups, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for writer in writers:
        writer.close()

    assert not problems
    links = store.sql("Engagements", "SELECT position, previous FROM {chain} ORDER BY position")
    assert [previous for _, previous in links] == [0, *(position for position, _ in links[:-1])]
    assert verify(store.settings, store.key).applications["Engagements"].events == 8 + 24


def test_writers_that_take_turns_each_continue_the_chain_from_the_other_s_last_link(store: Store) -> None:
    # A writer keeps the last link it committed; after another writer's append it must not chain from it.
    first, second = (
        Engagements(store.settings.store_env("Engagements"), clock=lambda: RECORDED) for _ in range(2)
    )
    try:
        for mine, theirs in zip(steps("NGA"), steps("PER"), strict=True):
            first.handle(mine)
            second.handle(theirs)
        first.handle(steps("GHA")[0])
        first.handle(steps("SEN")[0])  # twice running: from its own last link
    finally:
        first.close()
        second.close()

    links = store.sql("Engagements", "SELECT position, previous FROM {chain} ORDER BY position")
    assert [previous for _, previous in links] == [0, *(position for position, _ in links[:-1])]
    # verify raises on any failure: every link holds under the key.
    assert verify(store.settings, store.key).applications["Engagements"].events == 8 + 8 + 2


def test_a_store_recorded_before_the_chain_refuses_writes_until_adopted(store: Store) -> None:
    store.sql("Engagements", "DELETE FROM {chain}")  # as a store written by an earlier version holds none

    with pytest.raises(UnchainedHistory, match="palermo audit adopt"):
        record(store.settings, states=("NGA",))
    assert adopt(store.settings) == {
        "Engagements": 8,
        "Treaties": None,
        "Outreach": 0,
        "Resources": 0,
        "Legislation": 0,
        "Users": 0,
        "RequestKeys": 0,
    }
    record(store.settings, states=("NGA",))
    assert verify(store.settings, store.key).events == 15


def test_the_embedded_stack_keeps_its_key_in_a_file_only_its_owner_reads(tmp_path: Path) -> None:
    settings = deployment("sqlite", tmp_path, None, None)
    record(settings)

    key_file = tmp_path / "audit.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(bytes.fromhex(key_file.read_text().strip())) == 32
    assert verify(settings, audit_key(settings)).events == 11


def test_a_short_audit_key_is_refused_naming_palermo_audit_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALERMO_AUDIT_KEY", "00" * 16)

    with pytest.raises(SettingsError, match=r"PALERMO_AUDIT_KEY.*32 bytes"):
        load_settings()


def test_a_refused_write_leaves_no_trace_and_the_chain_continues_past_it(store: Store) -> None:
    engagements = Engagements(store.settings.store_env("Engagements"), clock=lambda: RECORDED)
    try:
        first = engagements.recorder.select_notifications(start=None, limit=1)[0]
        taken = StoredEvent(first.originator_id, first.originator_version, first.topic, first.state)
        fresh = StoredEvent(uuid4(), 1, first.topic, first.state)
        for events in ([taken], [fresh, taken]):
            with pytest.raises(IntegrityError):
                engagements.recorder.insert_events(events)
    finally:
        engagements.close()

    record(store.settings, states=("NGA",))

    positions = [
        position for (position,) in store.sql("Engagements", "SELECT position FROM {chain} ORDER BY position")
    ]
    if store.kind == "postgres":  # the refused inserts took ids from the sequence: a gap the chain steps over
        assert positions[8] > positions[7] + 1
    assert len(positions) == 8 + 4
    assert verify(store.settings, store.key).applications["Engagements"].events == 8 + 4


@pytest.mark.postgres
def test_processes_opening_one_store_at_once_all_open_it(fresh_postgres_url: str, tmp_path: Path) -> None:
    # Two web workers, or a worker and a projector, start together over one database already made: each
    # creates what it needs if missing (the tables, the append function), and none may fail for the others.
    store = recorded_store("postgres", tmp_path / "home", fresh_postgres_url)
    openers = 8
    start = threading.Barrier(openers)
    problems: list[BaseException] = []

    def open_store() -> None:
        start.wait()
        try:
            Engagements(store.settings.store_env("Engagements"), clock=lambda: RECORDED).close()
        except BaseException as error:
            problems.append(error)

    for _round in range(3):
        threads = [threading.Thread(target=open_store) for _ in range(openers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert problems == []
