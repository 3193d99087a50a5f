"""A book kept from a log answers at once only when that needs little work: the web app's event loop asks it
(web.at_hand), and a book far behind its log, or held by another thread, is left to a thread."""

from __future__ import annotations

import threading

from projections.runner import QUICK_EVENTS, LogBook


class Log:
    def __init__(self) -> None:
        self.end = 0

    def last(self) -> int:
        return self.end


class Counted(LogBook[Log]):
    def __init__(self, log: Log) -> None:
        self._log, self._lock, self._position = log, threading.Lock(), 0
        self.reads = 0

    def _catch_up(self) -> None:
        self.reads += 1
        self._position = self._log.last()


def test_a_book_a_few_events_behind_catches_up_at_once() -> None:
    log = Log()
    book = Counted(log)
    log.end = QUICK_EVENTS

    assert book.ready()
    assert (book._position, book.reads) == (QUICK_EVENTS, 1)


def test_a_book_far_behind_is_left_for_a_thread_and_reads_nothing_until_then() -> None:
    log = Log()
    book = Counted(log)
    log.end = QUICK_EVENTS + 1

    assert not book.ready()
    assert book.reads == 0
    book.catch_up()
    assert book.ready()
    assert book._position == QUICK_EVENTS + 1


def test_a_book_another_thread_holds_is_not_waited_for() -> None:
    log = Log()
    book = Counted(log)
    with book._lock:
        assert not book.ready()
    assert book.reads == 0
    assert book.ready()
