"""The United Nations regional groups: every Member State in one, on the dates it was a member."""

from __future__ import annotations

from datetime import date

import pytest

from activities.participants import directory
from domain.groups import GROUP_OF, RegionalGroup, group_of, parse_group


def test_the_five_groups_hold_the_193_member_states_palestine_and_former_yugoslavia() -> None:
    counts = {g: sum(1 for found in GROUP_OF.values() if found is g) for g in RegionalGroup}

    assert counts == {
        RegionalGroup.AFRICAN: 54,
        RegionalGroup.ASIA_PACIFIC: 55,  # 54 Member States and the State of Palestine
        RegionalGroup.EASTERN_EUROPEAN: 25,  # 23 Member States, Yugoslavia and Serbia and Montenegro
        RegionalGroup.LATIN_AMERICAN_CARIBBEAN: 33,
        RegionalGroup.WESTERN_EUROPEAN_OTHERS: 29,  # 28 members and the United States
    }


def test_every_group_member_is_a_state_the_directory_knows() -> None:
    assert [code for code in GROUP_OF if directory().find(code) is None] == []


@pytest.mark.parametrize(
    ("code", "on", "group"),
    [
        ("BEN", date(2002, 3, 4), RegionalGroup.AFRICAN),
        ("TUR", date(2002, 3, 4), RegionalGroup.WESTERN_EUROPEAN_OTHERS),
        ("CYP", date(2002, 3, 4), RegionalGroup.ASIA_PACIFIC),
        ("YUG", date(2002, 3, 4), RegionalGroup.EASTERN_EUROPEAN),
        ("SRB", date(2007, 1, 1), RegionalGroup.EASTERN_EUROPEAN),
        ("BOL", date(2002, 3, 4), RegionalGroup.LATIN_AMERICAN_CARIBBEAN),
        ("CHE", date(2002, 3, 4), None),
        ("CHE", date(2002, 9, 10), RegionalGroup.WESTERN_EUROPEAN_OTHERS),
        ("MNE", date(2006, 6, 27), None),
        ("MNE", date(2006, 6, 28), RegionalGroup.EASTERN_EUROPEAN),
        ("EUU", date(2002, 3, 4), None),
        ("VAT", date(2002, 3, 4), None),
    ],
)
def test_a_states_group_on_a_date(code: str, on: date, group: RegionalGroup | None) -> None:
    assert group_of(code, on) is group


@pytest.mark.parametrize(
    "name", ["african", "African States", "AFRICAN", " Western European and other States "]
)
def test_groups_are_found_by_name_or_first_word(name: str) -> None:
    assert parse_group(name) in (RegionalGroup.AFRICAN, RegionalGroup.WESTERN_EUROPEAN_OTHERS)


def test_an_unknown_group_is_refused_naming_the_groups() -> None:
    with pytest.raises(
        ValueError, match="'Nordic' is not a United Nations regional group; the groups are African"
    ):
        parse_group("Nordic")
