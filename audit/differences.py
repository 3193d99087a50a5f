"""What a replay found: the differences between the live side and the replay, named for an auditor."""

from __future__ import annotations

from collections import Counter
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from domain.identity import state_of_engagement
from domain.values import Status
from domain.views import CaseView
from projections import sql
from projections.figures import Figures

# A read-model row as FactStore.snapshot gives it: sql.COLUMNS, in order.
Row = tuple[object, ...]


class Difference(BaseModel):
    """One thing the live side and the replay disagree on."""

    model_config = ConfigDict(frozen=True)

    what: str
    live: str
    replayed: str


def state_label(key: UUID) -> str:
    try:
        return state_of_engagement(key)
    except ValueError:
        return str(key)


def same(what: str, live: object, replayed: object) -> list[Difference]:
    if live == replayed:
        return []
    return [Difference(what=what, live=_text(live), replayed=_text(replayed))]


def _text(value: object) -> str:
    return "—" if value is None else str(value)


def stage_of(case: CaseView) -> str:
    if case.status is not Status.OPEN:
        return case.status.value
    return case.stage.value if case.stage else "—"


def case_differences(stored: CaseView, replayed: CaseView) -> list[Difference]:
    """Field by field: the case as the repository loads it, and as replayed from the log."""
    theirs, ours = stored.model_dump(mode="json"), replayed.model_dump(mode="json")
    return [d for name in ours for d in same(f"{replayed.state} case {name}", theirs.get(name), ours[name])]


def row_differences(live: list[Row], fresh: list[Row], origins: set[str] | None) -> list[Difference]:
    at = sql.COLUMNS.index

    def kept(rows: list[Row]) -> Counter[Row]:
        return Counter(r for r in rows if origins is None or str(r[at("origin")]) in origins)

    ours, theirs = kept(fresh), kept(live)
    only_live, only_replayed = theirs - ours, ours - theirs
    differences = []
    for row in sorted(only_live + only_replayed, key=repr):
        what = f"fact row {row[at('fact')]} {row[at('subject')]} {row[at('object')]}".rstrip()
        where = f"effective {row[at('effective_date')]}, {row[at('application')]} #{row[at('position')]}"
        sides = (where, "missing") if row in only_live else ("missing", where)
        differences.append(Difference(what=what, live=sides[0], replayed=sides[1]))
    return differences


def _flat(prefix: str, value: object) -> dict[str, object]:
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _flat(f"{prefix}{key}.", item).items()}
    return {prefix.rstrip("."): value}


def figure_differences(live: Figures, replayed: Figures) -> list[Difference]:
    skip = {"as_of", "known_at"}
    theirs = _flat("", live.model_dump(mode="json", exclude=skip))
    ours = _flat("", replayed.model_dump(mode="json", exclude=skip))
    # A figure absent on one side (a checklist item nobody needs) counts as zero.
    names = sorted(set(theirs) | set(ours))
    return [d for name in names for d in same(name, theirs.get(name, 0), ours.get(name, 0))]
