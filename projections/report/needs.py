"""The requests received and the needs identified (paragraphs 17-18): statements chosen by the figures,
never typed in."""

from __future__ import annotations

from domain.checklist import CHECKLIST_BY_ID
from projections.report.blocks import Block, Chart, Inline, Paragraph, Table
from projections.report.charts import BarChart, BarGroup
from projections.report.sections import STAGES, Sources, counted, day

MOST_COMMON = 3


def _need_title(item: str) -> str:
    listed = CHECKLIST_BY_ID.get(item)
    return listed.title if listed else "Not in the checklist"


def _need(item: str) -> str:
    listed = CHECKLIST_BY_ID.get(item)
    return f"{listed.title.lower()} ({item})" if listed else item


def _stages(s: Sources) -> list[str]:
    return list(s.result.engagements_by_stage)


def requests(s: Sources) -> tuple[Block, ...]:
    """The requests and the States that made them, the engagements by stage, and the common needs."""
    states = sorted({s.name(row.subject) for row in s.rows("requesting_states")})
    # A State may ask again once its engagement is closed: requests and States are counted apart.
    text: list[Inline] = [
        "The Centre has received ",
        *counted(s.ref("requests_received"), "request", "requests"),
    ]
    text += [" from ", *counted(s.ref("requesting_states"), "State", "States")]
    text += [": ", ", ".join(states), "."] if states else ["."]
    by_stage = Table(
        caption="Engagements by stage (the next step due, or the end reached)",
        header=("Stage", "Engagements"),
        rows=tuple((STAGES.get(k, k), s.ref(f"engagements_by_stage.{k}")) for k in _stages(s)),
    )
    chart = BarChart(
        name="engagements-by-stage",
        title=f"Engagements by stage as of {day(s.result.as_of)}",
        series=("Engagements",),
        groups=tuple(
            BarGroup(
                label=STAGES.get(k, k),
                bars=(s.bar(f"engagements_by_stage.{k}", "Engagements"),),
            )
            for k in s.result.engagements_by_stage
        ),
    )
    needs = sorted(s.result.common_needs.items(), key=lambda kv: (-kv[1], kv[0]))
    blocks: list[Block] = [Paragraph(parts=tuple(text)), by_stage, Chart(chart=chart)]
    if needs:
        blocks.append(
            Paragraph(
                parts=(
                    "Each list of gaps names items of the checklist of ratification elements; the table "
                    "gives, for each item, the number of States whose list names it.",
                )
            )
        )
        blocks.append(
            Table(
                caption="Common needs by checklist item",
                header=("Checklist item", "Requirement", "States"),
                rows=tuple((k, _need_title(k), s.ref(f"common_needs.{k}")) for k, _ in needs),
            )
        )
    else:
        blocks.append(Paragraph(parts=("No list of gaps had been drawn up by that date.",)))
    return tuple(blocks)
