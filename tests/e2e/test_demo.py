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
