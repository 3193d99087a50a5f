"""The report's figures from the read model, on SQLite and PostgreSQL: each one counted from known facts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from domain.values import Instrument
from projections import facts as f
from projections.figures import STAGES, explain, figures, in_force, stages
from projections.store import FactQuery, FactStore
from tests.integration.recorded_facts import (
    NEEDS_ON_REPORT_DAY,
    PARTIES_ON_REPORT_DAY,
    REPORT_DAY,
    SIGNATORIES_ON_REPORT_DAY,
    STAGES_ON_REPORT_DAY,
    STATES_REACHED_ON_REPORT_DAY,
    STORES,
    YEAR_END,
    report_world,
)


@pytest.fixture(scope="module", params=STORES)
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FactStore]:
    """The read model caught up with the report's world; the tests here only read it."""
    with report_world(request, tmp_path_factory) as world:
        yield world.refreshed()


def subjects(store: FactStore, figure: str, as_of: date = REPORT_DAY) -> set[str]:
    return {row.subject for row in explain(store, figure, as_of)}


def test_signatories_and_parties_per_instrument_on_the_report_day(report: FactStore) -> None:
    result = figures(report, REPORT_DAY)

    counts = {name: (n.signatories, n.parties) for name, n in result.instruments.items()}
    assert counts == {"convention": (4, 5), "trafficking": (2, 1), "smuggling": (0, 0), "firearms": (0, 0)}
    assert subjects(report, "convention.signatories") == SIGNATORIES_ON_REPORT_DAY
    assert subjects(report, "convention.parties") == PARTIES_ON_REPORT_DAY


def test_accession_makes_a_party_but_not_a_signatory_and_succession_makes_a_party(report: FactStore) -> None:
    signatories = subjects(report, "convention.signatories")
    parties = subjects(report, "convention.parties")

    assert "MCO" in parties
    assert "MCO" not in signatories
    assert "BIH" in parties
    assert "BIH" not in signatories
    assert subjects(report, "trafficking.parties") == {"MCO"}
    assert subjects(report, "trafficking.signatories") == {"ITA", "FRA"}


def test_a_ratification_effective_after_the_date_is_not_yet_counted(report: FactStore) -> None:
    assert "NOR" not in subjects(report, "convention.parties")
    later = figures(report, YEAR_END).instruments

    assert (later["convention"].signatories, later["convention"].parties) == (4, 6)
    assert "NOR" in subjects(report, "convention.parties", YEAR_END)
    assert (later["firearms"].signatories, later["firearms"].parties) == (1, 0)


def test_meetings_and_states_reached_count_only_the_year_of_the_date(report: FactStore) -> None:
    result = figures(report, REPORT_DAY)

    assert result.meetings_held == 2
    assert result.states_reached == 5
    assert subjects(report, "states_reached") == STATES_REACHED_ON_REPORT_DAY
    # VNM took part in two meetings: two rows behind the figure, one State counted.
    reached = explain(report, "states_reached", REPORT_DAY)
    assert [row.subject for row in reached].count("VNM") == 2
    assert len(reached) == 6
    assert {row.object for row in explain(report, "meetings_held", REPORT_DAY)} == {"subregional_seminar"}


def test_last_years_meeting_counts_in_its_own_year(report: FactStore) -> None:
    last_year = figures(report, date(2001, 12, 31))
    year_end = figures(report, YEAR_END)

    assert (last_year.meetings_held, last_year.states_reached) == (1, 2)
    assert (year_end.meetings_held, year_end.states_reached) == (3, 6)


def test_an_earlier_reviewed_year_counts_that_whole_year_as_of_a_later_date(report: FactStore) -> None:
    # The report of 4 March 2002 reviews 2001: asked with year 2001, it counts all of 2001's meetings.
    reviewed = figures(report, REPORT_DAY, year=2001)

    assert reviewed.year == 2001
    assert (reviewed.meetings_held, reviewed.states_reached) == (1, 2)
    assert reviewed.cooperation_activities == 1
    assert len(explain(report, "meetings_held", REPORT_DAY, year=2001)) == 1
    # Treaty figures do not depend on the reviewed year.
    assert reviewed.instruments == figures(report, REPORT_DAY).instruments


