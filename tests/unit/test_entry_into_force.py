"""Entry into force by the final clauses: Convention art. 38, Protocols arts. 17, 22 and 18."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.entry_into_force import FINAL_CLAUSES, Deposit, due_dates, entry_into_force, force_timelines
from domain.values import Instrument

C, T, S, F = Instrument.CONVENTION, Instrument.TRAFFICKING, Instrument.SMUGGLING, Instrument.FIREARMS
START = date(2001, 1, 1)


def _states(n: int, first: date = START, *, step: int = 1, prefix: str = "S") -> list[Deposit]:
    """n States depositing one a day (or every `step` days) from `first`."""
    return [Deposit(f"{prefix}{i:02d}", first + timedelta(days=i * step)) for i in range(n)]


def test_the_final_clauses_are_the_articles_of_each_instrument() -> None:
    assert {i: a.article for i, a in FINAL_CLAUSES.items()} == {C: "38", T: "17", S: "22", F: "18"}
    assert {a.instruments for a in FINAL_CLAUSES.values()} == {40}


def test_the_ninetieth_day_after_the_fortieth_instrument() -> None:
    deposits = _states(40)
    fortieth = deposits[-1].day

    found = entry_into_force({C: deposits}, fortieth + timedelta(days=90))[C]

    assert found.entry_into_force == fortieth + timedelta(days=90)
    assert found.to_entry_into_force == 0
    assert found.in_force_for == 40


def test_before_the_ninetieth_day_the_date_is_known_but_not_yet_reached() -> None:
    deposits = _states(40)
    due = deposits[-1].day + timedelta(days=90)

    found = entry_into_force({C: deposits}, due - timedelta(days=1))[C]

    assert found.entry_into_force is None
    assert found.due == due
    assert found.to_entry_into_force == 0
    assert found.in_force_for == 0


def test_thirty_nine_instruments_leave_one_needed_and_no_date() -> None:
    found = entry_into_force({C: _states(39)}, date(2010, 1, 1))[C]

    shown = (found.due, found.entry_into_force, found.to_entry_into_force, found.in_force_for)
    assert shown == (None, None, 1, 0)


def test_deposits_after_the_as_of_date_are_not_counted() -> None:
    deposits = _states(40)

    found = entry_into_force({C: deposits}, deposits[9].day)[C]

    assert found.to_entry_into_force == 30
    assert found.due is None


def test_a_regional_organization_is_not_counted_in_addition_to_its_member_states() -> None:
    deposits = [*_states(39), Deposit("EUU", START)]

    found = entry_into_force({C: deposits}, date(2010, 1, 1))[C]

    assert found.to_entry_into_force == 1
    assert found.due is None


def test_a_regional_organization_is_bound_once_in_force_and_counted_among_those_bound() -> None:
    deposits = [*_states(40), Deposit("EUU", START)]
    due = deposits[39].day + timedelta(days=90)

    found = entry_into_force({C: deposits}, due)[C]

    assert found.in_force_on["EUU"] == due
    assert found.in_force_for == 41


def test_a_state_depositing_after_the_fortieth_is_bound_on_the_thirtieth_day_after_its_deposit() -> None:
    deposits = _states(40)
    due = deposits[-1].day + timedelta(days=90)
    early_late = Deposit("LATE1", deposits[-1].day + timedelta(days=10))
    late = Deposit("LATE2", due + timedelta(days=5))

    found = entry_into_force({C: [*deposits, early_late, late]}, date(2010, 1, 1))[C]

    # Never before the instrument itself: the thirtieth day after 10 days on is before the ninetieth.
    assert found.in_force_on["LATE1"] == due
    assert found.in_force_on["LATE2"] == late.day + timedelta(days=30)
    on_the_29th = entry_into_force({C: [*deposits, late]}, late.day + timedelta(days=29))[C]
    assert on_the_29th.in_force_for == 40
    assert "LATE2" not in {p for p, d in on_the_29th.in_force_on.items() if d <= on_the_29th.as_of}


def test_a_protocol_never_enters_into_force_before_the_convention() -> None:
    convention = _states(40, START, step=10)
    # The same States, all on the Protocol well before the fortieth instrument of the Convention.
    protocol = _states(40)
    convention_due = convention[-1].day + timedelta(days=90)

    found = entry_into_force({C: convention, T: protocol}, date(2010, 1, 1))

    assert found[T].due == convention_due == found[C].due
    assert all(day == convention_due for day in found[T].in_force_on.values())


def test_a_protocol_party_not_party_to_the_convention_is_flagged_and_not_counted() -> None:
    both = _states(40)
    outsider = Deposit("OUT", START)

    found = entry_into_force({C: both, T: [*both, outsider]}, date(2010, 1, 1))[T]

    assert found.not_convention_parties == ("OUT",)
    assert "OUT" not in found.in_force_on
    assert found.in_force_for == 40


def test_a_protocol_instrument_counts_from_the_day_its_state_joins_the_convention() -> None:
    convention = [*_states(39), Deposit("LATER", date(2005, 1, 1))]
    protocol = [*_states(39), Deposit("LATER", START)]

    before = entry_into_force({C: convention, T: protocol}, date(2004, 12, 31))[T]
    after = entry_into_force({C: convention, T: protocol}, date(2005, 1, 1))[T]

    assert (before.to_entry_into_force, before.not_convention_parties) == (1, ("LATER",))
    assert (after.to_entry_into_force, after.not_convention_parties) == (0, ())
    assert after.due == date(2005, 1, 1) + timedelta(days=90)


def test_every_instrument_is_answered_even_without_deposits() -> None:
    found = entry_into_force({}, date(2002, 3, 4))

    assert set(found) == set(Instrument)
    assert all(f.to_entry_into_force == 40 and f.in_force_for == 0 for f in found.values())


def test_a_later_deposit_of_the_same_participant_is_its_own_first() -> None:
    deposits = [*_states(40), Deposit("S00", date(2009, 1, 1))]

    found = entry_into_force({C: deposits}, date(2010, 1, 1))[C]

    assert found.in_force_for == 40
    assert found.in_force_on["S00"] == deposits[39].day + timedelta(days=90)


COLLECTION = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "untc"
TABLES = {C: "18-12.csv", T: "18-12-a.csv", S: "18-12-b.csv", F: "18-12-c.csv"}


def _collection_deposits() -> dict[Instrument, list[Deposit]]:
    """The consents of the Collection's tables, read here with csv alone; the organization by its name."""
    found: dict[Instrument, list[Deposit]] = {}
    for instrument, table in TABLES.items():
        with (COLLECTION / table).open(encoding="utf-8") as lines:
            rows = list(csv.reader(lines))[1:]
        found[instrument] = [
            Deposit(
                "EUU" if name == "European Union" else name,
                datetime.strptime(" ".join(cell.split()[:3]), "%d %b %Y").date(),
            )
            for name, _, cell in rows
            if cell.strip()
        ]
    return found


