"""Treaty status imports on SQLite and PostgreSQL: atomic, idempotent, corrected not overwritten, figures."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import cast

import psycopg
import pytest

from activities.treaties import RecordedAction, Treaties
from activities.untc import TableRefused, TableRow, parse_table
from activities.untc_stream import read_table
from domain.facts import Fact
from domain.treaty import ActionKind, Slot, TreatyActionCorrected, treaty_action_id
from domain.values import Instrument
from usecases.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "untc"
COLLECTION = ROOT.parent / "shared" / "data" / "untc"
C, T, S, F = Instrument.CONVENTION, Instrument.TRAFFICKING, Instrument.SMUGGLING, Instrument.FIREARMS
COLLECTION_FILES = {
    Instrument.CONVENTION: "18-12.csv",
    Instrument.TRAFFICKING: "18-12-a.csv",
    Instrument.SMUGGLING: "18-12-b.csv",
    Instrument.FIREARMS: "18-12-c.csv",
}
HEADER = 'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n'
VIENNA = timezone(timedelta(hours=1))
# After the Collection's 2014 tables: no date in them lies after the recorded time.
FIRST_RECORDING = datetime(2014, 10, 6, 9, 30, tzinfo=VIENNA)
# Signatures and signatures+consents in tests/fixtures/untc/convention.csv: 9 signatures, 10 consents.
CONVENTION_ACTIONS = 19


class Clock:
    """The injected clock: recorded times a minute apart."""

    def __init__(self, start: datetime = FIRST_RECORDING) -> None:
        self.start = start
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            self.calls += 1
            return self.start + timedelta(minutes=self.calls - 1)


@dataclass
class TreatyStore:
    """One empty store (a SQLite file or a PostgreSQL database) and the Treaties opened on it."""

    kind: str
    env: dict[str, str]
    location: str
    opened: list[Treaties] = field(default_factory=list)

    def open(self, clock: Clock | None = None) -> Treaties:
        """A new application instance on this store, as another process would have."""
        app = Treaties(self.env, clock=clock or Clock())
        self.opened.append(app)
        return app

    def stored_count(self) -> int:
        """Rows of the Treaties event table, counted with the database driver itself."""
        if self.kind == "sqlite":
            with closing(sqlite3.connect(self.location)) as conn:
                return int(conn.execute("SELECT count(*) FROM stored_events").fetchone()[0])
        with psycopg.connect(self.location) as conn:
            found = conn.execute("SELECT count(*) FROM treaties_events").fetchone()
            return int(found[0]) if found else 0


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TreatyStore]:
    """An empty Treaties store, built from the deployment settings as the command line builds it."""
    if request.param == "sqlite":
        env = Settings(home=tmp_path / "home").store_env("Treaties")
        found = TreatyStore("sqlite", env, env["TREATIES_SQLITE_DBNAME"])
    else:
        url = cast(str, request.getfixturevalue("fresh_postgres_url"))
        found = TreatyStore(
            "postgres", Settings(store="postgres", database_url=url).store_env("Treaties"), url
        )
    yield found
    for app in found.opened:
        app.close()


def last_position(app: Treaties) -> int:
    return app.recorder.max_notification_id() or 0


def events_after(app: Treaties, position: int) -> list[Fact]:
    notes = app.recorder.select_notifications(start=position, limit=10_000, inclusive_of_start=False)
    return [cast(Fact, app.mapper.to_domain_event(note)) for note in notes]


def table(*lines: str) -> list[TableRow]:
    return parse_table(HEADER + "".join(f"{line}\n" for line in lines))


def current(app: Treaties, instrument: Instrument) -> dict[tuple[str, ActionKind], RecordedAction]:
    return {(a.participant, a.kind): a for a in app.actions(instrument)}


def test_a_table_imported_twice_is_recorded_once(store: TreatyStore) -> None:
    rows = read_table(FIXTURES / "convention.csv")
    first = store.open()
    read: list[int] = []

    summary = first.import_table(
        rows, Instrument.CONVENTION, actor="registry", source="UNTC 18-12", progress=lambda: read.append(1)
    )

    assert (summary.recorded, summary.corrected, summary.unchanged) == (CONVENTION_ACTIONS, 0, 0)
    assert summary.rows == len(rows) == len(read)
    assert last_position(first) == CONVENTION_ACTIONS
    assert store.stored_count() == CONVENTION_ACTIONS

    again = store.open().import_table(rows, Instrument.CONVENTION, actor="registry", source="UNTC 18-12")

    assert (again.recorded, again.corrected, again.unchanged) == (0, 0, CONVENTION_ACTIONS)
    assert last_position(first) == CONVENTION_ACTIONS
    assert store.stored_count() == CONVENTION_ACTIONS


def test_an_imported_table_reads_back_as_each_participant_s_actions(store: TreatyStore) -> None:
    rows = read_table(FIXTURES / "convention.csv")
    store.open().import_table(rows, Instrument.CONVENTION, actor="registry", source="UNTC 18-12")

    actions = current(store.open(), Instrument.CONVENTION)

    expected = {(row.participant, a.kind): a.effective_date for row in rows for a in row.actions}
    assert {key: a.effective_date for key, a in actions.items()} == expected
    assert actions["EUU", ActionKind.APPROVAL].participant_name == "European Union"
    assert actions["BHR", ActionKind.ACCESSION].effective_date == date(2004, 6, 7)
    assert ("BHR", ActionKind.SIGNATURE) not in actions
    assert actions["MNE", ActionKind.SUCCESSION].effective_date == date(2006, 10, 23)
    assert {a.version for a in actions.values()} == {1}
    assert {a.recorded_at for a in actions.values()} == {FIRST_RECORDING}
    assert store.open().actions(Instrument.TRAFFICKING) == []


def test_the_same_table_for_another_instrument_is_recorded_apart(store: TreatyStore) -> None:
    rows = read_table(FIXTURES / "convention.csv")
    app = store.open()
    app.import_table(rows, Instrument.CONVENTION, actor="registry", source=None)

    summary = app.import_table(rows, Instrument.TRAFFICKING, actor="registry", source=None)

    assert summary.recorded == CONVENTION_ACTIONS
    assert len(app.actions()) == 2 * CONVENTION_ACTIONS
    assert [a.instrument for a in app.actions_of("EUU")] == [Instrument.CONVENTION] * 2 + [
        Instrument.TRAFFICKING
    ] * 2


def test_a_corrected_date_is_recorded_as_a_correction_beside_the_first_reading(store: TreatyStore) -> None:
    app = store.open()
    app.import_table(read_table(FIXTURES / "convention.csv"), Instrument.CONVENTION, actor="a", source="v1")
    before = last_position(app)

    summary = app.import_table(
        read_table(FIXTURES / "convention_corrected.csv"), Instrument.CONVENTION, actor="b", source="v2"
    )

    assert (summary.recorded, summary.corrected, summary.unchanged) == (0, 1, CONVENTION_ACTIONS - 1)
    [correction] = events_after(app, before)
    assert isinstance(correction, TreatyActionCorrected)
    assert (correction.participant, correction.kind, correction.previous_kind) == (
        "VEN",
        *[ActionKind.RATIFICATION] * 2,
    )
    assert (correction.previous_date, correction.effective_date) == (date(2002, 5, 13), date(2002, 6, 13))
    assert (correction.actor, correction.source) == ("b", "v2")
    venezuela = list(app.events.get(treaty_action_id("VEN", Instrument.CONVENTION, Slot.CONSENT)))
    assert [type(e).__name__ for e in venezuela] == ["TreatyActionRecorded", "TreatyActionCorrected"]
    assert cast(Fact, venezuela[0]).effective_date == date(2002, 5, 13)
    now = current(store.open(), Instrument.CONVENTION)["VEN", ActionKind.RATIFICATION]
    assert (now.effective_date, now.version) == (date(2002, 6, 13), 2)
    assert current(app, Instrument.CONVENTION)["VEN", ActionKind.SIGNATURE].version == 1


def test_a_changed_kind_of_consent_is_a_correction_naming_the_previous_kind(store: TreatyStore) -> None:
    app = store.open()
    app.import_table(table("Chile,13 Dec 2000,29 Nov 2004"), Instrument.SMUGGLING, actor="a", source=None)
    before = last_position(app)

    summary = app.import_table(
        table("Chile,13 Dec 2000,29 Nov 2004 a"), Instrument.SMUGGLING, actor="a", source=None
    )

    assert (summary.recorded, summary.corrected, summary.unchanged) == (0, 1, 1)
    [correction] = events_after(app, before)
    assert isinstance(correction, TreatyActionCorrected)
    assert (correction.previous_kind, correction.kind) == (ActionKind.RATIFICATION, ActionKind.ACCESSION)
    assert correction.previous_date == correction.effective_date == date(2004, 11, 29)
    assert set(current(app, Instrument.SMUGGLING)) == {
        ("CHL", ActionKind.SIGNATURE),
        ("CHL", ActionKind.ACCESSION),
    }


def test_a_refused_table_records_nothing(store: TreatyStore) -> None:
    app = store.open()
    app.import_table(table("Chile,13 Dec 2000,"), Instrument.CONVENTION, actor="a", source=None)
    before = last_position(app)

    with pytest.raises(TableRefused):
        app.import_table(read_table(FIXTURES / "bad.csv"), Instrument.CONVENTION, actor="a", source=None)
    # Rows that parse, and a date the clock has not reached, after many good rows and a correction.
    rows = read_table(FIXTURES / "convention.csv") + table(
        "Chile,13 Dec 2000,", "Peru,14 Dec 2000,23 Jan 2016"
    )
    rows = [row.model_copy(update={"row": n}) for n, row in enumerate(rows, 2)]
    with pytest.raises(TableRefused) as refused:
        app.import_table(rows, Instrument.CONVENTION, actor="a", source=None)

    assert refused.value.problems == ("row 14 (Peru): ratification dated 2016-01-23 is later than today",)
    assert last_position(app) == before == 1
    assert store.stored_count() == 1


def test_actions_before_their_instrument_was_adopted_are_refused_naming_each_row(store: TreatyStore) -> None:
    app = store.open()
    app.import_table(table("Chile,13 Dec 2000,"), Instrument.CONVENTION, actor="a", source=None)
    rows = table(
        "Norway,13 Dec 2000,", "Peru,14 Oct 1066,", "Spain,12 Dec 2000,1 Jan 0001 a", "Italy,14 Nov 2000,"
    )

    with pytest.raises(TableRefused) as refused:
        app.import_table(rows, Instrument.CONVENTION, actor="a", source=None)

    adopted = "is before 15 November 2000, when General Assembly resolution 55/25 adopted the instrument"
    assert refused.value.problems == (
        f"row 3 (Peru): signature dated 1066-10-14 {adopted}",
        f"row 4 (Spain): accession dated 0001-01-01 {adopted}",
        f"row 5 (Italy): signature dated 2000-11-14 {adopted}",
    )
    assert last_position(app) == 1
    assert store.stored_count() == 1


def test_the_firearms_protocol_takes_actions_from_31_may_2001_not_before(store: TreatyStore) -> None:
    app = store.open()

    with pytest.raises(TableRefused) as refused:
        app.import_table(table("Peru,31 May 2001,", "Chile,30 May 2001,"), F, actor="a", source=None)
    summary = app.import_table(table("Peru,31 May 2001,"), F, actor="a", source=None)

    assert refused.value.problems == (
        "row 3 (Chile): signature dated 2001-05-30 is before 31 May 2001, when General Assembly resolution "
        "55/255 adopted the instrument",
    )
    assert summary.recorded == 1
    assert store.stored_count() == 1


def test_today_is_the_injected_clock_s_not_the_machine_s(store: TreatyStore) -> None:
    app = store.open(Clock(datetime(2002, 3, 4, 23, 0, tzinfo=UTC)))

    with pytest.raises(TableRefused) as refused:
        app.import_table(table("Spain,,4 Mar 2002", "Peru,,5 Mar 2002"), C, actor="a", source=None)
    summary = app.import_table(table("Spain,,4 Mar 2002"), C, actor="a", source=None)

    assert refused.value.problems == ("row 3 (Peru): ratification dated 2002-03-05 is later than today",)
    assert summary.recorded == 1


def test_rows_naming_one_participant_twice_are_refused_before_anything_is_read(store: TreatyStore) -> None:
    app = store.open()
    rows = table("Chile,13 Dec 2000,") + table("Chile,14 Dec 2000,")

    with pytest.raises(TableRefused) as refused:
        app.import_table(rows, Instrument.CONVENTION, actor="a", source=None)

    assert refused.value.problems == ("row 2 (Chile): CHL is listed twice (first on row 2)",)
    assert last_position(app) == 0


class RivalClock(Clock):
    """Before its first reading, another instance records Spain's ratification with another date."""

    def __init__(self, store: TreatyStore) -> None:
        super().__init__()
        self.store = store

    def __call__(self) -> datetime:
        if self.calls == 0:
            rival = self.store.open(Clock(FIRST_RECORDING - timedelta(days=1)))
            rival.import_table(table("Spain,,1 Apr 2002"), Instrument.CONVENTION, actor="rival", source=None)
        return super().__call__()


