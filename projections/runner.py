"""Catch-up: read each application's notification log from the tracked position and project it in batches."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, Protocol, TypeVar, overload

from domain.asked import LastLook
from domain.facts import Fact
from projections.facts import Projected, project
from projections.store import FactStore

# Rebuilds one event per transaction ran at ~2.4k events/s; in pages, ~100k/s. Pages it is. Pages of 10,000
# rather than 1,000 halved the SQLite read model's CPU per row (each commit rewrites the index pages it
# touched): a rebuild of 100,000 events went from 30% to 45% of the rate of reading its logs (bench.rebuild).
PAGE = 10_000


class NotificationSource(Protocol):
    """One application's notification log, decoded into domain events."""

    @property
    def name(self) -> str: ...

    def read(self, after: int, limit: int) -> list[tuple[int, Fact]]:
        """Up to `limit` (position, event) pairs after `after`, in log order."""
        ...

    def last(self) -> int:
        """The highest position in the log (0 when empty)."""
        ...


# A catch-up of this many events or more is followed by `FactStore.settle`, before anyone reads the new rows.
SETTLE_AFTER = 100_000
# A book that fell further behind its log than this is caught up on a thread of its own, not where a request
# waits for nothing else: the event loop of the web app (see `LogBook.ready`).
QUICK_EVENTS = 100


class LogEnd(Protocol):
    def last(self) -> int: ...


L = TypeVar("L", bound=LogEnd)


class LogBook(Generic[L]):
    """What a long-running process keeps from one log, read only as far as the log has grown since the last
    look: a subclass keeps `_log`, `_lock`, `_position` and `_last_look`, comes up to the log in
    `_catch_up`, and asks `_up_to_date` where it answers, which reads once per question (domain.asked)."""

    _log: L
    _lock: threading.Lock
    _position: int
    _last_look: LastLook

    def _catch_up(self) -> None:
        raise NotImplementedError

    def _up_to_date(self) -> None:
        """Caught up, unless a look since the question now answered was asked read the log to its end; the
        caller holds the book's lock."""
        self._last_look.look(self._catch_up, time.monotonic)

    def ready(self) -> bool:
        """Whether the book answers now with little work: caught up here when the log moved by at most
        `QUICK_EVENTS`; False, reading nothing, when another thread holds the book or it is further behind."""
        if not self._lock.acquire(blocking=False):
            return False
        try:
            return self._caught_up_quickly()
        finally:
            self._lock.release()

    def _caught_up_quickly(self) -> bool:
        """`ready`'s work, with the book's lock held: the log's end asked, and read to only if it moved."""
        if self._last_look.fresh():
            return True
        began = time.monotonic()
        last = self._log.last()
        if last - self._position > QUICK_EVENTS:
            return False
        if last > self._position:
            self._catch_up()
        self._last_look.began(began)
        return True

    def catch_up(self) -> None:
        """Bring the book up to its log, however far behind (what a thread does where `ready` would not)."""
        with self._lock:
            self._up_to_date()


class ProjectedPage(Sequence[Projected]):
    """A page of one log's events, each projected as the store comes to it.

    Projecting the whole page first held ten thousand projections at once, which made the garbage
    collector's full passes half again as frequent (31 against 21 over 200,000 events) and cost a tenth
    of a rebuild's time (bench.rebuild).
    """

    def __init__(self, application: str, notes: Sequence[tuple[int, Fact]]) -> None:
        self.application, self.notes = application, notes

    def __len__(self) -> int:
        return len(self.notes)

    @overload
    def __getitem__(self, index: int) -> Projected: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Projected]: ...

    def __getitem__(self, index: int | slice) -> Projected | Sequence[Projected]:
        if isinstance(index, slice):
            return ProjectedPage(self.application, self.notes[index])
        position, event = self.notes[index]
        return project(event, self.application, position)

    def __iter__(self) -> Iterator[Projected]:
        application = self.application
        return (project(event, application, position) for position, event in self.notes)


def catch_up(
    store: FactStore,
    sources: Sequence[NotificationSource],
    *,
    until: dict[str, int] | None = None,
    page: int = PAGE,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Project what the store has not seen yet (up to `until`, per application); return the events read."""
    total = 0
    for source in sources:
        limit = None if until is None else until.get(source.name, 0)
        while True:
            position = store.position(source.name)
            if limit is not None and position >= limit:
                break
            notes = source.read(position, page)
            if limit is not None:
                notes = [(p, e) for p, e in notes if p <= limit]
            if not notes:
                break
            store.apply(source.name, position, ProjectedPage(source.name, notes))
            total += len(notes)
            if progress is not None:
                progress(len(notes))
    if total >= SETTLE_AFTER:
        store.settle()
    return total


def backlog(store: FactStore, sources: Sequence[NotificationSource]) -> int:
    """How many positions the store is behind its sources (an upper bound on events to read)."""
    return sum(max(0, s.last() - store.position(s.name)) for s in sources)
