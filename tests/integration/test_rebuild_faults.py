"""A rebuild of the read model killed with SIGKILL halfway, and a projector killed just after a rebuild's
switch: the live read model is never harmed, and the end state equals a clean rebuild to the event."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import IO, cast

import psycopg
import pytest
from psycopg import sql as pg

from domain.outreach import CooperationKind
from domain.treaty import ActionKind, TreatyAction
from domain.values import Instrument
from projections.figures import figures
from projections.store import FactStore
from tests.integration.recorded_facts import (
    REPORT_DAY,
    STORES,
    World,
    cooperation,
    record_report,
    treaty_action,
    world_for,
)
from usecases.read_models import DEFAULT_GENERATION, current_generation

ROOT = Path(__file__).resolve().parents[2]
PALERMO = Path(sys.executable).parent / "palermo"
WITHIN_S = 30.0
YEAR_2001 = date(2001, 12, 31)
# The report's world has one cooperation activity in 2001 (Monaco's).
REPORT_ACTIVITIES_2001 = 1


@pytest.fixture(params=STORES)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    opened = world_for(request, tmp_path)
    opened.ends()
    opened.store()
    yield opened
    opened.close()


class Processes:
    """The projector and rebuild commands a test starts; whatever still runs at the end is killed."""

    def __init__(self, world: World, folder: Path) -> None:
        self.world, self.folder = world, folder
        self.started: list[subprocess.Popen[bytes]] = []
        self.outputs: list[IO[bytes]] = []

    def start(self, *argv: str) -> subprocess.Popen[bytes]:
        output = (self.folder / f"process-{len(self.started)}.log").open("wb")
        self.outputs.append(output)
        env = {"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env | self.world.environment(), stdout=output, stderr=subprocess.STDOUT
        )
        self.started.append(process)
        return process

    def projector(self) -> subprocess.Popen[bytes]:
        return self.start(sys.executable, "-m", "deploy.projector")

    def rebuild(self) -> subprocess.Popen[bytes]:
        return self.start(str(PALERMO), "projections", "rebuild")

    def close(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait()
        for output in self.outputs:
            output.close()


@pytest.fixture
def processes(world: World, tmp_path: Path) -> Iterator[Processes]:
    started = Processes(world, tmp_path)
    yield started
    started.close()


def record_activities(world: World, count: int, first: int = 0) -> None:
    """`count` cooperation activities of 2001, each its own aggregate and event."""
    world.save(
        "Outreach",
        *(
            cooperation(f"Q{n // 365:03d}", CooperationKind.WORKSHOP, date(2001, 1, 1) + timedelta(n % 365))
            for n in range(first, first + count)
        ),
    )


def wait_until(condition: Callable[[], bool], what: str, within: float = WITHIN_S) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"not {what} within {within} s"
        time.sleep(0.005)


def caught_up(world: World, store: FactStore) -> Callable[[], bool]:
    return lambda: store.positions() == world.ends()


def taken_in(world: World, generation: str) -> int:
    """Events a generation's tracking says it holds, read without opening (or creating) its store."""
    if world.kind == "sqlite":
        path = world.settings.home_dir / f"{generation}.sqlite"
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as lite:
                row = lite.execute("SELECT coalesce(sum(position), 0) FROM tracking").fetchone()
        except sqlite3.OperationalError:  # no file or no table yet
            return 0
        return int(row[0])
    query = pg.SQL("SELECT coalesce(sum(position), 0) FROM {}").format(pg.Identifier(generation, "tracking"))
    with psycopg.connect(cast(str, world.url), autocommit=True) as db:
        try:
            found = db.execute(query).fetchone()
        except psycopg.errors.UndefinedTable:
            return 0
    return int(found[0]) if found else 0


def new_generations(world: World, known: set[str]) -> list[str]:
    return sorted(world.generations() - known)


