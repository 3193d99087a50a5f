"""The forecast from the read model: only what was effective by its date and recorded by its known-at time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from domain.treaty import ActionKind
from domain.values import Instrument
from projections.figures import figures
from projections.forecast.outlook import forecast, report_outlook
from projections.report.blocks import Paragraph
from projections.report.document import build, lineage
from tests.integration.recorded_facts import STORES, World, engagement, treaty_action, world_for
from usecases.read_models import refresh

AS_OF = date(2002, 3, 4)
PUBLISHED = datetime(2002, 3, 10, 12, 0, tzinfo=UTC)
EARLY = datetime(2002, 3, 5, 9, 0, tzinfo=UTC)
RATIFIERS = ("ITA", "NLD", "POL", "MCO", "FRA", "ESP", "PER", "NGA", "LVA", "TUR", "CAN", "NOR")


@pytest.fixture(params=STORES)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    opened = world_for(request, tmp_path)
    yield opened
    opened.close()


def record_known_world(world: World) -> None:
    """Twelve parties to each of the first three instruments in 2001-2002; engagements done and open."""
    actions = []
    for n, state in enumerate(RATIFIERS):
        signed = date(2000, 12, 12)
        ratified = date(2001, 4, 1) + timedelta(days=25 * n)
        for inst in (Instrument.CONVENTION, Instrument.TRAFFICKING, Instrument.SMUGGLING):
            actions.append(treaty_action(state, inst, ActionKind.SIGNATURE, signed, EARLY))
            actions.append(treaty_action(state, inst, ActionKind.RATIFICATION, ratified, EARLY))
    world.save("Treaties", *actions)
    cases = [
        engagement(s, "training", received=date(2001, 1, 15) + timedelta(days=9 * n), recorded=EARLY)
        for n, s in enumerate(("HRV", "ROU", "SVK", "SAU"))
    ]
    cases += [
        engagement("BOL", "focal_point", received=date(2002, 2, 10), recorded=EARLY),
        engagement("BLR", "gap_list", received=date(2002, 2, 1), recorded=EARLY),
        engagement("NAM", None, received=date(2002, 3, 1), recorded=EARLY),
    ]
    world.save("Engagements", *cases)


def test_events_after_the_date_or_recorded_later_leave_the_forecast_unchanged(world: World) -> None:
    record_known_world(world)
    store = world.refreshed()
    as_known = forecast(store, AS_OF, 12, PUBLISHED)
    as_of_now = forecast(store, AS_OF, 12)

    # Ratifications effective after the date; one effective before it but learned of only in April; a step
    # of an open engagement taken after the date.
    late = datetime(2002, 4, 2, 8, 0, tzinfo=UTC)
    world.save(
        "Treaties",
        treaty_action("ARG", Instrument.CONVENTION, ActionKind.RATIFICATION, date(2002, 3, 20), late),
        treaty_action("BRA", Instrument.FIREARMS, ActionKind.RATIFICATION, date(2002, 5, 2), late),
        treaty_action("CHL", Instrument.CONVENTION, ActionKind.RATIFICATION, date(2002, 2, 25), late),
    )
    world.save("Engagements", engagement("PRY", "gap_list", received=date(2002, 3, 5), recorded=late))
    assert refresh(store, world.sources()) > 0

    assert forecast(store, AS_OF, 12, PUBLISHED) == as_known
    changed = forecast(store, AS_OF, 12)
    # Only the ratification effective before the date and recorded by now counts in today's view.
    assert (
        changed.instruments["convention"].parties_now == as_of_now.instruments["convention"].parties_now + 1
    )
    assert changed.engagements == as_of_now.engagements


def test_open_engagements_are_projected_from_the_time_past_cases_took(world: World) -> None:
    record_known_world(world)
    result = forecast(world.refreshed(), AS_OF, 12, PUBLISHED)

    projected = {case.state: case for case in result.engagements.open}
    assert set(projected) == {"BOL", "BLR", "NAM"}
    assert projected["BLR"].stage == "assistance"
    assert projected["BOL"].stage == "gap_list"
    for case in projected.values():
        assert case.p50 is not None
        assert case.p80 is not None
        assert AS_OF <= case.p50 <= case.p80
    # Past cases took ten days a step: a case awaiting its law summary and focal point finishes later than
    # one awaiting assistance.
    assert (projected["NAM"].p50 or AS_OF) > (projected["BLR"].p50 or date.max)
    assert sum(result.engagements.completions_per_quarter.values()) == pytest.approx(3.0, abs=0.01)
    assert next(iter(result.engagements.completions_per_quarter)) == "2002-Q1"


def test_a_case_waiting_longer_than_any_before_it_has_no_projected_day(world: World) -> None:
    record_known_world(world)
    # Awaiting assistance since July 2001, when every past case took ten days.
    world.save("Engagements", engagement("GNB", "gap_list", received=date(2001, 6, 1), recorded=EARLY))

    result = forecast(world.refreshed(), AS_OF, 12, PUBLISHED)

    projected = {case.state: case for case in result.engagements.open}
    assert (projected["GNB"].p50, projected["GNB"].p80) == (None, None)
    assert projected["NAM"].p50 is not None
    assistance = next(s for s in result.engagements.steps if s.step == "assistance")
    assert (assistance.observed, assistance.censored, assistance.median_days) == (4, 2, 10.5)


def test_the_report_closes_with_an_outlook_that_says_it_is_a_projection(world: World) -> None:
    record_known_world(world)
    store = world.refreshed()
    result = figures(store, AS_OF, PUBLISHED)

    outlook = report_outlook(store, AS_OF, PUBLISHED)
    document = build(result, lineage(store, result), outlook=outlook)

    assert outlook is not None
    assert outlook.startswith(
        "Outlook, a projection rather than a count: from what was known on 4 March 2002"
    )
    assert "the Convention would have" in outlook
    assert "measured by `palermo report forecast --backtest`" in outlook
    assert "Of the 3 open engagements" in outlook
    conclusions = document.sections[-1]
    assert conclusions.blocks[-1] == Paragraph(parts=(outlook,))
    assert report_outlook(store, date(2001, 3, 1)) is None
