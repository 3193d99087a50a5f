"""The Engagements event store on SQLite and PostgreSQL: durable, ordered, idempotent and safe under races."""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import cast

import psycopg
import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.engagement_activities import CaseCommand, CaseRef, EngagementActivities
from activities.engagements import Engagements
from activities.participants import directory
from domain import errors
from domain.commands import (
    Command,
    ConcludeAssistance,
    ConcludeLegislation,
    DrawUpGapList,
    NameFocalPoint,
    OpenEngagement,
    RecordAssistanceActivity,
    RecordBill,
    RecordLawSummary,
    RecordTraining,
    Withdraw,
)
from domain.values import (
    AssistanceActivity,
    AssistanceKind,
    Bill,
    BillStage,
    FocalPoint,
    GapItem,
    Instrument,
    LegislationOutcome,
    Status,
    Step,
)
from domain.views import CaseView
from tests.integration.clocks import Clock, RacingClock
from usecases.settings import Settings

RECEIVED = date(2001, 9, 3)
# Vienna time: an offset other than UTC shows the recorded time keeps its zone through the store.
VIENNA = timezone(timedelta(hours=1))
FIRST_RECORDING = datetime(2002, 10, 1, 9, 30, tzinfo=VIENNA)
RACE_TIMEOUT = 30.0


@dataclass
class EventStore:
    """One empty store (a SQLite file or a PostgreSQL database) and the applications opened on it."""

    kind: str
    env: dict[str, str]
    location: str
    opened: list[Engagements] = field(default_factory=list)

    def open(self, clock: Clock | None = None) -> Engagements:
        """A new application instance on this store, as another process or worker would have."""
        app = Engagements(self.env, clock=clock or Clock(FIRST_RECORDING))
        self.opened.append(app)
        return app

    def raw_rows(self) -> list[tuple[int, str, bytes]]:
        """(version, topic, state) of every stored event, read with the database driver itself."""
        if self.kind == "sqlite":
            with closing(sqlite3.connect(self.location)) as conn:
                rows = conn.execute(
                    "SELECT originator_version, topic, state FROM stored_events ORDER BY rowid"
                ).fetchall()
        else:
            with psycopg.connect(self.location) as conn:
                rows = conn.execute(
                    "SELECT originator_version, topic, state FROM engagements_events ORDER BY notification_id"
                ).fetchall()
        return [(int(version), str(topic), bytes(state)) for version, topic, state in rows]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engagements(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EventStore]:
    """An empty Engagements store, built from the deployment settings exactly as the worker builds it."""
    if request.param == "sqlite":
        env = Settings(home=tmp_path / "home").store_env("Engagements")
        store = EventStore("sqlite", env, env["ENGAGEMENTS_SQLITE_DBNAME"])
    else:
        url = cast(str, request.getfixturevalue("fresh_postgres_url"))
        env = Settings(store="postgres", database_url=url).store_env("Engagements")
        store = EventStore("postgres", env, url)
    yield store
    for app in store.opened:
        app.close()


@pytest.fixture
def state() -> str:
    """A random current State for each test."""
    return random.choice([p.code for p in directory().all() if p.kind == "state" and not p.historic])


def new_id(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex}"


def opening(state: str, **fields: object) -> OpenEngagement:
    return OpenEngagement.model_validate(
        {
            "state": state,
            "effective_date": RECEIVED,
            "instruments": (Instrument.CONVENTION, Instrument.TRAFFICKING),
            "partners": ("UNODC",),
            "actor": "registry",
            "source": "note verbale 2001/114",
            "command_id": new_id("open"),
        }
        | fields
    )


def law_summary(state: str, **fields: object) -> RecordLawSummary:
    return RecordLawSummary.model_validate(
        {
            "state": state,
            "effective_date": date(2001, 11, 5),
            "document": "Digest of the penal code",
            "actor": "officer.a",
            "source": "letter of 5 November 2001",
            "command_id": new_id("law_summary"),
        }
        | fields
    )


def focal_point(state: str, **fields: object) -> NameFocalPoint:
    return NameFocalPoint.model_validate(
        {
            "state": state,
            "effective_date": date(2001, 11, 20),
            "focal_point": FocalPoint(name="M. Duarte", office="Ministry of Justice"),
            "actor": "officer.b",
            "command_id": new_id("focal_point"),
        }
        | fields
    )


