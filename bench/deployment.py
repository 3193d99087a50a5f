"""Where a benchmark's data lives: SQLite files under a home folder, or a throwaway PostgreSQL database."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from tests.servers import throwaway_postgres
from usecases.settings import Settings


@contextmanager
def deployment(store: str, home: Path | None = None, database_url: str | None = None) -> Iterator[Settings]:
    """Settings for `store`; a temporary home and, for PostgreSQL without a URL, a throwaway cluster.

    The cluster is the test suite's (fsync and synchronous_commit off): our writes and the raw baselines
    share it, so the ratios hold even though the absolute rates are above a durable server's.
    """
    with ExitStack() as stack:
        if home is None:
            home = Path(tempfile.mkdtemp(prefix="palermo-bench-"))
            stack.callback(shutil.rmtree, home, ignore_errors=True)
        if store == "postgres" and database_url is None:
            cluster = stack.enter_context(throwaway_postgres())
            database_url = cluster.create_database("bench")
        if store == "postgres":
            yield Settings(home=home, store="postgres", database_url=database_url)
        else:
            yield Settings(home=home, store="sqlite")


@contextmanager
def from_arguments(options: argparse.Namespace) -> Iterator[Settings]:
    with deployment(options.store, options.home, options.database_url) as settings:
        yield settings


def writer_env(settings: Settings, application: str) -> dict[str, str]:
    """The application's store settings for a bulk writer that shares the database with other applications.

    eventsourcing 9.5 names its PostgreSQL insert function per schema, so with POSTGRES_ENABLE_DB_FUNCTIONS
    the last application to open the schema receives every application's writes (the xfail in
    tests/integration/test_application_logs.py). The generator writes three logs, so it keeps off it.
    """
    env = settings.store_env(application)
    return env | {"POSTGRES_ENABLE_DB_FUNCTIONS": "n"} if settings.store == "postgres" else env