def test_an_import_that_loses_a_race_is_undone_whole_and_retried(store: TreatyStore) -> None:
    clock = RivalClock(store)
    app = store.open(clock)

    summary = app.import_table(
        read_table(FIXTURES / "convention.csv"), Instrument.CONVENTION, actor="a", source=None
    )

    assert clock.calls == 2
    assert (summary.recorded, summary.corrected, summary.unchanged) == (CONVENTION_ACTIONS - 1, 1, 0)
    events = events_after(app, 0)
    assert [e.actor for e in events] == ["rival"] + ["a"] * CONVENTION_ACTIONS
    assert {e.timestamp for e in events[1:]} == {FIRST_RECORDING + timedelta(minutes=1)}
    [correction] = [e for e in events if isinstance(e, TreatyActionCorrected)]
    assert (correction.participant, correction.previous_date) == ("ESP", date(2002, 4, 1))
    assert correction.effective_date == date(2002, 3, 1)


def paragraph_8(actions: list[RecordedAction], as_of: date) -> dict[Instrument, tuple[int, int]]:
    """(signatories, parties) of each instrument as of a date."""
    figures = {}
    for instrument in Instrument:
        known = [a for a in actions if a.instrument is instrument and a.effective_date <= as_of]
        figures[instrument] = (
            sum(a.kind is ActionKind.SIGNATURE for a in known),
            sum(a.kind.makes_party for a in known),
        )
    return figures


