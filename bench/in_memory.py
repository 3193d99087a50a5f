"""A copy of a benchmark's store with every file in memory: the baseline of what the store's disk costs."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from usecases.settings import Settings

MEMORY = Path("/dev/shm")


@contextmanager
def in_memory(settings: Settings) -> Iterator[Settings]:
    """The same store with every file in memory: SQLite files copied to tmpfs, or for PostgreSQL a copy of
    the database in a tablespace on tmpfs (fsync is off on the benchmark's cluster, as for ours)."""
    folder = Path(tempfile.mkdtemp(prefix="palermo-bench-web-", dir=MEMORY))
    try:
        if settings.store == "sqlite":
            shutil.copytree(settings.home_dir, folder / "home")
            yield settings.model_copy(update={"home": folder / "home"})
            return
        assert settings.database_url is not None
        name = f"bench_web_memory_{folder.name[-8:].lower()}"
        space = f"bench_memory_{folder.name[-8:].lower()}"
        with psycopg.connect(settings.database_url, autocommit=True) as db:
            found = db.execute("SELECT current_database(), current_setting('data_directory')").fetchone()
            assert found is not None
            database, data = found
            # The tablespace's folder belongs to the account the server runs as, as its data folder does.
            owner = os.stat(data)
            space_dir = folder / "tablespace"
            space_dir.mkdir()
            folder.chmod(0o711)  # the server's account passes through to its own folder
            os.chown(space_dir, owner.st_uid, owner.st_gid)
            db.execute(f"CREATE TABLESPACE {space} LOCATION '{space_dir}'")
            # Nobody else may be connected to a template: this connection goes to the maintenance database.
        url = settings.database_url.rsplit("/", 1)[0]
        with psycopg.connect(f"{url}/postgres", autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name} TEMPLATE {database} TABLESPACE {space}")
        home = folder / "home"
        shutil.copytree(settings.home_dir, home)
        try:
            yield settings.model_copy(update={"home": home, "database_url": f"{url}/{name}"})
        finally:
            with psycopg.connect(f"{url}/postgres", autocommit=True) as db:
                db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                db.execute(f"DROP TABLESPACE IF EXISTS {space}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
