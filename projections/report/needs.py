"""Sections V (requests and needs) and VI (conclusions): statements chosen by the figures, never typed in."""

from __future__ import annotations

from domain.checklist import CHECKLIST_BY_ID
from projections.report.blocks import Block, Chart, Inline, Paragraph, Section, Table
from projections.report.charts import Bar, BarChart, BarGroup
from projections.report.sections import ENDS, STAGES, Sources, counted, day, instrument, listing

MOST_COMMON = 3


def _need_title(item: str) -> str:
    listed = CHECKLIST_BY_ID.get(item)
    return listed.title if listed else "Not in the checklist"


def _need(item: str) -> str:
    listed = CHECKLIST_BY_ID.get(item)
    return f"{listed.title.lower()} ({item})" if listed else item


def _stages(s: Sources) -> list[str]:
    return list(s.result.engagements_by_stage)


def requests(s: Sources) -> Section:
    states = sorted({s.name(row.subject) for row in s.rows("requesting_states")})
    text: list[Inline] = ["The Centre has received, and is at various stages of responding to, "]
    # A State may ask again once its engagement is closed: requests and States are counted apart.
    text += counted(s.ref("requests_received"), "request", "requests")
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
                bars=(Bar(figure=f"engagements_by_stage.{k}", value=n, series="Engagements"),),
            )
            for k, n in s.result.engagements_by_stage.items()
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
    return Section(number="V", title="Requests and needs", blocks=tuple(blocks))


def _common_needs(s: Sources) -> list[Inline] | None:
    needs = sorted(s.result.common_needs.items(), key=lambda kv: (-kv[1], kv[0]))
    if not needs:
        return None
    # Every item as frequent as the third most frequent, so a tie is never cut arbitrarily.
    floor = needs[min(MOST_COMMON, len(needs)) - 1][1]
    top = [(k, n) for k, n in needs if n >= floor]
    items = [
        [
            f"{_need(k)}, named by ",
            *counted(s.ref(f"common_needs.{k}"), "State", "States"),
        ]
        for k, _ in top
    ]
    lead = (
        "The need most commonly identified is "
        if len(top) == 1
        else "The needs most commonly identified are "
    )
    return [lead, *listing(items, "; ", "; and "), "."]


def _waiting(s: Sources) -> list[Inline] | None:
    open_stages = {k: n for k, n in s.result.engagements_by_stage.items() if k not in ENDS and n > 0}
    if not open_stages:
        return None
    most = max(open_stages.values())
    top = [k for k, n in open_stages.items() if n == most]
    items = [
        [
            STAGES.get(k, k).lower(),
            " (",
            *counted(s.ref(f"engagements_by_stage.{k}"), "engagement", "engagements"),
            ")",
        ]
        for k in top
    ]
    return ["Most engagements wait for the next step: ", *listing(items, ", ", " and equally "), "."]


def _widest_gap(s: Sources) -> list[Inline] | None:
    numbers = s.result.instruments
    if not numbers or all(n.signatories == 0 for n in numbers.values()):
        return None
    key = max(numbers, key=lambda k: numbers[k].signatories - numbers[k].parties)
    return [
        f"The distance between signature and ratification is widest for {instrument(key, 0)}, with ",
        *counted(s.ref(f"{key}.signatories"), "signatory", "signatories"),
        " and ",
        *counted(s.ref(f"{key}.parties"), "party", "parties"),
        ".",
    ]


def _ended(s: Sources) -> list[Inline] | None:
    if s.values.get("engagements_by_stage.completed", 0) == 0:
        return None
    ref = s.ref("engagements_by_stage.completed")
    return [
        *counted(ref, "engagement has", "engagements have"),
        " completed every step, up to the training of officials.",
    ]


def conclusions(s: Sources) -> Section:
    found = [parts for parts in (_common_needs(s), _waiting(s), _widest_gap(s), _ended(s)) if parts]
    if not found:
        found = [[f"No figure had been recorded by {day(s.result.as_of)}."]]
    return Section(
        number="VI",
        title="Conclusions",
        blocks=tuple(Paragraph(parts=tuple(parts)) for parts in found),
    )
