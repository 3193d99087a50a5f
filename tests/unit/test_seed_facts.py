"""The seeded outreach history says what the report of 4 March 2002 says, paragraph by paragraph."""

from __future__ import annotations

import re
from datetime import date

import pytest

from activities.participants import directory
from domain.errors import UnknownParticipant
from domain.outreach import CooperationKind, Headcount, MeetingDetails, MeetingKind, meeting_id
from domain.values import DatePrecision, Instrument
from projections.report.sections import dates
from usecases.seed import COOPERATION, MEETINGS, REPORT, SeededMeeting, state_code


def codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Paragraph 13 (a) to (f): each meeting's place, days and the States its sentence names, in ISO 3166 alpha-3.
# fmt: off
PARAGRAPH_13: dict[str, tuple[str, date, date, frozenset[str]]] = {
    "13 (a)": ("Pretoria", date(2001, 3, 26), date(2001, 3, 28),
               codes("AGO BWA LSO MWI MOZ NAM ZAF SWZ TZA ZMB ZWE")),
    "13 (b)": ("Guatemala", date(2001, 4, 19), date(2001, 4, 20),
               codes("CRI SLV GTM HND NIC PAN")),
    "13 (c)": ("Hanoi", date(2001, 8, 8), date(2001, 8, 10),
               codes("BRN KHM IDN LAO MYS MMR PHL SGP THA VNM")),
    "13 (d)": ("Tehran", date(2001, 10, 3), date(2001, 10, 4),
               codes("AFG AZE IRN KAZ KGZ PAK TUR TJK UZB")),
    "13 (e)": ("Port-of-Spain", date(2001, 11, 30), date(2001, 12, 1),
               codes("ATG BRB BHS BLZ DMA GRD GUY JAM KNA LCA SUR TTO")),
    "13 (f)": ("Ouagadougou", date(2001, 11, 28), date(2001, 11, 30),
               codes("BEN BFA CPV CIV GMB GHA GNB LBR MLI NER NGA SEN SLE TGO")),
}
# fmt: on
SOURCE = re.compile(r"^Report of the Secretary-General, 4 March 2002, para\. (\d+(?: \([a-f]\))?)")


def resolved(meeting: SeededMeeting) -> MeetingDetails:
    return meeting.resolved(directory())


def paragraph_of(source: str) -> str:
    found = SOURCE.match(source)
    assert found is not None, f"source names no paragraph of the report: {source!r}"
    return found.group(1)


def by_paragraph() -> dict[str, SeededMeeting]:
    """The meeting each paragraph is about (13 (e) also names two meetings that preceded it, listed after)."""
    found: dict[str, SeededMeeting] = {}
    for m in MEETINGS:
        found.setdefault(paragraph_of(m.source), m)
    return found


def test_paragraph_13_gives_six_meetings_each_with_its_place_and_days() -> None:
    meetings = {p: m for p, m in by_paragraph().items() if p.startswith("13 ")}

    assert sorted(meetings) == sorted(PARAGRAPH_13)
    for paragraph, (place, start, end, _) in PARAGRAPH_13.items():
        details = meetings[paragraph].details
        assert (details.place, details.start, details.end) == (place, start, end), paragraph


@pytest.mark.parametrize(
    ("paragraph", "count"),
    [("13 (a)", 11), ("13 (b)", 6), ("13 (c)", 10), ("13 (d)", 9), ("13 (e)", 12), ("13 (f)", 14)],
)
def test_each_meeting_of_paragraph_13_lists_exactly_the_states_the_report_names(
    paragraph: str, count: int
) -> None:
    participants = resolved(by_paragraph()[paragraph]).participants

    assert len(participants) == count
    assert len(set(participants)) == count
    assert set(participants) == PARAGRAPH_13[paragraph][3]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Swaziland", "SWZ"),
        ("the United Republic of Tanzania", "TZA"),
        ("Guinea Bissau", "GNB"),
        ("Cape Verde", "CPV"),
        ("Côte d'Ivoire", "CIV"),
        ("the Islamic Republic of Iran", "IRN"),
        ("the Lao People's Democratic Republic", "LAO"),
        ("the Philippines", "PHL"),
        ("Viet Nam", "VNM"),
        ("Turkey", "TUR"),
        ("Saint Kitts and Nevis", "KNA"),
    ],
)
def test_the_reports_wording_of_state_names_resolves_to_iso_codes(name: str, code: str) -> None:
    assert state_code(name, directory()) == code
    assert any(name in m.states for m in MEETINGS)


