"""The dashboard's content, drawn once per read-model version and question: the same for every reader, so a
dashboard asked again with nothing recorded meanwhile costs only its frame (the user, the form token)."""

from __future__ import annotations

from datetime import date, datetime

from markupsafe import Markup

from domain.groups import RegionalGroup
from projections.figures import group_key
from projections.funds import pool_fill
from projections.report.blocks import DEMO_BANNER
from projections.report.charts import DEMO_MARK
from web.outlook import dashboard_outlook
from web.overview import dashboard_charts, overview
from web.pages_programme import calendar
from web.services import Services
from web.templating import templates
from web.views import svg

REPORT_DATE = date(2002, 3, 4)
# The dashboard lists the first so many overdue steps (the longest overdue) and projected completions, and so
# many meetings and plans a month, each with a link to the whole list: over 10,000 cases the whole lists made
# a page of megabytes that nobody reads on a dashboard.
SHOWN = 20
SHOWN_PER_MONTH = 8
# The year the report of 4 March 2002 reviews.
REPORT_YEAR = 2001


def dashboard_body(
    wired: Services, day: date, known_at: datetime | None, year: int | None, include_demo: bool
) -> Markup:
    """The dashboard's content for one question, kept under the read model's version (which covers every log
    the content draws on: the cases, the outreach, the experts, the figures) and how many steps are overdue.

    The version is taken before the overdue steps are counted: the page is then at least as new as its key,
    and a key the logs have moved past is never asked for again. Over one version of the case book the
    overdue steps are the first so many by due time, so their count names them."""
    model, now = wired.read_model, wired.now()
    at = model.version()
    overdue = wired.book.overdue_count(wired.due_days, now)
    question = _question(day, known_at, year, include_demo, overdue)
    return model.kept(question, lambda _: _draw(wired, day, known_at, year, include_demo, now), at=at)


def dashboard_at_hand(
    wired: Services, day: date, known_at: datetime | None, year: int | None, include_demo: bool
) -> Markup | None:
    """The content `dashboard_body` gives, when it is kept under the read model's version as it now stands
    and the case book has its overdue steps at hand (web.at_hand); None when it must be made."""
    model = wired.read_model
    at = model.ready_version()
    counted = wired.book.at_hand(wired.due_days, wired.now()) if at is not None else None
    if at is None or counted is None:
        return None
    return model.kept_answer(_question(day, known_at, year, include_demo, counted[1]), at, Markup)


def _question(
    day: date, known_at: datetime | None, year: int | None, include_demo: bool, overdue: int
) -> tuple[object, ...]:
    written = known_at.isoformat() if known_at is not None else None
    return ("dashboard", day, written, year, include_demo, overdue)


def _draw(
    wired: Services, day: date, known_at: datetime | None, year: int | None, include_demo: bool, now: datetime
) -> Markup:
    seen = overview(wired.read_model, day, known_at, year=year, include_demo=include_demo)
    late = sorted(
        (s for s in wired.book.open_steps(wired.due_days, now) if s.overdue), key=lambda s: s.due_at
    )
    outlook, fans = dashboard_outlook(wired, day, known_at)
    page = templates.get_template("dashboard_body.html").render(
        as_of=day,
        known_at=known_at,
        result=seen.result,
        charts={name: svg(text) for name, text in dashboard_charts(seen, known_at).items()},
        overdue=late[:SHOWN],
        overdue_count=len(late),
        shown=SHOWN,
        shown_per_month=SHOWN_PER_MONTH,
        report_date=REPORT_DATE,
        calendar=calendar(wired.outreach, day),
        outlook=outlook,
        fans={name: svg(text) for name, text in fans.items()},
        include_demo=include_demo,
        marks=seen.marks,
        demo_mark=DEMO_MARK,
        demo_banner=DEMO_BANNER,
        fills=pool_fill(e.details for e in wired.resources.experts()),
        report_year=REPORT_YEAR,
        year=seen.result.year,
        year_given=year,
        groups={group_key(g): g.value for g in RegionalGroup},
    )
    # Rendered by our templates, which escape every value they write.
    return Markup(page)