def parties(actions: list[RecordedAction], instrument: Instrument, as_of: date) -> set[str]:
    return {
        a.participant
        for a in actions
        if a.instrument is instrument and a.kind.makes_party and a.effective_date <= as_of
    }


def test_the_collection_s_tables_give_the_figures_of_paragraph_8(store: TreatyStore) -> None:
    if not COLLECTION.is_dir():
        pytest.skip(
            f"The Treaty Collection's 2014 tables are not at {COLLECTION} (kept beside the repository)."
        )
    app = store.open()
    tables = {i: read_table(COLLECTION / name) for i, name in COLLECTION_FILES.items()}
    for instrument, rows in tables.items():
        app.import_table(rows, instrument, actor="registry", source=COLLECTION_FILES[instrument])
    stored = last_position(app)

    actions = store.open().actions()

    # The report counts 102 and 98 signatories of the first two Protocols: one of each is not in the tables.
    assert paragraph_8(actions, date(2002, 3, 4)) == {C: (140, 8), T: (101, 6), S: (97, 6), F: (26, 0)}
    # Spain deposited all three on 1 March 2002, after the report was written: without it, 7, 5 and 5.
    assert paragraph_8(actions, date(2002, 2, 28)) == {C: (140, 7), T: (101, 5), S: (97, 5), F: (26, 0)}
    late = {
        i: parties(actions, i, date(2002, 3, 4)) - parties(actions, i, date(2002, 2, 28)) for i in (C, T, S)
    }
    assert late == {C: {"ESP"}, T: {"ESP"}, S: {"ESP"}}
    assert parties(actions, C, date(2002, 2, 28)) == {"MCO", "NGA", "SRB", "POL", "BGR", "LVA", "PER"}
    assert len(actions) == stored == sum(len(row.actions) for rows in tables.values() for row in rows)

    for instrument, rows in tables.items():
        again = app.import_table(rows, instrument, actor="registry", source=COLLECTION_FILES[instrument])
        assert (again.recorded, again.corrected) == (0, 0)
    assert last_position(app) == stored
