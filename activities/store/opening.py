"""Opening an application's store while other processes of the deployment may be creating its tables."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from eventsourcing.persistence import IntegrityError, InternalError

App = TypeVar("App")
ATTEMPTS = 5


def opened(factory: Callable[[], App]) -> App:
    """`factory()`, tried again when another process's CREATE TABLE of the same table won the race.

    PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against itself: two processes starting together
    on an empty database (two worker replicas, or a worker beside the projector) both insert the table's
    row type, and the slower one fails on pg_type's unique key (or, creating an index or function at the
    same moment, with "tuple concurrently updated"). By then the table exists, so once more succeeds.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return factory()
        except (IntegrityError, InternalError) as error:
            raced = isinstance(error, IntegrityError) or "concurrently updated" in str(error)
            if not raced or attempt == ATTEMPTS:
                raise
            time.sleep(0.1 * attempt)
    raise AssertionError("unreachable")
