"""The deployment's read model: its location and logs from the settings, and the generations kept there."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from activities.store.logs import APPLICATIONS, EventLog
from activities.store.opening import opened
from projections import generations
from projections.generations import DEFAULT_GENERATION, RebuildResult, refresh
from projections.store import FactStore, FreshStore
from usecases.settings import Settings, SettingsError
from usecases.shared_read_model import SharedReadModel

__all__ = [
    "DEFAULT_GENERATION",
    "current_generation",
    "drop",
    "location",
    "open_fresh",
    "open_store",
    "rebuild",
    "refresh",
    "shared",
    "sources",
    "total_events",
]


def location(settings: Settings) -> generations.Location:
    if settings.store == "sqlite":
        return generations.Location("sqlite", settings.home_dir)
    if settings.database_url is None:
        raise SettingsError("PALERMO_DATABASE_URL is required when PALERMO_STORE=postgres")
    return generations.Location("postgres", settings.home_dir, settings.database_url)


def sources(settings: Settings) -> list[EventLog]:
    """The notification log of every application the read model reads."""
    return [opened(partial(EventLog, name, settings.store_env(name))) for name in APPLICATIONS]


def total_events(settings: Settings) -> int:
    """How many events the logs hold together (an upper bound: PostgreSQL ids may have gaps)."""
    logs = sources(settings)
    try:
        return sum(log.last() for log in logs)
    finally:
        for log in logs:
            log.close()


def current_generation(settings: Settings) -> str:
    return generations.current_generation(location(settings))


def open_store(settings: Settings, generation: str | None = None) -> FactStore:
    return generations.open_store(location(settings), generation)


def shared(settings: Settings, logs: Sequence[EventLog]) -> SharedReadModel:
    """The read model for a long-running process, read through `logs` (opened on first use); on PostgreSQL
    its version (the generation and every log's end) is read in one statement before each read."""
    where = location(settings)
    ends = [(log.name, log.end_statement()) for log in logs]
    statements = [(name, statement) for name, statement in ends if statement is not None]
    if where.kind != "postgres" or len(statements) != len(ends):
        return SharedReadModel(where, logs)
    return SharedReadModel(where, logs, version=generations.OneRead(where, statements))


def open_fresh(settings: Settings, generation: str) -> FreshStore:
    return generations.open_fresh(location(settings), generation)


def drop(settings: Settings, generation: str) -> None:
    generations.drop(location(settings), generation)


def rebuild(
    settings: Settings, *, force: bool = False, progress: Callable[[int], None] | None = None
) -> RebuildResult:
    """Build a fresh read model from the logs alone, compare it with the live one, and switch if equal."""
    logs = sources(settings)
    try:
        return generations.rebuild(location(settings), logs, force=force, progress=progress)
    finally:
        for log in logs:
            log.close()
