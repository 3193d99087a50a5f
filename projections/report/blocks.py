"""The parts a report document is made of: text with figure references, tables, charts and lineage."""

from __future__ import annotations

import hashlib
import re
import shlex
from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict

from projections.report.charts import DEMO_MARK, BarChart
from projections.store import StoredFact

SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")
# How every rendering (Markdown, HTML, the web report and the dashboard) says that demo data is counted:
# this banner above the document, and DEMO_MARK after each figure that counts some.
DEMO_BANNER = (
    "Demo data included: this document counts illustrative events made up to show the engine, which are "
    f"not facts. Every figure that counts any is marked {DEMO_MARK}."
)


# The title of the file beside the report that lists the events behind every figure.
SOURCES_TITLE = "Where the figures come from"
# The report's own notes, after its last section, and where they are.
NOTES_TITLE, NOTES_ANCHOR = "Notes", "notes"


class FigureRef(BaseModel):
    """A number in the text: always a named figure's value, so it can link to the events behind it."""

    model_config = ConfigDict(frozen=True)

    name: str
    value: int
    # The figure counts demo data (shown with DEMO_MARK).
    demo: bool = False

    @property
    def shown(self) -> str:
        return f"{self.value}{DEMO_MARK}" if self.demo else str(self.value)


Inline = str | FigureRef


class Paragraph(BaseModel):
    """A numbered paragraph, as in the source report."""

    model_config = ConfigDict(frozen=True)

    parts: tuple[Inline, ...]


class Table(BaseModel):
    """A table; a cell is text or a figure (figures are right-aligned)."""

    model_config = ConfigDict(frozen=True)

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Inline, ...], ...]


class Chart(BaseModel):
    """A bar chart of figures."""

    model_config = ConfigDict(frozen=True)

    chart: BarChart


Block = Paragraph | Table | Chart
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(number: int) -> str:
    """A note's mark, as the original sets it after the word it explains: ¹, ², ¹²."""
    return str(number).translate(SUPERSCRIPT)


class Heading(BaseModel):
    """What stands above the title (the organ, distribution, date and original language; the commission,
    its session and the agenda item), the line under the title, and the heading's footnotes with their
    marks."""

    model_config = ConfigDict(frozen=True)

    groups: tuple[tuple[str, ...], ...] = ()
    signed: str = "Report of the Secretary-General"
    footnotes: tuple[str, ...] = ()


class Section(BaseModel):
    """A numbered section (I, II, …) of the report."""

    model_config = ConfigDict(frozen=True)

    number: str
    title: str
    blocks: tuple[Block, ...]

    @property
    def anchor(self) -> str:
        return f"section-{self.number.lower()}"


class LineageEntry(BaseModel):
    """A figure, its value and the fact rows (events) it counts."""

    model_config = ConfigDict(frozen=True)

    figure: str
    value: int
    rows: tuple[StoredFact, ...]

    @property
    def demo(self) -> bool:
        """The figure counts demo data."""
        return any(row.demo for row in self.rows)


def anchor(figure: str) -> str:
    """The id of a figure's lineage: the name itself when it is safe in an id, else a safe form with a hash,
    so two names never share an anchor."""
    if SAFE_NAME.fullmatch(figure):
        return f"lineage-{figure}"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", figure).strip("-")
    digest = hashlib.sha256(figure.encode()).hexdigest()[:10]
    return f"lineage-{safe}-{digest}" if safe else f"lineage-{digest}"


Numbered = list[list[tuple[Block, int | None]]]


def numbered(sections: tuple[Section, ...]) -> Numbered:
    """Each section's blocks with the number of each paragraph, counted through the whole report."""
    number, out = 0, []
    for section in sections:
        found: list[tuple[Block, int | None]] = []
        for block in section.blocks:
            if isinstance(block, Paragraph):
                number += 1
                found.append((block, number))
            else:
                found.append((block, None))
        out.append(found)
    return out


def paragraphs(blocks: list[tuple[Block, int | None]]) -> str:
    """The numbers of a section's paragraphs as the contents give them: "3-8", "9", or "" for none."""
    numbers = [n for _, n in blocks if n is not None]
    if not numbers:
        return ""
    return str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"


def figures_in(blocks: tuple[Block, ...]) -> list[FigureRef]:
    """Every figure referenced by the blocks, in reading order."""
    found: list[FigureRef] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            found += [p for p in block.parts if isinstance(p, FigureRef)]
        elif isinstance(block, Table):
            found += [c for row in block.rows for c in row if isinstance(c, FigureRef)]
        else:
            found += [
                FigureRef(name=b.figure, value=b.value, demo=b.demo)
                for g in block.chart.groups
                for b in g.bars
            ]
    return found


LINEAGE_HEADER = ("Subject", "Object", "Effective date", "Recorded", "Event", "Application", "Position")


def lineage_cells(row: StoredFact) -> tuple[str, ...]:
    """A fact row as the appendix shows it: what was counted, when it happened and was recorded, and where
    its event is stored."""
    recorded = row.recorded_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if row.known_from is not None:
        recorded += f" (known {row.known_from.date().isoformat()})"
    return (
        row.subject,
        row.object or "—",
        row.effective_date.isoformat(),
        recorded,
        f"{row.event_type} (demo data)" if row.demo else row.event_type,
        row.application,
        str(row.position),
    )


def explain_command(figure: str, as_of: date, known_at: datetime | None) -> str:
    """The command line that lists the same events."""
    known = f" --known-at {shlex.quote(known_at.isoformat())}" if known_at else ""
    return f"palermo report explain {shlex.quote(figure)} --as-of {as_of.isoformat()}{known}"
