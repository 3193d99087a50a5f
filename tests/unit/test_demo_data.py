"""Demo data is marked as such when written, cites no report, and is shown marked when a report counts it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

from domain.commands import SendReminder
from domain.engagement import Engagement
from domain.events import RequestReceived
from domain.facts import Fact
from domain.values import Step
from projections.facts import project
from projections.figures import STAGES, Figures, InstrumentFigures
from projections.report.blocks import DEMO_BANNER
from projections.report.charts import DEMO_MARK
from projections.report.document import build
from projections.report.html import render as to_html
from projections.report.markdown import render as to_markdown
from projections.store import StoredFact
from tests.unit.engagement_steps import RECORDED_AT, STATE, focal_point, law_summary, open_engagement
from usecases.demo import REQUESTS, demo_commands

AS_OF = date(2002, 3, 4)


def test_every_demo_command_is_marked_and_none_cites_the_report() -> None:
    commands = [c for n, (s, d, r) in enumerate(REQUESTS) for c in demo_commands(s, d, r, n)]
    assert commands
    assert all(c.demo for c in commands)
    assert not any("Report" in (c.source or "") or "para." in (c.source or "") for c in commands)


def test_demo_partners_are_not_all_the_same_organization() -> None:
    opened = [demo_commands(s, d, r, n)[0] for n, (s, d, r) in enumerate(REQUESTS)]
    partners = {p for c in opened for p in getattr(c, "partners", ())}
    assert len(partners) == 3
    assert len({getattr(c, "partners", ()) for c in opened}) > 1


def test_the_mark_does_not_change_what_a_command_asks() -> None:
    # An older store recorded the demo's commands unmarked: sent again, they are the same commands.
    command = demo_commands(*REQUESTS[0])[0]
    assert command.digest() == command.model_copy(update={"demo": False}).digest()


def test_every_event_of_a_demo_case_is_demo_data_the_engines_reminders_too() -> None:
    case = Engagement.open(open_engagement(demo=True), "Bolivia", RECORDED_AT)
    case.execute(law_summary(), RECORDED_AT)
    reminder = SendReminder(
        state=STATE, effective_date=AS_OF, step=Step.FOCAL_POINT, due_date=AS_OF - timedelta(days=1)
    )
    case.execute(reminder, RECORDED_AT)
    events = [cast(Fact, e) for e in case.collect_events()]
    assert [e.demo for e in events] == [True, True, True]
    assert all(project(e, "Engagements", n).demo for n, e in enumerate(events, 1))


def test_a_real_case_is_not_demo_data() -> None:
    case = Engagement.open(open_engagement(), "Bolivia", RECORDED_AT)
    case.execute(focal_point(), RECORDED_AT)
    assert [cast(Fact, e).demo for e in case.collect_events()] == [False, False]


def test_an_event_stored_before_the_mark_reads_as_not_demo() -> None:
    event = cast(Fact, Engagement.open(open_engagement(), "Bolivia", RECORDED_AT).collect_events()[0])
    stored = event.model_dump(mode="json")
    del stored["demo"]
    assert RequestReceived.model_validate(stored).demo is False


def row(fact: str, subject: str, obj: str, position: int, demo: bool) -> StoredFact:
    return StoredFact(
        fact=fact, subject=subject, object=obj, effective_date=date(2002, 1, 2),
        recorded_at=RECORDED_AT, superseded_at=None, application="Engagements", position=position,
        origin=f"o-{position}", version=1, event_type="RequestReceived", demo=demo,
    )  # fmt: skip


def figures_with_requests(include_demo: bool) -> Figures:
    zero = InstrumentFigures(signatories=0, parties=0)
    return Figures(
        as_of=AS_OF, known_at=None, year=2001, include_demo=include_demo,
        instruments={i: zero for i in ("convention", "trafficking", "smuggling", "firearms")},
        meetings_held=0, states_reached=0, cooperation_activities=0, requests_received=2, requesting_states=2,
        engagements_by_stage=dict.fromkeys(STAGES, 0) | {"law_summary": 2}, common_needs={},
    )  # fmt: skip


def test_a_report_counting_demo_data_says_so_and_marks_every_figure_that_counts_it() -> None:
    requests = [row("request", "BOL", "convention", 1, True), row("request", "PER", "convention", 2, False)]
    steps = [replace_fact(r, "step", "request") for r in requests]
    document = build(
        figures_with_requests(True),
        {"requests_received": requests, "engagements_by_stage.law_summary": steps},
    )
    markdown, html = to_markdown(document), to_html(document)
    for text in (markdown, html):
        assert DEMO_BANNER in text.replace("\\", "")
    assert f"[2{DEMO_MARK}](report-2002-03-04-sources.md#lineage-requests_received)" in markdown
    assert (
        '<a class="figure demo" href="report-2002-03-04-sources.html#lineage-requests_received">'
        f"2{DEMO_MARK}</a>" in html
    )
    # A figure that counts no demo data is shown as it is.
    assert "[0](report-2002-03-04-sources.md#lineage-convention.signatories)" in markdown
    marked = {e.figure for e in document.lineage if e.demo}
    assert marked == {"requests_received", "engagements_by_stage.law_summary"}


def test_a_report_without_demo_data_has_no_banner_and_no_mark() -> None:
    requests = [row("request", "PER", "convention", 2, False)]
    document = build(figures_with_requests(False), {"requests_received": requests})
    markdown, html = to_markdown(document), to_html(document)
    assert "Demo data included" not in markdown
    assert "Demo data included" not in html
    assert DEMO_MARK not in markdown.split("## Where the figures come from")[0]


def replace_fact(fact: StoredFact, kind: str, obj: str) -> StoredFact:
    return fact.model_copy(update={"fact": kind, "object": obj})
