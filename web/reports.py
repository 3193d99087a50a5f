"""The report's figures as of a date, the rendered report, and the dashboard's charts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from pydantic import AfterValidator, BeforeValidator

from activities.participants import directory
from activities.store.logs import EventLog
from domain.regions import Region, region_of
from projections.figures import Figures, figures, stages
from projections.report.charts import Bar, BarChart, BarGroup, svg
from projections.report.document import ReportDocument, build, lineage
from projections.store import FactStore
from usecases.outreach_book import OutreachBook
from usecases.read_models import open_store, refresh
from usecases.reports import framing, outreach_details, planned_after, state_names
from usecases.settings import Settings
from web.errors import ApiError

ENDS = ("completed", "withdrawn")
NO_REGION = "No region"
STATUSES = ("Open", "Completed", "Withdrawn")


@dataclass(frozen=True)
class Reading:
    """Everything read from the read model for one as-of date: figures, the report, each State's stage."""

    result: Figures
    document: ReportDocument
    stages: dict[str, str]


@contextmanager
def current_store(settings: Settings, logs: list[EventLog]) -> Iterator[FactStore]:
    """The read model caught up with every log first, so the figures include the latest step."""
    store = open_store(settings)
    try:
        refresh(store, logs)
        yield store
    finally:
        store.close()


ISO_DAY = re.compile(r"\s*\d{4}-\d{2}-\d{2}")


def _written_out(value: object) -> object:
    """A day or moment in a query as ISO 8601 text: a number would otherwise be read as seconds since 1970."""
    if isinstance(value, str) and value.strip() and not ISO_DAY.match(value):
        raise ValueError("must be an ISO 8601 date (2002-03-04) or date and time (2002-03-04T12:00:00Z)")
    return value


# The days a report may be asked about: the first requests came in 2000; past 2999 a zone shift overflows.
EARLIEST, LATEST = date(1990, 1, 1), date(2999, 12, 31)


def _in_range(value: object) -> object:
    day = value.date() if isinstance(value, datetime) else value
    if isinstance(day, date) and not EARLIEST <= day <= LATEST:
        raise ValueError(f"must be a day from {EARLIEST} to {LATEST}")
    return value


WrittenOut = BeforeValidator(_written_out)
InRange = AfterValidator(_in_range)


def reviewed_year(as_of: date, year: int | None) -> int:
    """The year whose meetings and cooperation are counted: `year`, at most that of `as_of` (its default)."""
    if year is None:
        return as_of.year
    if not EARLIEST.year <= year <= as_of.year:
        raise ApiError(
            422, f"year must be a year from {EARLIEST.year} to that of as_of ({as_of.year}), not {year}."
        )
    return year


def aware(moment: datetime | None) -> datetime | None:
    """A known-at time without a zone is read as local time, as the command line reads it."""
    return moment if moment is None or moment.tzinfo else moment.astimezone()


def read_figures(settings: Settings, logs: list[EventLog], as_of: date, known_at: datetime | None) -> Figures:
    with current_store(settings, logs) as store:
        return figures(store, as_of, aware(known_at))


def read(
    settings: Settings,
    logs: list[EventLog],
    as_of: date,
    known_at: datetime | None,
    outlook: str | None = None,
    *,
    year: int | None = None,
    include_demo: bool = False,
    outreach: OutreachBook | None = None,
) -> Reading:
    """The figures (meetings and cooperation of `year`, by default that of `as_of`), the report document (as
    `palermo report render` writes it) and the stages; the meetings' and activities' details from `outreach`
    when the app keeps one, else from the whole log."""
    moment = aware(known_at)
    with current_store(settings, logs) as store:
        result = figures(store, as_of, moment, reviewed_year(as_of, year), include_demo)
        rows = lineage(store, result)
        by_state = stages(store, as_of, moment, include_demo)
    meetings_known, cooperation_known = outreach.details(rows) if outreach else outreach_details(settings)
    document = build(
        result,
        rows,
        meetings_known=meetings_known,
        cooperation_known=cooperation_known,
        names=state_names(directory(), rows, as_of),
        plans_known=planned_after(settings, as_of),
        outlook=outlook,
        framing=framing(settings, as_of),
    )
    return Reading(result=result, document=document, stages=by_state)


