"""`palermo audit replay`: cases and figures rebuilt from the raw events agree with the live side, or fail."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import cast

import psycopg
import pytest
import typer
from psycopg import sql as pg
from typer.testing import CliRunner, Result

from activities.engagements import Engagements
from audit.differences import Difference
from cli import app as cli
from cli import audit as audit_cli
from cli import console
from domain.engagement import engagement_id
from tests.integration.recorded_facts import (
    REPORT_DAY,
    STAGES_ON_REPORT_DAY,
    STORES,
    World,
    open_world,
    record_report,
    world_for,
)
from usecases.audits import replay
from usecases.read_models import current_generation

# Engagements of the report's world (tests/integration/recorded_facts.py).
ENGAGED = {"BOL", "BLR", "BEN", "CHL", "MUS", "MNG", "NAM", "THA", "UKR", "MKD", "VEN", "GNB"}


def palermo() -> typer.Typer:
    """The `palermo` command with its global options and the audit group, composed as deploy/cli.py does."""
    root = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)
    root.callback()(cli.configure)
    root.add_typer(audit_cli.app, name="audit")
    return root


@pytest.fixture(params=STORES)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """The report's world in every log, and the live read model caught up with them by a projector."""
    opened = world_for(request, tmp_path)
    record_report(opened)
    opened.refreshed()
    yield opened
    opened.close()


def run(world: World, *args: str, terminal: bool = False) -> Result:
    env = world.environment() | {"COLUMNS": "250", "PALERMO_ACTOR": "auditor"}
    if terminal:
        # Rich then writes as to a terminal, live displays such as progress bars included.
        env |= {"TTY_COMPATIBLE": "1", "TERM": "xterm-256color"}
    return CliRunner().invoke(palermo(), ["audit", "replay", *args], env=env)


def differences(result: Result) -> list[Difference]:
    return [Difference.model_validate(d) for d in json.loads(result.stdout)["differences"]]


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def alter_live_fact(world: World, fact: str, subject: str, obj: str, new_object: str) -> int:
    """Tamper with the live read model behind its back: change one row's object with the driver itself."""
    generation = current_generation(world.settings)
    if world.kind == "sqlite":
        path = world.settings.home_dir / f"{generation}.sqlite"
        with closing(sqlite3.connect(path)) as lite, lite:
            return lite.execute(
                "UPDATE facts SET object = ? WHERE fact = ? AND subject = ? AND object = ?",
                (new_object, fact, subject, obj),
            ).rowcount
    with psycopg.connect(cast(str, world.url), autocommit=True) as db:
        query = pg.SQL("UPDATE {} SET object = %s WHERE fact = %s AND subject = %s AND object = %s").format(
            pg.Identifier(generation, "facts")
        )
        return db.execute(query, (new_object, fact, subject, obj)).rowcount


def test_replay_of_an_untouched_store_finds_no_differences(world: World) -> None:
    ends = world.ends()

    shown = run(world, "--as-of", REPORT_DAY.isoformat())
    as_json = run(world, "--as-of", REPORT_DAY.isoformat(), "--json")

    assert shown.exit_code == 0, shown.output
    events = sum(ends.values())
    assert (
        shown.stdout.strip()
        == f"Replayed {events} events ({len(ENGAGED)} engagements) as of 2002-03-04: no differences."
    )
    assert as_json.exit_code == 0, as_json.output
    result = json.loads(as_json.stdout)
    assert result["differences"] == []
    assert result["positions"] == ends
    assert result["engagements"] == len(ENGAGED)


