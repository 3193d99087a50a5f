"""The Secretary-General report's figures as of any date (and as known at any time), with their lineage."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import TypeVar, cast
from weakref import WeakKeyDictionary

from pydantic import BaseModel, ConfigDict

from domain.entry_into_force import (
    FINAL_CLAUSES,
    Deposit,
    EntryIntoForce,
    ForceTimeline,
    entry_into_force,
    force_timelines,
)
from domain.groups import GROUP_OF, RegionalGroup, group_of
from domain.progress import PREREQUISITES
from domain.questionnaires import Questionnaire
from domain.regions import Region, region_of
from domain.treaty import is_regional_organization
from domain.values import Instrument, Step
from projections import facts as f
from projections.store import FactQuery, FactStore, StoredFact

# The fact row each questionnaire figure counts.
QUESTIONNAIRE_FIGURES = {
    "sendings": f.SENDING,
    "sent": f.QUESTIONNAIRE_SENT,
    "replies": f.QUESTIONNAIRE_REPLY,
}
# The counted figures of each instrument; `entry_into_force` is a date, not a count.
INSTRUMENT_COUNTS = ("signatories", "parties", "to_entry_into_force", "in_force_for")
# Every State that is, or was, a member of a regional group.
GROUPED = frozenset(GROUP_OF)
STAGES = (*(s.value for s in Step if s is not Step.REQUEST), "completed", "withdrawn")


class InstrumentFigures(BaseModel):
    """Paragraph 8: signatories and parties of one instrument; and its entry into force (paragraphs 1, 2, 22):
    the day it entered into force, if by `as_of`, the instruments still needed, and the parties it binds."""

    model_config = ConfigDict(frozen=True)

    signatories: int
    parties: int
    # Defaults for figures written before entry into force was counted (an audit bundle's figures.json).
    entry_into_force: date | None = None
    to_entry_into_force: int = 0
    in_force_for: int = 0


class Replies(BaseModel):
    """States a questionnaire was sent to, and States that replied."""

    model_config = ConfigDict(frozen=True)

    sent: int
    replies: int


class QuestionnaireFigures(Replies):
    """Paragraphs 12 and 20: a questionnaire's sendings, the States it reached, their replies, by region."""

    sendings: int
    by_region: dict[str, Replies]


class Figures(BaseModel):
    """Every figure of the report as of one effective date, as known at one recorded time."""

    model_config = ConfigDict(frozen=True)

    as_of: date
    known_at: datetime | None
    year: int
    # Whether demo data (made up, never a fact) is counted; by default it is left out.
    include_demo: bool = False
    instruments: dict[str, InstrumentFigures]
    meetings_held: int
    states_reached: int
    cooperation_activities: int
    requests_received: int
    requesting_states: int
    engagements_by_stage: dict[str, int]
    common_needs: dict[str, int]
    questionnaires: dict[str, QuestionnaireFigures] = {}
    # Per United Nations regional group (by its key, `african`, …): parties per instrument, States reached and
    # requests, each State in its group on `as_of`. Empty in figures written before groups were counted.
    regional_groups: dict[str, dict[str, int]] = {}
    # States that made a reservation, declaration or objection, per `<instrument>.art<N>.<kind>`.
    statements: dict[str, int] = {}


class UnknownFigure(Exception):
    """The figure's name is not one the report has."""


def _query(
    fact: str,
    as_of: date,
    known_at: datetime | None,
    *,
    year: int | None = None,
    obj: str | None = None,
    demo: bool = False,
) -> FactQuery:
    start = date(year, 1, 1) if year is not None else None
    if year is not None:
        as_of = min(as_of, date(year, 12, 31))
    return FactQuery(
        fact=fact, object=obj, effective_from=start, effective_to=as_of, known_at=known_at, include_demo=demo
    )


@lru_cache(maxsize=4096)
def _stage(steps: frozenset[str], withdrawals: frozenset[str]) -> str | None:
    """The stage of a State's latest round from the step rows' objects (every round's) and its withdrawals';
    None before its first request. Kept per pair of sets: a store holds a few dozen, however large."""
    rounds: dict[int, set[str]] = defaultdict(set)
    for obj in steps:
        step, number = f.round_of(obj)
        rounds[number].add(step)
    requested = [number for number, done in rounds.items() if Step.REQUEST.value in done]
    if not requested:
        return None
    latest = max(requested)
    if latest in {f.round_of(obj)[1] for obj in withdrawals}:
        return "withdrawn"
    done = {Step(s) for s in rounds[latest]}
    if Step.TRAINING in done:
        return "completed"
    return next(s.value for s, needs in PREREQUISITES.items() if s not in done and needs <= done)


