"""Figures as of a date, as known at a time: late records and corrections change the present, not the past."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from domain.treaty import ActionKind, TreatyActionCorrected, TreatyActionRecorded
from domain.values import Instrument
from projections.figures import explain, figures
from projections.store import FactStore
from tests.integration.recorded_facts import (
    REPORT_DAY,
    STORES,
    World,
    meeting,
    treaty_action,
    world_for,
)
from usecases.read_models import refresh

CONVENTION = Instrument.CONVENTION
# The figures were first published on this day: what the read model knew then must stay as it was.
PUBLISHED = datetime(2002, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(params=STORES)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    opened = world_for(request, tmp_path)
    yield opened
    opened.close()


def parties(store: FactStore, as_of: date, known_at: datetime | None = None) -> set[str]:
    return {row.subject for row in explain(store, "convention.parties", as_of, known_at)}


def test_a_ratification_recorded_late_changes_the_figures_now_but_not_as_known_then(world: World) -> None:
    world.save("Treaties", treaty_action("CHE", CONVENTION, ActionKind.RATIFICATION, date(2001, 10, 1)))
    store = world.refreshed()
    now_before = figures(store, REPORT_DAY)
    then_before = figures(store, REPORT_DAY, PUBLISHED)

    # Deposited before the report day, learned of only in April.
    late = datetime(2002, 4, 1, 8, 0, tzinfo=UTC)
    world.save("Treaties", treaty_action("ARG", CONVENTION, ActionKind.RATIFICATION, date(2002, 2, 1), late))
    assert refresh(store, world.sources()) == 1

    now_after = figures(store, REPORT_DAY)
    assert now_before.instruments["convention"].parties == 1
    assert now_after.instruments["convention"].parties == 2
    assert parties(store, REPORT_DAY) == {"CHE", "ARG"}
    assert figures(store, REPORT_DAY, PUBLISHED) == then_before
    assert parties(store, REPORT_DAY, PUBLISHED) == {"CHE"}
    # Known the moment it was recorded, not a microsecond before.
    assert parties(store, REPORT_DAY, late) == {"CHE", "ARG"}
    assert parties(store, REPORT_DAY, late - timedelta(microseconds=1)) == {"CHE"}


def test_a_correction_moving_a_ratification_past_the_date_removes_the_party_only_from_then_on(
    world: World,
) -> None:
    recorded = datetime(2002, 2, 16, 9, 0, tzinfo=UTC)
    action = treaty_action("ESP", CONVENTION, ActionKind.RATIFICATION, date(2002, 2, 15), recorded)
    world.save("Treaties", action)
    store = world.refreshed()
    assert parties(store, REPORT_DAY) == {"ESP"}

    corrected_at = datetime(2002, 3, 20, 15, 0, tzinfo=UTC)
    action.correct(
        kind=ActionKind.RATIFICATION,
        effective_date=date(2002, 3, 15),
        recorded_at=corrected_at,
        actor="registry",
        source="corrigendum",
    )
    world.save("Treaties", action)
    refresh(store, world.sources())

    assert parties(store, REPORT_DAY) == set()
    assert figures(store, REPORT_DAY).instruments["convention"].parties == 0
    assert parties(store, date(2002, 3, 31)) == {"ESP"}
    before_correction = datetime(2002, 3, 12, tzinfo=UTC)
    assert parties(store, REPORT_DAY, before_correction) == {"ESP"}
    assert figures(store, REPORT_DAY, before_correction).instruments["convention"].parties == 1
    assert parties(store, REPORT_DAY, datetime(2002, 2, 10, tzinfo=UTC)) == set()

    # The superseded row is still stored, pointing at the first event, marked superseded from the correction.
    [old] = explain(store, "convention.parties", REPORT_DAY, before_correction)
    assert old.event_type == TreatyActionRecorded.__name__
    assert (old.effective_date, old.recorded_at, old.superseded_at) == (
        date(2002, 2, 15),
        recorded,
        corrected_at,
    )
    assert old.version == 1
    [new] = explain(store, "convention.parties", date(2002, 3, 31))
    assert new.event_type == TreatyActionCorrected.__name__
    assert (new.effective_date, new.recorded_at, new.superseded_at) == (date(2002, 3, 15), corrected_at, None)
    assert (new.version, new.origin) == (2, old.origin)
    assert new.position > old.position
    [(_, first)] = world.log("Treaties").read(old.position - 1, 1)
    assert isinstance(first, TreatyActionRecorded)
    assert first.effective_date == date(2002, 2, 15)
    # Taken in one batch, the record and its correction leave the same rows as taken in two.
    ends = world.ends()
    assert world.refreshed("in_one_batch").snapshot(ends) == store.snapshot(ends)


def test_a_corrected_meeting_replaces_its_participants_from_the_correction_on(world: World) -> None:
    held = meeting("Dakar", date(2002, 2, 18), ["SEN", "MLI"], datetime(2002, 2, 25, tzinfo=UTC))
    world.save("Outreach", held)
    store = world.refreshed()
    corrected_at = datetime(2002, 3, 15, tzinfo=UTC)
    held.correct(
        held.details.model_copy(update={"participants": ("SEN", "GMB")}),
        recorded_at=corrected_at,
        actor="registry",
        source="list of participants",
    )
    world.save("Outreach", held)
    refresh(store, world.sources())

    now = figures(store, REPORT_DAY)
    then = figures(store, REPORT_DAY, datetime(2002, 3, 1, tzinfo=UTC))
    assert (now.meetings_held, now.states_reached) == (1, 2)
    assert (then.meetings_held, then.states_reached) == (1, 2)
    assert {r.subject for r in explain(store, "states_reached", REPORT_DAY)} == {"SEN", "GMB"}
    known_then = explain(store, "states_reached", REPORT_DAY, datetime(2002, 3, 1, tzinfo=UTC))
    assert {r.subject for r in known_then} == {"SEN", "MLI"}
    assert all(r.superseded_at == corrected_at for r in known_then)


def test_a_store_that_takes_in_a_ratification_counts_it_in_the_instruments_still_needed(world: World) -> None:
    world.save("Treaties", treaty_action("CHE", CONVENTION, ActionKind.RATIFICATION, date(2001, 10, 1)))
    store = world.refreshed()
    before = figures(store, REPORT_DAY).instruments["convention"]

    late = datetime(2002, 4, 1, 8, 0, tzinfo=UTC)
    world.save("Treaties", treaty_action("ARG", CONVENTION, ActionKind.RATIFICATION, date(2002, 2, 1), late))
    assert refresh(store, world.sources()) == 1

    after = figures(store, REPORT_DAY).instruments["convention"]
    assert (before.to_entry_into_force, after.to_entry_into_force) == (39, 38)
    assert figures(store, REPORT_DAY, PUBLISHED).instruments["convention"].to_entry_into_force == 39
    assert figures(store, date(2002, 1, 31)).instruments["convention"].to_entry_into_force == 39
