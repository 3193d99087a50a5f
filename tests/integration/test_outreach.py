"""The Outreach store on SQLite and PostgreSQL: meetings, corrections, cooperation, the seed, and the CLI."""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

import psycopg
import pytest
import typer
from typer.testing import CliRunner

from activities.outreach import Outreach
from activities.participants import directory
from cli import meeting as outreach_cli
from cli.app import configure
from domain.errors import EffectiveDateInFuture, UnknownParticipant
from domain.outreach import CooperationKind, MeetingDetails, MeetingKind, meeting_id
from domain.values import Instrument
from tests.integration.clocks import Clock, RacingClock
from usecases.seed import COOPERATION, MEETINGS, seed
from usecases.settings import Settings

# Vienna time: an offset other than UTC shows the recorded time keeps its zone through the store.
VIENNA = timezone(timedelta(hours=1))
FIRST_RECORDING = datetime(2002, 3, 4, 9, 30, tzinfo=VIENNA)
RACE_TIMEOUT = 30.0
HELD = "domain.outreach:MeetingHeld"
CORRECTED = "domain.outreach:MeetingCorrected"
COOPERATED = "domain.outreach:CooperationActivityRecorded"


@dataclass
class OutreachStore:
    """One empty store (a SQLite file or a PostgreSQL database) and the applications opened on it."""

    kind: str
    settings: Settings
    location: str
    opened: list[Outreach] = field(default_factory=list)

    def open(self, clock: Clock | None = None) -> Outreach:
        """A new application instance on this store, as another process would have."""
        app = Outreach(self.settings.store_env("Outreach"), clock=clock or Clock(FIRST_RECORDING))
        self.opened.append(app)
        return app

    def last_position(self) -> int:
        return self.open().recorder.max_notification_id() or 0

    def topics(self) -> list[str]:
        """The topic of every stored event, in order, read with the database driver itself."""
        if self.kind == "sqlite":
            with closing(sqlite3.connect(self.location)) as conn:
                rows = conn.execute("SELECT topic FROM stored_events ORDER BY rowid").fetchall()
        else:
            with psycopg.connect(self.location) as conn:
                rows = conn.execute("SELECT topic FROM outreach_events ORDER BY notification_id").fetchall()
        return [str(topic) for (topic,) in rows]

    def cli_env(self) -> dict[str, str | None]:
        return {
            "PALERMO_HOME": str(self.settings.home),
            "PALERMO_STORE": self.kind,
            "PALERMO_DATABASE_URL": self.settings.database_url,
            "PALERMO_ACTOR": None,
        }


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def outreach(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OutreachStore]:
    """An empty Outreach store, built from the deployment settings as the CLI builds it."""
    if request.param == "sqlite":
        settings = Settings(home=tmp_path / "home")
        store = OutreachStore("sqlite", settings, settings.store_env("Outreach")["OUTREACH_SQLITE_DBNAME"])
    else:
        url = cast(str, request.getfixturevalue("fresh_postgres_url"))
        settings = Settings(home=tmp_path / "home", store="postgres", database_url=url)
        store = OutreachStore("postgres", settings, url)
    yield store
    for app in store.opened:
        app.close()


@pytest.fixture
def states() -> list[str]:
    """Three random current States for each test."""
    return random.sample([p.code for p in directory().all() if p.kind == "state" and not p.historic], 3)


@pytest.fixture
def place() -> str:
    """A place no other test uses."""
    return f"Vienna {uuid.uuid4().hex[:8]}"


def meeting(place: str, participants: list[str], **fields: Any) -> MeetingDetails:
    return MeetingDetails.model_validate(
        {
            "title": "Subregional seminar on the ratification of the instruments",
            "kind": MeetingKind.SUBREGIONAL_SEMINAR,
            "place": place,
            "start": date(2001, 10, 3),
            "end": date(2001, 10, 4),
            "organizers": ("Centre for International Crime Prevention",),
            "participants": tuple(participants),
            "instruments": (Instrument.CONVENTION, Instrument.FIREARMS),
            "topics": ("Extradition",),
        }
        | fields
    )


def test_a_meeting_reads_back_with_its_details_source_and_both_times(
    outreach: OutreachStore, place: str, states: list[str]
) -> None:
    clock = Clock(FIRST_RECORDING)
    details = meeting(place, states, outcome="A declaration was adopted.")

    recorded = outreach.open(clock).record_meeting(details, actor="officer.m", source="mission report 7")

    [read] = outreach.open().meetings()  # another instance, as another process would read it
    assert read.id == recorded.id == meeting_id(place, date(2001, 10, 3))
    assert read.details == details
    assert read.details.participants == tuple(states)
    assert (read.version, read.corrections) == (1, 0)
    assert read.recorded_at == read.first_recorded_at == clock.given[-1]
    assert read.recorded_at.utcoffset() == timedelta(hours=1)
    assert (read.actor, read.source) == ("officer.m", "mission report 7")
    assert outreach.topics() == [HELD]