def stages(
    store: FactStore, as_of: date, known_at: datetime | None, include_demo: bool = False
) -> dict[str, str]:
    """Each State's stage on `as_of`, in its latest round: the next step due, completed or withdrawn."""
    # Each State's set of step objects, gathered by the store: over a million events, reading every step row
    # into Python was most of the figures' time.
    withdrawals = store.objects(_query(f.WITHDRAWAL, as_of, known_at, demo=include_demo))
    found = (
        (state, _stage(steps, withdrawals.get(state, frozenset())))
        for state, steps in store.objects(_query(f.STEP, as_of, known_at, demo=include_demo)).items()
    )
    return {state: stage for state, stage in found if stage is not None}


T = TypeVar("T")
# What the figures keep of each store, per state of its rows (its positions in the logs): entry into force
# over time, which answers as of any date, made once for the dates asked until the store takes in events.
_KEPT: WeakKeyDictionary[FactStore, tuple[Hashable, dict[object, object]]] = WeakKeyDictionary()
_KEPT_LOCK = threading.Lock()
# Per state of a store, entry into force is kept as known at up to this many recorded times.
KEPT_QUESTIONS = 16


def _kept(store: FactStore, question: tuple[object, ...], make: Callable[[], T]) -> T:
    """`make()` once per state of `store`, kept for the questions after."""
    version = store.content_key()
    with _KEPT_LOCK:
        held = _KEPT.get(store)
        if held is None or held[0] != version:
            held = _KEPT[store] = (version, {})
        elif len(held[1]) >= KEPT_QUESTIONS:
            held[1].clear()
        if question in held[1]:
            return cast(T, held[1][question])
    made = make()
    with _KEPT_LOCK:
        held[1][question] = made
    return made


def kept_force(store: FactStore, known_at: datetime | None) -> dict[Instrument, ForceTimeline]:
    """Each instrument's entry into force over time as known at `known_at`, made once per state of the
    store."""
    return _kept(store, ("force", known_at), lambda: force_timelines(deposits(store, date.max, known_at)))


def deposits(store: FactStore, as_of: date, known_at: datetime | None) -> dict[Instrument, list[Deposit]]:
    """Every consent to be bound, per instrument, effective by `as_of` as known at `known_at`."""
    return {
        i: [
            Deposit(subject, day)
            for subject, day in store.dated(_query(f.PARTY, as_of, known_at, obj=i.value))
        ]
        for i in Instrument
    }


def in_force(store: FactStore, as_of: date, known_at: datetime | None) -> dict[Instrument, EntryIntoForce]:
    """Each instrument's entry into force by the final clauses, from the consents recorded."""
    return entry_into_force(deposits(store, as_of, known_at), as_of)


