"""The participants directory: States by ISO 3166 alpha-3 code, historic ones, organizations, UNTC names."""

from __future__ import annotations

from datetime import date

import pytest

from activities.participants import directory
from domain.errors import UnknownParticipant
from domain.names import changed_names


@pytest.mark.parametrize(
    ("code", "name"),
    [("BOL", "Bolivia"), ("BLR", "Belarus"), ("MUS", "Mauritius"), ("THA", "Thailand"), ("UKR", "Ukraine")],
)
def test_current_iso_codes_resolve_to_their_state(code: str, name: str) -> None:
    participant = directory().get(code)

    assert participant.code == code
    assert name in participant.name
    assert participant.kind == "state"
    assert participant.historic is False


@pytest.mark.parametrize(
    ("code", "name_part"),
    [
        ("YUG", "Yugoslavia"),
        ("ANT", "Netherlands Antilles"),
        ("SCG", "Serbia and Montenegro"),
        ("CSK", "Czech"),
    ],
)
def test_historic_codes_resolve_to_their_former_state(code: str, name_part: str) -> None:
    participant = directory().get(code)

    assert participant.code == code
    assert name_part in participant.name
    assert participant.historic is True


@pytest.mark.parametrize("typed", ["bol", "Bol", " bol ", "yug"])
def test_codes_resolve_whatever_their_case(typed: str) -> None:
    assert directory().get(typed).code == typed.strip().upper()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Venezuela (Bolivarian Republic of)", "VEN"),
        ("The former Yugoslav Republic of Macedonia", "MKD"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Guinea Bissau", "GNB"),
        ("Yugoslavia", "YUG"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("venezuela (bolivarian republic of)", "VEN"),
        ("European Union", "EUU"),
        ("European Community", "EUU"),
    ],
)
def test_treaty_collection_names_resolve_to_their_participant(name: str, code: str) -> None:
    found = directory().find(name)

    assert found is not None
    assert found.code == code


def test_the_european_union_is_an_organization() -> None:
    union = directory().get("EUU")

    assert union.kind == "organization"
    assert union.name == "European Union"


@pytest.mark.parametrize("code", ["XYZ", "QQQ", "ZZ", "BOLI", ""])
def test_unknown_codes_are_refused_naming_the_code(code: str) -> None:
    with pytest.raises(UnknownParticipant) as refusal:
        directory().get(code)

    assert f"'{code}'" in str(refusal.value)
    assert str(refusal.value).endswith(".")


def test_unknown_names_find_nothing() -> None:
    assert directory().find("Atlantis (Kingdom of)") is None
    assert directory().find("XYZ") is None


def test_every_participant_has_a_distinct_three_letter_code() -> None:
    everyone = directory().all()
    codes = [p.code for p in everyone]

    assert len(codes) == len(set(codes))
    assert all(len(c) == 3 and c.isalpha() and c.isupper() for c in codes)
    assert len(everyone) > 249


@pytest.mark.parametrize(
    ("code", "on", "name"),
    [
        ("YUG", date(2002, 3, 4), "Yugoslavia"),
        ("SRB", date(2001, 9, 6), "Yugoslavia"),
        ("YUG", date(2003, 2, 4), "Serbia and Montenegro"),
        ("SCG", date(2006, 6, 2), "Serbia and Montenegro"),
        ("SRB", date(2006, 6, 3), "Serbia"),
        ("MNE", date(2006, 6, 3), "Montenegro"),
        ("SWZ", date(2002, 3, 4), "Swaziland"),
        ("SWZ", date(2018, 4, 19), "Eswatini"),
        ("TUR", date(2022, 5, 31), "Turkey"),
        ("TUR", date(2022, 6, 1), "Türkiye"),
        ("MKD", date(2002, 3, 4), "The former Yugoslav Republic of Macedonia"),
        ("MKD", date(2019, 2, 14), "North Macedonia"),
        ("CZE", date(2002, 3, 4), "Czech Republic"),
        ("BOL", date(2002, 3, 4), "Bolivia (Plurinational State of)"),
        ("PER", date(2002, 3, 4), "Peru"),
        ("EUU", date(2002, 3, 4), "European Union"),
        ("XYZ", date(2002, 3, 4), "XYZ"),
    ],
)
def test_a_state_is_named_as_the_united_nations_named_it_on_the_date(code: str, on: date, name: str) -> None:
    assert directory().name_on(code, on) == name


def test_former_states_have_whole_names_not_iso_half_names() -> None:
    assert directory().get("YUG").name == "Yugoslavia"
    assert directory().get("CSK").name == "Czechoslovakia"
    assert directory().get("SCG").name == "Serbia and Montenegro"


def test_the_names_changed_since_a_date_are_those_of_the_table() -> None:
    changed = changed_names(date(2002, 3, 4))

    assert changed["SWZ"] == "Swaziland"
    assert changed["YUG"] == "Yugoslavia"
    assert "BOL" not in changed
