"""Answers a request has at hand, given on the event loop; the rest made on the thread pool.

The web app's work is Python holding one interpreter lock. A plain function FastAPI runs on its thread pool
waits for that lock, hop after hop, while the event loop serves the other requests, and with 20 users at once
those waits, not the work, made most of a page's time (bench.web). So the pages most asked for look first for
what they have at hand (an answer kept under the read model's current version, a book within a few events of
its log) on the loop, and make anything else (a cold book, an answer not yet made, a token's hash) on a
thread, where it holds up nobody else's request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from starlette.concurrency import run_in_threadpool

T = TypeVar("T")


async def answered(at_hand: Callable[[], T | None], made: Callable[[], T]) -> T:
    """`at_hand()` on the event loop when it has the answer; else `made()` on the thread pool."""
    found = at_hand()
    return found if found is not None else await run_in_threadpool(made)


class Book(Protocol):
    """What a process keeps from a log (projections.runner.LogBook)."""

    def ready(self) -> bool: ...

    def catch_up(self) -> None: ...


async def ready(*books: Book) -> None:
    """Each book caught up with its log: here when it is a few events behind, on a thread when further."""
    for book in books:
        if not book.ready():
            await run_in_threadpool(book.catch_up)
