"""The dashboard's figures and charts: the report's counts and charts, each State's stage, by region."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from domain.regions import Region, region_of
from projections.figures import Figures, stages
from projections.report.charts import Bar, BarChart, BarGroup, svg
from projections.report.document import ReportDocument, build, lineage
from projections.store import FactStore
from usecases.shared_read_model import SharedReadModel
from web.reports import asked_at, aware, figure_link, read_figures, reviewed_year

ENDS = ("completed", "withdrawn")
NO_REGION = "No region"
STATUSES = ("Open", "Completed", "Withdrawn")


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