def figures(
    store: FactStore,
    as_of: date,
    known_at: datetime | None = None,
    year: int | None = None,
    include_demo: bool = False,
) -> Figures:
    """All figures, each an index look-up over the fact rows (no replay).

    Meetings, States reached and cooperation activities count within `year` (by default the year of
    `as_of`) up to `as_of`: the report of 4 March 2002 reviews 2001, so it is asked for with year 2001.
    Demo data is counted only with `include_demo`.
    """
    year = as_of.year if year is None else year
    demo = include_demo
    by_stage = dict.fromkeys(STAGES, 0)
    for stage in stages(store, as_of, known_at, demo).values():
        by_stage[stage] += 1
    force = kept_force(store, known_at)
    # Each count of distinct States read once, its States' groups told apart from the same rows.
    signed = store.count_by_object(_query(f.SIGNATURE, as_of, known_at, demo=demo))
    reached = store.subjects(_query(f.MEETING_PARTICIPANT, as_of, known_at, year=year))
    requesting = store.subjects(_query(f.REQUEST, as_of, known_at))
    return Figures(
        as_of=as_of,
        known_at=known_at,
        year=year,
        include_demo=demo,
        instruments={
            i.value: InstrumentFigures(
                signatories=signed.get(i.value, 0),
                # Without demo data, the parties are those the timeline holds; with it, counted apart.
                parties=(
                    store.count(_query(f.PARTY, as_of, known_at, obj=i.value, demo=demo))
                    if demo
                    else force[i].parties(as_of)
                ),
                entry_into_force=force[i].entry_into_force(as_of),
                to_entry_into_force=force[i].to_entry_into_force(as_of),
                in_force_for=force[i].in_force_for(as_of),
            )
            for i in Instrument
        },
        meetings_held=store.count(_query(f.MEETING, as_of, known_at, year=year, demo=demo)),
        states_reached=(
            store.count(_query(f.MEETING_PARTICIPANT, as_of, known_at, year=year, demo=demo))
            if demo
            else len(reached)
        ),
        # One row per activity: counting distinct States would fold a State's second activity into its first.
        cooperation_activities=store.rows(_query(f.COOPERATION, as_of, known_at, year=year, demo=demo)),
        # One row per request (a State asks again in a later round); the States that asked, apart.
        requests_received=store.rows(_query(f.REQUEST, as_of, known_at, demo=demo)),
        requesting_states=(
            store.count(_query(f.REQUEST, as_of, known_at, demo=demo)) if demo else len(requesting)
        ),
        engagements_by_stage=by_stage,
        common_needs=dict(
            sorted(store.count_by_object(_query(f.GAP_ITEM, as_of, known_at, demo=demo)).items())
        ),
        regional_groups=_by_group(
            as_of,
            {
                **{f"{i.value}.parties": force[i].parties_named(as_of) for i in Instrument},
                "states_reached": reached,
                "requests_received": requesting,
            },
        ),
        statements=dict(sorted(store.count_by_object(_query(f.STATEMENT, as_of, known_at)).items())),
        questionnaires={
            q.value: _questionnaire(store, q.value, as_of, known_at, demo) for q in Questionnaire
        },
    )


def _questionnaire(
    store: FactStore, name: str, as_of: date, known_at: datetime | None, demo: bool
) -> QuestionnaireFigures:
    """Everything up to `as_of` (not within a year): the Centre collects replies for as long as they come."""
    sent = store.subjects(_query(f.QUESTIONNAIRE_SENT, as_of, known_at, obj=name, demo=demo))
    replied = store.subjects(_query(f.QUESTIONNAIRE_REPLY, as_of, known_at, obj=name, demo=demo))
    regions: dict[str, Replies] = {}
    for region in Region:
        mine = {s for s in sent | replied if region_of(s) is region}
        regions[region.value] = Replies(sent=len(mine & sent), replies=len(mine & replied))
    return QuestionnaireFigures(
        sendings=store.count(_query(f.SENDING, as_of, known_at, obj=name, demo=demo)),
        sent=len(sent),
        replies=len(replied),
        by_region=regions,
    )


def group_key(group: RegionalGroup) -> str:
    return group.name.lower()


def _group_queries(as_of: date, known_at: datetime | None, year: int) -> dict[str, FactQuery]:
    """The figures broken down by regional group, and the rows of States each counts."""
    found = {f"{i.value}.parties": _query(f.PARTY, as_of, known_at, obj=i.value) for i in Instrument}
    found["states_reached"] = _query(f.MEETING_PARTICIPANT, as_of, known_at, year=year)
    found["requests_received"] = _query(f.REQUEST, as_of, known_at)
    return found


def _by_group(as_of: date, counted: dict[str, Iterable[str]]) -> dict[str, dict[str, int]]:
    """Each figure's States (demo data left out) counted per regional group, each State in its group on
    `as_of`."""
    counts = {group_key(g): dict.fromkeys(counted, 0) for g in RegionalGroup}
    for figure, states in counted.items():
        for state in GROUPED.intersection(states):
            group = group_of(state, as_of)
            if group is not None:
                counts[group_key(group)][figure] += 1
    return counts


def _force_rows(
    store: FactStore, instrument: Instrument, figure: str, as_of: date, known_at: datetime | None
) -> list[StoredFact]:
    """The consents behind `in_force_for` (those bound on `as_of`) or `to_entry_into_force` (those counted
    towards the forty, until it is reached; the figure is forty less their number)."""
    found = in_force(store, as_of, known_at)[instrument]
    rows = store.facts(_query(f.PARTY, as_of, known_at, obj=instrument.value))
    if figure == "in_force_for":
        return [r for r in rows if found.in_force_on.get(r.subject, date.max) <= as_of]
    counted = [r for r in rows if not is_regional_organization(r.subject)]
    return [r for r in counted if r.subject not in found.not_convention_parties]


