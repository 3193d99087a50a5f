"""Facts the read-model tests record through the domain aggregates, and the deployment they live in."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import cast
from uuid import UUID

import psycopg
import pytest
from eventsourcing.domain import BaseAggregate
from psycopg import sql as pg

from activities.store.logs import APPLICATIONS, EventLog
from domain.commands import (
    Command,
    ConcludeAssistance,
    ConcludeLegislation,
    DrawUpGapList,
    NameFocalPoint,
    OpenEngagement,
    RecordLawSummary,
    RecordTraining,
    Withdraw,
)
from domain.engagement import Engagement
from domain.experts import Expert, ExpertDetails, PoolGroup
from domain.legislation import Enactment, LawOnRecord
from domain.outreach import CooperationActivity, CooperationKind, Meeting, MeetingDetails, MeetingKind
from domain.regions import Region
from domain.treaty import ActionKind, TreatyAction
from domain.values import AssistanceActivity, AssistanceKind, Bill, GapItem, Instrument, NeedKind
from projections.store import FactStore
from tests.servers import PostgresCluster
from usecases.read_models import current_generation, open_store, refresh, sources
from usecases.settings import Settings

# The report's date, the effective date every figure below is asked about.
REPORT_DAY = date(2002, 3, 4)
# When the bulk of the facts were recorded: before the report, after every effective date they carry.
RECORDED = datetime(2002, 3, 1, 9, 0, tzinfo=UTC)
ACTOR = "registry"


@dataclass
class World:
    """One deployment's stores (SQLite files under `home`, or one PostgreSQL database) and its logs."""

    kind: str
    settings: Settings
    url: str | None = None
    logs: dict[str, EventLog] = field(default_factory=dict)
    stores: list[FactStore] = field(default_factory=list)
    readers: list[EventLog] = field(default_factory=list)

    def log(self, application: str) -> EventLog:
        if application not in self.logs:
            self.logs[application] = EventLog(application, self.settings.store_env(application))
        return self.logs[application]

    def save(self, application: str, *aggregates: BaseAggregate[UUID]) -> None:
        self.log(application).save(*aggregates)

    def ends(self) -> dict[str, int]:
        """The last position of every application's log."""
        return {name: self.log(name).last() for name in APPLICATIONS}

    def store(self, generation: str | None = None) -> FactStore:
        """A new store object, as a freshly started process would open it."""
        store = open_store(self.settings, generation)
        self.stores.append(store)
        return store

    def sources(self) -> list[EventLog]:
        """The logs as the deployment reads them (projections.generations.sources), closed with the world."""
        readers = sources(self.settings)
        self.readers += readers
        return readers

    def refreshed(self, generation: str | None = None) -> FactStore:
        store = self.store(generation)
        refresh(store, self.sources())
        return store

    def delete_live_fact(self, fact: str, subject: str, obj: str) -> int:
        """Tamper with the live read model behind its back: delete one current row with the driver itself."""
        generation = current_generation(self.settings)
        row = (fact, subject, obj)
        if self.kind == "sqlite":
            path = self.settings.home_dir / f"{generation}.sqlite"
            with closing(sqlite3.connect(path)) as lite, lite:
                return lite.execute(
                    "DELETE FROM facts WHERE id = (SELECT id FROM facts WHERE fact = ? AND subject = ? "
                    "AND object = ? AND superseded_at IS NULL)",
                    row,
                ).rowcount
        with psycopg.connect(cast(str, self.url), autocommit=True) as db:
            query = pg.SQL(
                "DELETE FROM {} WHERE fact = %s AND subject = %s AND object = %s AND superseded_at IS NULL"
            ).format(pg.Identifier(generation, "facts"))
            return db.execute(query, row).rowcount

    def generations(self) -> set[str]:
        """Every read-model generation stored, live or not."""
        if self.kind == "sqlite":
            return {path.stem for path in self.settings.home_dir.glob("figures*.sqlite")}
        with psycopg.connect(cast(str, self.url), autocommit=True) as db:
            rows = db.execute(
                "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'figures%%'"
            ).fetchall()
        return {str(name) for (name,) in rows}

    def environment(self) -> dict[str, str]:
        """The PALERMO_* variables a process of this deployment is started with."""
        env = {"PALERMO_HOME": str(self.settings.home_dir), "PALERMO_STORE": self.kind}
        if self.url is not None:
            env["PALERMO_DATABASE_URL"] = self.url
        return env

    def close(self) -> None:
        for store in self.stores:
            store.close()
        for log in [*self.logs.values(), *self.readers]:
            log.close()


def open_world(kind: str, home: Path, url: str | None = None) -> World:
    """An empty deployment on SQLite files under `home`, or on the empty PostgreSQL database at `url`."""
    if kind == "sqlite":
        return World("sqlite", Settings(home=home))
    return World("postgres", Settings(home=home, store="postgres", database_url=url), url=url)


def world_for(request: pytest.FixtureRequest, home: Path) -> World:
    """An empty deployment for `request.param` ("sqlite" or "postgres"), on a new database for the test."""
    url = cast(str, request.getfixturevalue("fresh_postgres_url")) if request.param == "postgres" else None
    return open_world(cast(str, request.param), home, url)