def assert_equal_to_a_clean_rebuild(world: World, store: FactStore, activities: int) -> None:
    clean = world.refreshed(f"clean_{uuid.uuid4().hex[:12]}")
    ends = world.ends()
    assert store.positions() == clean.positions() == ends
    assert store.snapshot(ends) == clean.snapshot(ends)
    for day in (REPORT_DAY, YEAR_2001):
        assert figures(store, day) == figures(clean, day)
    assert figures(store, YEAR_2001).cooperation_activities == activities + REPORT_ACTIVITIES_2001


def test_a_rebuild_or_projector_killed_halfway_ends_equal_to_a_clean_build(
    world: World, processes: Processes
) -> None:
    record_report(world)
    activities = 8_000
    record_activities(world, activities)
    total = sum(world.ends().values())
    live = world.store()
    projector = processes.projector()
    wait_until(caught_up(world, live), "the projector caught up")
    before = figures(live, YEAR_2001)

    # kill -9 while the rebuild is filling its fresh generation: the logs are read one after the other,
    # so it is stopped once the first is in and the large one is not.
    known = world.generations()
    rebuilding = processes.rebuild()
    wait_until(lambda: bool(new_generations(world, known)), "a fresh generation started")
    [half_built] = new_generations(world, known)
    wait_until(lambda: taken_in(world, half_built) > 0, "the fresh generation took in a first page")
    # Stopped first, so that what it had taken in is looked at before the kill, not while it runs on.
    rebuilding.send_signal(signal.SIGSTOP)
    assert 0 < taken_in(world, half_built) < total, "stopped too late to be halfway"
    rebuilding.kill()
    rebuilding.wait(timeout=10)
    assert rebuilding.returncode == -signal.SIGKILL

    # Nothing switched; the live read model and its projector carry on.
    assert current_generation(world.settings) == DEFAULT_GENERATION
    record_activities(world, 100, first=activities)
    activities += 100
    wait_until(caught_up(world, live), "the projector caught up after the killed rebuild")
    assert figures(live, YEAR_2001).cooperation_activities == before.cooperation_activities + 100
    assert projector.poll() is None

    # The rebuild run again completes and switches; the projector follows the switch.
    again = processes.rebuild()
    assert again.wait(timeout=120) == 0, (processes.folder / "process-2.log").read_text()
    switched = current_generation(world.settings)
    assert switched not in (DEFAULT_GENERATION, half_built)
    rebuilt = world.store(switched)
    assert_equal_to_a_clean_rebuild(world, rebuilt, activities)

    # kill -9 the projector while it takes a backlog into the switched generation; a restart ends it.
    # The backlog spans two logs, read one after the other: held while the backlog is recorded, then let
    # go, the projector is stopped again once it has taken in the first.
    taken = sum(rebuilt.positions().values())
    projector.send_signal(signal.SIGSTOP)
    world.save("Treaties", *signatures(SIGNATORIES))
    record_activities(world, 6_000, first=activities)
    activities += 6_000
    ends = sum(world.ends().values())
    projector.send_signal(signal.SIGCONT)
    wait_until(lambda: sum(rebuilt.positions().values()) > taken, "the projector took in the backlog")
    projector.send_signal(signal.SIGSTOP)
    assert sum(rebuilt.positions().values()) < ends, "stopped too late to be mid-catch-up"
    projector.kill()
    projector.wait(timeout=10)
    assert projector.returncode == -signal.SIGKILL
    restarted = processes.projector()
    wait_until(caught_up(world, rebuilt), "the restarted projector caught up")

    assert restarted.poll() is None
    assert_equal_to_a_clean_rebuild(world, rebuilt, activities)
    assert sum(rebuilt.positions().values()) == ends == total + 100 + SIGNATORIES + 6_000
    convention = figures(rebuilt, YEAR_2001).instruments["convention"]
    assert convention.signatories == before.instruments["convention"].signatories + SIGNATORIES


SIGNATORIES = 200


def signatures(count: int) -> list[TreatyAction]:
    """`count` signatures of the Convention in 2001, by made-up participants."""
    return [
        treaty_action(f"S{n:03d}", Instrument.CONVENTION, ActionKind.SIGNATURE, date(2001, 6, 1))
        for n in range(count)
    ]