def whole_case(state: str) -> list[Command]:
    """Every step of one engagement, from the request to training, each with its own date and id."""
    workshop = AssistanceActivity(kind=AssistanceKind.WORKSHOP, experts=("pool A",), cost=Decimal("950.00"))
    drafted = Bill(title="Organized Crime Act", stage=BillStage.DRAFTED, addresses=("convention.art5",))
    enacted = drafted.model_copy(update={"stage": BillStage.ENACTED})
    common = {"state": state, "actor": "officer.c", "source": "mission report"}
    return [
        opening(state),
        law_summary(state),
        focal_point(state),
        DrawUpGapList.model_validate(
            common
            | {
                "effective_date": date(2002, 1, 14),
                "items": (
                    GapItem(checklist_item="convention.art5"),
                    GapItem(checklist_item="trafficking.art5"),
                ),
                "command_id": new_id("gap_list"),
            }
        ),
        RecordAssistanceActivity.model_validate(
            common | {"effective_date": date(2002, 2, 1), "activity": workshop, "command_id": new_id("act")}
        ),
        ConcludeAssistance.model_validate(
            common | {"effective_date": date(2002, 3, 1), "command_id": new_id("assistance")}
        ),
        RecordBill.model_validate(
            common | {"effective_date": date(2002, 4, 2), "bill": drafted, "command_id": new_id("bill")}
        ),
        RecordBill.model_validate(
            common | {"effective_date": date(2002, 6, 3), "bill": enacted, "command_id": new_id("bill")}
        ),
        ConcludeLegislation.model_validate(
            common | {"effective_date": date(2002, 6, 10), "command_id": new_id("legislation")}
        ),
        RecordTraining.model_validate(
            common
            | {"effective_date": date(2002, 9, 16), "officials_trained": 35, "command_id": new_id("training")}
        ),
    ]


WHOLE_CASE_EVENTS = [
    "RequestReceived",
    "LawSummaryReceived",
    "FocalPointNamed",
    "GapListDrawnUp",
    "AssistanceActivityRecorded",
    "AssistanceConcluded",
    "BillAdvanced",
    "BillAdvanced",
    "LegislationConcluded",
    "TrainingHeld",
]


def test_whole_case_survives_a_new_application_instance(engagements: EventStore, state: str) -> None:
    first = engagements.open()
    views = [first.handle(command) for command in whole_case(state)]
    history = first.history(state)
    first.close()

    reopened = engagements.open()
    case = reopened.case(state)
    assert case is not None
    assert case == views[-1]
    assert case.status is Status.COMPLETED
    assert case.version == len(WHOLE_CASE_EVENTS)
    assert case.completed_steps == tuple(Step)
    assert case.state_name == directory().get(state).name
    assert case.legislation_outcome is LegislationOutcome.ENACTED
    assert [b.stage for b in case.bills] == [BillStage.ENACTED]
    assert case.officials_trained == 35
    assert [a.activity.cost for a in case.activities] == [Decimal("950.00")]
    assert reopened.history(state) == history
    # The replayed aggregate, not only its view, came back: it refuses a step after completion.
    with pytest.raises(errors.EngagementClosed):
        reopened.handle(Withdraw(state=state, effective_date=date(2002, 9, 20), reason="priorities changed"))


def test_history_lists_each_event_in_version_order_with_its_provenance(
    engagements: EventStore, state: str
) -> None:
    clock = Clock(FIRST_RECORDING)
    app = engagements.open(clock)
    commands = whole_case(state)
    for command in commands:
        app.handle(command)

    history = engagements.open().history(state)

    assert [entry.type for entry in history] == WHOLE_CASE_EVENTS
    assert [entry.version for entry in history] == list(range(1, len(commands) + 1))
    assert [entry.effective_date for entry in history] == [c.effective_date for c in commands]
    assert [entry.recorded_at for entry in history] == clock.given
    assert all(entry.recorded_at.utcoffset() == timedelta(hours=1) for entry in history)
    assert [entry.actor for entry in history] == [c.actor for c in commands]
    assert [entry.source for entry in history] == [c.source for c in commands]
    assert [entry.command_id for entry in history] == [c.command_id for c in commands]
    assert history[1].data["document"] == "Digest of the penal code"
    assert not {"actor", "effective_date", "timestamp", "source", "command_id"} & set(history[1].data)


def test_the_same_command_twice_is_recorded_once(engagements: EventStore, state: str) -> None:
    app = engagements.open()
    open_command = opening(state)
    opened = app.handle(open_command)
    command = law_summary(state)
    first = app.handle(command)
    last_notification = app.recorder.max_notification_id()

    # A retry reaches the same instance, another worker's instance, and the open is retried too.
    assert app.handle(command) == first
    assert engagements.open().handle(command) == first
    assert app.handle(open_command) == opened

    assert first.version == opened.version + 1 == 2
    assert app.recorder.max_notification_id() == last_notification
    assert [entry.command_id for entry in app.history(state)] == [open_command.command_id, command.command_id]