def test_a_state_name_the_directory_does_not_know_is_refused_by_name() -> None:
    with pytest.raises(UnknownParticipant, match="Ruritania"):
        state_code("the Kingdom of Ruritania", directory())


def test_every_named_state_resolves_to_a_current_iso_code() -> None:
    for meeting in MEETINGS:
        for code in resolved(meeting).participants:
            participant = directory().get(code)
            assert participant.kind == "state"
            assert participant.historic is False
    for activity in COOPERATION:
        assert directory().get(state_code(activity.state, directory())).historic is False


def test_no_two_seeded_meetings_share_a_place_and_first_day() -> None:
    ids = [meeting_id(m.details.place, m.details.start) for m in MEETINGS]

    # Two meetings with one id would make the second a correction of the first.
    assert len(set(ids)) == len(MEETINGS) == 14


def test_every_meeting_names_its_paragraph_and_each_paragraph_is_seeded_once() -> None:
    paragraphs = [paragraph_of(m.source) for m in MEETINGS]

    # 13 (e) also tells of the two meetings before the consultation: the Law Ministers' and a ceremony.
    expected = [f"13 ({x})" for x in "abcdef"] + ["13 (e)", "13 (e)"] + [f"15 ({x})" for x in "abcdef"]
    assert sorted(paragraphs) == sorted(expected)
    assert all(m.source.startswith(REPORT) for m in MEETINGS)


def test_the_meetings_before_the_caribbean_consultation_are_dated_as_the_report_dates_them() -> None:
    before = [m.details for m in MEETINGS if paragraph_of(m.source) == "13 (e)"][1:]

    assert [(d.kind, d.place, d.start, d.dated_to) for d in before] == [
        (MeetingKind.MINISTERIAL_MEETING, "Guyana", date(2001, 1, 1), DatePrecision.MONTH),
        (MeetingKind.SIGNING_CEREMONY, "New York", date(2001, 9, 26), DatePrecision.DAY),
    ]
    assert all(d.participants == () for d in before)


def test_the_briefings_of_paragraph_15_are_briefings_except_the_courmayeur_seminar() -> None:
    meetings = by_paragraph()
    kinds = {p: m.details.kind for p, m in meetings.items() if p.startswith("15 ")}

    assert kinds == {
        "15 (a)": MeetingKind.BRIEFING,
        "15 (b)": MeetingKind.BRIEFING,
        "15 (c)": MeetingKind.BRIEFING,
        "15 (d)": MeetingKind.BRIEFING,
        "15 (e)": MeetingKind.INTERREGIONAL_SEMINAR,
        "15 (f)": MeetingKind.BRIEFING,
    }
    assert (meetings["15 (d)"].details.place, meetings["15 (d)"].details.start) == (
        "Ouagadougou",
        date(2001, 9, 9),
    )
    interpol = meetings["15 (f)"].details
    assert (interpol.place, interpol.start, interpol.end) == (
        "Budapest",
        date(2001, 9, 24),
        date(2001, 9, 28),
    )


def test_courmayeur_lists_no_participants_and_says_the_report_names_none() -> None:
    courmayeur = by_paragraph()["15 (e)"]

    assert courmayeur.details.place == "Courmayeur"
    assert (courmayeur.details.start, courmayeur.details.end) == (date(2001, 9, 13), date(2001, 9, 16))
    assert resolved(courmayeur).participants == ()
    assert courmayeur.details.unnamed_states == Headcount(count=30, approximate=True)
    assert "not named" in courmayeur.source
    assert "para. 12" in courmayeur.source