def test_cooperation_activities_count_each_activity_of_the_year(report: FactStore) -> None:
    # HRV had two activities this year; MCO's was last year and UKR's comes in April.
    assert figures(report, REPORT_DAY).cooperation_activities == 3
    assert figures(report, YEAR_END).cooperation_activities == 4
    assert figures(report, date(2001, 12, 31)).cooperation_activities == 1
    rows = explain(report, "cooperation_activities", REPORT_DAY)
    assert sorted((row.subject, row.object) for row in rows) == [
        ("HRV", "legal_training"),
        ("HRV", "workshop"),
        ("ROU", "pre_ratification"),
    ]


def test_requests_received_count_every_engagement_opened_by_the_date(report: FactStore) -> None:
    assert figures(report, REPORT_DAY).requests_received == 11
    assert figures(report, YEAR_END).requests_received == 12
    assert figures(report, date(2001, 9, 30)).requests_received == 0


def test_engagements_by_stage_cover_every_stage_including_completed_and_withdrawn(report: FactStore) -> None:
    result = figures(report, REPORT_DAY)

    assert list(result.engagements_by_stage) == list(STAGES)
    assert result.engagements_by_stage == STAGES_ON_REPORT_DAY
    on_day = stages(report, REPORT_DAY, None)
    assert on_day["THA"] == "training"
    assert on_day["VEN"] == "withdrawn"
    assert on_day["UKR"] == "completed"
    assert "GNB" not in on_day
    assert subjects(report, "engagements_by_stage.completed") == {"UKR", "MKD"}
    assert subjects(report, "engagements_by_stage.withdrawn") == {"VEN"}


def test_the_store_gathers_each_subjects_objects(report: FactStore) -> None:
    parties = FactQuery(fact=f.PARTY, effective_to=REPORT_DAY)
    pairs = report.pairs(parties)

    gathered = report.objects(parties)
    expected: dict[str, set[str]] = {}
    for subject, obj in pairs:
        expected.setdefault(subject, set()).add(obj)
    assert gathered == expected
    assert gathered["MCO"] == {"convention", "trafficking"}


def test_engagements_by_stage_move_with_the_date(report: FactStore) -> None:
    later = figures(report, YEAR_END).engagements_by_stage

    assert later == STAGES_ON_REPORT_DAY | {"law_summary": 2, "training": 1, "completed": 3}
    # On the day their law summaries came in, VEN (not yet withdrawn) and BLR awaited a focal point.
    early = stages(report, date(2001, 10, 11), None)
    assert early["BLR"] == early["VEN"] == "focal_point"


def test_entry_into_force_and_parties_kept_over_time_agree_with_the_rows_of_each_day(
    report: FactStore,
) -> None:
    """The figures answer entry into force and parties from a timeline made once per state of the store; on
    every day a deposit changes something, the day before and the days its effects come, they give what the
    rows of that day give."""
    deposited = {row.effective_date for row in report.facts(FactQuery(fact=f.PARTY, effective_to=date.max))}
    days = sorted({d + timedelta(days=k) for d in deposited for k in (-1, 0, 1, 30, 90)})
    assert len(days) > 20

    for day in days:
        found = figures(report, day)
        parties = {
            i.value: report.count(FactQuery(fact=f.PARTY, object=i.value, effective_to=day))
            for i in Instrument
        }
        assert {i: n.parties for i, n in found.instruments.items()} == parties, day
        force = in_force(report, day, None)
        assert {
            i: (n.entry_into_force, n.to_entry_into_force, n.in_force_for)
            for i, n in found.instruments.items()
        } == {
            i.value: (n.entry_into_force, n.to_entry_into_force, n.in_force_for) for i, n in force.items()
        }, day


def test_common_needs_count_each_state_once_per_checklist_item(report: FactStore) -> None:
    result = figures(report, REPORT_DAY)

    assert result.common_needs == NEEDS_ON_REPORT_DAY
    assert subjects(report, "common_needs.convention.art5") == {"MUS", "MNG", "NAM", "THA"}
    assert figures(report, date(2001, 10, 30)).common_needs == {}
