"""Sections III and IV: the seminars and meetings of the reviewed year, the technical cooperation
activities, and the briefings of organizations, each row from the figures' fact rows and the meetings'
recorded details."""

from __future__ import annotations

from collections.abc import Mapping

from domain.groups import RegionalGroup, group_of
from domain.outreach import MeetingKind
from domain.values import DatePrecision
from projections.figures import Figures
from projections.report.blocks import Block, Inline, Paragraph, Table
from projections.report.sections import (
    MeetingSummary,
    Sources,
    counted,
    dates,
    day,
    groups_reached,
    label,
    listing,
)
from projections.store import StoredFact

HEADER = ("Dates", "Meeting", "Place", "Organized by, with", "Participating States", "Regional groups")


def _states(s: Sources, codes: list[str], summary: MeetingSummary | None) -> str:
    named = ", ".join(sorted(s.name(code) for code in codes))
    unnamed = summary.unnamed_states if summary is not None else None
    if unnamed is None:
        return named or "—"
    more = f"{unnamed.said()} {'other ' if named else ''}States, not named"
    return f"{named}; {more}" if named else more


def _noted(summary: MeetingSummary) -> str:
    """What a meeting discussed and what came of it, for its note."""
    said = [f"{'; '.join(summary.topics)}."] if summary.topics else []
    return " ".join([*said, *([summary.outcome] if summary.outcome else [])])


def _row(s: Sources, row: StoredFact, reached: Mapping[str, list[str]]) -> tuple[Inline, ...]:
    codes = reached.get(row.subject, [])
    groups = {g for code in codes if (g := group_of(code, row.effective_date)) is not None}
    # "States of all regions" (paragraph 15 (e)) says which: the groups of the States that took part.
    named = ", ".join(g.value for g in RegionalGroup if g in groups) or "—"
    summary = s.meetings.get(row.subject)
    if summary is None:
        return (day(row.effective_date), label(row.object), "—", "—", _states(s, codes, None), named)
    noted = _noted(summary)
    outcome = s.mark(f"{summary.title}: {noted}") if noted else ""
    by = "; with ".join(part for part in (", ".join(summary.organizers), ", ".join(summary.partners)) if part)
    return (
        dates(summary.start, summary.end, summary.dated_to),
        f"{summary.title} ({label(row.object).lower()}){outcome}",
        summary.place,
        by or "—",
        _states(s, codes, summary),
        named,
    )


def _period(result: Figures) -> str:
    """The reviewed year, "up to" the date when the date falls within it."""
    if result.as_of.year == result.year:
        return f"{result.year}, up to {day(result.as_of)}"
    return str(result.year)


def _held(s: Sources, briefings: bool) -> Table:
    """The meetings held in the reviewed year: the briefings of organizations, or all the others."""
    held = [r for r in s.rows("meetings_held") if (r.object == MeetingKind.BRIEFING.value) is briefings]
    # The States (codes) of each meeting, gathered once rather than looked up for every meeting.
    reached: dict[str, list[str]] = {}
    for participant in s.rows("states_reached"):
        reached.setdefault(participant.object, []).append(participant.subject)
    caption = "Briefings of organizations" if briefings else "Seminars and meetings"
    return Table(
        caption=f"{caption} in {s.result.year}",
        header=HEADER,
        rows=tuple(_row(s, row, reached) for row in sorted(held, key=lambda r: r.effective_date)),
    )


def _unnamed(s: Sources) -> list[Inline]:
    """Why the States reached are "at least" so many: States took part that the records do not name."""
    held = {row.subject for row in s.rows("meetings_held")}
    unnamed = [m for m in s.meetings.values() if m.id in held and m.unnamed_states is not None]
    if not unnamed:
        return []
    at = [[f"{m.unnamed_states.said() if m.unnamed_states else ''} States at {m.place}"] for m in unnamed]
    return [": those named; ", *listing(at), " were not named"]


def meetings(s: Sources) -> tuple[Block, ...]:
    """Section III: the count of meetings and States reached, and the meetings other than briefings."""
    text: list[Inline] = [f"In {_period(s.result)}, the Centre organized or participated in "]
    text += [*counted(s.ref("meetings_held"), "seminar or meeting", "seminars and meetings")]
    unnamed = _unnamed(s)
    text += [" on the ratification of the Convention and the Protocols thereto, in which "]
    text += ["at least " if unnamed else "", *counted(s.ref("states_reached"), "State", "States")]
    text += [" took part", *unnamed, "."]
    text += groups_reached(s)
    return (Paragraph(parts=tuple(text)), _held(s, briefings=False))


def cooperation(s: Sources) -> tuple[Block, ...]:
    """Section IV: the technical cooperation activities, then the briefings of organizations."""
    text: list[Inline] = [f"In {_period(s.result)}, the Centre undertook "]
    ref = s.ref("cooperation_activities")
    text += counted(ref, "technical cooperation activity", "technical cooperation activities")
    text += [" that States asked for, on the ratification and implementation of the instruments."]
    rows: list[tuple[Inline, ...]] = []
    for row in s.rows("cooperation_activities"):
        found = s.cooperation.get((row.subject, row.object, row.effective_date))
        when = dates(row.effective_date, row.effective_date, found.dated_to if found else DatePrecision.DAY)
        title, partners = (found.title, ", ".join(found.partners) or "—") if found else ("—", "—")
        rows.append((when, s.name(row.subject), label(row.object), title, partners))
    table = Table(
        caption=f"Technical cooperation activities in {s.result.year}",
        header=("Date", "State", "Activity", "Title", "With"),
        rows=tuple(rows),
    )
    blocks: tuple[Block, ...] = (Paragraph(parts=tuple(text)), table)
    briefings = _held(s, briefings=True)
    if briefings.rows:
        said = "The Centre also briefed organizations on the content of the instruments at these meetings:"
        blocks += (Paragraph(parts=(said,)), briefings)
    return blocks