def test_the_same_meeting_recorded_again_records_nothing(
    outreach: OutreachStore, place: str, states: list[str]
) -> None:
    outreach.open().record_meeting(meeting(place, states), actor="officer.m", source=None)
    position = outreach.last_position()

    again = outreach.open().record_meeting(meeting(place, states), actor="officer.n", source="again")

    assert again.version == 1
    assert outreach.last_position() == position == 1
    [read] = outreach.open().meetings()
    assert (read.actor, read.source) == ("officer.m", None)


def test_other_details_for_the_same_place_and_first_day_are_recorded_as_a_correction(
    outreach: OutreachStore, place: str, states: list[str]
) -> None:
    first_clock, second_clock = Clock(FIRST_RECORDING), Clock(FIRST_RECORDING + timedelta(days=30))
    outreach.open(first_clock).record_meeting(meeting(place, states[:2]), actor="officer.m", source="draft")
    corrected = meeting(place, states, end=date(2001, 10, 5), observers=("Commonwealth Secretariat",))

    after = outreach.open(second_clock).record_meeting(corrected, actor="officer.n", source="final list")

    assert after.version == 2
    assert outreach.topics() == [HELD, CORRECTED]
    [read] = outreach.open().meetings()
    assert read.details == corrected
    assert (read.version, read.corrections) == (2, 1)
    assert read.first_recorded_at == first_clock.given[-1]
    assert read.recorded_at == second_clock.given[-1]
    assert (read.actor, read.source) == ("officer.n", "final list")


def test_participant_codes_are_kept_upper_case_and_once(outreach: OutreachStore, place: str) -> None:
    app = outreach.open()

    app.record_meeting(meeting(place, ["aut", " AUT ", "deu"]), actor="officer.m", source=None)
    app.record_meeting(meeting(place, ["AUT", "DEU"]), actor="officer.m", source=None)

    [read] = outreach.open().meetings()
    assert read.details.participants == ("AUT", "DEU")
    assert outreach.topics() == [HELD]


def test_an_unknown_participant_is_refused_by_its_code_and_nothing_is_recorded(
    outreach: OutreachStore, place: str, states: list[str]
) -> None:
    app = outreach.open()

    with pytest.raises(UnknownParticipant, match="'QQX'"):
        app.record_meeting(meeting(place, [*states, "QQX"]), actor="officer.m", source=None)

    assert outreach.last_position() == 0
    assert outreach.open().meetings() == []


def test_a_correction_naming_an_unknown_participant_leaves_the_meeting_as_it_was(
    outreach: OutreachStore, place: str, states: list[str]
) -> None:
    outreach.open().record_meeting(meeting(place, states), actor="officer.m", source=None)

    with pytest.raises(UnknownParticipant, match="'ZZZ'"):
        outreach.open().record_meeting(meeting(place, ["ZZZ"]), actor="officer.m", source=None)

    [read] = outreach.open().meetings()
    assert read.details.participants == tuple(states)
    assert outreach.topics() == [HELD]


def test_a_meeting_that_has_not_begun_when_recorded_is_refused(
    outreach: OutreachStore, place: str, states: list[str]
) -> None:
    tomorrow = FIRST_RECORDING.date() + timedelta(days=1)

    with pytest.raises(EffectiveDateInFuture, match=str(tomorrow)):
        outreach.open().record_meeting(
            meeting(place, states, start=tomorrow, end=tomorrow), actor="officer.m", source=None
        )

    assert outreach.last_position() == 0


def test_two_writers_of_one_meeting_record_it_once(
    outreach: OutreachStore, place: str, states: list[str]
) -> None:
    barrier = threading.Barrier(2, timeout=RACE_TIMEOUT)
    apps = [outreach.open(RacingClock(barrier, FIRST_RECORDING + timedelta(hours=n))) for n in range(2)]
    outcomes: list[object] = [RuntimeError("racer did not finish")] * 2

    def run(n: int) -> None:
        try:
            outcomes[n] = (
                apps[n].record_meeting(meeting(place, states), actor=f"racer.{n}", source=None).version
            )
        except Exception as error:  # collected for the test to judge
            outcomes[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RACE_TIMEOUT * 2)

    assert outcomes == [1, 1]
    assert outreach.topics() == [HELD]


