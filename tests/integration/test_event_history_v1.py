"""A store in the first event shape (steps that did not name their State) reads, continues and replays."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pydantic_core
import pytest
from pydantic import ValidationError

from activities.engagements import Engagements
from domain.commands import DrawUpGapList, NameFocalPoint
from domain.engagement import engagement_id
from domain.events import LawSummaryReceived
from domain.recorded import UNKNOWN_DIGEST
from domain.values import FocalPoint, GapItem, Status, Step
from domain.views import CaseView
from projections.figures import figures
from usecases.audits import adopt, audit_key, replay, verify
from usecases.read_models import open_store, refresh, sources
from usecases.settings import Settings

HISTORY = Path(__file__).resolve().parents[1] / "fixtures" / "history_v1"
REPORT_DAY = date(2002, 3, 4)
AFTER_THE_REPORT = datetime(2002, 3, 5, 9, 0, tzinfo=UTC)


def fixture(name: str) -> Any:
    return json.loads((HISTORY / name).read_text())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A deployment whose engagements store holds the earlier history as it was written, then adopted.

    The rows go into the table as the engine of that time wrote them: before the audit chain existed,
    so `palermo audit adopt` chains them, as it would on an older deployment.
    """
    settings = Settings(home=tmp_path)
    Engagements(settings.store_env("Engagements")).close()  # creates the tables, as any process would
    rows = [
        (UUID(e["originator_id"]).hex, e["originator_version"], e["topic"], pydantic_core.to_json(e["state"]))
        for e in fixture("engagements.json")
    ]
    with closing(sqlite3.connect(settings.home_dir / "engagements.sqlite")) as lite, lite:
        lite.executemany(
            "INSERT INTO stored_events (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
            rows,
        )
    assert adopt(settings)["Engagements"] == len(rows)
    return settings


@pytest.fixture
def store(settings: Settings) -> Engagements:
    return Engagements(settings.store_env("Engagements"), clock=lambda: AFTER_THE_REPORT)


def stored_fields(settings: Settings, state: str, version: int) -> dict[str, Any]:
    """An event's stored fields, read from the SQLite file itself."""
    path = settings.home_dir / "engagements.sqlite"
    with closing(sqlite3.connect(path)) as lite:
        (state_json,) = lite.execute(
            "SELECT state FROM stored_events WHERE originator_id = ? AND originator_version = ?",
            (engagement_id(state).hex, version),
        ).fetchone()
    fields: dict[str, Any] = json.loads(state_json)
    return fields


def test_the_fixture_is_in_the_first_shape_which_the_current_classes_alone_refuse() -> None:
    events = fixture("engagements.json")
    steps = [e for e in events if not e["topic"].endswith(":RequestReceived")]

    assert len(events) == 17
    assert len(steps) == 14
    assert not any("state" in e["state"] or "class_version" in e["state"] for e in events[1:2] + steps)
    law_summary = steps[0]
    assert law_summary["topic"] == "domain.events:LawSummaryReceived"
    # Read without upcasting, the stored fields are not an event of today's class.
    with pytest.raises(ValidationError, match="state"):
        LawSummaryReceived.model_validate(
            law_summary["state"] | {"originator_id": law_summary["originator_id"], "originator_version": 2}
        )


def test_every_case_of_the_earlier_shape_loads_as_the_engine_of_that_time_showed_it(
    store: Engagements,
) -> None:
    shown_then: dict[str, dict[str, Any]] = fixture("cases.json")

    for state, then in shown_then.items():
        case = store.case(state)

        # Cases now also say since when each awaited step is awaited: KEN's focal point, since its request
        # (recorded then, and in the world on the day it was received).
        awaited = {"focal_point": then["opened_at"]} if state == "KEN" else {}
        awaited_from = {"focal_point": then["received"]} if state == "KEN" else {}
        # And which commands they recorded, by id: these events were stored before digests were kept.
        history = store.history(state)
        commands = {e.command_id: UNKNOWN_DIGEST for e in history if e.command_id is not None}
        # And, being of round 1, the day that round was completed or withdrawn.
        closing = {"TrainingHeld", "EngagementWithdrawn"}
        closed_on = next((e.effective_date for e in history if e.type in closing), None)
        assert case == CaseView.model_validate(
            then
            | {
                "awaited_since": awaited,
                "awaited_from": awaited_from,
                "closed_on": closed_on,
                "recorded_commands": commands,
            }
        ), state
        assert {e.round for e in history} == {1}
    bol = store.case("BOL")
    assert bol is not None
    assert bol.status is Status.COMPLETED
    assert bol.version == 12
    assert [r.escalated for r in bol.reminders] == [False, False, True]


def test_the_adopted_earlier_history_verifies_against_its_audit_chain(settings: Settings) -> None:
    verified = verify(settings, audit_key(settings))

    assert verified.events == 17
    assert verified.applications["Engagements"].events == 17


def test_the_history_of_the_earlier_shape_names_the_state_on_every_event(store: Engagements) -> None:
    history = store.history("BOL")

    assert [entry.type for entry in history] == [
        "RequestReceived",
        "LawSummaryReceived",
        "ReminderSent",
        "FocalPointNamed",
        "GapListDrawnUp",
        "AssistanceActivityRecorded",
        "AssistanceConcluded",
        "BillAdvanced",
        "ReminderSent",
        "StepEscalated",
        "LegislationConcluded",
        "TrainingHeld",
    ]
    assert {entry.data["state"] for entry in history} == {"BOL"}
    assert history[1].command_id == "bol-law-summary"


def test_a_case_of_the_earlier_shape_takes_its_next_steps_in_the_current_shape(
    settings: Settings, store: Engagements
) -> None:
    named = store.handle(
        NameFocalPoint(
            state="KEN",
            effective_date=date(2002, 3, 1),
            focal_point=FocalPoint(name="W. Otieno", office="Office of the Attorney General"),
        )
    )
    listed = store.handle(
        DrawUpGapList(
            state="KEN",
            effective_date=date(2002, 3, 4),
            items=(GapItem(checklist_item="smuggling.art6"),),
        )
    )

    assert named.version == 3
    assert listed.stage is Step.ASSISTANCE
    assert listed.completed_steps == (Step.REQUEST, Step.LAW_SUMMARY, Step.FOCAL_POINT, Step.GAP_LIST)
    old, new = stored_fields(settings, "KEN", 2), stored_fields(settings, "KEN", 3)
    assert "state" not in old
    assert "class_version" not in old
    assert (new["state"], new["class_version"], new["round"]) == ("KEN", 3, 1)
    # A fresh application reads the mixed history the same way.
    again = Engagements(settings.store_env("Engagements")).case("KEN")
    assert again == listed
    assert again is not None
    assert again.awaited_since == {Step.ASSISTANCE: AFTER_THE_REPORT}


def test_the_earlier_shape_projects_into_the_figures_and_replays_without_differences(
    settings: Settings,
) -> None:
    live = open_store(settings)
    try:
        refresh(live, sources(settings))
        counted = figures(live, REPORT_DAY)
    finally:
        live.close()

    result = replay(settings, as_of=REPORT_DAY)

    assert counted.requests_received == 3
    assert {stage: n for stage, n in counted.engagements_by_stage.items() if n} == {
        "focal_point": 1,
        "completed": 1,
        "withdrawn": 1,
    }
    assert counted.common_needs == {
        "convention.art5": 1,
        "convention.art6": 1,
        "trafficking.art5": 1,
        "training.officials": 1,
    }
    assert result.differences == []
    assert (result.engagements, result.events) == (3, 17)