def test_a_deleted_fact_row_of_the_live_read_model_is_reported_and_fails_the_replay(world: World) -> None:
    assert world.delete_live_fact("gap_item", "MUS", "convention.art5") == 1

    result = run(world, "--as-of", REPORT_DAY.isoformat(), "--json")
    table = run(world, "--as-of", REPORT_DAY.isoformat())

    assert result.exit_code == 1, result.output
    found = {d.what: d for d in differences(result)}
    assert set(found) == {"fact row gap_item MUS convention.art5", "common_needs.convention.art5"}
    row = found["fact row gap_item MUS convention.art5"]
    assert row.live == "missing"
    assert row.replayed.startswith("effective 2001-10-31, Engagements #")
    assert (found["common_needs.convention.art5"].live, found["common_needs.convention.art5"].replayed) == (
        "3",
        "4",
    )
    assert table.exit_code == 1
    lines = plain(table.stdout)
    assert re.search(r"common_needs\.convention\.art5\s*│\s*3\s*│\s*4", lines), lines
    assert lines.rstrip().endswith("as of 2002-03-04: 2 differences.")


def test_an_altered_step_row_shows_in_the_states_stage_and_in_the_figures(world: World) -> None:
    # UKR completed its training; the live read model is made to say it has not.
    assert alter_live_fact(world, "step", "UKR", "training", "legislation") == 1

    result = run(world, "--as-of", REPORT_DAY.isoformat(), "--json")

    assert result.exit_code == 1, result.output
    found = {(d.what, d.live, d.replayed) for d in differences(result)}
    completed, training = STAGES_ON_REPORT_DAY["completed"], STAGES_ON_REPORT_DAY["training"]
    assert {
        ("UKR stage", "training", "completed"),
        ("UKR stage on 2002-03-04", "training", "completed"),
        ("engagements_by_stage.completed", str(completed - 1), str(completed)),
        ("engagements_by_stage.training", str(training + 1), str(training)),
    } <= found
    rows = {what: (live, replayed) for what, live, replayed in found if what.startswith("fact row")}
    assert set(rows) == {"fact row step UKR legislation", "fact row step UKR training"}
    assert rows["fact row step UKR training"][0] == "missing"
    assert rows["fact row step UKR legislation"][1] == "missing"
    assert len(found) == 6


def test_replay_of_one_state_compares_only_its_engagement(world: World) -> None:
    world.delete_live_fact("gap_item", "MUS", "convention.art5")

    other = run(world, "NAM")
    tampered = run(world, "mus", "--json")

    assert other.exit_code == 0, other.output
    assert "(the engagement of NAM)" in other.stdout
    assert other.stdout.rstrip().endswith("no differences.")
    assert tampered.exit_code == 1, tampered.output
    result = json.loads(tampered.stdout)
    assert result["state"] == "MUS"
    assert result["engagements"] == 1
    # Figures are counted over every State, so a one-State replay compares that State's rows and stages.
    assert [d.what for d in differences(tampered)] == ["fact row gap_item MUS convention.art5"]


def test_an_event_deleted_from_the_event_store_leaves_its_engagement_unreplayable(tmp_path: Path) -> None:
    world = open_world("sqlite", tmp_path)
    try:
        record_report(world)
        world.refreshed()
        with closing(sqlite3.connect(world.settings.home_dir / "engagements.sqlite")) as lite, lite:
            # MUS's law summary (version 2 of 4): the focal point after it no longer follows anything.
            deleted = lite.execute(
                "DELETE FROM stored_events WHERE originator_id = ? AND originator_version = 2",
                (engagement_id("MUS").hex,),
            ).rowcount
        assert deleted == 1

        result = replay(world.settings, as_of=REPORT_DAY)
    finally:
        world.close()

    found = {d.what: d for d in result.differences}
    assert found["MUS engagement"].replayed.startswith("version 3 does not replay")
    assert found["fact row step MUS law_summary"].replayed == "missing"
    assert found["MUS stage on 2002-03-04"].live == "assistance"
    assert found["MUS stage on 2002-03-04"].replayed == "law_summary"
    others = ENGAGED - {"MUS"}
    assert [d for d in result.differences if others & set(d.what.split())] == []


