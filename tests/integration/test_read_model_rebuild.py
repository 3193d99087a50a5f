"""Rebuilding the read model into a fresh generation: switched to when equal, kept apart when it differs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deploy.cli import app
from deploy.read_models import DEFAULT_GENERATION, current_generation, rebuild
from domain.treaty import ActionKind
from domain.values import Instrument
from projections.figures import figures
from projections.store import FactStore
from tests.integration.recorded_facts import (
    REPORT_DAY,
    STORES,
    YEAR_END,
    World,
    after,
    record_report,
    treaty_action,
    world_for,
)


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
