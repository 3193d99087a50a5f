"""The read model a long-running process shares between its threads: an answer is kept until a log moves or a
rebuild switches generation, a failed one is asked again, and one store serves every thread."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest

from domain.facts import Fact
from projections.generations import Location, open_fresh, switch
from projections.store import FactQuery, FactStore
from usecases.shared_read_model import SharedReadModel


class Log:
    """A log whose end the test moves (its events are not the point here)."""

    def __init__(self, name: str) -> None:
        self.name, self.end = name, 0

    def read(self, after: int, limit: int) -> list[tuple[int, Fact]]:
        return []

    def last(self) -> int:
        return self.end


@pytest.fixture
def location(tmp_path: Path) -> Location:
    return Location("sqlite", tmp_path)


def test_an_answer_is_kept_until_a_log_moves(location: Location) -> None:
    logs = [Log("Engagements"), Log("Treaties")]
    model = SharedReadModel(location, logs)
    asked: list[str] = []

    def answer(question: str) -> str:
        def compute(_: FactStore) -> str:
            asked.append(question)
            return f"{question} {len(asked)}"

        return model.kept(question, compute)

    first, again, other = answer("a"), answer("a"), answer("b")
    logs[1].end = 3
    moved = answer("a")

    assert (first, again, other, moved) == ("a 1", "a 1", "b 2", "a 3")
    assert asked == ["a", "b", "a"]
    model.close()


def test_a_kept_answer_is_at_hand_only_while_the_logs_stand_still(location: Location) -> None:
    log = Log("Engagements")
    model = SharedReadModel(location, [log])

    assert model.ready_version() is None  # not yet opened: the first request makes the answer on a thread
    model.kept("q", lambda _: "made")
    at = model.ready_version()
    assert at is not None
    assert model.kept_answer("q", at, str) == "made"
    assert model.kept_answer("other", at, str) is None
    assert model.kept_answer("q", at, bytes) is None
    log.end = 1
    assert model.ready_version() is None  # to be caught up first, on a thread
    assert model.kept_answer("q", model.version(), str) is None
    model.close()


def test_a_failed_answer_is_asked_again(location: Location) -> None:
    model = SharedReadModel(location, [Log("Engagements")])

    def failing(_: FactStore) -> int:
        raise RuntimeError("lost")

    with pytest.raises(RuntimeError):
        model.kept("q", failing)

    assert model.kept("q", lambda _: 7) == 7
    model.close()


def test_threads_asking_at_once_wait_for_one_computation(location: Location) -> None:
    model = SharedReadModel(location, [Log("Engagements")])
    started, release = threading.Event(), threading.Event()
    computed: list[int] = []

    def slow(_: FactStore) -> int:
        computed.append(1)
        started.set()
        release.wait(5)
        return 42

    answers: list[int] = []
    first = threading.Thread(target=lambda: answers.append(model.kept("q", slow)))
    first.start()
    assert started.wait(5)
    others = [threading.Thread(target=lambda: answers.append(model.kept("q", slow))) for _ in range(5)]
    for thread in others:
        thread.start()
    release.set()
    for thread in [first, *others]:
        thread.join(5)

    assert answers == [42] * 6
    assert computed == [1]
    model.close()


def test_a_switched_generation_is_read_from_the_next_request_on(location: Location) -> None:
    model = SharedReadModel(location, [Log("Engagements")])
    before = model.kept("positions", lambda store: store.positions())
    rebuilt = open_fresh(location, "figures_rebuilt")
    rebuilt.complete()
    rebuilt.close()
    with sqlite3.connect(location.folder / "figures_rebuilt.sqlite") as db:
        db.execute("INSERT INTO tracking (application, position) VALUES ('Engagements', 9)")
    switch(location, "figures_rebuilt")

    after = model.kept("positions", lambda store: store.positions())
    counted = model.caught_up().count(FactQuery(fact="request", effective_to=date(2002, 3, 4)))

    assert (before, after, counted) == ({}, {"Engagements": 9}, 0)
    model.close()
