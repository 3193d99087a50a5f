"""The report's figures as of a date, the rendered report, and the dashboard's charts."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from pydantic import AfterValidator, BeforeValidator

from activities.participants import directory
from domain.regions import Region, region_of
from projections.figures import Figures, figures, stages
from projections.report.charts import Bar, BarChart, BarGroup, svg
from projections.report.document import ReportDocument, build, lineage
from projections.store import FactStore
from usecases.outreach_book import OutreachBook
from usecases.reports import plan_summaries, state_names
from usecases.shared_read_model import SharedReadModel
from web.errors import ApiError

ENDS = ("completed", "withdrawn")
NO_REGION = "No region"
STATUSES = ("Open", "Completed", "Withdrawn")


@dataclass(frozen=True)
class Reading:
    """Everything read from the read model for one as-of date: the figures and the report."""

    result: Figures
    document: ReportDocument


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


def asked_at(moment: datetime | None) -> str | None:
    """A known-at time as a kept answer is asked under: as written, offset too, since the figures repeat it
    (two offsets of one instant count alike, but are answered each as asked)."""
    return None if moment is None else moment.isoformat()


def read_figures(
    model: SharedReadModel, as_of: date, known_at: datetime | None, year: int, include_demo: bool = False
) -> Figures:
    """The figures (meetings and cooperation of `year`), computed once per read model version and question,
    however many users ask for them."""
    moment = aware(known_at)
    question = ("figures", as_of, asked_at(moment), year, include_demo)
    return model.kept(question, lambda store: figures(store, as_of, moment, year, include_demo))


def read(
    model: SharedReadModel,
    outreach: OutreachBook,
    as_of: date,
    known_at: datetime | None,
    outlook: str | None = None,
    *,
    year: int | None = None,
    include_demo: bool = False,
) -> Reading:
    """The figures (meetings and cooperation of `year`, by default that of `as_of`) and the report document
    (as `palermo report render` writes it); the meetings', activities' and plans' details from `outreach`."""
    moment = aware(known_at)
    result = read_figures(model, as_of, moment, reviewed_year(as_of, year), include_demo)
    rows = lineage(model.caught_up(), result)
    meetings_known, cooperation_known = outreach.details(rows)
    document = build(
        result,
        rows,
        meetings_known=meetings_known,
        cooperation_known=cooperation_known,
        names=state_names(directory(), rows, as_of),
        plans_known=plan_summaries(outreach.plans_after(as_of)),
        outlook=outlook,
    )
    return Reading(result=result, document=document)


@dataclass(frozen=True)
class Overview:
    """What the dashboard draws for one as-of date: the figures, each State's stage, the report's charts by
    name, and which figures count demo data (all that it needs of the figures' lineage)."""

    result: Figures
    stages: dict[str, str]
    charts: dict[str, BarChart]
    marks: dict[str, bool]


def overview(
    model: SharedReadModel,
    as_of: date,
    known_at: datetime | None,
    *,
    year: int | None = None,
    include_demo: bool = False,
) -> Overview:
    """The dashboard's figures and charts, computed once per read model version and question. The lineage of
    every figure (most of the report's cost) is read only when demo data is counted: without it no row
    counted is demo data, so no figure is marked."""
    moment, reviewed = aware(known_at), reviewed_year(as_of, year)

    def draw(store: FactStore) -> Overview:
        result = read_figures(model, as_of, moment, reviewed, include_demo)
        rows = lineage(store, result) if include_demo else {}
        by_state = stages(store, as_of, moment, include_demo)
        document = build(result, rows)
        charts = {chart.name: chart for chart in document.charts()}
        return Overview(result=result, stages=by_state, charts=charts, marks=demo_marks(document, by_state))

    return model.kept(("overview", as_of, asked_at(moment), reviewed, include_demo), draw)


def demo_marks(document: ReportDocument, by_state: dict[str, str]) -> dict[str, bool]:
    """Which figures count demo data, by name; a region's bar counts it when a demo State is among its own."""
    marks = {entry.figure: entry.demo for entry in document.lineage}
    demo_states = {
        row.subject for e in document.lineage if e.figure == "requests_received" for row in e.rows if row.demo
    }
    for state, stage in by_state.items():
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


def dashboard_charts(seen: Overview, known_at: datetime | None) -> dict[str, str]:
    """The dashboard's charts as SVG, by name; each bar links to what it counts, and is marked as the
    report marks it when it counts demo data."""
    charts, as_of, marks = seen.charts, seen.result.as_of, seen.marks
    wanted = [
        charts["engagements-by-stage"],
        regions_chart(regions_by_status(seen.stages), as_of, marks),
        charts["signature-and-ratification"],
        outreach_chart(seen.result, marks),
    ]
    demo = seen.result.include_demo
    return {c.name: svg(c, link=lambda f: figure_link(f, as_of, known_at, demo)) for c in wanted}