@contextmanager
def report_world(request: pytest.FixtureRequest, factory: pytest.TempPathFactory) -> Iterator[World]:
    """The report's world recorded once for a module of read-only tests, on a database of its own."""
    kind = cast(str, request.param)
    cluster = (
        cast(PostgresCluster, request.getfixturevalue("postgres_cluster")) if kind == "postgres" else None
    )
    url = cluster.create_database() if cluster is not None else None
    world = open_world(kind, factory.mktemp("report"), url)
    try:
        record_report(world)
        yield world
    finally:
        world.close()
        if cluster is not None and url is not None:
            cluster.drop_database(url.rsplit("/", 1)[1])


STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def treaty_action(
    participant: str,
    instrument: Instrument,
    kind: ActionKind,
    effective: date,
    recorded: datetime = RECORDED,
) -> TreatyAction:
    return TreatyAction.record(
        participant=participant,
        participant_name=participant,
        instrument=instrument,
        kind=kind,
        effective_date=effective,
        recorded_at=recorded,
        actor=ACTOR,
        source="depositary notification",
    )


def meeting(place: str, start: date, participants: Iterable[str], recorded: datetime = RECORDED) -> Meeting:
    details = MeetingDetails(
        title=f"Seminar in {place}",
        kind=MeetingKind.SUBREGIONAL_SEMINAR,
        place=place,
        start=start,
        end=start + timedelta(days=2),
        participants=tuple(participants),
        observers=("UNHCR",),
    )
    return Meeting.record(details, recorded_at=recorded, actor=ACTOR, source="mission report")


def cooperation(
    state: str, kind: CooperationKind, effective: date, recorded: datetime = RECORDED
) -> CooperationActivity:
    return CooperationActivity.record(
        state=state,
        kind=kind,
        title=f"{kind.value} in {state}",
        partners=("OSCE",),
        effective_date=effective,
        recorded_at=recorded,
        actor=ACTOR,
        source=None,
    )


# The steps of an engagement in order, each ten days after the previous one.
STEPS = ("law_summary", "focal_point", "gap_list", "assistance", "legislation", "training")


def engagement(
    state: str,
    through: str | None,
    *,
    received: date = date(2001, 10, 1),
    gaps: tuple[str, ...] = ("convention.art5",),
    withdrawn: date | None = None,
    dates: dict[str, date] | None = None,
    recorded: datetime = RECORDED,
) -> Engagement:
    """A State's engagement opened on `received` and taken through the step `through` (None: just opened)."""
    common: dict[str, object] = {"state": state, "actor": "officer"}
    opening = OpenEngagement(
        state=state, effective_date=received, instruments=(Instrument.CONVENTION, Instrument.TRAFFICKING)
    )
    case = Engagement.open(opening, state, recorded)
    steps = STEPS[: STEPS.index(through) + 1] if through is not None else ()
    day = {step: received + timedelta(days=10 * (n + 1)) for n, step in enumerate(STEPS)} | (dates or {})
    commands = [_step(step, common | {"effective_date": day[step]}, gaps) for step in steps]
    if withdrawn is not None:
        commands.append(
            Withdraw.model_validate(common | {"effective_date": withdrawn, "reason": "Elections"})
        )
    for n, command in enumerate(commands, start=1):
        # Recorded after the bulk, and never before the day it happened.
        at = max(recorded, datetime.combine(command.effective_date, datetime.min.time(), UTC))
        case.execute(command, at + timedelta(minutes=n))
    return case


def _step(step: str, fields: dict[str, object], gaps: tuple[str, ...]) -> Command:
    if step == "law_summary":
        return RecordLawSummary.model_validate(fields | {"document": "Penal code"})
    if step == "focal_point":
        return NameFocalPoint.model_validate(fields)
    if step == "gap_list":
        return DrawUpGapList.model_validate(fields | {"items": _gap_items(gaps)})
    if step == "assistance":
        workshop = AssistanceActivity(kind=AssistanceKind.WORKSHOP)
        return ConcludeAssistance.model_validate(fields | {"activities": (workshop,)})
    if step == "legislation":
        bill = Bill(title="Organized Crime Act", addresses=gaps[:1])
        return ConcludeLegislation.model_validate(fields | {"bills": (bill,)})
    return RecordTraining.model_validate(fields | {"officials_trained": 25})


def _gap_items(ids: tuple[str, ...]) -> tuple[GapItem, ...]:
    return tuple(
        GapItem(
            checklist_item=i, kind=NeedKind.TRAINING if i.startswith("training.") else NeedKind.LEGISLATIVE
        )
        for i in ids
    )


