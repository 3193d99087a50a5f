"""The report's future action (paragraphs 16 and 20-22): the activities planned after the report's date, the
questionnaires sent and answered, by region, the pools of experts and the donors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.experts import PoolGroup
from domain.values import DatePrecision
from projections.report.blocks import Block, Inline, Paragraph, Table
from projections.report.sections import Sources, counted, dates, day, label, listing

QUESTIONNAIRES = {
    "advisory_council": (
        "the questionnaire of the International Scientific and Professional Advisory Council, for policy "
        "makers and legislation drafters"
    ),
    "prosecutors": "the questionnaire of the International Association of Prosecutors, for practitioners",
}


POOL_GROUPS = {
    PoolGroup.CONVENTION: "the Convention",
    PoolGroup.PROTOCOLS: "the Protocols",
    PoolGroup.FIREARMS: "the Firearms Protocol (a subgroup of the Protocols' group)",
}


class PlanSummary(BaseModel):
    """A plan as it stood on the report's date: what, where, for when, and who is invited."""

    model_config = ConfigDict(frozen=True)

    title: str
    kind: str
    place: str
    planned: date
    planned_end: date | None = None
    dated_to: DatePrecision = DatePrecision.DAY
    invited: tuple[str, ...] = ()


def _sent_on(s: Sources, name: str) -> str:
    """The days a questionnaire went out, from its sendings' rows: " (on 31 October 2001)", " (from 13
    September 2001 to 30 November 2001)"."""
    days = sorted({row.effective_date for row in s.rows(f"questionnaires.{name}.sendings")})
    if not days:
        return ""
    return f" (on {day(days[0])})" if len(days) == 1 else f" (from {day(days[0])} to {day(days[-1])})"


def questionnaires(s: Sources) -> list[Block]:
    """Paragraph 20: each questionnaire sent by the report's date, to how many States, and the replies."""
    blocks: list[Block] = []
    header, columns = ["Region"], []  # one column of each figure per questionnaire
    # A questionnaire not yet sent by the report's date has nothing to report (nor a column of noughts).
    sent = {name: asked for name, asked in s.result.questionnaires.items() if asked.sendings}
    for name, asked in sent.items():
        text: list[Inline] = [
            f"By {day(s.result.as_of)}, {QUESTIONNAIRES.get(name, label(name))}, had gone out "
        ]
        text += counted(s.ref(f"questionnaires.{name}.sendings"), "time", "times")
        text += [_sent_on(s, name)]
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


def planned(s: Sources, plans: Sequence[PlanSummary]) -> list[Block]:
    """Paragraph 16: what was planned, on the report's date, for after it."""
    after = f"after {day(s.result.as_of)}"
    if not plans:
        return [Paragraph(parts=(f"No seminar, meeting or mission was planned {after}.",))]
    text = f"The Centre has planned {len(plans)} {'activity' if len(plans) == 1 else 'activities'} {after}:"
    rows = tuple(
        (
            dates(p.planned, p.planned_end or p.planned, p.dated_to),
            f"{p.title} ({label(p.kind).lower()})",
            p.place,
            ", ".join(p.invited) or "—",
        )
        for p in sorted(plans, key=lambda p: p.planned)
    )
    table = Table(
        caption=f"Planned {after}", header=("Planned for", "Activity", "Place", "Invited"), rows=rows
    )
    return [Paragraph(parts=(text,)), table]


def pools(s: Sources) -> list[Block]:
    """Paragraph 21: which groups of the pools of experts had members by the report's date."""
    joined = s.framing.pool_groups
    by = day(s.result.as_of)
    if not joined:
        return [Paragraph(parts=(f"No expert had joined the pools of experts by {by}.",))]
    groups = listing([[POOL_GROUPS[g]] for g in joined])
    return [Paragraph(parts=(f"By {by}, experts had joined the pools of experts for ", *groups, "."))]


def donors(s: Sources) -> list[Block]:
    """Paragraph 22: the donors who had pledged contributions by the report's date."""
    by = day(s.result.as_of)
    if not s.framing.donors:
        return [Paragraph(parts=(f"No contribution from a donor had been recorded by {by}.",))]
    pledged = listing([[d] for d in s.framing.donors])
    return [Paragraph(parts=(f"By {by}, contributions had been pledged by ", *pledged, "."))]
