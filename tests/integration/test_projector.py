"""The projector process: follows every log, stops on SIGTERM, survives kill -9 without counting twice."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import IO

import pytest

from domain.outreach import CooperationKind
from domain.treaty import ActionKind
from domain.values import Instrument
from projections.figures import figures
from projections.store import FactStore
from tests.integration.recorded_facts import (
    PARTIES_ON_REPORT_DAY,
    REPORT_DAY,
    STORES,
    World,
    after,
    cooperation,
    meeting,
    record_report,
    treaty_action,
    world_for,
)

ROOT = Path(__file__).resolve().parents[2]
CAUGHT_UP_WITHIN = 20.0
STOPS_WITHIN = 5.0


@pytest.fixture(params=STORES)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    opened = world_for(request, tmp_path)
    # Every log and the read model exist before the projector starts, as after `palermo up`.
    opened.ends()
    opened.store()
    yield opened
    opened.close()


@pytest.fixture
def projectors(world: World, tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start `python -m deploy.projector` for the world; whatever is still running at the end is killed."""
    started: list[subprocess.Popen[bytes]] = []
    outputs: list[IO[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        outputs.append((tmp_path / f"projector-{len(started)}.log").open("wb"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("PALERMO_")} | world.environment()
        command = [sys.executable, "-m", "deploy.projector"]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=outputs[-1], stderr=subprocess.STDOUT)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()
    for output in outputs:
        output.close()


def wait_until(condition: Callable[[], bool], what: str, within: float = CAUGHT_UP_WITHIN) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not {what} within {within} s")
        time.sleep(0.05)


def caught_up(world: World, store: FactStore) -> Callable[[], bool]:
    return lambda: all(store.position(name) == end for name, end in world.ends().items())


def stop(process: subprocess.Popen[bytes]) -> int:
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=STOPS_WITHIN)
    assert time.monotonic() - started < STOPS_WITHIN
    return code


def test_the_projector_follows_the_logs_and_exits_cleanly_on_sigterm(
    world: World, projectors: Callable[[], subprocess.Popen[bytes]]
) -> None:
    record_report(world)
    store = world.store()
    projector = projectors()

    wait_until(caught_up(world, store), "caught up with the recorded logs")
    assert figures(store, REPORT_DAY).instruments["convention"].parties == len(PARTIES_ON_REPORT_DAY)

    # While it runs, a late ratification and a new meeting are recorded.
    ratified = date(2002, 2, 1)
    late = treaty_action("ARG", Instrument.CONVENTION, ActionKind.RATIFICATION, ratified, after(ratified))
    world.save("Treaties", late)
    world.save("Outreach", meeting("Nairobi", date(2002, 2, 25), ["KEN", "UGA"]))
    wait_until(caught_up(world, store), "caught up with events recorded while it ran")

    result = figures(store, REPORT_DAY)
    assert result.instruments["convention"].parties == len(PARTIES_ON_REPORT_DAY) + 1
    assert (result.meetings_held, result.states_reached) == (3, 7)
    assert projector.poll() is None
    assert stop(projector) == 0


def bulk(world: World, size: int) -> int:
    """`size` events across the three logs: the report's world, treaty actions, and as many 2001
    cooperation activities as it takes; returns how many of those."""
    record_report(world)
    codes = ("".join(c) for c in itertools.product("XYZ", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "ABCDEFGHIJ"))
    actions = [
        treaty_action(code, instrument, kind, date(2001, 6, 1))
        for code in itertools.islice(codes, 150)
        for instrument in Instrument
        for kind in (ActionKind.SIGNATURE, ActionKind.RATIFICATION)
    ]
    world.save("Treaties", *actions)
    activities = size - sum(world.ends().values())
    world.save(
        "Outreach",
        *(
            cooperation(f"Q{n // 365:02d}", CooperationKind.WORKSHOP, date(2001, 1, 1) + timedelta(n % 365))
            for n in range(activities)
        ),
    )
    return activities


def test_a_projector_killed_mid_catch_up_resumes_without_counting_twice(
    world: World, projectors: Callable[[], subprocess.Popen[bytes]]
) -> None:
    activities = bulk(world, 6_000)
    total = sum(world.ends().values())
    assert total == 6_000
    store = world.store()

    projector = projectors()
    wait_until(lambda: sum(store.positions().values()) > 0, "started taking in events")
    projector.kill()
    projector.wait(timeout=STOPS_WITHIN)
    assert projector.returncode == -signal.SIGKILL
    taken = sum(store.positions().values())
    assert 0 < taken < total, "the kill came after the catch-up finished; the test proves nothing"

    restarted = projectors()
    wait_until(caught_up(world, store), "caught up after the restart")
    assert stop(restarted) == 0

    clean = world.refreshed(f"clean_{uuid.uuid4().hex[:12]}")
    ends = world.ends()
    assert store.snapshot(ends) == clean.snapshot(ends)
    assert len(store.snapshot(ends)) == len(clean.snapshot(ends))
    for day in (REPORT_DAY, date(2001, 12, 31)):
        assert figures(store, day) == figures(clean, day)
    # The bulk and MCO's of November 2001.
    assert figures(store, date(2001, 12, 31)).cooperation_activities == activities + 1