# The world of the report: what each figure must say as of REPORT_DAY, and at the end of 2002.
YEAR_END = date(2002, 12, 31)
SIGNATORIES_ON_REPORT_DAY = {"ITA", "FRA", "NOR", "NLD"}
# MCO acceded and POL approved without signing; BIH succeeded; NOR ratifies only in May.
PARTIES_ON_REPORT_DAY = {"ITA", "NLD", "MCO", "BIH", "POL"}
# Courmayeur was last year and Bridgetown is in May; VNM went to both Bangkok and Dakar.
STATES_REACHED_ON_REPORT_DAY = {"THA", "VNM", "LAO", "SEN", "MLI"}
STAGES_ON_REPORT_DAY = {
    "law_summary": 1,
    "focal_point": 1,
    "gap_list": 2,
    "assistance": 1,
    "legislation": 1,
    "training": 2,
    "completed": 2,
    "withdrawn": 1,
}
NEEDS_ON_REPORT_DAY = {
    "convention.art5": 4,
    "convention.art6": 3,
    "trafficking.art5": 1,
    "training.officials": 1,
}


def after(day: date) -> datetime:
    """A recorded time the day after `day`: the fact was learned late."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC) + timedelta(hours=10)


def record_report(world: World) -> None:
    """Write the report's world into the logs."""
    conv, traf, fire = Instrument.CONVENTION, Instrument.TRAFFICKING, Instrument.FIREARMS
    signed = date(2000, 12, 12)
    world.save(
        "Treaties",
        treaty_action("ITA", conv, ActionKind.SIGNATURE, signed),
        treaty_action("ITA", conv, ActionKind.RATIFICATION, date(2001, 8, 2)),
        treaty_action("FRA", conv, ActionKind.SIGNATURE, signed),
        treaty_action("NOR", conv, ActionKind.SIGNATURE, date(2000, 12, 13)),
        treaty_action("NOR", conv, ActionKind.RATIFICATION, date(2002, 5, 15), after(date(2002, 5, 15))),
        treaty_action("NLD", conv, ActionKind.SIGNATURE, signed),
        treaty_action("NLD", conv, ActionKind.ACCEPTANCE, date(2001, 12, 1)),
        treaty_action("MCO", conv, ActionKind.ACCESSION, date(2001, 6, 5)),
        treaty_action("BIH", conv, ActionKind.SUCCESSION, date(2001, 7, 1)),
        treaty_action("POL", conv, ActionKind.APPROVAL, date(2001, 11, 12)),
        treaty_action("ITA", traf, ActionKind.SIGNATURE, signed),
        treaty_action("FRA", traf, ActionKind.SIGNATURE, signed),
        treaty_action("MCO", traf, ActionKind.ACCESSION, date(2001, 6, 5)),
        treaty_action("ITA", fire, ActionKind.SIGNATURE, date(2002, 6, 1), after(date(2002, 6, 1))),
    )
    world.save(
        "Outreach",
        meeting("Courmayeur", date(2001, 9, 13), ["ITA", "FRA"]),
        meeting("Bangkok", date(2002, 1, 21), ["THA", "VNM", "LAO"]),
        meeting("Dakar", date(2002, 2, 18), ["SEN", "VNM", "MLI"]),
        meeting("Bridgetown", date(2002, 5, 10), ["BRB"], after(date(2002, 5, 12))),
        cooperation("HRV", CooperationKind.WORKSHOP, date(2002, 1, 10)),
        cooperation("HRV", CooperationKind.LEGAL_TRAINING, date(2002, 2, 1)),
        cooperation("ROU", CooperationKind.PRE_RATIFICATION, date(2002, 2, 20)),
        cooperation("MCO", CooperationKind.PRE_RATIFICATION, date(2001, 11, 5)),
        cooperation("UKR", CooperationKind.DOCUMENTATION, date(2002, 4, 2), after(date(2002, 4, 2))),
    )
    world.save(
        "Engagements",
        engagement("BOL", None),
        engagement("BLR", "law_summary"),
        engagement("BEN", "focal_point"),
        engagement("CHL", "focal_point"),
        engagement("MUS", "gap_list", gaps=("convention.art5", "convention.art6")),
        engagement("MNG", "assistance", gaps=("convention.art5", "trafficking.art5")),
        engagement("NAM", "legislation", gaps=("convention.art5",)),
        # Trained only after the report day: on it, the engagement still awaits training.
        engagement("THA", "training", gaps=("convention.art5",), dates={"training": date(2002, 4, 10)}),
        engagement("UKR", "training", gaps=("convention.art6", "training.officials")),
        engagement("MKD", "training", gaps=("convention.art6",)),
        engagement("VEN", "law_summary", withdrawn=date(2002, 2, 1)),
        engagement("GNB", None, received=date(2002, 5, 2), recorded=after(date(2002, 5, 2))),
    )
    # The logs of the pools, the funds and the laws add no row, but the read model reads them too.
    expert = ExpertDetails(
        name="A. Diallo", region=Region.AFRICA, languages=("French",), groups=(PoolGroup.CONVENTION,)
    )
    world.save(
        "Resources",
        Expert.register(
            expert, effective_date=date(2002, 1, 15), recorded_at=RECORDED, actor=ACTOR, source=None
        ),
    )
    law = Enactment(state="ITA", checklist_item="convention.art5", law="Codice penale")
    world.save(
        "Legislation",
        LawOnRecord.record(law, enacted=date(1982, 9, 13), recorded_at=RECORDED, actor=ACTOR, source=None),
    )
