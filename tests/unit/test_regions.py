"""Every State the directory knows has its UN M49 region; Antarctica and organizations have none."""

from __future__ import annotations

import pycountry
import pytest

from activities.participants import directory
from domain.regions import Region, parse_region, region_of

ANTARCTIC = {"ATA", "ATB", "ATN"}


def test_every_state_of_the_directory_but_antarctica_has_a_region() -> None:
    states = [p for p in directory().all() if p.kind == "state"]

    missing = [p.code for p in states if region_of(p.code) is None]

    assert len(states) > 270
    assert sorted(missing) == sorted(ANTARCTIC)


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("BOL", Region.AMERICAS),
        ("ttO", Region.AMERICAS),
        ("GRL", Region.AMERICAS),
        ("BEN", Region.AFRICA),
        ("SDN", Region.AFRICA),
        ("ESH", Region.AFRICA),
        ("TUR", Region.ASIA),
        ("CYP", Region.ASIA),
        ("KAZ", Region.ASIA),
        ("RUS", Region.EUROPE),
        ("MKD", Region.EUROPE),
        ("YUG", Region.EUROPE),
        ("SUN", Region.EUROPE),
        ("ANT", Region.AMERICAS),
        ("ZAR", Region.AFRICA),
        ("FSM", Region.OCEANIA),
        ("AUS", Region.OCEANIA),
    ],
)
def test_states_fall_in_their_m49_region(code: str, region: Region) -> None:
    assert region_of(code) is region


def test_organizations_and_unknown_codes_have_no_region() -> None:
    assert region_of("EUU") is None
    assert region_of("XYZ") is None


def test_regions_split_the_current_states_as_m49_does() -> None:
    counts = {r: 0 for r in Region}
    for country in pycountry.countries:
        found = region_of(country.alpha_3)
        if found is not None:
            counts[found] += 1

    # The sub-regions' sizes in M49: Africa 7+22+9+5+17, Americas 28+8+16+5, Asia 5+8+11+9+18 (with
    # Taiwan), Europe 10+16+16+9 (without Sark, which has no ISO code), Oceania 6+5+8+10.
    assert counts == {
        Region.AFRICA: 60,
        Region.AMERICAS: 57,
        Region.ASIA: 51,
        Region.EUROPE: 51,
        Region.OCEANIA: 29,
    }


def test_region_names_are_read_in_any_case_and_unknown_ones_are_named() -> None:
    assert parse_region(" africa ") is Region.AFRICA
    with pytest.raises(ValueError, match=r"'Antarctica' is not an M49 region; the regions are Africa, "):
        parse_region("Antarctica")