def test_a_cooperation_activity_is_recorded_once_per_state_kind_and_date(
    outreach: OutreachStore, states: list[str]
) -> None:
    state = states[0]
    fields: dict[str, Any] = {
        "state": state.lower(),
        "kind": CooperationKind.WORKSHOP,
        "title": "Workshop on extradition",
        "effective_date": date(2001, 11, 12),
        "partners": ("Commonwealth Secretariat",),
        "actor": "officer.c",
        "source": "mission report 9",
    }
    first = outreach.open().record_cooperation(**fields)

    again = outreach.open().record_cooperation(**fields | {"title": "Another title", "actor": "officer.d"})

    assert again.id == first.id
    assert outreach.topics() == [COOPERATED]
    [read] = outreach.open().cooperation()
    assert (read.state, read.kind, read.effective_date) == (
        state,
        CooperationKind.WORKSHOP,
        date(2001, 11, 12),
    )
    assert (read.title, read.partners) == ("Workshop on extradition", ("Commonwealth Secretariat",))
    assert (read.actor, read.source) == ("officer.c", "mission report 9")


def test_cooperation_with_an_unknown_state_is_refused(outreach: OutreachStore) -> None:
    with pytest.raises(UnknownParticipant, match="'QQY'"):
        outreach.open().record_cooperation(
            state="QQY",
            kind=CooperationKind.SEMINAR,
            title="Seminar",
            effective_date=date(2001, 6, 1),
            actor="officer.c",
            source=None,
        )

    assert outreach.last_position() == 0


def test_seeding_records_the_reports_history_once(outreach: OutreachStore) -> None:
    first = seed(outreach.open())
    position = outreach.last_position()

    second = seed(outreach.open())

    assert (first.meetings, first.cooperation, first.recorded) == (14, 7, 21)
    assert position == 21
    assert second.recorded == 0
    assert outreach.last_position() == position
    app = outreach.open()
    meetings = app.meetings()
    assert len(meetings) == len(MEETINGS) == 14
    assert {m.details.place for m in meetings} >= {
        "Pretoria",
        "Guatemala",
        "Hanoi",
        "Tehran",
        "Port-of-Spain",
    }
    assert sum(len(m.details.participants) for m in meetings) == 11 + 6 + 10 + 9 + 12 + 14
    assert all(m.actor == "seed" and m.source and "para. 1" in m.source for m in meetings)
    activities = app.cooperation()
    assert len(activities) == len(COOPERATION) == 7
    assert {a.state for a in activities} == {"HRV", "MCO", "PER", "ROU", "SAU", "SVK", "UKR"}


def test_seeding_again_keeps_a_correction_made_since(outreach: OutreachStore) -> None:
    seed(outreach.open())
    pretoria = next(m for m in outreach.open().meetings() if m.details.place == "Pretoria")
    corrected = pretoria.details.model_copy(update={"observers": ("Southern African Development Community",)})
    outreach.open().record_meeting(corrected, actor="officer.m", source="seminar report")

    summary = seed(outreach.open())

    assert summary.recorded == 0
    after = next(m for m in outreach.open().meetings() if m.details.place == "Pretoria")
    assert after.details.observers == ("Southern African Development Community",)
    assert after.corrections == 1


# The command line, mounted as deploy/cli.py mounts it, on the same stores.


def cli() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)
    app.callback()(configure)
    app.add_typer(outreach_cli.meeting, name="meeting")
    app.add_typer(outreach_cli.cooperation, name="cooperation")
    app.command("seed")(outreach_cli.seed)
    return app


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def said(self) -> str:
        return " ".join(self.stdout.split())


def palermo(store: OutreachStore, *args: str) -> Outcome:
    result = CliRunner().invoke(cli(), list(args), env=store.cli_env())
    return Outcome(result.exit_code, result.stdout, result.stderr)


def listed(store: OutreachStore, *args: str) -> list[dict[str, Any]]:
    outcome = palermo(store, *args, "--json")
    assert outcome.code == 0, outcome.stderr
    return cast(list[dict[str, Any]], json.loads(outcome.stdout))


