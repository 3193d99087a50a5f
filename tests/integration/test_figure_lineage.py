"""Every figure traces to the stored events behind it: the rows `explain` gives are the ones counted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from domain.events import EngagementEvent, GapListDrawnUp
from domain.facts import Fact
from domain.outreach import MeetingHeld, meeting_id
from domain.treaty import TreatyActionRecorded
from projections.figures import UnknownFigure, explain, figure_names, figures
from projections.store import FactStore, StoredFact
from tests.integration.recorded_facts import (
    PARTIES_ON_REPORT_DAY,
    REPORT_DAY,
    STORES,
    World,
    report_world,
)


@pytest.fixture(scope="module", params=STORES)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with report_world(request, tmp_path_factory) as recorded:
        yield recorded


@pytest.fixture(scope="module")
def store(world: World) -> FactStore:
    return world.refreshed()


def stored_event(world: World, row: StoredFact) -> Fact:
    """The event at the row's position in its application's log, read back from the log itself."""
    [(position, event)] = world.log(row.application).read(row.position - 1, 1)
    assert position == row.position
    return event


def assert_points_at_its_event(world: World, row: StoredFact) -> Fact:
    event = stored_event(world, row)
    assert type(event).__name__ == row.event_type
    assert str(event.originator_id) == row.origin
    assert event.originator_version == row.version
    assert event.effective_date == row.effective_date
    assert event.timestamp == row.recorded_at
    return event


def test_parties_are_explained_by_exactly_the_treaty_actions_counted(world: World, store: FactStore) -> None:
    rows = explain(store, "convention.parties", REPORT_DAY)

    assert {row.subject for row in rows} == PARTIES_ON_REPORT_DAY
    assert len(rows) == figures(store, REPORT_DAY).instruments["convention"].parties
    for row in rows:
        event = assert_points_at_its_event(world, row)
        assert isinstance(event, TreatyActionRecorded)
        assert row.application == "Treaties"
        assert (event.participant, event.instrument.value) == (row.subject, "convention")
        assert event.kind.makes_party
        assert row.superseded_at is None


def test_meetings_are_explained_by_the_meetings_held_in_the_year(world: World, store: FactStore) -> None:
    rows = explain(store, "meetings_held", REPORT_DAY)

    expected = {str(meeting_id("Bangkok", date(2002, 1, 21))), str(meeting_id("Dakar", date(2002, 2, 18)))}
    assert {row.subject for row in rows} == expected
    for row in rows:
        assert isinstance(assert_points_at_its_event(world, row), MeetingHeld)
        assert row.application == "Outreach"


def test_common_needs_are_explained_by_gap_lists_naming_the_item(world: World, store: FactStore) -> None:
    rows = explain(store, "common_needs.convention.art5", REPORT_DAY)

    assert len(rows) == figures(store, REPORT_DAY).common_needs["convention.art5"]
    for row in rows:
        event = assert_points_at_its_event(world, row)
        assert isinstance(event, GapListDrawnUp)
        assert event.state == row.subject
        assert "convention.art5" in [item.checklist_item for item in event.items]


def test_stage_figures_are_explained_by_the_counted_engagements_steps(world: World, store: FactStore) -> None:
    rows = explain(store, "engagements_by_stage.completed", REPORT_DAY)

    assert {row.subject for row in rows} == {"UKR", "MKD"}
    for state in ("UKR", "MKD"):
        types = [row.event_type for row in rows if row.subject == state]
        assert types[0] == "RequestReceived"
        assert types[-1] == "TrainingHeld"
        assert len(types) == 7
    for row in rows:
        event = assert_points_at_its_event(world, row)
        assert isinstance(event, EngagementEvent)
        assert event.state == row.subject


def figure_value(store: FactStore, name: str, day: date) -> int:
    result = figures(store, day).model_dump()
    head, _, tail = name.partition(".")
    if head in result["instruments"]:
        return int(result["instruments"][head][tail])
    if head in ("engagements_by_stage", "common_needs"):
        return int(result[head].get(tail, 0))
    if head == "regional_groups":
        group, _, grouped = tail.partition(".")
        return int(result[head][group][grouped])
    if head == "questionnaires":
        questionnaire, what, *region = tail.split(".")
        counts = result[head][questionnaire]
        return int((counts["by_region"][region[0]] if region else counts)[what])
    return int(result[name])


CONCRETE_FIGURES = [n for n in figure_names() if "<" not in n] + [
    "common_needs.convention.art6",
    "common_needs.trafficking.art5",
    "common_needs.training.officials",
    # Counted from the States their figures read; explained by those figures' rows.
    *(
        f"regional_groups.{group}.{figure}"
        for group in ("african", "eastern_european", "western_european_others")
        for figure in ("convention.parties", "trafficking.parties", "states_reached", "requests_received")
    ),
]


@pytest.mark.parametrize("name", CONCRETE_FIGURES)
def test_every_figure_matches_the_rows_explaining_it(world: World, store: FactStore, name: str) -> None:
    for day in (REPORT_DAY, date(2002, 12, 31)):
        rows = explain(store, name, day)
        counted = len(rows) if name == "cooperation_activities" else len({row.subject for row in rows})
        if name.endswith(".to_entry_into_force"):
            # Explained by the instruments counted towards the forty; the figure is those still needed.
            counted = max(0, 40 - counted)
        assert counted == figure_value(store, name, day)
        for row in rows:
            assert row.effective_date <= day
            assert_points_at_its_event(world, row)


@pytest.mark.parametrize(
    "name", ["convention.ratifications", "engagements_by_stage.archived", "common_needs", "parties", ""]
)
def test_an_unknown_figure_is_refused_with_the_known_names(store: FactStore, name: str) -> None:
    with pytest.raises(UnknownFigure) as refused:
        explain(store, name, REPORT_DAY)

    message = str(refused.value)
    assert f"'{name}'" in message
    for known in (
        "convention.parties",
        "firearms.signatories",
        "meetings_held",
        "engagements_by_stage.withdrawn",
    ):
        assert known in message
    assert "common_needs.<checklist item>" in message
