"""The read model as a long-running process (the web app) reads it: one store opened once and shared by the
process's threads, caught up only when a log has moved, and answers kept per version of the read model."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar, cast

from domain.asked import LastLook
from projections.facts import Projected
from projections.generations import Location, Pointer, open_store, refresh
from projections.runner import NotificationSource
from projections.store import FactQuery, FactStore, StoredFact, TrackingConflict

T = TypeVar("T")


class VersionReader(Protocol):
    """Reads the generation pointed to and each log's end (by name) at once."""

    def __call__(self) -> tuple[str, dict[str, int]]: ...

    def close(self) -> None: ...


# Answers kept: the figures, the dashboard's overview and forecasts of the last few dates asked about.
KEPT = 64


@dataclass(frozen=True)
class Version:
    """What an answer was computed from: the generation read, and each log's end when it was caught up."""

    generation: str
    positions: tuple[tuple[str, int], ...]


class SharedReadModel:
    """A FactStore for many threads: each call has the store to itself (one connection cannot run two
    queries at once); `caught_up` first brings it up to the logs, and reopens it when a rebuild switched to
    another generation or a call failed (a connection lost).

    An answer is kept under the version the read model had when it was asked for. Computed from a store
    that a writer moved on meanwhile, it may count a later event too; its version is then behind the logs
    for good, so it is never served again. An answer is never served for a version it was not asked under.
    """

    def __init__(
        self,
        location: Location,
        logs: Sequence[NotificationSource],
        kept: int = KEPT,
        *,
        version: VersionReader | None = None,
    ) -> None:
        self._logs = list(logs)
        self._pointer = Pointer(location)
        # The generation and the logs' ends in one read, where the database can: else one read each.
        self._version = version
        self._limit = kept
        # Held for every call on the store, and while it is caught up or reopened.
        self._lock = threading.RLock()
        self._store: FactStore | None = None
        self._broken = False
        self._generation = ""
        self._read: dict[str, int] = {}
        # The version the last look found, and when that look began (domain.asked).
        self._seen: Version | None = None
        self._last_look = LastLook()
        # The kept answers, oldest first, and the ones being computed (their askers wait for them).
        self._guard = threading.Lock()
        self._kept: OrderedDict[tuple[Version, Hashable], object] = OrderedDict()
        self._computing: dict[tuple[Version, Hashable], threading.Event] = {}

    def caught_up(self) -> FactStore:
        """This store, with every event the logs hold now."""
        self._catch_up()
        return self

    def version(self) -> Version:
        """The version the read model has now, caught up with the logs: what `kept` may be asked `at`."""
        return self._catch_up()

    def ready_version(self) -> Version | None:
        """The version, as `version` gives it, when that takes one read and nothing more: None when another
        thread holds the store, or it must first be reopened or caught up with the logs."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            seen = self._seen_for_question()
            if seen is not None:
                return seen
            began = time.monotonic()
            generation, ends = self._ends()
            if self._store is None or self._broken or generation != self._generation or ends != self._read:
                return None
            return self._looked(began, Version(generation, tuple(ends.items())))
        finally:
            self._lock.release()

    def _seen_for_question(self) -> Version | None:
        """The version the last look found, if that look began after the question now answered was asked
        and the store it found is still open and sound; the caller holds the lock."""
        usable = self._store is not None and not self._broken and self._last_look.fresh()
        return self._seen if usable else None

    def _looked(self, began: float, version: Version) -> Version:
        self._seen = version
        self._last_look.began(began)
        return version

    def kept_answer(self, question: Hashable, at: Version, kind: type[T]) -> T | None:
        """The answer (a `kind`) to `question` kept `at` this version, or None: never computed here, never
        waited for."""
        key = (at, question)
        with self._guard:
            found = self._kept.get(key)
            if not isinstance(found, kind):
                return None
            self._kept.move_to_end(key)
            return found

    def kept(self, question: Hashable, answer: Callable[[FactStore], T], *, at: Version | None = None) -> T:
        """`answer` of the read model as it now stands, computed once per question and version however many
        threads ask at once; the last few answers are kept. `question` names everything the answer depends on
        besides the read model (a date, a known-at time as written, a year).

        `at`, a version taken before the question was made, keys the answer when the question itself was read
        from the logs (how many steps are overdue, say): the answer is then at least as new as its key, and a
        key the logs moved past is never asked for again."""
        key = (at if at is not None else self._catch_up(), question)
        while True:
            with self._guard:
                if key in self._kept:
                    self._kept.move_to_end(key)
                    return cast(T, self._kept[key])
                running = self._computing.get(key)
                if running is None:
                    running = self._computing[key] = threading.Event()
                    break
            # Another thread computes it; if it failed, the loop comes back here to compute it.
            running.wait()
        try:
            found = answer(self)
            with self._guard:
                self._kept[key] = found
                while len(self._kept) > self._limit:
                    self._kept.popitem(last=False)
        finally:
            with self._guard:
                del self._computing[key]
            running.set()
        return found

    def _catch_up(self) -> Version:
        with self._lock:
            seen = self._seen_for_question()
            if seen is not None:
                return seen
            began = time.monotonic()
            generation, ends = self._ends()
            if self._store is None or self._broken or generation != self._generation:
                self._reopen(generation)
            if ends != self._read:
                refresh(self, self._logs)
                self._read = ends
            return self._looked(began, Version(generation, tuple(ends.items())))

    def _ends(self) -> tuple[str, dict[str, int]]:
        """The generation pointed to and each log's end: in one read where the database can."""
        if self._version is not None:
            return self._version()
        return self._pointer.current(), {log.name: log.last() for log in self._logs}

    def _reopen(self, generation: str) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        self._store = open_store(self._pointer.location, generation)
        self._generation, self._broken, self._read = generation, False, {}

    def _use(self, call: Callable[[FactStore], T]) -> T:
        with self._lock:
            if self._store is None:
                self._reopen(self._pointer.current())
            assert self._store is not None
            try:
                return call(self._store)
            except TrackingConflict:
                raise
            except Exception:
                self._broken = True
                raise

    # The FactStore port, one call at a time.

    def position(self, application: str) -> int:
        return self._use(lambda store: store.position(application))

    def positions(self) -> dict[str, int]:
        return self._use(lambda store: store.positions())

    def content_key(self) -> Hashable:
        return self._use(lambda store: (self._generation, store.content_key()))

    def apply(self, application: str, expected: int, batch: Sequence[Projected]) -> None:
        self._use(lambda store: store.apply(application, expected, batch))

    def count(self, query: FactQuery) -> int:
        return self._use(lambda store: store.count(query))

    def count_by_object(self, query: FactQuery) -> dict[str, int]:
        return self._use(lambda store: store.count_by_object(query))

    def dated(self, query: FactQuery) -> list[tuple[str, date]]:
        return self._use(lambda store: store.dated(query))

    def facts(self, query: FactQuery, subjects: Sequence[str] | None = None) -> list[StoredFact]:
        return self._use(lambda store: store.facts(query, subjects))

    def pairs(self, query: FactQuery) -> list[tuple[str, str]]:
        return self._use(lambda store: store.pairs(query))

    def subjects(self, query: FactQuery) -> set[str]:
        return self._use(lambda store: store.subjects(query))

    def objects(self, query: FactQuery) -> dict[str, frozenset[str]]:
        return self._use(lambda store: store.objects(query))

    def rows(self, query: FactQuery) -> int:
        return self._use(lambda store: store.rows(query))

    def snapshot(self, upto: dict[str, int]) -> list[tuple[object, ...]]:
        return self._use(lambda store: store.snapshot(upto))

    def settle(self) -> None:
        self._use(lambda store: store.settle())

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
            self._pointer.close()
            if self._version is not None:
                self._version.close()