def test_cli_seed_lists_the_history_and_a_second_seed_records_nothing(outreach: OutreachStore) -> None:
    first = palermo(outreach, "seed")
    second = palermo(outreach, "seed")

    assert first.code == 0, first.stderr
    assert "21 events recorded now" in first.said
    assert second.code == 0, second.stderr
    assert "0 events recorded now" in second.said
    of_2001 = listed(outreach, "meeting", "list", "--year", "2001")
    assert len(of_2001) == 14
    hanoi = next(m for m in of_2001 if m["details"]["place"] == "Hanoi")
    assert hanoi["details"]["kind"] == "high_level_expert_meeting"
    assert len(hanoi["details"]["participants"]) == 10
    assert "para. 13 (c)" in hanoi["source"]
    assert listed(outreach, "meeting", "list", "--year", "2002") == []
    assert sorted(a["state"] for a in listed(outreach, "cooperation", "list")) == [
        "HRV",
        "MCO",
        "PER",
        "ROU",
        "SAU",
        "SVK",
        "UKR",
    ]


def test_cli_records_a_meeting_then_nothing_then_a_correction(
    outreach: OutreachStore, place: str, states: list[str]
) -> None:
    record = ["--actor", "officer.t", "meeting", "record", "--title", "Consultation", "--kind", "briefing"]
    record += ["--place", place, "--start", "2002-01-14", "--end", "2002-01-15", "--source", "note 12"]
    record += [arg for code in states[:2] for arg in ("--participant", code.lower())]
    record += ["--instrument", "trafficking", "--topic", "Victims", "--organizer", "ILO"]

    made = palermo(outreach, *record)
    same = palermo(outreach, *record)
    fixed = palermo(outreach, *record, "--participant", states[2], "--outcome", "Joint statement")

    assert [made.code, same.code, fixed.code] == [0, 0, 0]
    assert "Meeting recorded" in made.said
    assert "nothing recorded" in same.said
    assert "Correction recorded" in fixed.said
    [read] = listed(outreach, "meeting", "list")
    assert read["details"]["participants"] == states
    assert read["details"]["instruments"] == ["trafficking"]
    assert read["details"]["outcome"] == "Joint statement"
    assert (read["version"], read["corrections"], read["actor"]) == (2, 1, "officer.t")
    assert outreach.topics() == [HELD, CORRECTED]


def test_cli_records_a_cooperation_activity_once(outreach: OutreachStore, states: list[str]) -> None:
    record = [
        "cooperation",
        "record",
        states[0],
        "--kind",
        "legislative_advice",
        "--title",
        "Draft law review",
    ]
    record += ["--partner", "Commonwealth Secretariat", "--effective", "2002-02-01"]

    made = palermo(outreach, *record)
    same = palermo(outreach, *record)

    assert (made.code, same.code) == (0, 0)
    assert "already recorded" in same.said
    [read] = listed(outreach, "cooperation", "list")
    assert (read["state"], read["kind"], read["effective_date"]) == (
        states[0],
        "legislative_advice",
        "2002-02-01",
    )
    assert outreach.topics() == [COOPERATED]


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        ({"--end": "2002-01-10"}, "--end (2002-01-10) is before --start (2002-01-14)"),
        ({"--participant": "QQX"}, "'QQX' is not an ISO 3166 alpha-3 code"),
        ({"--kind": "banquet"}, "--kind must be one of"),
        ({"--start": "14/01/2002"}, "--start must be a date like"),
        ({"--start": "2999-01-14", "--end": "2999-01-15"}, "is after today"),
    ],
)
def test_cli_refuses_bad_meeting_input_with_one_sentence_and_records_nothing(
    outreach: OutreachStore, place: str, change: dict[str, str], sentence: str
) -> None:
    options = {"--title": "Seminar", "--kind": "regional_seminar", "--place": place}
    options |= {"--start": "2002-01-14", "--participant": "AUT"} | change

    refused = palermo(outreach, "meeting", "record", *(arg for pair in options.items() for arg in pair))

    assert refused.code != 0
    assert refused.stderr.startswith("Error: ")
    assert sentence in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "Traceback" not in refused.stderr + refused.stdout
    assert listed(outreach, "meeting", "list") == []
    assert outreach.topics() == []


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["QQZ", "--kind", "seminar"], "'QQZ' is not an ISO 3166 alpha-3 code"),
        (["HRV", "--kind", "picnic"], "--kind must be one of"),
        (["HRV", "--kind", "seminar", "--effective", "2001-02-30"], "--effective must be a date like"),
    ],
)
def test_cli_refuses_bad_cooperation_input_with_one_sentence(
    outreach: OutreachStore, args: list[str], sentence: str
) -> None:
    refused = palermo(outreach, "cooperation", "record", *args, "--title", "Seminar")

    assert refused.code != 0
    assert sentence in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert listed(outreach, "cooperation", "list") == []
