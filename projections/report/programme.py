"""The report's future action (paragraphs 12, 16 and 20): the questionnaires sent and answered, by region, and
the activities planned after the report's date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from projections.report.blocks import Block, Inline, Paragraph, Table
from projections.report.sections import Sources, counted, day, label

QUESTIONNAIRES = {
    "advisory_council": (
        "the questionnaire of the International Scientific and Professional Advisory Council, for policy "
        "makers and legislation drafters"
    ),
    "prosecutors": "the questionnaire of the International Association of Prosecutors, for practitioners",
}


class PlanSummary(BaseModel):
    """A plan as it stood on the report's date: what, where, for when, and who is invited."""

    model_config = ConfigDict(frozen=True)

    title: str
    kind: str
    place: str
    planned: date
    planned_end: date | None = None
    invited: tuple[str, ...] = ()


def _questionnaires(s: Sources) -> list[Block]:
    blocks: list[Block] = []
    header, columns = ["Region"], []  # one column of each figure per questionnaire
    # A questionnaire not yet sent by the report's date has nothing to report (nor a column of noughts).
    sent = {name: asked for name, asked in s.result.questionnaires.items() if asked.sendings}
    for name, asked in sent.items():
        text: list[Inline] = [
            f"By {day(s.result.as_of)}, {QUESTIONNAIRES.get(name, label(name))}, had gone out "
        ]
        text += counted(s.ref(f"questionnaires.{name}.sendings"), "time", "times")
        text += [", to ", *counted(s.ref(f"questionnaires.{name}.sent"), "State", "States"), " named; "]
        text += counted(s.ref(f"questionnaires.{name}.replies"), "State has", "States have")
        text += [" replied."]
        blocks.append(Paragraph(parts=tuple(text)))
        header += [f"{label(name)}: sent to", f"{label(name)}: replies"]
        columns.append(asked.by_region)
    regions = sorted({region for by_region in columns for region in by_region})
    rows = tuple(
        (
            region,
            *(s.ref(f"questionnaires.{name}.{k}.{region}") for name in sent for k in ("sent", "replies")),
        )
        for region in regions
    )
    if rows:
        caption = "States the questionnaires were sent to, and replies, by region"
        blocks.append(Table(caption=caption, header=tuple(header), rows=rows))
    return blocks


def _planned(s: Sources, plans: Sequence[PlanSummary]) -> list[Block]:
    after = f"after {day(s.result.as_of)}"
    if not plans:
        return [Paragraph(parts=(f"No seminar, meeting or mission was planned {after}.",))]
    text = f"The Centre has planned {len(plans)} {'activity' if len(plans) == 1 else 'activities'} {after}:"
    rows = tuple(
        (
            day(p.planned)
            if p.planned_end in (None, p.planned)
            else f"{day(p.planned)} to {day(p.planned_end)}",
            f"{p.title} ({label(p.kind).lower()})",
            p.place,
            ", ".join(p.invited) or "—",
        )
        for p in sorted(plans, key=lambda p: (p.planned, p.place))
    )
    table = Table(
        caption=f"Planned {after}", header=("Planned for", "Activity", "Place", "Invited"), rows=rows
    )
    return [Paragraph(parts=(text,)), table]


def future_action(s: Sources, plans: Sequence[PlanSummary]) -> tuple[Block, ...]:
    """The blocks the conclusions end with: questionnaires (figures) and plans (as they stood)."""
    return (*_questionnaires(s), *_planned(s, plans))
