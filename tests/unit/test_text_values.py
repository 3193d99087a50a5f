"""Texts and numbers as commands take them: names NFC-normalised, control and format characters refused with
the character named, lengths bounded; counts and yes-or-no fields of their own JSON type only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from domain.commands import ConcludeAssistance, NameFocalPoint, RecordLawSummary, RecordTraining
from domain.outreach import MeetingDetails

COMMON: dict[str, Any] = {"state": "BOL", "effective_date": date(2002, 2, 1)}


def focal_point(name: str) -> NameFocalPoint:
    return NameFocalPoint.model_validate(COMMON | {"focal_point": {"name": name}})


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("A.\x00Quispe", "U+0000"),
        ("A.\u200bQuispe", "U+200B ZERO WIDTH SPACE"),
        ("\u202eepsiuQ .A", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\ufeffA. Quispe", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("A. Quispe\u2028Lima", "U+2028 LINE SEPARATOR"),
        ("A.\tQuispe", "U+0009"),
        ("A.\nQuispe", "U+000A"),
        ("A. \ud800Quispe", "U+D800"),
        ("\u200cA. Quispe", "U+200C ZERO WIDTH NON-JOINER"),
    ],
)
def test_a_name_with_a_control_or_format_character_is_refused_naming_it(name: str, named: str) -> None:
    with pytest.raises(ValidationError) as refused:
        focal_point(name)

    assert named in str(refused.value)


def test_names_are_kept_in_their_composed_form() -> None:
    decomposed = "Jose\u0301 Ramo\u0301n Pe\u0301rez"

    assert focal_point(decomposed).focal_point is not None
    assert focal_point(decomposed).focal_point == focal_point("José Ramón Pérez").focal_point
    assert focal_point(decomposed).model_dump()["focal_point"]["name"] == "José Ramón Pérez"


def test_a_joiner_between_letters_is_part_of_a_name() -> None:
    # Persian writes a zero-width non-joiner inside words; Indic scripts, joiners.
    persian, devanagari = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\u0915\u094d\u200d\u0937"
    assert focal_point(persian).focal_point is not None
    note = RecordLawSummary.model_validate(COMMON | {"document": devanagari})
    assert note.document == devanagari


def test_a_note_keeps_its_lines_and_tabs_but_no_other_control_character() -> None:
    kept = RecordLawSummary.model_validate(COMMON | {"note": "First line\r\n\tsecond line\rthird"})
    assert kept.note == "First line\n\tsecond line\nthird"
    with pytest.raises(ValidationError, match=r"U\+001B"):
        RecordLawSummary.model_validate(COMMON | {"note": "Colour\x1b[31m red"})


def test_a_name_is_at_most_200_characters_once_composed() -> None:
    composed = "é" * 200
    assert focal_point("e\u0301" * 200).focal_point is not None  # 400 code points, 200 once composed
    assert focal_point(composed).focal_point is not None
    with pytest.raises(ValidationError, match="at most 200"):
        focal_point(composed + "e")


def test_meeting_names_are_held_to_the_same_rules() -> None:
    details = {"title": "Seminar", "kind": "briefing", "place": "Vienna", "start": date(2001, 6, 5)}
    details["end"] = details["start"]
    with pytest.raises(ValidationError, match=r"U\+0000"):
        MeetingDetails.model_validate(details | {"place": "Vie\x00nna"})
    with pytest.raises(ValidationError, match=r"U\+200B"):
        MeetingDetails.model_validate(details | {"partners": ["UNODC\u200b"]})


@pytest.mark.parametrize("count", [True, False, "12", 12.0, 12.5, None])
def test_officials_trained_is_a_whole_number_and_nothing_else(count: object) -> None:
    with pytest.raises(ValidationError, match="officials_trained"):
        RecordTraining.model_validate(COMMON | {"officials_trained": count})
    assert RecordTraining.model_validate(COMMON | {"officials_trained": 12}).officials_trained == 12


@pytest.mark.parametrize("answer", ["no", "false", 0, 1, "yes", None])
def test_requested_is_true_or_false_and_nothing_else(answer: object) -> None:
    with pytest.raises(ValidationError, match="requested"):
        ConcludeAssistance.model_validate(COMMON | {"requested": answer})
    assert ConcludeAssistance.model_validate(COMMON | {"requested": False}).requested is False