def figure_value(figure: str, rows: list[StoredFact]) -> int:
    """A figure's value from the rows `explain` gives for it: the States (or meetings) they name, but for the
    instruments still needed, forty less those counted."""
    subjects = len({r.subject for r in rows})
    head, _, tail = figure.partition(".")
    if tail == "to_entry_into_force" and head in {i.value for i in Instrument}:
        return max(0, FINAL_CLAUSES[Instrument(head)].instruments - subjects)
    return subjects


def figure_names() -> list[str]:
    names = [f"{i.value}.{k}" for i in Instrument for k in INSTRUMENT_COUNTS]
    names += ["meetings_held", "states_reached", "cooperation_activities", "requests_received"]
    names += ["requesting_states"]
    names += [f"engagements_by_stage.{s}" for s in STAGES]
    names += [f"questionnaires.{q.value}.{k}" for q in Questionnaire for k in QUESTIONNAIRE_FIGURES]
    by_region = ("sent", "replies")
    names += [
        f"questionnaires.{q.value}.{k}.{r.value}" for q in Questionnaire for k in by_region for r in Region
    ]
    names += ["common_needs.<checklist item>", "regional_groups.<group>.<figure>"]
    return [*names, "statements.<instrument>.<article>.<kind>"]


def explain(
    store: FactStore,
    figure: str,
    as_of: date,
    known_at: datetime | None = None,
    year: int | None = None,
    include_demo: bool = False,
) -> list[StoredFact]:
    """The fact rows (and so the events) a figure counts; demo data's only with `include_demo`."""
    year = as_of.year if year is None else year
    demo = include_demo
    head, _, tail = figure.partition(".")
    simple = {
        "meetings_held": _query(f.MEETING, as_of, known_at, year=year, demo=demo),
        "states_reached": _query(f.MEETING_PARTICIPANT, as_of, known_at, year=year, demo=demo),
        "cooperation_activities": _query(f.COOPERATION, as_of, known_at, year=year, demo=demo),
        "requests_received": _query(f.REQUEST, as_of, known_at, demo=demo),
        "requesting_states": _query(f.REQUEST, as_of, known_at, demo=demo),
    }
    if figure in simple:
        return store.facts(simple[figure])
    if head in {i.value for i in Instrument} and tail in ("signatories", "parties"):
        fact = f.SIGNATURE if tail == "signatories" else f.PARTY
        return store.facts(_query(fact, as_of, known_at, obj=head, demo=demo))
    if head in {i.value for i in Instrument} and tail in INSTRUMENT_COUNTS:
        return _force_rows(store, Instrument(head), tail, as_of, known_at)
    if head == "questionnaires":
        name, what, *region = tail.split(".")
        known = name in {q.value for q in Questionnaire} and what in QUESTIONNAIRE_FIGURES
        if known and not region:
            return store.facts(_query(QUESTIONNAIRE_FIGURES[what], as_of, known_at, obj=name, demo=demo))
        if known and what != "sendings" and len(region) == 1 and region[0] in {r.value for r in Region}:
            rows = store.facts(_query(QUESTIONNAIRE_FIGURES[what], as_of, known_at, obj=name, demo=demo))
            return [row for row in rows if (found := region_of(row.subject)) and found.value == region[0]]
    if head == "regional_groups" and tail:
        key, _, grouped = tail.partition(".")
        groups = {group_key(g): g for g in RegionalGroup}
        if key in groups and grouped in _group_queries(as_of, known_at, year):
            rows = explain(store, grouped, as_of, known_at, year, include_demo=demo)
            return [r for r in rows if group_of(r.subject, as_of) is groups[key]]
    if head == "statements" and tail:
        return store.facts(_query(f.STATEMENT, as_of, known_at, obj=tail))
    if head == "common_needs" and tail:
        return store.facts(_query(f.GAP_ITEM, as_of, known_at, obj=tail, demo=demo))
    if head == "engagements_by_stage" and tail in STAGES:
        states = [s for s, stage in stages(store, as_of, known_at, demo).items() if stage == tail]
        rows = store.facts(_query(f.STEP, as_of, known_at, demo=demo), subjects=states)
        rows += store.facts(_query(f.WITHDRAWAL, as_of, known_at, demo=demo), subjects=states)
        return sorted(rows, key=lambda r: (r.effective_date, r.application, r.position))
    raise UnknownFigure(
        f"'{figure}' is not a figure of the report; known figures: {', '.join(figure_names())}."
    )