@pytest.mark.skipif(not (COLLECTION / "18-12.csv").is_file(), reason=f"no Collection tables at {COLLECTION}")
def test_the_collections_tables_give_the_dates_of_entry_into_force() -> None:
    deposits = _collection_deposits()

    def needed(as_of: date) -> list[int]:
        return [f.to_entry_into_force for f in entry_into_force(deposits, as_of).values()]

    today = entry_into_force(deposits, date(2014, 6, 30))
    assert needed(date(2002, 3, 4)) == [32, 34, 34, 40]
    assert [f.entry_into_force for f in today.values()] == [
        date(2003, 9, 29),
        date(2003, 12, 25),
        date(2004, 1, 28),
        date(2005, 7, 3),
    ]
    assert [f.not_convention_parties for f in today.values()] == [()] * 4
    on_the_day = entry_into_force(deposits, date(2003, 9, 29))
    # Bound on 29 September 2003: the forty, and those that deposited at least thirty days before.
    bound = {d.participant for d in deposits[C] if d.day <= date(2003, 8, 30)}
    assert on_the_day[C].in_force_for == len(bound) == 41
    assert on_the_day[T].entry_into_force is None


@given(
    st.dictionaries(
        st.sampled_from(list(Instrument)),
        st.lists(
            st.tuples(st.sampled_from([f"S{n:02d}" for n in range(60)] + ["EUU"]), st.integers(0, 3000)),
            max_size=120,
        ),
    ),
    st.integers(0, 3500),
)
def test_due_dates_alone_are_the_days_the_whole_rule_decides(
    drawn: dict[Instrument, list[tuple[str, int]]], as_of_days: int
) -> None:
    start = date(2000, 12, 12)
    deposits = {
        i: [Deposit(who, start + timedelta(days=d)) for who, d in found] for i, found in drawn.items()
    }
    as_of = start + timedelta(days=as_of_days)

    whole = entry_into_force(deposits, as_of)

    assert due_dates(deposits, as_of) == {i: decided.due for i, decided in whole.items()}


