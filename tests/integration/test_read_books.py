"""What the web app keeps in memory between pages (its case, outreach and statement books) follows the logs: a
step, a meeting, a correction, an activity, a plan or a reservation recorded after a page was drawn is on the
next page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from activities.engagements import Engagements
from activities.outreach import Outreach
from activities.programme import Programme
from activities.store.logs import EventLog
from activities.treaties import Treaties
from domain.commands import OpenEngagement, RecordLawSummary
from domain.outreach import CooperationKind, MeetingDetails, MeetingKind
from domain.plans import CancelPlan, MakePlan, MovePlan, PlanKind
from domain.reservations import Statement, StatementKind, TreatyStatement
from domain.values import Instrument, Step
from projections.casebook import CaseBook, open_steps
from projections.store import StoredFact
from usecases.outreach_book import OutreachBook
from usecases.settings import Settings
from usecases.statement_book import StatementBook

RECORDED = datetime(2002, 3, 4, tzinfo=UTC)


def row(fact: str, subject: str, kind: str = "", day: date = date(2001, 1, 1)) -> StoredFact:
    return StoredFact(
        fact=fact, subject=subject, object=kind, effective_date=day, recorded_at=RECORDED,
        superseded_at=None, application="Outreach", position=1, origin=subject, version=1, event_type="",
    )  # fmt: skip


def test_the_case_book_shows_each_case_as_the_log_last_left_it(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    engagements = Engagements(settings.store_env("Engagements"))
    book = CaseBook(EventLog("Engagements", settings.store_env("Engagements")))
    engagements.handle(
        OpenEngagement(state="PER", effective_date=date(2001, 9, 3), instruments=(Instrument.CONVENTION,))
    )
    first = book.cases()

    engagements.handle(RecordLawSummary(state="PER", effective_date=date(2001, 11, 5), command_id="ls"))
    engagements.handle(
        OpenEngagement(state="BOL", effective_date=date(2001, 9, 4), instruments=(Instrument.CONVENTION,))
    )

    assert [(c.state, c.version) for c in first] == [("PER", 1)]
    assert [(c.state, c.version) for c in book.cases()] == [("BOL", 1), ("PER", 2)]
    case = book.case("PER")
    assert case is not None
    assert Step.LAW_SUMMARY in case.completed_steps
    assert book.case("ECU") is None


def test_the_outreach_book_names_the_meetings_and_activities_counted_as_last_recorded(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    outreach = Outreach(settings.store_env("Outreach"))
    book = OutreachBook(EventLog("Outreach", settings.store_env("Outreach")))
    details = MeetingDetails(
        title="Regional seminar", kind=MeetingKind.REGIONAL_SEMINAR, place="Quito",
        start=date(2001, 5, 6), end=date(2001, 5, 8), participants=("ECU", "PER"),
    )  # fmt: skip
    meeting = outreach.record_meeting(details, actor="officer", source=None)
    other = outreach.record_meeting(
        details.model_copy(update={"place": "Lima", "title": "Not counted"}), actor="officer", source=None
    )
    held = {"meetings_held": [row("meetings_held", str(meeting.id))]}
    assert [m.title for m in book.details(held)[0]] == ["Regional seminar"]

    outreach.correct_meeting(
        meeting.id, details.model_copy(update={"title": "Andean seminar"}), actor="m", source=None
    )
    outreach.record_cooperation(
        state="HRV", kind=CooperationKind.SEMINAR, title="Seminar on organized crime",
        effective_date=date(2001, 6, 1), actor="officer", source=None,
    )  # fmt: skip
    counted = held | {
        "cooperation_activities": [row("cooperation_activities", "HRV", "seminar", date(2001, 6, 1))]
    }
    meetings, activities = book.details(counted)

    assert [(m.id, m.title, m.place) for m in meetings] == [(str(meeting.id), "Andean seminar", "Quito")]
    assert str(other.id) not in {m.id for m in meetings}
    assert [(a.state, a.title) for a in activities] == [("HRV", "Seminar on organized crime")]


def test_the_outreach_book_lists_meetings_and_plans_as_the_outreach_store_reads_them(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    outreach = Outreach(settings.store_env("Outreach"))
    programme = Programme(outreach)
    book = OutreachBook(EventLog("Outreach", settings.store_env("Outreach")))
    details = MeetingDetails(
        title="Regional seminar", kind=MeetingKind.REGIONAL_SEMINAR, place="Quito",
        start=date(2001, 5, 6), end=date(2001, 5, 8), participants=("ECU", "PER"),
    )  # fmt: skip
    quito = outreach.record_meeting(details, actor="officer", source=None)
    plan = MakePlan(
        title="Subregional seminar", kind=PlanKind.SEMINAR, place="Lima", planned=date(2001, 11, 5),
        effective_date=date(2001, 2, 1),
    )  # fmt: skip
    lima = programme.make_plan(plan)
    before = (book.meetings(), book.plans(), book.plans_after(date(2001, 3, 1)))

    outreach.correct_meeting(
        quito.id, details.model_copy(update={"title": "Andean seminar"}), actor="m", source=None
    )
    outreach.record_meeting(
        details.model_copy(update={"place": "Bogotá", "start": date(2001, 4, 2)}), actor="o", source=None
    )
    programme.move_plan(MovePlan(plan=lima.id, planned=date(2002, 1, 7), effective_date=date(2001, 6, 1)))
    other = programme.make_plan(plan.model_copy(update={"place": "Caracas", "planned": date(2001, 9, 3)}))
    programme.cancel_plan(CancelPlan(plan=other.id, reason="No funds", effective_date=date(2001, 7, 2)))

    assert [(m.details.title, m.corrections) for m in before[0]] == [("Regional seminar", 0)]
    assert [p.details.planned for p in before[1]] == [date(2001, 11, 5)]
    assert [p.id for p in before[2]] == [lima.id]
    assert book.meetings() == outreach.meetings()
    assert [m.details.title for m in book.meetings()] == ["Regional seminar", "Andean seminar"]
    for day in (None, date(2001, 3, 1), date(2001, 6, 15), date(2001, 8, 1)):
        assert book.plans(day) == programme.plans(day)
    for day in (date(2001, 3, 1), date(2001, 6, 15), date(2001, 8, 1), date(2002, 2, 1)):
        assert book.plans_after(day) == programme.plans_after(day)
    assert [p.id for p in book.plans_after(date(2001, 6, 15))] == [other.id, lima.id]
    assert [p.id for p in book.plans_after(date(2001, 8, 1))] == [lima.id]


def test_the_statement_book_lists_a_states_statements_under_every_code_it_bore_in_the_order_recorded(
    tmp_path: Path,
) -> None:
    settings = Settings(home=tmp_path)
    treaties = Treaties(settings.store_env("Treaties"))
    book = StatementBook(EventLog("Treaties", settings.store_env("Treaties")))

    def said(participant: str, article: str, instrument: Instrument = Instrument.CONVENTION) -> None:
        statement = Statement(kind=StatementKind.RESERVATION, article=article, text=f"Article {article}.")
        statement_of = TreatyStatement.record(
            participant=participant, instrument=instrument, statement=statement,
            effective_date=date(2003, 1, 2), recorded_at=RECORDED, actor="registry", source=None,
        )  # fmt: skip
        treaties.save(statement_of)

    said("SRB", "35")
    said("DZA", "35")
    first = book.statements_of("SRB")
    said("YUG", "16")
    said("SRB", "18", Instrument.TRAFFICKING)

    assert [s.article for s in first] == ["35"]
    assert [(s.participant, s.article) for s in book.statements_of("SRB")] == [
        ("SRB", "35"), ("YUG", "16"), ("SRB", "18"),
    ]  # fmt: skip
    for code in ("SRB", "YUG", "SCG", "DZA", "PER"):
        assert book.statements_of(code) == treaties.statements_of(code)


def test_the_case_book_flags_each_open_step_overdue_at_the_time_asked(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    engagements = Engagements(settings.store_env("Engagements"), clock=lambda: RECORDED)
    book = CaseBook(EventLog("Engagements", settings.store_env("Engagements")))
    for state, day in (("PER", date(2001, 9, 3)), ("BOL", date(2002, 1, 7))):
        engagements.handle(
            OpenEngagement(state=state, effective_date=day, instruments=(Instrument.CONVENTION,))
        )
    due = {"law_summary": 60, "focal_point": 90}

    def expected(now: datetime) -> list[object]:
        return [s for c in book.cases() for s in open_steps(c, due, now)]

    moments = [RECORDED + timedelta(days=days) for days in (-200, 0, 40, 120)]
    before = [book.open_steps(due, now) for now in moments]
    engagements.handle(RecordLawSummary(state="PER", effective_date=date(2001, 11, 5), command_id="ls"))

    # Due 60 and 90 days after the request: Peru's on 2 November and 2 December 2001, Bolivia's on 8 March
    # and 7 April 2002; asked 200 days before 4 March 2002, on it, 40 and 120 days after.
    assert [[s.overdue for s in steps] for steps in before] == [
        [False, False, False, False], [False, False, True, True], [True, True, True, True],
        [True, True, True, True],
    ]  # fmt: skip
    assert [book.open_steps(due, now) for now in moments] == [expected(now) for now in moments]
    assert [(s.state, s.step) for s in book.open_steps(due, RECORDED)] == [
        ("BOL", Step.LAW_SUMMARY), ("BOL", Step.FOCAL_POINT), ("PER", Step.FOCAL_POINT),
    ]  # fmt: skip
    assert book.open_steps({"law_summary": 10}, RECORDED) == [
        s for c in book.cases() for s in open_steps(c, {"law_summary": 10}, RECORDED)
    ]
