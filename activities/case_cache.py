"""The cases a process last recorded, kept in memory between its commands: a hint that saves a read, never
the authority on what the store holds."""

from __future__ import annotations

import threading
from collections import OrderedDict

from domain.engagement import Engagement

# About 10 KB a case: a worker holding this many spends some 20 MB on them (bench.memory watches it).
CACHED_CASES = 2_000


class CaseCache:
    """Least recently used cases by State. `take` removes the case, so no two commands ever share one; a
    command gives it back with `keep` once its event is stored, and drops it on any failure."""

    def __init__(self, size: int = CACHED_CASES) -> None:
        self._size = size
        self._cases: OrderedDict[str, Engagement] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, state: str) -> Engagement | None:
        with self._lock:
            return self._cases.pop(state, None)

    def keep(self, state: str, engagement: Engagement) -> None:
        with self._lock:
            self._cases[state] = engagement
            self._cases.move_to_end(state)
            while len(self._cases) > self._size:
                self._cases.popitem(last=False)