def test_an_event_that_no_longer_decodes_stops_the_replay_with_one_sentence(tmp_path: Path) -> None:
    world = open_world("sqlite", tmp_path)
    try:
        record_report(world)
        world.refreshed()
        nam = engagement_id("NAM")
        (before_nam_law_summary,) = [
            p
            for p, e in world.log("Engagements").read(0, 1000)
            if (e.originator_id, e.originator_version) == (nam, 1)
        ]
        with closing(sqlite3.connect(world.settings.home_dir / "engagements.sqlite")) as lite, lite:
            # Overwritten after the projector took it in: only a replay reads it again.
            lite.execute(
                "UPDATE stored_events SET state = ? WHERE originator_id = ? AND originator_version = 2",
                (b'{"actor": ', nam.hex),
            )
        refused = run(world)
    finally:
        world.close()

    assert refused.exit_code == 1, refused.output
    assert refused.stdout == ""
    (error,) = [line for line in refused.stderr.splitlines() if line.strip()]
    assert error.startswith(
        f"Error: The Engagements log cannot be read after position {before_nam_law_summary}: "
    )


def test_an_unknown_state_or_one_without_engagement_is_refused_in_one_sentence(world: World) -> None:
    for argument, mention in (
        ("XYZ", "'XYZ' is not an ISO 3166 alpha-3 code"),
        ("FRA", "FRA has no engagement"),
    ):
        refused = run(world, argument)

        assert refused.exit_code == 1, refused.output
        assert refused.stdout == ""
        errors = [line for line in refused.stderr.splitlines() if line.strip()]
        assert len(errors) == 1, refused.stderr
        assert mention in errors[0]
    bad_date = run(world, "--as-of", "4 March 2002")
    assert bad_date.exit_code == 1
    assert bad_date.stderr.strip() == "Error: --as-of must be a date like 2002-03-04, not '4 March 2002'."


def test_a_long_replay_shows_a_progress_bar_and_a_short_one_none(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    short = run(world, terminal=True)
    monkeypatch.setattr(console, "BAR_FROM_EVENTS", 10)
    long = run(world, terminal=True)

    assert short.exit_code == long.exit_code == 0, long.output
    assert "Replaying" not in plain(short.stdout)
    events = sum(world.ends().values())
    assert f"{events}/{events}" in plain(long.stdout)
    assert "Replaying" in plain(long.stdout)


def test_replay_reports_how_many_events_it_read_to_the_progress_callback(world: World) -> None:
    seen: list[int] = []

    whole = replay(world.settings, as_of=REPORT_DAY, progress=seen.append)
    one = replay(world.settings, as_of=REPORT_DAY, state="THA")

    assert sum(seen) == whole.events == sum(world.ends().values())
    assert whole.differences == one.differences == []
    # One State's replay counts its own events, not the log position it read up to.
    tha = len(Engagements(world.settings.store_env("Engagements")).history("THA"))
    assert (one.state, one.engagements, one.events) == ("THA", 1, tha)
    assert tha < world.ends()["Engagements"] == one.read


def test_a_states_replay_as_of_a_date_shows_its_stage_on_that_date(world: World) -> None:
    history = Engagements(world.settings.store_env("Engagements")).history("THA")
    received = history[0].effective_date

    before = run(world, "THA", "--as-of", (received - timedelta(days=1)).isoformat(), "--json")
    on_report_day = run(world, "THA", "--as-of", REPORT_DAY.isoformat())

    assert before.exit_code == 0, before.output
    case = json.loads(before.stdout)["cases"]
    assert [(c["state"], c["stage_on_date"], c["events"]) for c in case] == [("THA", None, len(history))]
    lines = plain(on_report_day.stdout)
    assert f"As of {REPORT_DAY}, as replayed" in lines
    assert re.search(r"\(THA\)\s*│\s*training\s*│\s*completed\s*│", lines), lines
    assert f"Replayed {len(history)} events (the engagement of THA)" in lines
