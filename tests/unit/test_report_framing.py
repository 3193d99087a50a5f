"""The report's heading, contents, mandate, signing history and editorial notes, made from recorded facts."""

from __future__ import annotations

import re
from datetime import date

import pytest

from domain.editorial import NotePlace
from domain.experts import PoolGroup
from projections.report.document import Framing, build
from projections.report.framing import ordinal, span
from projections.report.html import render as to_html
from projections.report.markdown import render as to_markdown
from tests.unit.test_document import sample_figures, sample_lineage
from usecases.seed_mandate import DOCKET, SIGNING_CONFERENCE, resolutions

MANDATE = tuple(details for details, _ in resolutions())
FRAMED = Framing(resolutions=MANDATE, docket=DOCKET, conferences=(SIGNING_CONFERENCE,))


def rendered(framing: Framing) -> str:
    return to_markdown(build(sample_figures(), sample_lineage(), framing=framing))


@pytest.mark.parametrize(
    ("number", "word"),
    [(1, "first"), (3, "third"), (11, "eleventh"), (12, "twelfth"), (20, "twentieth"), (21, "twenty-first"),
     (40, "fortieth"), (99, "ninety-ninth")],
)  # fmt: skip
def test_sessions_are_numbered_in_words(number: int, word: str) -> None:
    assert ordinal(number) == word


def test_a_sessions_days_read_as_a_heading_gives_them() -> None:
    assert span(date(2002, 4, 16), date(2002, 4, 25)) == "16-25 April 2002"
    assert span(date(2001, 11, 30), date(2001, 12, 1)) == "30 November-1 December 2001"
    assert span(date(2002, 4, 16), date(2002, 4, 16)) == "16 April 2002"


def test_the_heading_comes_from_the_docket_with_its_footnotes_in_order() -> None:
    note = "Submitted late, for the plans of 2002 to be final."
    document = build(
        sample_figures(),
        sample_lineage(),
        framing=FRAMED.model_copy(update={"notes": {NotePlace.HEADING: note}}),
    )

    assert document.heading.groups == (
        ("Economic and Social Council", "Distr.: General", "4 March 2002", "Original: English"),
        (
            "Commission on Crime Prevention and Criminal Justice",
            "Eleventh session",
            "Vienna, 16-25 April 2002",
            "Item 5 of the provisional agenda*",
            "International cooperation in combating transnational crime",
        ),
    )
    assert document.heading.signed == "Report of the Secretary-General**"
    assert document.heading.footnotes == ("* E/CN.15/2002/1.", f"** {note}")
    markdown = to_markdown(document)
    assert markdown.index("Eleventh session") < markdown.index("# Promoting the ratification")
    assert "**Report of the Secretary-General\\*\\***" in markdown
    assert '<p class="heading">Economic and Social Council<br>Distr.: General' in to_html(document)


def test_without_a_docket_the_heading_is_the_title_alone_and_a_note_takes_the_first_mark() -> None:
    bare = build(sample_figures(), sample_lineage())
    noted = build(
        sample_figures(), sample_lineage(), framing=Framing(notes={NotePlace.HEADING: "Written in haste."})
    )

    assert (bare.heading.groups, bare.heading.footnotes) == ((), ())
    assert bare.heading.signed == "Report of the Secretary-General"
    assert (noted.heading.signed, noted.heading.footnotes) == (
        "Report of the Secretary-General*",
        ("* Written in haste.",),
    )


def test_the_contents_give_each_sections_paragraphs_as_numbered() -> None:
    markdown = rendered(FRAMED)
    numbers: dict[str, list[int]] = {}
    section = ""
    for line in markdown.splitlines():
        if line.startswith("## ") and line[3:4] in "IV":
            section = line[3:].split(".", 1)[0]
        found = re.match(r"\*\*(\d+)\.\*\* ", line)
        if found:
            numbers.setdefault(section, []).append(int(found.group(1)))
    listed = dict(re.findall(r"^\| \[([IV]+)\. [^]]+\]\(#section-[iv]+\) \| ([\d-]+) \|$", markdown, re.M))

    assert list(listed) == ["I", "II", "III", "IV", "V"]
    for number, paragraphs in numbers.items():
        first, last = paragraphs[0], paragraphs[-1]
        assert listed[number] == (str(first) if first == last else f"{first}-{last}"), number
    assert sum(len(p) for p in numbers.values()) == max(max(p) for p in numbers.values())


def test_the_mandate_recalls_each_resolution_and_the_request_this_report_answers() -> None:
    introduction = rendered(FRAMED).split("## I. Introduction", 1)[1].split("## II.", 1)[0]

    assert (
        "By its resolution 55/25 of 15 November 2000, the General Assembly adopted the Convention, the "
        "Trafficking in Persons Protocol and the Smuggling of Migrants Protocol (annexes I, II and III); it "
        "also" in introduction
    )
    assert "By its resolution 55/255 of 31 May 2001, the General Assembly adopted the Firearms Protocol;" in (
        introduction
    )
    assert (
        "requested the Secretary-General to report to the Commission on Crime Prevention and Criminal "
        "Justice at its eleventh session. The present report answers that request." in introduction
    )
    other = FRAMED.model_copy(update={"docket": DOCKET.model_copy(update={"mandate": "57/1"})})
    assert "answers that request" not in rendered(other)


def test_the_signing_conference_and_the_later_negotiations_are_told_in_section_two() -> None:
    promotion = rendered(FRAMED).split("## II. ", 1)[1].split("## III.", 1)[0]

    assert (
        "The Convention, the Trafficking in Persons Protocol and the Smuggling of Migrants Protocol were "
        "opened for signature at the High-level Political Signing Conference, held in Palermo from 12 to 15 "
        "December 2000." in promotion
    )
    assert (
        "The Ad Hoc Committee on the Elaboration of a Convention against Transnational Organized Crime "
        "completed the negotiations for the Firearms Protocol in March 2001; the General Assembly adopted it "
        "by its resolution 55/255 of 31 May 2001, after the High-level Political Signing Conference at "
        "Palermo, where it was not opened for signature." in promotion
    )


def test_each_editorial_note_closes_its_section_as_written_and_escaped() -> None:
    notes = {place: f"Note *{place.value}* by the editor." for place in NotePlace}
    markdown = rendered(FRAMED.model_copy(update={"notes": notes}))
    sections = re.split(r"^## (?=[IV]+\. )", markdown, flags=re.M)[1:]
    places = [NotePlace.INTRODUCTION, NotePlace.PROMOTION, NotePlace.MEETINGS, NotePlace.COOPERATION]

    for section, place in zip(sections, [*places, NotePlace.CONCLUSIONS], strict=True):
        paragraphs = [line for line in section.splitlines() if line.startswith("**")]
        assert paragraphs[-1].endswith(f"Note \\*{place.value}\\* by the editor."), place
    assert markdown.count("by the editor.") == len(NotePlace)


def test_the_pools_and_the_donors_are_said_from_what_was_recorded_by_the_reports_date() -> None:
    none = rendered(Framing())
    some = rendered(Framing(pool_groups=(PoolGroup.CONVENTION,), donors=("Italy", "Japan")))

    assert "No expert had joined the pools of experts by 4 March 2002." in none
    assert "No contribution from a donor had been recorded by 4 March 2002." in none
    assert "By 4 March 2002, experts had joined the pools of experts for the Convention." in some
    assert "By 4 March 2002, contributions had been pledged by Italy and Japan." in some
