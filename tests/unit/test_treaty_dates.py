"""When a treaty action can have happened: not before its instrument was adopted, not after today."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.treaty import ADOPTIONS, ActionKind, misdated
from domain.values import Instrument

TODAY = date(2002, 3, 4)


def test_the_general_assembly_adopted_three_instruments_in_2000_and_the_firearms_protocol_in_2001() -> None:
    assert {i: (a.day, a.resolution) for i, a in ADOPTIONS.items()} == {
        Instrument.CONVENTION: (date(2000, 11, 15), "55/25"),
        Instrument.TRAFFICKING: (date(2000, 11, 15), "55/25"),
        Instrument.SMUGGLING: (date(2000, 11, 15), "55/25"),
        Instrument.FIREARMS: (date(2001, 5, 31), "55/255"),
    }


@pytest.mark.parametrize("instrument", list(Instrument))
@pytest.mark.parametrize("kind", [ActionKind.SIGNATURE, ActionKind.ACCESSION])
def test_an_action_from_the_day_of_adoption_to_today_can_have_happened(
    instrument: Instrument, kind: ActionKind
) -> None:
    adopted = ADOPTIONS[instrument].day

    assert misdated(instrument, kind, adopted, TODAY) is None
    assert misdated(instrument, kind, TODAY, TODAY) is None


@pytest.mark.parametrize(
    ("instrument", "day", "sentence"),
    [
        (
            Instrument.CONVENTION,
            date(1066, 10, 14),
            "signature dated 1066-10-14 is before 15 November 2000, when General Assembly resolution 55/25 "
            "adopted the instrument",
        ),
        (
            Instrument.SMUGGLING,
            date(1, 1, 1),
            "signature dated 0001-01-01 is before 15 November 2000, when General Assembly resolution 55/25 "
            "adopted the instrument",
        ),
        (
            Instrument.FIREARMS,
            date(2001, 5, 30),
            "signature dated 2001-05-30 is before 31 May 2001, when General Assembly resolution 55/255 "
            "adopted the instrument",
        ),
        (Instrument.TRAFFICKING, TODAY + timedelta(days=1), "signature dated 2002-03-05 is later than today"),
    ],
)
def test_an_action_before_its_instrument_was_adopted_or_after_today_is_misdated(
    instrument: Instrument, day: date, sentence: str
) -> None:
    assert misdated(instrument, ActionKind.SIGNATURE, day, TODAY) == sentence
