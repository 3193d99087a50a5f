"""Rebuilding the read model into a fresh generation: switched to when equal, kept apart when it differs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import cast

import psycopg
import pytest
from typer.testing import CliRunner

from cli.app import app
from domain.outreach import CooperationKind
from domain.treaty import ActionKind
from domain.values import Instrument
from projections.figures import figures
from projections.runner import catch_up
from projections.store import FactStore
from tests.integration.recorded_facts import (
    ACTOR,
    REPORT_DAY,
    STORES,
    YEAR_END,
    World,
    after,
    cooperation,
    meeting,
    record_report,
    treaty_action,
    world_for,
)
from usecases.read_models import DEFAULT_GENERATION, current_generation, rebuild


@pytest.fixture(params=STORES)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    opened = world_for(request, tmp_path)
    yield opened
    opened.close()


def parties(store: FactStore, day: date) -> int:
    return figures(store, day).instruments["convention"].parties


def test_rebuild_builds_an_equal_generation_and_switches_to_it(world: World) -> None:
    record_report(world)
    live = world.refreshed()
    expected = [figures(live, day) for day in (REPORT_DAY, YEAR_END)]
    # Recorded after the live read model last caught up: the rebuild takes it in on both sides.
    accession = date(2002, 1, 9)
    world.save(
        "Treaties",
        treaty_action("ARG", Instrument.CONVENTION, ActionKind.ACCESSION, accession, after(accession)),
    )
    assert current_generation(world.settings) == DEFAULT_GENERATION

    result = rebuild(world.settings)

    ends = world.ends()
    assert result.switched
    assert result.differences == []
    assert result.positions == ends
    assert result.generation != DEFAULT_GENERATION
    assert current_generation(world.settings) == result.generation
    assert world.generations() == {DEFAULT_GENERATION, result.generation}
    rebuilt = world.store()
    assert rebuilt.positions() == live.positions()
    assert rebuilt.snapshot(ends) == live.snapshot(ends)
    assert result.rows == len(rebuilt.snapshot(ends))
    for day, before in zip((REPORT_DAY, YEAR_END), expected, strict=True):
        assert figures(rebuilt, day) == figures(live, day)
        assert (
            figures(rebuilt, day).instruments["convention"].parties
            == before.instruments["convention"].parties + 1
        )


def test_rebuild_of_a_tampered_read_model_lists_the_differences_and_keeps_the_live_one(world: World) -> None:
    record_report(world)
    live = world.refreshed()
    honest = figures(live, REPORT_DAY)
    assert world.delete_live_fact("party", "MCO", "convention") == 1
    assert (
        figures(live, REPORT_DAY).instruments["convention"].parties
        == honest.instruments["convention"].parties - 1
    )

    result = rebuild(world.settings)

    assert not result.switched
    assert result.generation == DEFAULT_GENERATION == current_generation(world.settings)
    assert len(result.differences) == 1
    assert result.differences[0].startswith("only in the rebuilt read model: ('party', 'MCO', 'convention',")
    # The rejected generation is dropped, not left beside the live one.
    assert world.generations() == {DEFAULT_GENERATION}

    forced = rebuild(world.settings, force=True)

    assert forced.switched
    assert forced.differences == result.differences
    assert current_generation(world.settings) == forced.generation != DEFAULT_GENERATION
    assert figures(world.store(), REPORT_DAY) == honest


def test_the_rebuild_command_exits_non_zero_listing_the_differences(world: World) -> None:
    record_report(world)
    world.refreshed()
    world.delete_live_fact("signature", "FRA", "trafficking")
    runner = CliRunner()
    env = world.environment() | {"COLUMNS": "400"}

    refused = runner.invoke(app, ["projections", "rebuild"], env=env)

    assert refused.exit_code == 1, refused.output
    assert "only in the rebuilt read model: ('signature', 'FRA', 'trafficking'," in refused.output
    assert "1 differences; kept the live one (figures)" in refused.output
    assert current_generation(world.settings) == DEFAULT_GENERATION

    forced = runner.invoke(app, ["projections", "rebuild", "--force"], env=env)

    assert forced.exit_code == 0, forced.output
    assert "switched to it" in forced.output
    assert current_generation(world.settings) != DEFAULT_GENERATION
    signatories = figures(world.store(), REPORT_DAY).instruments["trafficking"].signatories
    assert signatories == 2


def record_bulk(world: World) -> int:
    """Runs of rows longer than a rebuild writes in one statement, with corrections between them.

    Returns how many rows the corrections supersede.
    """
    world.save(
        "Outreach",
        *(
            cooperation(f"C{n:02d}", CooperationKind.WORKSHOP, date(2001, 1, 1) + timedelta(n))
            for n in range(120)
        ),
    )
    held = [
        meeting(place, date(2001, 5, 1 + n), [f"M{n}{p:02d}" for p in range(30)])
        for n, place in enumerate("ABC")
    ]
    fewer = held[1].details.model_copy(update={"participants": held[1].details.participants[:20]})
    held[1].correct(fewer, recorded_at=after(date(2001, 6, 1)), actor=ACTOR, source=None)
    world.save("Outreach", *held)
    signatures = [
        treaty_action(f"S{n:02d}", Instrument.CONVENTION, ActionKind.SIGNATURE, date(2001, 2, 1))
        for n in range(70)
    ]
    ratified = treaty_action("RAT", Instrument.CONVENTION, ActionKind.RATIFICATION, date(2001, 3, 1))
    ratified.correct(
        kind=ActionKind.RATIFICATION, effective_date=date(2001, 4, 1), recorded_at=after(date(2001, 4, 2)),
        actor=ACTOR, source=None,
    )  # fmt: skip
    world.save("Treaties", *signatures[:35], ratified, *signatures[35:])
    return 31 + 1


def superseded(rows: list[tuple[object, ...]]) -> int:
    return sum(1 for row in rows if row[5] is not None)


def test_a_rebuild_writing_in_bulk_equals_a_read_model_written_event_by_event(world: World) -> None:
    record_report(world)
    corrected = record_bulk(world)
    by_event = world.store()
    catch_up(by_event, world.sources(), page=1)
    ends = world.ends()
    assert by_event.positions() == ends

    result = rebuild(world.settings)

    assert result.differences == []
    assert result.switched
    rebuilt = world.store()
    rows = rebuilt.snapshot(ends)
    assert rows == by_event.snapshot(ends)
    assert superseded(rows) == corrected
    assert len(rows) == result.rows > 120 + 3 * 31 + 71
    for day in (REPORT_DAY, YEAR_END):
        assert figures(rebuilt, day) == figures(by_event, day)


def query_indexes(world: World, generation: str) -> set[str]:
    if world.kind == "sqlite":
        path = world.settings.home_dir / f"{generation}.sqlite"
        with closing(sqlite3.connect(path)) as lite:
            rows = lite.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'facts'")
            return {str(name) for (name,) in rows}
    with psycopg.connect(cast(str, world.url), autocommit=True) as db:
        found = db.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = 'facts'", (generation,)
        ).fetchall()
    return {str(name) for (name,) in found}


def test_a_switched_generation_has_every_index_the_live_one_has(world: World) -> None:
    record_report(world)
    world.refreshed()
    live = query_indexes(world, DEFAULT_GENERATION)
    assert "facts_by_date" in live

    result = rebuild(world.settings)

    assert result.switched
    assert query_indexes(world, result.generation) == live


def test_a_read_model_written_with_the_old_index_has_the_new_one_once_opened(world: World) -> None:
    record_report(world)
    world.refreshed()
    before = figures(world.store(), date(2002, 3, 4))
    # The index read models were written with before, in place of the one they have now.
    old = "facts_by_kind ON {}facts (fact, object, effective_date)"
    if world.kind == "sqlite":
        with closing(sqlite3.connect(world.settings.home_dir / f"{DEFAULT_GENERATION}.sqlite")) as lite:
            lite.executescript(f"DROP INDEX facts_by_date; CREATE INDEX {old.format('')};")
    else:
        with psycopg.connect(cast(str, world.url), autocommit=True) as db:
            db.execute(f"DROP INDEX {DEFAULT_GENERATION}.facts_by_date")
            db.execute(
                f"CREATE INDEX facts_by_kind ON {DEFAULT_GENERATION}.facts (fact, object, effective_date)"
            )
    assert query_indexes(world, DEFAULT_GENERATION) >= {"facts_by_kind"}

    assert figures(world.store(), date(2002, 3, 4)) == before
    indexes = query_indexes(world, DEFAULT_GENERATION)
    assert "facts_by_date" in indexes
    assert "facts_by_kind" not in indexes
