"""Injected clocks for store tests: recorded times a minute apart, and racers held until all have loaded."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta


class Clock:
    """The injected clock: hands out recorded times a minute apart and remembers each one."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.given: list[datetime] = []
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            now = self.start + timedelta(minutes=len(self.given))
            self.given.append(now)
            return now


class RacingClock(Clock):
    """Holds each instance's first reading until every racer has loaded the record, so all decide on it."""

    def __init__(self, barrier: threading.Barrier, start: datetime) -> None:
        super().__init__(start)
        self.barrier = barrier

    def __call__(self) -> datetime:
        if not self.given:
            self.barrier.wait()
        return super().__call__()