def test_the_same_step_under_a_new_command_id_is_refused(engagements: EventStore, state: str) -> None:
    app = engagements.open()
    app.handle(opening(state))
    app.handle(law_summary(state))
    with pytest.raises(errors.StepAlreadyRecorded):
        app.handle(law_summary(state))
    assert [entry.type for entry in app.history(state)] == ["RequestReceived", "LawSummaryReceived"]


def test_record_command_activity_run_twice_records_one_event(engagements: EventStore, state: str) -> None:
    engagements.open().handle(opening(state))
    payload = CaseCommand(command=law_summary(state))

    # The retry runs on another worker, with its own application instance.
    first = ActivityEnvironment().run(EngagementActivities(engagements.open()).record_command, payload)
    worker = EngagementActivities(engagements.open())
    second = ActivityEnvironment().run(worker.record_command, payload)

    assert second == first
    assert first.version == 2
    assert first.completed_steps == (Step.REQUEST, Step.LAW_SUMMARY)
    history = worker.engagements.history(state)
    assert [entry.type for entry in history] == ["RequestReceived", "LawSummaryReceived"]
    assert ActivityEnvironment().run(worker.load_case, CaseRef(state=state)) == first


def test_load_case_activity_finds_no_case_for_a_state_never_opened(
    engagements: EventStore, state: str
) -> None:
    worker = EngagementActivities(engagements.open())
    assert ActivityEnvironment().run(worker.load_case, CaseRef(state=state)) is None


def test_record_command_records_no_earlier_than_its_attempt_was_scheduled(
    engagements: EventStore, state: str
) -> None:
    clock = Clock(FIRST_RECORDING)
    worker = EngagementActivities(engagements.open(clock))
    environment = ActivityEnvironment()
    scheduled = FIRST_RECORDING + timedelta(days=3)
    environment.info = replace(environment.info, current_attempt_scheduled_time=scheduled)

    view = environment.run(worker.record_command, CaseCommand(command=opening(state)))

    assert view.opened_at == scheduled
    assert scheduled > clock.given[0]
    assert worker.engagements.history(state)[0].recorded_at == scheduled


@pytest.mark.parametrize(
    ("refusal", "error_type", "named"),
    [
        ("gap list before its prerequisites", "StepOutOfOrder", "law_summary"),
        ("step of a State never opened", "EngagementNotOpen", "OTHER"),
        ("request of an unknown code", "UnknownParticipant", "QQQ"),
        ("effective date after today", "EffectiveDateInFuture", "2003-01-01"),
    ],
)
def test_record_command_activity_turns_a_refusal_into_a_final_error(
    engagements: EventStore, state: str, refusal: str, error_type: str, named: str
) -> None:
    other = random.choice([code for code in ("BRA", "KEN", "NPL") if code != state])
    command: Command = {
        "gap list before its prerequisites": DrawUpGapList(state=state, effective_date=date(2002, 1, 14)),
        "step of a State never opened": law_summary(other),
        "request of an unknown code": opening("QQQ"),
        "effective date after today": focal_point(state, effective_date=date(2003, 1, 1)),
    }[refusal]
    app = engagements.open()
    app.handle(opening(state))
    before = app.recorder.max_notification_id()

    with pytest.raises(ApplicationError) as refused:
        ActivityEnvironment().run(EngagementActivities(app).record_command, CaseCommand(command=command))

    assert refused.value.type == error_type
    assert refused.value.non_retryable
    assert (other if named == "OTHER" else named) in refused.value.message
    assert app.recorder.max_notification_id() == before
    assert app.case(other) is None
    assert app.case("QQQ") is None


def race(engagements: EventStore, commands: list[Command]) -> tuple[list[CaseView | Exception], list[Clock]]:
    """Run each command on its own application instance, in its own thread, all deciding on one version."""
    barrier = threading.Barrier(len(commands), timeout=RACE_TIMEOUT)
    clocks: list[Clock] = [
        RacingClock(barrier, FIRST_RECORDING + timedelta(hours=n)) for n in range(len(commands))
    ]
    apps = [engagements.open(clock) for clock in clocks]
    outcomes: list[CaseView | Exception] = [RuntimeError("racer did not finish")] * len(commands)

    def run(n: int) -> None:
        try:
            outcomes[n] = apps[n].handle(commands[n])
        except Exception as error:  # collected for the test to judge
            outcomes[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(commands))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RACE_TIMEOUT * 2)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes, clocks


