"""Refused commands are kept in SQLite or PostgreSQL, newest first, the oldest dropped past the bound."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest

from activities.refused_commands import RefusedCommand
from domain.values import Door
from usecases.refusals import note, open_refused_commands
from usecases.settings import Settings

START = datetime(2002, 3, 4, 9, 30, 15, 123456, tzinfo=UTC)


def refused(number: int) -> RefusedCommand:
    return RefusedCommand(
        at=START + timedelta(minutes=number),
        state="BOL",
        kind="training",
        door=(Door.WEB, Door.API, Door.CLI)[number % 3],
        actor=f"officer-{number}",
        reason=f"Refusal number {number}; the training step needs legislation first.",
        rule="StepOutOfOrder" if number % 2 else None,
        command_id=f"command-{number}",
    )


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_latest_refusals_are_kept_newest_first_and_the_oldest_dropped_past_the_bound(
    request: pytest.FixtureRequest, tmp_path: Path, store: str
) -> None:
    url = cast(str, request.getfixturevalue("fresh_postgres_url")) if store == "postgres" else None
    settings = Settings(home=tmp_path, store=store, database_url=url)
    for number in range(5):
        note(settings, refused(number))
    kept = open_refused_commands(settings, kept=3)
    kept.note(refused(5))

    assert kept.count() == 3
    assert kept.latest(10) == [refused(5), refused(4), refused(3)]
    assert kept.latest(1) == [refused(5)]
