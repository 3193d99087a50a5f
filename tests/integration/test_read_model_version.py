"""The read model's version, which keys every kept answer: each log's end and the generation as they stand
when it is asked, on SQLite (read one by one) and PostgreSQL (read in one statement)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from domain.treaty import ActionKind
from domain.values import Instrument
from projections import generations
from tests.integration.recorded_facts import (
    STORES,
    World,
    engagement,
    record_report,
    treaty_action,
    world_for,
)
from usecases.read_models import location, shared


@pytest.fixture(params=STORES)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    opened = world_for(request, tmp_path)
    yield opened
    opened.close()


def test_the_version_is_every_logs_end_and_the_generation_as_they_stand_when_asked(world: World) -> None:
    model = shared(world.settings, world.sources())
    try:
        record_report(world)
        first = model.version()
        assert dict(first.positions) == world.ends()
        assert first.generation == generations.DEFAULT_GENERATION

        # Two logs move by different counts: each end is its own log's, none staler than the logs.
        world.save(
            "Treaties", treaty_action("CHE", Instrument.CONVENTION, ActionKind.SIGNATURE, date(2000, 12, 12))
        )
        peru = engagement("PER", "training", gaps=("convention.art5",))
        world.save("Engagements", peru)
        moved = dict(model.version().positions)
        assert moved == world.ends()
        assert moved["Treaties"] > dict(first.positions)["Treaties"]
        assert moved["Engagements"] > dict(first.positions)["Engagements"]

        world.refreshed("figures_other")
        generations.switch(location(world.settings), "figures_other")
        assert model.version().generation == "figures_other"
    finally:
        model.close()
