"""When the question a process is answering was asked, so that what it keeps from a log is read once per
question rather than once per look.

A look at a log that began after a question was asked saw everything recorded before it, the asker's own
steps among them: the question may be answered from what that look read. The web app sets the moment for
each request that only reads (`web.freshness`); anywhere else no moment is set, and every look reads.
Moments are `time.monotonic()` readings of one process, compared only within it."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

ASKED: ContextVar[float | None] = ContextVar("asked", default=None)


class LastLook:
    """When a reader of a log last began a look that read it to its end."""

    def __init__(self) -> None:
        self._began = float("-inf")

    def fresh(self) -> bool:
        """Whether that look began after the question now answered was asked: then it answers it without
        reading again."""
        asked = ASKED.get()
        return asked is not None and self._began >= asked

    def look(self, read_to_end: Callable[[], None], clock: Callable[[], float]) -> None:
        """`read_to_end()` unless the last look answers the question; the caller holds the reader's lock."""
        if self.fresh():
            return
        began = clock()
        read_to_end()
        self._began = began

    def began(self, moment: float) -> None:
        """A look that began at `moment` found nothing further to read."""
        self._began = moment
