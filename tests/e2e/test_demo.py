"""`palermo up --demo` on a running stack loads the fourteen demo engagements, once."""

from __future__ import annotations

from tests.e2e.conftest import START_TIMEOUT_S, Palermo
from usecases.demo import REQUESTS

# Demo States at the step before, at and after the repeatable assistance activity.
WATCHED = ("GNB", "NAM", "UKR", "MKD")


def test_loading_the_demo_twice_records_its_fourteen_engagements_once(palermo: Palermo) -> None:
    processes = palermo.stack_file()["processes"]

    first = palermo("up", "--demo", "--detach", timeout=START_TIMEOUT_S)

    assert first.code == 0, first
    assert "already running" in first.stdout
    assert "14 engagements" in first.stdout
    assert palermo.stack_file()["processes"] == processes
    assert len(REQUESTS) == 14
    loaded = {state: palermo.recorded(state) for state, _, _ in REQUESTS}
    assert {state: len(events) for state, events in loaded.items()} == {
        state: reached + 1 for state, _, reached in REQUESTS
    }
    assert {e.actor for events in loaded.values() for e in events} == {"demo"}
    # Every event of the demo is marked as demo data, and none cites the report.
    assert all(e.demo for events in loaded.values() for e in events)
    assert not any("Report" in (e.source or "") for events in loaded.values() for e in events)
    shown = {state: palermo.history(state) for state in WATCHED}
    assert shown["UKR"][-1]["type"] == "AssistanceActivityRecorded"
    assert all(entry["demo"] for entry in shown["UKR"])

    again = palermo("up", "--demo", "--detach", timeout=START_TIMEOUT_S)

    assert again.code == 0, again
    assert {state: palermo.recorded(state) for state, _, _ in REQUESTS} == loaded
    assert {state: palermo.history(state) for state in WATCHED} == shown
    assert palermo.stack_file()["processes"] == processes


def test_the_ready_banner_fits_eighty_columns_and_says_where_the_data_is(palermo: Palermo) -> None:
    shown = palermo.wide("up", "--demo", "--detach", timeout=START_TIMEOUT_S)

    assert shown.code == 0, shown
    lines = shown.stdout.splitlines()
    assert [line for line in lines if len(line) > 80] == []
    assert f"Palermo is already running in {palermo.home}." in lines
    assert any(line.startswith("  Web app           http://127.0.0.1:") for line in lines)
    assert any(line.startswith("Treaty status (convention): ") for line in lines)
