"""Entry into force of each instrument, and for each party, from the deposits by the final clauses."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from operator import itemgetter
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from domain.treaty import is_regional_organization
from domain.values import Instrument


class FinalClause(NamedTuple):
    """The article on entry into force, the instruments it needs and the days it waits."""

    article: str
    instruments: int
    days_after_threshold: int
    days_after_late_deposit: int


# Convention art. 38, Trafficking Protocol art. 17, Smuggling Protocol art. 22, Firearms Protocol art. 18: the
# ninetieth day after the fortieth instrument of ratification, acceptance, approval or accession; for a
# participant depositing after the fortieth, the thirtieth day after its own deposit, never before the
# instrument itself.
FINAL_CLAUSES: dict[Instrument, FinalClause] = {
    Instrument.CONVENTION: FinalClause("38", 40, 90, 30),
    Instrument.TRAFFICKING: FinalClause("17", 40, 90, 30),
    Instrument.SMUGGLING: FinalClause("22", 40, 90, 30),
    Instrument.FIREARMS: FinalClause("18", 40, 90, 30),
}


class Deposit(NamedTuple):
    """A participant's instrument of ratification, acceptance, approval, accession or succession, and its
    day."""

    participant: str
    day: date


class EntryIntoForce(BaseModel):
    """One instrument's entry into force as the deposits made up to `as_of` decide it.

    `due` is the day the deposits so far bring it into force (possibly after `as_of`); `entry_into_force` is
    that day once reached. `in_force_on` gives each party's day (possibly after `as_of`); `in_force_for`
    counts those reached. `not_convention_parties` are a Protocol's depositors not party to the Convention
    (art. 37 (2)): neither counted towards the forty nor bound until they are.
    """

    model_config = ConfigDict(frozen=True)

    instrument: Instrument
    as_of: date
    due: date | None
    to_entry_into_force: int
    in_force_on: dict[str, date]
    not_convention_parties: tuple[str, ...] = ()

    @property
    def entry_into_force(self) -> date | None:
        return self.due if self.due is not None and self.due <= self.as_of else None

    @property
    def in_force_for(self) -> int:
        return sum(1 for day in self.in_force_on.values() if day <= self.as_of)


def _first_deposits(deposits: Iterable[Deposit], as_of: date) -> dict[str, date]:
    first: dict[str, date] = {}
    for participant, day in deposits:
        if day <= as_of and (participant not in first or day < first[participant]):
            first[participant] = day
    return first


def _counted(deposited: dict[str, date]) -> list[date]:
    """The days of the instruments counted towards entry into force, earliest first."""
    return sorted(day for who, day in deposited.items() if not is_regional_organization(who))


def _due(clause: FinalClause, counted: list[date], not_before: date | None) -> date | None:
    if len(counted) < clause.instruments:
        return None
    due = counted[clause.instruments - 1] + timedelta(days=clause.days_after_threshold)
    return max(due, not_before) if not_before is not None else due


def _protocol_deposits(
    first: dict[str, date], convention: dict[str, date]
) -> tuple[dict[str, date], list[str]]:
    """A Protocol's first deposits, each counted from the day its depositor is also party to the Convention,
    and the depositors not party to it."""
    deposited: dict[str, date] = {}
    flagged: list[str] = []
    for who, day in first.items():
        joined = convention.get(who)
        if joined is None:
            flagged.append(who)
        else:
            deposited[who] = max(day, joined)
    return deposited, flagged


def due_dates(deposits: Mapping[Instrument, Iterable[Deposit]], as_of: date) -> dict[Instrument, date | None]:
    """Only the day each instrument enters into force by the deposits made up to `as_of` (None: not yet
    forty), as `entry_into_force` decides it: what the forecast asks of each simulated world."""
    convention_deposits = _first_deposits(deposits.get(Instrument.CONVENTION, ()), as_of)
    convention = _due(FINAL_CLAUSES[Instrument.CONVENTION], _counted(convention_deposits), None)
    found: dict[Instrument, date | None] = {Instrument.CONVENTION: convention}
    for instrument in Instrument:
        if instrument is not Instrument.CONVENTION:
            first = _first_deposits(deposits.get(instrument, ()), as_of)
            deposited, _ = _protocol_deposits(first, convention_deposits)
            found[instrument] = _due(FINAL_CLAUSES[instrument], _counted(deposited), convention)
    return found


def _bound_from(clause: FinalClause, due: date | None, deposited: dict[str, date]) -> dict[str, date]:
    """The day each depositor is bound from: the day of entry into force, or thirty days after a later
    deposit; no one while fewer than forty have deposited."""
    if due is None:
        return {}
    late = timedelta(days=clause.days_after_late_deposit)
    return {who: max(due, day + late) for who, day in deposited.items()}


def _bound_by_both(protocol: dict[str, date], convention: dict[str, date]) -> dict[str, date]:
    """The day each Protocol party is bound from: never before the Convention binds it."""
    return {who: max(day, convention[who]) for who, day in protocol.items() if who in convention}


def _decide(
    instrument: Instrument,
    deposited: dict[str, date],
    as_of: date,
    not_before: date | None,
    flagged: list[str],
) -> EntryIntoForce:
    clause = FINAL_CLAUSES[instrument]
    counted = _counted(deposited)
    due = _due(clause, counted, not_before)
    in_force_on = dict(sorted(_bound_from(clause, due, deposited).items()))
    return EntryIntoForce(
        instrument=instrument,
        as_of=as_of,
        due=due,
        to_entry_into_force=max(0, clause.instruments - len(counted)),
        in_force_on=in_force_on,
        not_convention_parties=tuple(sorted(flagged)),
    )


def entry_into_force(
    deposits: Mapping[Instrument, Iterable[Deposit]], as_of: date
) -> dict[Instrument, EntryIntoForce]:
    """Every instrument's entry into force as of `as_of`, from the deposits made by then.

    A regional economic integration organization's instrument is not counted in addition to its member States'
    (so not towards the forty), but binds it like any party. A Protocol never enters into force before the
    Convention; a Protocol instrument counts from the day its depositor is also party to the Convention, and
    binds it no earlier than the Convention does.
    """
    convention_deposits = _first_deposits(deposits.get(Instrument.CONVENTION, ()), as_of)
    convention = _decide(Instrument.CONVENTION, convention_deposits, as_of, None, [])
    found = {Instrument.CONVENTION: convention}
    for instrument in Instrument:
        if instrument is Instrument.CONVENTION:
            continue
        first = _first_deposits(deposits.get(instrument, ()), as_of)
        deposited, flagged = _protocol_deposits(first, convention_deposits)
        protocol = _decide(instrument, deposited, as_of, convention.due, flagged)
        bound = _bound_by_both(protocol.in_force_on, convention.in_force_on)
        found[instrument] = protocol.model_copy(update={"in_force_on": bound})
    return found


class ForceTimeline(NamedTuple):
    """One instrument's entry into force on every date at once, from all its deposits: what `entry_into_force`
    decides as of any day, and the parties, each a binary search.

    A participant's first deposit, and for a Protocol the day it counts from (its own deposit or its joining
    the Convention, whichever is later), do not depend on the day asked about; nor, once forty are counted,
    does the day the instrument enters into force, nor the day each party is bound from. As of a day, the
    instruments counted are those counted by then, and the parties bound are those bound by then.
    """

    instrument: Instrument
    # The days of the instruments counted towards the forty, earliest first.
    counted: tuple[date, ...]
    # The day the forty bring it into force; None while fewer than forty were ever deposited.
    due: date | None
    # The day each party is bound from, earliest first.
    bound: tuple[date, ...]
    # Each participant's first deposit (it is a party from then on), earliest first.
    deposited: tuple[date, ...]
    # The participants, in the order of `deposited`.
    depositors: tuple[str, ...]

    def entry_into_force(self, as_of: date) -> date | None:
        return self.due if self.due is not None and self.due <= as_of else None

    def to_entry_into_force(self, as_of: date) -> int:
        return max(0, FINAL_CLAUSES[self.instrument].instruments - bisect_right(self.counted, as_of))

    def in_force_for(self, as_of: date) -> int:
        return bisect_right(self.bound, as_of)

    def parties(self, as_of: date) -> int:
        """The participants that deposited an instrument by `as_of`."""
        return bisect_right(self.deposited, as_of)

    def parties_named(self, as_of: date) -> tuple[str, ...]:
        """The participants that deposited an instrument by `as_of`, earliest first."""
        return self.depositors[: self.parties(as_of)]


def force_timelines(deposits: Mapping[Instrument, Iterable[Deposit]]) -> dict[Instrument, ForceTimeline]:
    """Every instrument's `ForceTimeline` from all its deposits, by the rule `entry_into_force` applies."""
    convention_deposits = _first_deposits(deposits.get(Instrument.CONVENTION, ()), date.max)
    clause = FINAL_CLAUSES[Instrument.CONVENTION]
    counted = _counted(convention_deposits)
    convention_due = _due(clause, counted, None)
    convention_bound = _bound_from(clause, convention_due, convention_deposits)
    found = {
        Instrument.CONVENTION: ForceTimeline(
            Instrument.CONVENTION,
            tuple(counted),
            convention_due,
            tuple(sorted(convention_bound.values())),
            *_in_order(convention_deposits),
        )
    }
    for instrument in Instrument:
        if instrument is Instrument.CONVENTION:
            continue
        clause = FINAL_CLAUSES[instrument]
        first = _first_deposits(deposits.get(instrument, ()), date.max)
        deposited, _ = _protocol_deposits(first, convention_deposits)
        counted = _counted(deposited)
        due = _due(clause, counted, convention_due)
        bound = _bound_by_both(_bound_from(clause, due, deposited), convention_bound)
        found[instrument] = ForceTimeline(
            instrument, tuple(counted), due, tuple(sorted(bound.values())), *_in_order(first)
        )
    return found


def _in_order(first: Mapping[str, date]) -> tuple[tuple[date, ...], tuple[str, ...]]:
    """Each participant's first deposit, and the participants, earliest first."""
    ordered = sorted(first.items(), key=itemgetter(1))
    return tuple(day for _, day in ordered), tuple(participant for participant, _ in ordered)
