"""SQL shared by the read-model adapters: the schema's columns and the figure filters."""

from __future__ import annotations

from datetime import datetime

from projections.facts import CORRECTABLE, FactRow, Projected
from projections.store import FactQuery, StoredFact, from_utc_text, utc_text

# Only rows a correction may supersede are indexed by origin, and supersessions name them so that the
# partial index serves: indexing every row by origin was a quarter of the cost of writing one (bench.rebuild).
CORRECTABLE_ROWS = "fact IN (" + ", ".join(f"'{fact}'" for fact in CORRECTABLE) + ")"

COLUMNS = (
    "fact", "subject", "object", "effective_date", "recorded_at", "superseded_at",
    "application", "position", "origin", "version", "event_type",
)  # fmt: skip


def row_values(row: FactRow, recorded: str | None = None) -> tuple[object, ...]:
    """The row's column values; `recorded` is its recorded time as utc_text, when already formatted."""
    ref = row.ref
    return (
        row.fact, row.subject, row.object, row.effective_date.isoformat(),
        utc_text(ref.recorded_at) if recorded is None else recorded, None,
        ref.application, ref.position, ref.origin, ref.version, ref.event_type,
    )  # fmt: skip


def rows_of(projected: Projected) -> list[tuple[object, ...]]:
    """The column values of one event's rows, which share its recorded time: formatted once, not per row."""
    recorded = utc_text(projected.ref.recorded_at)
    return [row_values(row, recorded) for row in projected.rows]


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
    if query.known_at is None:
        clauses.append("superseded_at IS NULL")
    else:
        known = utc_text(query.known_at)
        clauses.append(f"recorded_at <= {mark} AND (superseded_at IS NULL OR superseded_at > {mark})")
        params += [known, known]
    return clauses, params


def stored(values: tuple[object, ...]) -> StoredFact:
    record = dict(zip(COLUMNS, values, strict=True))
    superseded = record["superseded_at"]
    record["recorded_at"] = from_utc_text(str(record["recorded_at"]))
    record["superseded_at"] = from_utc_text(str(superseded)) if superseded else None
    return StoredFact.model_validate(record)


def supersessions(batch: list[Projected]) -> list[tuple[str, int, str]]:
    """(superseded_at, superseding position, origin) for each correcting event in the batch."""
    return [(utc_text(p.ref.recorded_at), p.ref.position, p.ref.origin) for p in batch if p.supersedes]


def canonical(
    values: tuple[object, ...], upto: dict[str, int], superseded_position: int | None
) -> tuple[object, ...]:
    """A row as it stood at the given positions: a supersession from beyond them is not there yet."""
    record = list(values)
    application = str(record[COLUMNS.index("application")])
    if superseded_position is not None and superseded_position > upto.get(application, 0):
        record[COLUMNS.index("superseded_at")] = None
    return tuple(str(v) if isinstance(v, datetime) else v for v in record)
