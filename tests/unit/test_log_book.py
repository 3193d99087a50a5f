"""A book kept from a log answers at once only when that needs little work: the web app's event loop asks it
(web.at_hand), and a book far behind its log, or held by another thread, is left to a thread. A question
(domain.asked) makes it read its log at most once: a look that began after the question was asked answers
it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from domain.asked import ASKED, LastLook
from projections.runner import QUICK_EVENTS, LogBook


class Log:
    def __init__(self) -> None:
        self.end = 0
        self.asked_for_end = 0

    def last(self) -> int:
        self.asked_for_end += 1
        return self.end


class Counted(LogBook[Log]):
    def __init__(self, log: Log) -> None:
        self._log, self._lock, self._position = log, threading.Lock(), 0
        self._last_look = LastLook()
        self.reads = 0

    def _catch_up(self) -> None:
        self.reads += 1
        self._position = self._log.end

    def answer(self) -> int:
        with self._lock:
            self._up_to_date()
            return self._position


@contextmanager
def asked() -> Iterator[None]:
    token = ASKED.set(time.monotonic())
    try:
        yield
    finally:
        ASKED.reset(token)


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


def test_a_book_asked_again_for_one_question_reads_its_log_once() -> None:
    log = Log()
    book = Counted(log)
    log.end = 3
    with asked():
        assert book.ready()
        log.end = 4  # recorded after the question was asked: this question need not see it
        assert [book.answer(), book.answer()] == [3, 3]
        assert (book.reads, log.asked_for_end) == (1, 1)


def test_a_question_asked_after_the_last_look_reads_the_log_again() -> None:
    log = Log()
    book = Counted(log)
    with asked():
        assert book.answer() == 0
    log.end = 2
    with asked():
        assert book.answer() == 2
        assert book.ready()
    assert (book.reads, log.asked_for_end) == (2, 0)


def test_a_look_that_began_after_a_question_answers_it() -> None:
    # Another request's look, begun after this one's question, read everything recorded before it.
    log = Log()
    book = Counted(log)
    log.end = 5
    with asked():
        with asked():
            assert book.answer() == 5
        log.end = 6
        assert book.answer() == 5
    assert book.reads == 1


def test_outside_a_question_every_look_reads() -> None:
    log = Log()
    book = Counted(log)
    for end in (1, 2, 2):
        log.end = end
        assert book.answer() == end
    assert book.reads == 3


def test_a_book_whose_log_did_not_move_asks_only_for_its_end() -> None:
    log = Log()
    book = Counted(log)
    log.end = 4
    assert book.ready()
    assert book.ready()
    assert (book.reads, log.asked_for_end) == (1, 2)
