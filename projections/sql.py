"""SQL shared by the read-model adapters: the schema's columns and the figure filters."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import LiteralString

from projections.facts import CORRECTABLE, Projected
from projections.store import FactQuery, StoredFact, from_utc_text, utc_text

# Only rows a correction may supersede are indexed by origin, and supersessions name them so that the
# partial index serves: indexing every row by origin was a quarter of the cost of writing one (bench.rebuild).
CORRECTABLE_ROWS = "fact IN (" + ", ".join(f"'{fact}'" for fact in CORRECTABLE) + ")"

COLUMNS = (
    "fact", "subject", "object", "effective_date", "recorded_at", "superseded_at",
    "application", "position", "origin", "version", "event_type", "demo", "known_from",
)  # fmt: skip
# What joins a subject's objects when a store gathers them (`FactStore.objects`): the unit separator, which no
# object holds (objects are codes, dates and names typed on one line).
SEPARATOR = "\x1f"
# Columns added to the facts table after its first shape: (name, SQLite type, PostgreSQL type). A read model
# without one was written before its rows carried it, so it is emptied and read again from the logs.
ADDED_COLUMNS: tuple[tuple[str, str, LiteralString], ...] = (
    ("demo", "INTEGER NOT NULL DEFAULT 0", "BOOLEAN NOT NULL DEFAULT false"),
    ("known_from", "TEXT", "TEXT"),
)


@lru_cache(maxsize=65_536)
def day(text: str) -> date:
    """A stored effective date: a history's rows share a few thousand days, each then parsed once."""
    return date.fromisoformat(text)


@lru_cache(maxsize=4096)
def object_set(joined: str) -> frozenset[str]:
    """A subject's objects as a store gathered them; kept per text, since most States share a few sets."""
    return frozenset(joined.split(SEPARATOR))


def rows_of(projected: Projected) -> list[tuple[object, ...]]:
    """The column values of one event's rows: what they share (dates, the event) is formatted once."""
    if not projected.triples:
        return []
    ref = projected.ref
    # (application, position, origin, version, event_type): the ref's fields in the columns' order.
    known = None if projected.known_from is None else utc_text(projected.known_from)
    shared = (
        projected.effective_date.isoformat(),
        utc_text(ref.recorded_at),
        None,
        *ref[:5],
        projected.demo,
        known,
    )
    return [triple + shared for triple in projected.triples]


def filters(query: FactQuery, mark: str) -> tuple[list[str], list[object]]:
    """WHERE clauses and parameters (with placeholder `mark`) selecting the query's rows."""
    clauses = [f"fact = {mark}", f"effective_date <= {mark}"]
    params: list[object] = [query.fact, query.effective_to.isoformat()]
    if query.object is not None:
        clauses.append(f"object = {mark}")
        params.append(query.object)
    if query.effective_from is not None:
        clauses.append(f"effective_date >= {mark}")
        params.append(query.effective_from.isoformat())
    if not query.include_demo:
        clauses.append("NOT demo")
    if query.known_at is None:
        clauses.append("superseded_at IS NULL")
    else:
        known = utc_text(query.known_at)
        # A fact counts from when it was known: its recording, or the day its source was known if earlier.
        clauses.append(f"COALESCE(known_from, recorded_at) <= {mark}")
        clauses.append(f"(superseded_at IS NULL OR superseded_at > {mark})")
        params += [known, known]
    return clauses, params


def stored(values: tuple[object, ...]) -> StoredFact:
    record = dict(zip(COLUMNS, values, strict=True))
    superseded = record["superseded_at"]
    record["recorded_at"] = from_utc_text(str(record["recorded_at"]))
    record["superseded_at"] = from_utc_text(str(superseded)) if superseded else None
    record["demo"] = bool(record["demo"])
    known = record["known_from"]
    record["known_from"] = from_utc_text(str(known)) if known else None
    return StoredFact.model_validate(record)


def supersession(correction: Projected) -> tuple[str, int, str]:
    """(superseded_at, superseding position, origin) of a correcting event."""
    ref = correction.ref
    return utc_text(ref.recorded_at), ref.position, ref.origin


def canonical(
    values: tuple[object, ...], upto: dict[str, int], superseded_position: int | None
) -> tuple[object, ...]:
    """A row as it stood at the given positions: a supersession from beyond them is not there yet."""
    record = list(values)
    application = str(record[COLUMNS.index("application")])
    if superseded_position is not None and superseded_position > upto.get(application, 0):
        record[COLUMNS.index("superseded_at")] = None
    record[COLUMNS.index("demo")] = bool(record[COLUMNS.index("demo")])
    return tuple(str(v) if isinstance(v, datetime) else v for v in record)
