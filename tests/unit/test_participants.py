"""The participants directory: States by ISO 3166 alpha-3 code, historic ones, organizations, UNTC names."""

from __future__ import annotations

import pytest

from activities.participants import directory
from domain.errors import UnknownParticipant


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
