"""Catching the read model up: a restart takes up where it left off, and no event is ever counted twice."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Hashable, Iterator, Sequence
from datetime import date, timedelta
from functools import partial
from pathlib import Path

import pytest

from activities.store.logs import EventLog
from domain.outreach import CooperationKind
from domain.treaty import ActionKind
from domain.values import Instrument
from projections import generations, runner
from projections.facts import Projected, project
from projections.figures import figures
from projections.runner import catch_up
from projections.store import FactQuery, FactStore, StoredFact, TrackingConflict
from tests.integration.recorded_facts import (
    REPORT_DAY,
    STORES,
    YEAR_END,
    World,
    after,
    cooperation,
    engagement,
    meeting,
    record_report,
    treaty_action,
    world_for,
)
from usecases.read_models import refresh

CONVENTION = Instrument.CONVENTION


@pytest.fixture(params=STORES)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    opened = world_for(request, tmp_path)
    yield opened
    opened.close()


def clean_rebuild(world: World) -> FactStore:
    """A read model built from nothing but the logs, in a generation of its own."""
    return world.refreshed(f"clean_{uuid.uuid4().hex[:12]}")


def record_more(world: World) -> int:
    """Events of every application recorded after a first catch-up; returns how many."""
    world.save(
        "Treaties",
        treaty_action("ARG", CONVENTION, ActionKind.RATIFICATION, date(2002, 2, 1), after(date(2002, 4, 1))),
        treaty_action("CHE", CONVENTION, ActionKind.SIGNATURE, date(2000, 12, 12)),
    )
    world.save(
        "Outreach",
        meeting("Nairobi", date(2002, 2, 25), ["KEN", "UGA", "SEN"]),
        cooperation("PER", CooperationKind.LEGISLATIVE_ADVICE, date(2002, 2, 27)),
    )
    peru = engagement("PER", "training", gaps=("convention.art5",))
    world.save("Engagements", peru)
    return 4 + peru.version


def assert_same_as_a_clean_rebuild(world: World, store: FactStore) -> None:
    clean = clean_rebuild(world)
    ends = world.ends()
    assert {name: store.position(name) for name in ends} == ends
    assert store.positions() == clean.positions()
    assert store.snapshot(ends) == clean.snapshot(ends)
    for day in (REPORT_DAY, YEAR_END):
        assert figures(store, day) == figures(clean, day)


def test_a_restarted_store_takes_up_where_it_left_off_without_counting_twice(world: World) -> None:
    record_report(world)
    first = world.store()
    refresh(first, world.sources())
    left_off = first.positions()
    rows_before = len(first.snapshot(left_off))
    before = figures(first, REPORT_DAY)
    first.close()
    added = record_more(world)

    # As after a process restart: new store object, new log readers.
    restarted = world.store()
    assert restarted.positions() == left_off
    assert refresh(restarted, world.sources()) == added

    assert_same_as_a_clean_rebuild(world, restarted)
    now = figures(restarted, REPORT_DAY)
    assert now.instruments["convention"].parties == before.instruments["convention"].parties + 1
    assert now.instruments["convention"].signatories == before.instruments["convention"].signatories + 1
    assert (now.meetings_held, now.states_reached) == (before.meetings_held + 1, before.states_reached + 2)
    assert now.cooperation_activities == before.cooperation_activities + 1
    assert now.requests_received == before.requests_received + 1
    assert now.engagements_by_stage["completed"] == before.engagements_by_stage["completed"] + 1
    assert now.common_needs["convention.art5"] == before.common_needs["convention.art5"] + 1
    assert len(restarted.snapshot(world.ends())) > rows_before


def test_refreshing_a_caught_up_read_model_changes_nothing(world: World) -> None:
    record_report(world)
    store = world.refreshed()
    ends = world.ends()
    positions, rows, result = store.positions(), store.snapshot(ends), figures(store, REPORT_DAY)
    assert positions == ends

    assert refresh(store, world.sources()) == 0
    assert refresh(world.store(), world.sources()) == 0

    assert store.positions() == positions
    assert store.snapshot(ends) == rows
    assert figures(store, REPORT_DAY) == result


def test_a_projector_applying_from_a_stale_position_is_refused_and_writes_nothing(world: World) -> None:
    record_report(world)
    winner, loser = world.refreshed(), world.store()
    stale = loser.position("Treaties")
    record_more(world)
    # The loser read the log from where it stood, but the winner takes the batch in first.
    batch = [project(event, "Treaties", p) for p, event in world.log("Treaties").read(stale, 1_000)]
    assert len(batch) == 2
    refresh(winner, world.sources())
    ends = world.ends()
    rows, positions = winner.snapshot(ends), winner.positions()

    with pytest.raises(TrackingConflict):
        loser.apply("Treaties", stale, batch)
    with pytest.raises(TrackingConflict):
        loser.apply("Treaties", 0, batch)

    assert loser.positions() == winner.positions() == positions
    assert loser.snapshot(ends) == rows
    assert figures(loser, REPORT_DAY).instruments["convention"].parties == 6
    assert_same_as_a_clean_rebuild(world, loser)


class Rivalled:
    """A read model whose every batch a rival projector takes in first, from the same position."""

    def __init__(self, store: FactStore, rival: FactStore) -> None:
        self.store, self.rival = store, rival
        self.conflicts = 0

    def position(self, application: str) -> int:
        return self.store.position(application)

    def positions(self) -> dict[str, int]:
        return self.store.positions()

    def content_key(self) -> Hashable:
        return self.store.content_key()

    def apply(self, application: str, expected: int, batch: Sequence[Projected]) -> None:
        self.rival.apply(application, expected, batch)
        try:
            self.store.apply(application, expected, batch)
        except TrackingConflict:
            self.conflicts += 1
            raise

    def count(self, query: FactQuery) -> int:
        return self.store.count(query)

    def count_by_object(self, query: FactQuery) -> dict[str, int]:
        return self.store.count_by_object(query)

    def facts(self, query: FactQuery, subjects: Sequence[str] | None = None) -> list[StoredFact]:
        return self.store.facts(query, subjects)

    def dated(self, query: FactQuery) -> list[tuple[str, date]]:
        return self.store.dated(query)

    def pairs(self, query: FactQuery) -> list[tuple[str, str]]:
        return self.store.pairs(query)

    def subjects(self, query: FactQuery) -> set[str]:
        return self.store.subjects(query)

    def objects(self, query: FactQuery) -> dict[str, frozenset[str]]:
        return self.store.objects(query)

    def rows(self, query: FactQuery) -> int:
        return self.store.rows(query)

    def snapshot(self, upto: dict[str, int]) -> list[tuple[object, ...]]:
        return self.store.snapshot(upto)

    def settle(self) -> None:
        self.store.settle()

    def close(self) -> None:
        self.store.close()


def test_a_projector_beaten_to_every_page_of_a_long_backlog_still_catches_up(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pages of 100 make a long backlog of a few events: each page is a chance to lose the race.
    monkeypatch.setattr(generations, "catch_up", partial(catch_up, page=100))
    pages = 15
    world.save(
        "Outreach",
        *(
            cooperation(f"Q{n // 100:02d}", CooperationKind.WORKSHOP, date(2001, 1, 1) + timedelta(n % 100))
            for n in range(pages * 100)
        ),
    )
    contended = Rivalled(world.store(), rival=world.store())

    refresh(contended, world.sources())

    assert contended.conflicts == pages
    assert contended.position("Outreach") == pages * 100
    assert figures(contended, date(2001, 12, 31)).cooperation_activities == pages * 100
    assert_same_as_a_clean_rebuild(world, contended)


def test_two_projectors_racing_on_one_read_model_count_each_event_once(world: World) -> None:
    record_report(world)
    world.save(
        "Outreach",
        *(
            cooperation(f"Q{n // 26:02d}", CooperationKind.WORKSHOP, date(2002, 1, 1 + n % 26))
            for n in range(2_600)
        ),
    )
    stores = [world.store(), world.store()]
    # Each projector has its own log readers, opened before the race as a process opens them at start.
    logs = [world.sources() for _ in stores]
    start = threading.Barrier(len(stores), timeout=30)
    failures: list[BaseException] = []

    def run(store: FactStore, logs: list[EventLog]) -> None:
        try:
            start.wait()
            refresh(store, logs)
        except BaseException as error:  # re-raised in the test's thread below
            failures.append(error)

    threads = [threading.Thread(target=run, args=pair) for pair in zip(stores, logs, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    if failures:
        raise failures[0]
    assert figures(stores[0], REPORT_DAY).cooperation_activities == 2600 + 3
    assert_same_as_a_clean_rebuild(world, stores[1])


class Settled(Rivalled):
    """A read model that counts how often it was settled, and settles the real one."""

    def __init__(self, store: FactStore) -> None:
        super().__init__(store, store)
        self.settled = 0

    def apply(self, application: str, expected: int, batch: Sequence[Projected]) -> None:
        self.store.apply(application, expected, batch)

    def settle(self) -> None:
        self.settled += 1
        self.store.settle()


def test_a_long_catch_up_settles_the_store_once_and_a_short_one_does_not(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_report(world)
    store = Settled(world.store())
    monkeypatch.setattr(runner, "SETTLE_AFTER", 5)

    long = refresh(store, world.sources())
    monkeypatch.setattr(runner, "SETTLE_AFTER", record_more(world) + 1)
    short = refresh(store, world.sources())

    assert long >= 5
    assert short > 0
    assert store.settled == 1
    assert figures(store, REPORT_DAY) == figures(clean_rebuild(world), REPORT_DAY)