def test_two_instances_racing_with_different_steps_both_record_once(
    engagements: EventStore, state: str
) -> None:
    engagements.open().handle(opening(state))
    commands: list[Command] = [law_summary(state), focal_point(state)]

    outcomes, clocks = race(engagements, commands)

    views = [outcome for outcome in outcomes if isinstance(outcome, CaseView)]
    assert len(views) == 2, outcomes
    assert sorted(view.version for view in views) == [2, 3]
    # Both decided on version 1, so the loser hit the unique key, reloaded and decided again.
    assert sum(len(clock.given) for clock in clocks) == 3
    history = engagements.open().history(state)
    assert [entry.version for entry in history] == [1, 2, 3]
    assert sorted(entry.command_id or "" for entry in history[1:]) == sorted(
        c.command_id or "" for c in commands
    )
    case = engagements.open().case(state)
    assert case is not None
    assert case.awaiting == (Step.GAP_LIST,)
    assert case.focal_point == FocalPoint(name="M. Duarte", office="Ministry of Justice")
    assert case.law_summary_document == "Digest of the penal code"


def test_two_instances_racing_with_the_same_step_record_one_and_refuse_the_other(
    engagements: EventStore, state: str
) -> None:
    engagements.open().handle(opening(state))
    commands: list[Command] = [law_summary(state), law_summary(state, document="Second digest")]

    outcomes, _clocks = race(engagements, commands)

    refusals = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    views = [outcome for outcome in outcomes if isinstance(outcome, CaseView)]
    assert [type(error) for error in refusals] == [errors.StepAlreadyRecorded], outcomes
    assert [view.version for view in views] == [2]
    history = engagements.open().history(state)
    assert [entry.type for entry in history] == ["RequestReceived", "LawSummaryReceived"]
    assert history[1].command_id == commands[outcomes.index(views[0])].command_id


def test_a_retried_command_racing_its_first_attempt_is_recorded_once(
    engagements: EventStore, state: str
) -> None:
    engagements.open().handle(opening(state))
    command = law_summary(state)

    outcomes, _clocks = race(engagements, [command, command])

    assert all(isinstance(outcome, CaseView) for outcome in outcomes), outcomes
    assert outcomes[0] == outcomes[1]
    history = engagements.open().history(state)
    assert [entry.command_id for entry in history[1:]] == [command.command_id]


def test_a_refused_command_records_nothing(engagements: EventStore, state: str) -> None:
    app = engagements.open()
    app.handle(opening(state))
    app.handle(law_summary(state))
    before = app.recorder.max_notification_id()
    history = app.history(state)
    early = focal_point(state, effective_date=RECEIVED - timedelta(days=1))

    with pytest.raises(errors.EffectiveDateBeforeRequest):
        app.handle(early)
    with pytest.raises(errors.StepOutOfOrder):
        app.handle(RecordTraining(state=state, effective_date=date(2002, 9, 16)))
    with pytest.raises(errors.EngagementAlreadyOpen):
        app.handle(opening(state))

    assert app.recorder.max_notification_id() == before
    assert engagements.open().history(state) == history
    # Nothing of the refused command was kept: corrected, under the same id, it is recorded next.
    corrected = app.handle(early.model_copy(update={"effective_date": RECEIVED}))
    assert corrected.version == 3
    assert Step.FOCAL_POINT in corrected.completed_steps


def test_stored_events_are_pydantic_json_under_their_class_topic(engagements: EventStore, state: str) -> None:
    clock = Clock(FIRST_RECORDING)
    app = engagements.open(clock)
    command = law_summary(state)
    app.handle(opening(state))
    app.handle(command)

    rows = engagements.raw_rows()

    assert [(version, topic) for version, topic, _ in rows] == [
        (1, "domain.events:RequestReceived"),
        (2, "domain.events:LawSummaryReceived"),
    ]
    stored = json.loads(rows[1][2])
    assert stored["effective_date"] == "2001-11-05"
    assert datetime.fromisoformat(stored["timestamp"]) == clock.given[1]
    assert stored["document"] == "Digest of the penal code"
    assert stored["command_id"] == command.command_id
    assert stored["actor"] == "officer.a"
    assert "originator_id" not in stored
    assert "originator_version" not in stored
    opened = json.loads(rows[0][2])
    assert opened["state"] == state
    assert opened["instruments"] == ["convention", "trafficking"]
