"""The Secretary-General report as a document built from the figures and their lineage; no I/O of its own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, model_validator

from domain.editorial import NotePlace
from projections.figures import Figures, explain
from projections.report.blocks import Block, Chart, Heading, LineageEntry, Paragraph, Section, figures_in
from projections.report.charts import BarChart, svg
from projections.report.conclusions import conclusions
from projections.report.framing import Framing
from projections.report.mandate import heading, mandate, promotion
from projections.report.meetings import cooperation, meetings
from projections.report.needs import requests
from projections.report.programme import PlanSummary, donors, planned, pools, questionnaires
from projections.report.sections import (
    CooperationSummary,
    MeetingSummary,
    Sources,
    introduction,
    status,
)
from projections.store import FactStore, StoredFact

__all__ = [
    "CooperationSummary",
    "Framing",
    "MeetingSummary",
    "PlanSummary",
    "ReportDocument",
    "build",
    "figure_values",
    "lineage",
]

PROMOTION = "Promotion of signature and ratification of the Convention and the Protocols thereto"
TITLE = (
    "Promoting the ratification of the United Nations Convention against Transnational Organized Crime "
    "and the Protocols thereto"
)


class ReportDocument(BaseModel):
    """The report's sections and, for every figure, the events it counts."""

    model_config = ConfigDict(frozen=True)

    as_of: date
    known_at: datetime | None
    # Demo data is counted: the renderings carry blocks.DEMO_BANNER and mark each figure that counts it.
    include_demo: bool = False
    title: str
    heading: Heading = Heading()
    sections: tuple[Section, ...]
    # The report's notes, in the order of their marks (blocks.superscript) in the sections.
    notes: tuple[str, ...] = ()
    lineage: tuple[LineageEntry, ...]

    @model_validator(mode="after")
    def _every_figure_has_its_lineage(self) -> ReportDocument:
        known = {entry.figure: (entry.value, entry.demo) for entry in self.lineage}
        for ref in (r for section in self.sections for r in figures_in(section.blocks)):
            if known.get(ref.name, (None, False))[0] != ref.value:
                raise ValueError(f"the figure {ref.name} = {ref.value} has no lineage with that value")
            if known[ref.name][1] != ref.demo:
                raise ValueError(f"the figure {ref.name} is marked as counting demo data or not, wrongly")
        return self

    @property
    def stem(self) -> str:
        return f"report-{self.as_of.isoformat()}"

    @property
    def sources_stem(self) -> str:
        """The file beside the report that lists the events behind every figure (its lineage)."""
        return f"{self.stem}-sources"

    def charts(self) -> list[BarChart]:
        return [b.chart for s in self.sections for b in s.blocks if isinstance(b, Chart)]

    def chart_file(self, chart: BarChart) -> str:
        """The SVG file beside the Markdown report that shows `chart`."""
        return f"{self.stem}-{chart.name}.svg"

    def chart_files(self) -> dict[str, str]:
        return {self.chart_file(chart): svg(chart) for chart in self.charts()}


def figure_values(result: Figures) -> dict[str, int]:
    """Every figure by name, in the order of `figure_names()`, with one `common_needs.<item>` per item."""
    values: dict[str, int] = {}
    for key, numbers in result.instruments.items():
        values[f"{key}.signatories"] = numbers.signatories
        values[f"{key}.parties"] = numbers.parties
        values[f"{key}.to_entry_into_force"] = numbers.to_entry_into_force
        values[f"{key}.in_force_for"] = numbers.in_force_for
    values["meetings_held"] = result.meetings_held
    values["states_reached"] = result.states_reached
    values["cooperation_activities"] = result.cooperation_activities
    values["requests_received"] = result.requests_received
    values["requesting_states"] = result.requesting_states
    values |= {f"engagements_by_stage.{stage}": n for stage, n in result.engagements_by_stage.items()}
    values |= {f"common_needs.{item}": n for item, n in result.common_needs.items()}
    for name, asked in result.questionnaires.items():
        values |= {f"questionnaires.{name}.{k}": getattr(asked, k) for k in ("sendings", "sent", "replies")}
        for region, replies in asked.by_region.items():
            values[f"questionnaires.{name}.sent.{region}"] = replies.sent
            values[f"questionnaires.{name}.replies.{region}"] = replies.replies
    values |= {f"statements.{key}": n for key, n in result.statements.items()}
    for group, counts in result.regional_groups.items():
        values |= {f"regional_groups.{group}.{figure}": n for figure, n in counts.items()}
    return values


def lineage(store: FactStore, result: Figures) -> dict[str, list[StoredFact]]:
    """The fact rows behind every figure of `result`, read at its as-of date and known-at time."""
    return {
        name: explain(store, name, result.as_of, result.known_at, result.year, result.include_demo)
        for name in figure_values(result)
    }


def _sections(s: Sources, plans: Sequence[PlanSummary], outlook: str | None) -> tuple[Section, ...]:
    """The original's sections, in its order, each closing with the editorial note written for it."""
    closing: tuple[Block, ...] = (Paragraph(parts=(outlook,)),) if outlook else ()
    # Built in reading order: the notes' marks are numbered as they are set.
    first = (*mandate(s), *introduction(s), *s.noted(NotePlace.INTRODUCTION))
    second = (*promotion(s), *status(s), *s.noted(NotePlace.PROMOTION))
    third = (*meetings(s), *s.noted(NotePlace.MEETINGS))
    fourth = (*cooperation(s), *s.noted(NotePlace.COOPERATION))
    future = (*planned(s, plans), *requests(s), *questionnaires(s), *pools(s), *donors(s))
    fifth = (*future, *conclusions(s), *closing, *s.noted(NotePlace.CONCLUSIONS))
    return (
        Section(number="I", title="Introduction", blocks=first),
        Section(number="II", title=PROMOTION, blocks=second),
        Section(number="III", title="Interregional, regional and subregional meetings", blocks=third),
        Section(number="IV", title="Technical cooperation activities", blocks=fourth),
        Section(number="V", title="Conclusions and future action", blocks=fifth),
    )


def build(
    result: Figures,
    rows: Mapping[str, Sequence[StoredFact]],
    *,
    meetings_known: Sequence[MeetingSummary] = (),
    cooperation_known: Sequence[CooperationSummary] = (),
    names: Mapping[str, str] | None = None,
    plans_known: Sequence[PlanSummary] = (),
    outlook: str | None = None,
    framing: Framing | None = None,
) -> ReportDocument:
    """The report from the figures and their rows; summaries and names only add titles, places and names,
    and `framing` the heading, mandate, signing history, notes, pools and donors. An `outlook` (a
    projection, said to be one) closes the conclusions."""
    values = figure_values(result)
    sources = Sources(
        result=result,
        values=values,
        lineage=rows,
        meetings={m.id: m for m in meetings_known},
        cooperation={(c.state, c.kind, c.effective_date): c for c in cooperation_known},
        names=names or {},
        framing=framing or Framing(),
    )
    sections = _sections(sources, plans_known, outlook)
    return ReportDocument(
        as_of=result.as_of,
        known_at=result.known_at,
        include_demo=result.include_demo,
        title=TITLE,
        heading=heading(sources),
        sections=sections,
        notes=tuple(sources.notes),
        lineage=tuple(
            LineageEntry(figure=name, value=value, rows=tuple(rows.get(name, ())))
            for name, value in values.items()
        ),
    )
