"""The fast write paths on SQLite and PostgreSQL: a case kept in memory between commands is only a hint (the
store decides), a bulk import reads what it needs in one go, and the audit chain holds either way."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import cast

import pytest

from activities.engagements import Engagements
from activities.recording import Recording
from activities.store.chain import key_from
from activities.store.recorders import ChainedRecorder
from activities.treaties import Treaties
from activities.untc import parse_table
from audit.chain import walk
from domain import errors
from domain.commands import DrawUpGapList, NameFocalPoint, OpenEngagement, RecordLawSummary
from domain.treaty import ActionKind
from domain.values import FocalPoint, Instrument, Step
from tests.integration.clocks import Clock
from usecases.settings import Settings

START = datetime(2014, 10, 6, 9, 30, tzinfo=UTC)
HEADER = 'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n'


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "sqlite":
        return Settings(home=tmp_path / "home")
    url = cast(str, request.getfixturevalue("fresh_postgres_url"))
    return Settings(home=tmp_path / "home", store="postgres", database_url=url)


@pytest.fixture
def apps(settings: Settings) -> Iterator[list[Recording]]:
    opened: list[Recording] = []
    yield opened
    for app in opened:
        app.close()


def engagements(settings: Settings, apps: list[Recording]) -> Engagements:
    """Another instance on the same store, as another worker process would have."""
    app = Engagements(settings.store_env("Engagements"), clock=Clock(START))
    apps.append(app)
    return app


def treaties(settings: Settings, apps: list[Recording]) -> Treaties:
    app = Treaties(settings.store_env("Treaties"), clock=Clock(START))
    apps.append(app)
    return app


def chained_positions(app: Recording) -> list[int]:
    """Every position of the log, walked link by link; ChainBroken if any link does not hold."""
    recorder = cast(ChainedRecorder, app.recorder)
    with recorder.snapshot() as (events, links):
        return [entry.event.position for entry in walk(key_from(app.env), events, links)]


def opening(state: str) -> OpenEngagement:
    return OpenEngagement(state=state, effective_date=date(2001, 9, 3), instruments=(Instrument.CONVENTION,))


def law_summary(state: str, command_id: str) -> RecordLawSummary:
    return RecordLawSummary(
        state=state, effective_date=date(2001, 11, 5), document="Penal code", command_id=command_id
    )


def focal_point(state: str) -> NameFocalPoint:
    return NameFocalPoint(
        state=state,
        effective_date=date(2001, 11, 20),
        focal_point=FocalPoint(name="M. Duarte"),
        command_id="fp",
    )


def test_an_instance_behind_the_store_decides_against_the_store(
    settings: Settings, apps: list[Recording]
) -> None:
    first, other = engagements(settings, apps), engagements(settings, apps)
    first.handle(opening("PER"))
    other.handle(law_summary("PER", "ls"))
    other.handle(focal_point("PER"))

    # `first` last saw the case at its request; the gap list needs both steps `other` recorded since.
    gaps = DrawUpGapList(state="PER", effective_date=date(2002, 1, 14), command_id="gaps")
    case = first.handle(gaps)

    assert case.version == 4
    assert Step.GAP_LIST in case.completed_steps
    assert [entry.type for entry in first.history("PER")] == [
        "RequestReceived", "LawSummaryReceived", "FocalPointNamed", "GapListDrawnUp",
    ]  # fmt: skip
    assert chained_positions(first) == [1, 2, 3, 4]


def test_a_command_another_instance_recorded_is_answered_as_the_first_time(
    settings: Settings, apps: list[Recording]
) -> None:
    first, other = engagements(settings, apps), engagements(settings, apps)
    first.handle(opening("BOL"))
    answered = other.handle(law_summary("BOL", "ls-1"))
    before = first.recorder.max_notification_id()

    assert first.handle(law_summary("BOL", "ls-1")) == answered
    assert first.recorder.max_notification_id() == before
    # The same step under another id is refused, though `first` had not seen the step recorded.
    with pytest.raises(errors.StepAlreadyRecorded):
        first.handle(law_summary("BOL", "ls-2"))
    assert first.recorder.max_notification_id() == before
    assert chained_positions(first) == [1, 2]


def test_a_refused_command_leaves_the_next_one_to_be_recorded_at_its_place(
    settings: Settings, apps: list[Recording]
) -> None:
    app = engagements(settings, apps)
    app.handle(opening("ECU"))
    with pytest.raises(errors.StepOutOfOrder):
        app.handle(DrawUpGapList(state="ECU", effective_date=date(2002, 1, 14), command_id="early"))

    case = app.handle(law_summary("ECU", "ls"))

    assert case.version == 2
    assert Step.GAP_LIST not in case.completed_steps
    assert chained_positions(engagements(settings, apps)) == [1, 2]


def test_a_bulk_import_of_new_known_and_changed_rows_is_chained_and_recorded_once(
    settings: Settings, apps: list[Recording]
) -> None:
    first = parse_table(HEADER + "Peru,14 Dec 2000,23 Jan 2002\nEcuador,13 Dec 2000,\n")
    treaties(settings, apps).import_table(first, Instrument.CONVENTION, actor="registry", source="t1")
    # Peru unchanged, Ecuador's consent new, Bolivia new, and Ecuador's signature read a day later.
    rows = (
        "Peru,14 Dec 2000,23 Jan 2002",
        "Ecuador,14 Dec 2000,17 Sep 2002",
        "Bolivia,12 Dec 2000,10 Oct 2005",
    )
    second = parse_table(HEADER + "".join(f"{row}\n" for row in rows))
    app = treaties(settings, apps)

    summary = app.import_table(second, Instrument.CONVENTION, actor="registry", source="t2")
    again = app.import_table(second, Instrument.CONVENTION, actor="registry", source="t2")

    assert (summary.recorded, summary.corrected, summary.unchanged) == (3, 1, 2)
    assert (again.recorded, again.corrected, again.unchanged) == (0, 0, 6)
    assert chained_positions(app) == list(range(1, 8))
    actions = {(a.participant, a.kind): a for a in treaties(settings, apps).actions(Instrument.CONVENTION)}
    assert actions["ECU", ActionKind.SIGNATURE].effective_date == date(2000, 12, 14)
    assert actions["ECU", ActionKind.SIGNATURE].version == 2
    assert actions["BOL", ActionKind.RATIFICATION].effective_date == date(2005, 10, 10)
    assert len(actions) == 6