def test_a_date_given_only_as_a_month_is_its_first_day_and_the_source_says_so() -> None:
    geneva = by_paragraph()["15 (a)"]

    assert geneva.details.start == date(2001, 3, 1)
    assert "only the month" in geneva.source


@pytest.mark.parametrize("paragraph", ["15 (b)", "15 (c)"])
def test_a_briefing_without_date_is_dated_at_the_years_end_and_the_source_says_so(paragraph: str) -> None:
    briefing = by_paragraph()[paragraph]

    assert briefing.details.start == date(2001, 12, 31)
    assert "only the year" in briefing.source
    assert "no place" in briefing.source


def test_meetings_before_the_firearms_protocol_was_adopted_do_not_review_it() -> None:
    for meeting in MEETINGS:
        if meeting.details.start < date(2001, 5, 31):
            assert Instrument.FIREARMS not in meeting.details.instruments, meeting.details.title


def test_the_ouagadougou_seminar_adopted_a_declaration() -> None:
    outcome = by_paragraph()["13 (f)"].details.outcome

    assert outcome is not None
    assert "Declaration" in outcome


def test_paragraph_14_gives_seven_cooperation_activities_as_its_notes_describe_them() -> None:
    seeded = {state_code(a.state, directory()): a for a in COOPERATION}

    assert len(COOPERATION) == 7
    assert {code: a.kind for code, a in seeded.items()} == {
        "HRV": CooperationKind.SEMINAR,
        "MCO": CooperationKind.PRE_RATIFICATION,
        "PER": CooperationKind.SEMINAR,
        "ROU": CooperationKind.PRE_RATIFICATION,
        "SAU": CooperationKind.LEGAL_TRAINING,
        "SVK": CooperationKind.SEMINAR,
        "UKR": CooperationKind.DOCUMENTATION,
    }
    for code in ("HRV", "PER", "SVK"):
        assert seeded[code].title == "Seminar on fighting organized crime and corruption"
    assert seeded["SAU"].partners == ("United Nations International Drug Control Programme",)
    assert "note 4" in seeded["SAU"].source


def test_every_cooperation_activity_names_paragraph_14_and_that_only_its_year_is_known() -> None:
    for activity in COOPERATION:
        assert paragraph_of(activity.source) == "14"
        assert activity.effective_date == date(2001, 12, 31)
        assert "only the year" in activity.source


def test_what_the_report_dates_to_the_month_or_the_year_is_dated_so() -> None:
    meetings = by_paragraph()
    assert meetings["15 (a)"].details.dated_to is DatePrecision.MONTH
    assert meetings["15 (b)"].details.dated_to is DatePrecision.YEAR
    assert meetings["15 (c)"].details.dated_to is DatePrecision.YEAR
    dated = [p for p, m in meetings.items() if m.details.dated_to is DatePrecision.DAY]
    assert sorted(dated) == sorted([*PARAGRAPH_13, "15 (d)", "15 (e)", "15 (f)"])
    assert {a.dated_to for a in COOPERATION} == {DatePrecision.YEAR}


@pytest.mark.parametrize(
    ("start", "end", "dated_to", "shown"),
    [
        (date(2001, 3, 26), date(2001, 3, 28), DatePrecision.DAY, "26 March 2001 to 28 March 2001"),
        (date(2001, 9, 13), date(2001, 9, 13), DatePrecision.DAY, "13 September 2001"),
        (date(2001, 3, 1), date(2001, 3, 1), DatePrecision.MONTH, "in March 2001"),
        (date(2001, 3, 1), date(2001, 4, 30), DatePrecision.MONTH, "from March 2001 to April 2001"),
        (date(2001, 12, 31), date(2001, 12, 31), DatePrecision.YEAR, "in 2001"),
    ],
)
def test_dates_are_shown_as_precisely_as_their_source_gives_them(
    start: date, end: date, dated_to: DatePrecision, shown: str
) -> None:
    assert dates(start, end, dated_to) == shown