# Deposits close together, most instruments reaching forty, some late: each asked about on the days the
# counts may change (a deposit, thirty days after it, the ninetieth day after the fortieth) and either side.
CROWDED = st.dictionaries(
    st.sampled_from(list(Instrument)),
    st.lists(
        st.tuples(st.sampled_from([f"S{n:02d}" for n in range(50)] + ["EUU"]), st.integers(0, 500)),
        min_size=20,
        max_size=90,
    ),
)


@given(CROWDED)
def test_the_timeline_answers_as_of_any_day_what_the_whole_rule_decides(
    drawn: dict[Instrument, list[tuple[str, int]]],
) -> None:
    start = date(2000, 12, 12)
    deposits = {
        i: [Deposit(who, start + timedelta(days=d)) for who, d in found] for i, found in drawn.items()
    }
    timelines = force_timelines(deposits)
    days = {d for found in drawn.values() for _, d in found}
    asked = sorted({start + timedelta(days=d + k) for d in days for k in (-1, 0, 1, 29, 30, 31, 89, 90, 91)})
    due = [t.due for t in timelines.values() if t.due is not None]
    asked += [d + timedelta(days=k) for d in due for k in (-1, 0, 1)]

    for as_of in asked:
        whole = entry_into_force(deposits, as_of)
        found = {
            i: (
                t.entry_into_force(as_of),
                t.to_entry_into_force(as_of),
                t.in_force_for(as_of),
                t.parties(as_of),
                set(t.parties_named(as_of)),
            )
            for i, t in timelines.items()
        }
        parties = {i: {d.participant for d in deposits.get(i, ()) if d.day <= as_of} for i in Instrument}
        assert found == {
            i: (d.entry_into_force, d.to_entry_into_force, d.in_force_for, len(parties[i]), parties[i])
            for i, d in whole.items()
        }


def test_the_timeline_gives_the_collections_days_of_entry_into_force() -> None:
    if not (COLLECTION / "18-12.csv").is_file():
        pytest.skip(f"no Collection tables at {COLLECTION}")
    deposits = _collection_deposits()
    timelines = force_timelines(deposits)

    for as_of in (date(2002, 3, 4), date(2003, 9, 29), date(2004, 1, 28), date(2014, 6, 30)):
        whole = entry_into_force(deposits, as_of)
        assert [t.to_entry_into_force(as_of) for t in timelines.values()] == [
            d.to_entry_into_force for d in whole.values()
        ]
        assert [t.in_force_for(as_of) for t in timelines.values()] == [d.in_force_for for d in whole.values()]
    assert timelines[C].entry_into_force(date(2014, 6, 30)) == date(2003, 9, 29)
    assert timelines[C].in_force_for(date(2003, 9, 29)) == 41
