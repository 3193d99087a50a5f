"""Yugoslavia went on as Serbia and Montenegro, then as Serbia; Montenegro succeeded on its own."""

from __future__ import annotations

from datetime import date

import pytest

from domain.successions import SUCCESSOR_STATES, code_on, engaged_code, names_of


@pytest.mark.parametrize("code", ["YUG", "scg", "SRB"])
def test_the_three_codes_of_one_state(code: str) -> None:
    assert names_of(code) == ("YUG", "SCG", "SRB")


@pytest.mark.parametrize("code", ["MNE", "PER", "EUU"])
def test_other_states_have_their_own_code_alone(code: str) -> None:
    assert names_of(code) == (code,)


@pytest.mark.parametrize(
    ("on", "code"),
    [
        (date(2001, 9, 6), "YUG"),
        (date(2003, 2, 3), "YUG"),
        (date(2003, 2, 4), "SCG"),
        (date(2006, 6, 2), "SCG"),
        (date(2006, 6, 3), "SRB"),
    ],
)
def test_the_code_of_the_day(on: date, code: str) -> None:
    assert code_on("SRB", on) == code
    assert code_on("YUG", on) == code


def test_montenegro_is_a_successor_state_not_a_new_name() -> None:
    assert SUCCESSOR_STATES["MNE"].earlier == "SCG"
    assert "MNE" not in names_of("SRB")


@pytest.mark.parametrize(
    ("engaged", "asked", "code"),
    [
        ({"YUG"}, "SRB", "YUG"),
        ({"SCG", "SRB"}, "yug", "SCG"),
        (set(), " srb ", "SRB"),
        ({"YUG"}, "MNE", "MNE"),
    ],
)
def test_an_engagement_is_found_under_the_first_code_the_state_bore_with_one(
    engaged: set[str], asked: str, code: str
) -> None:
    assert engaged_code(asked, engaged.__contains__) == code