def demo_marks(reading: Reading) -> dict[str, bool]:
    """Which figures count demo data, by name; a region's bar counts it when a demo State is among its own."""
    marks = {entry.figure: entry.demo for entry in reading.document.lineage}
    demo_states = {
        row.subject
        for e in reading.document.lineage
        if e.figure == "requests_received"
        for row in e.rows
        if row.demo
    }
    for state, stage in reading.stages.items():
        if state in demo_states:
            region = region_of(state)
            name = region.value if region is not None else NO_REGION
            marks[f"region.{name}.{(stage if stage in ENDS else 'open')}"] = True
    return marks


def regions_by_status(by_state: dict[str, str]) -> dict[str, Counter[str]]:
    """For each M49 region, how many engaged States are open, completed or withdrawn."""
    counts: dict[str, Counter[str]] = {r.value: Counter() for r in Region}
    for state, stage in by_state.items():
        region = region_of(state)
        name = region.value if region is not None else NO_REGION
        counts.setdefault(name, Counter())[stage.capitalize() if stage in ENDS else "Open"] += 1
    return counts


def figure_link(figure: str, as_of: date, known_at: datetime | None, include_demo: bool = False) -> str:
    """Where a bar leads: a region's cases, or the events behind a report figure."""
    if figure.startswith("region."):
        return "/cases?" + urlencode({"region": figure.split(".")[1]})
    query = {"as_of": as_of.isoformat()} | ({"known_at": known_at.isoformat()} if known_at else {})
    query |= {"include_demo": "true"} if include_demo else {}
    return f"/report/figures/{figure}?{urlencode(query)}"


def regions_chart(counts: dict[str, Counter[str]], as_of: date, marks: dict[str, bool]) -> BarChart:
    return BarChart(
        name="states-per-region",
        title=f"States engaged per region as of {as_of.isoformat()}",
        series=STATUSES,
        groups=tuple(
            BarGroup(
                label=region,
                bars=tuple(
                    Bar(
                        figure=f"region.{region}.{s.lower()}",
                        value=found[s],
                        series=s,
                        demo=marks.get(f"region.{region}.{s.lower()}", False),
                    )
                    for s in STATUSES
                ),
            )
            for region, found in counts.items()
        ),
    )


def outreach_chart(result: Figures, marks: dict[str, bool]) -> BarChart:
    year = result.year
    names = {
        "requests_received": "Requests received",
        "meetings_held": f"Meetings in {year}",
        "states_reached": f"States reached in {year}",
        "cooperation_activities": f"Cooperation in {year}",
    }
    return BarChart(
        name="outreach",
        title=f"Requests and outreach as of {result.as_of.isoformat()}",
        series=("Figure",),
        groups=tuple(
            BarGroup(
                label=label,
                bars=(
                    Bar(figure=key, value=getattr(result, key), series="Figure", demo=marks.get(key, False)),
                ),
            )
            for key, label in names.items()
        ),
    )


def dashboard_charts(reading: Reading, known_at: datetime | None) -> dict[str, str]:
    """The dashboard's charts as SVG, by name; each bar links to what it counts, and is marked as the
    report marks it when it counts demo data."""
    charts = {chart.name: chart for chart in reading.document.charts()}
    as_of = reading.result.as_of
    marks = demo_marks(reading)
    wanted = [
        charts["engagements-by-stage"],
        regions_chart(regions_by_status(reading.stages), as_of, marks),
        charts["signature-and-ratification"],
        outreach_chart(reading.result, marks),
    ]
    demo = reading.result.include_demo
    return {c.name: svg(c, link=lambda f: figure_link(f, as_of, known_at, demo)) for c in wanted}
