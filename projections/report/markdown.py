"""The report document as Markdown: the same sections and tables, each chart an SVG file beside it."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

from projections.report import blocks as b
from projections.report.charts import DEMO_MARK
from projections.report.document import ReportDocument
from projections.report.sections import day

MARKUP = re.compile(r"([\\`*_\[\]|#!])")


def text(value: str) -> str:
    """Event text as literal Markdown: HTML is escaped, markup characters too, lines joined."""
    return MARKUP.sub(r"\\\1", escape(value, quote=False)).replace("\r", " ").replace("\n", " ")


def command(value: str) -> str:
    """A command line as a code span, unless it carries characters a code span would show raw."""
    return f"`{value}`" if not re.search(r"[`<>&]", value) else text(value)


Link = Callable[[str], str]


def inline(part: b.Inline, link: Link) -> str:
    if isinstance(part, b.FigureRef):
        return f"[{part.shown}]({link(part.name)})"
    return text(part)


def table(header: tuple[str, ...], rows: list[tuple[b.Inline, ...]], link: Link) -> list[str]:
    numeric = [any(isinstance(row[i], b.FigureRef) for row in rows) for i in range(len(header))]
    lines = ["| " + " | ".join(text(h) for h in header) + " |"]
    lines.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    lines += ["| " + " | ".join(inline(c, link) for c in row) + " |" for row in rows]
    return lines


def _heading(doc: ReportDocument) -> list[str]:
    known = f", as known at {doc.known_at.isoformat(timespec='minutes')}" if doc.known_at else ""
    lines = [f"Figures as of {day(doc.as_of)}{known}.", ""]
    return lines + ([f"> **{text(b.DEMO_BANNER)}**", ""] if doc.include_demo else [])


def _lines(group: tuple[str, ...]) -> list[str]:
    """Lines kept apart as written (a hard break after each), then a blank line."""
    return ["  \n".join(text(line) for line in group), ""] if group else []


def _top(doc: ReportDocument) -> list[str]:
    """The heading, the title, who reports, the date of the figures and the heading's footnotes."""
    lines = [line for group in doc.heading.groups for line in _lines(group)]
    lines += [f"# {text(doc.title)}", "", f"**{text(doc.heading.signed)}**", "", *_heading(doc)]
    return lines + _lines(doc.heading.footnotes)


def _contents(doc: ReportDocument, numbered: b.Numbered, sources: str) -> list[str]:
    lines = ["## Contents", "", "| Section | Paragraphs |", "|---|---:|"]
    for section, blocks in zip(doc.sections, numbered, strict=True):
        lines.append(
            f"| [{section.number}. {text(section.title)}](#{section.anchor}) | {b.paragraphs(blocks)} |"
        )
    if doc.notes:
        lines.append(f"| [{b.NOTES_TITLE}](#{b.NOTES_ANCHOR}) | |")
    return [*lines, f"| [{b.SOURCES_TITLE}]({sources}) | |", ""]


def render(doc: ReportDocument, link: Link | None = None) -> str:
    """The report; each figure links to its events in the sources file beside it (or where `link` says)."""
    sources = f"{doc.sources_stem}.md"
    to = link or (lambda figure: f"{sources}#{b.anchor(figure)}")
    numbered = b.numbered(doc.sections)
    lines = [*_top(doc), *_contents(doc, numbered, sources)]
    for section, blocks in zip(doc.sections, numbered, strict=True):
        lines += [f'<a id="{section.anchor}"></a>', "", f"## {section.number}. {text(section.title)}", ""]
        for block, number in blocks:
            if isinstance(block, b.Paragraph):
                lines += [f"**{number}.** " + "".join(inline(p, to) for p in block.parts), ""]
            elif isinstance(block, b.Table):
                lines += [f"*{text(block.caption)}*", ""]
                lines += [*table(block.header, list(block.rows), to), ""] if block.rows else ["None.", ""]
            elif isinstance(block, b.Chart):
                lines += [f"![{text(block.chart.title)}]({doc.chart_file(block.chart)})", ""]
    if doc.notes:
        lines += [f'<a id="{b.NOTES_ANCHOR}"></a>', "", f"## {b.NOTES_TITLE}", ""]
        lines += _lines(tuple(f"{b.superscript(n)} {note}" for n, note in enumerate(doc.notes, 1)))
    lines += [f"Every figure links to the recorded events it counts, listed in [{sources}]({sources}).", ""]
    return "\n".join(lines)


def render_sources(doc: ReportDocument) -> str:
    """The lineage of every figure of the report: the events it counts, with both their times."""
    lines = [f"# {b.SOURCES_TITLE}", "", f"Of the report [{text(doc.title)}]({doc.stem}.md).", ""]
    lines += [*_heading(doc), "Each figure of the report links here, to the recorded events it counts.", ""]
    for entry in doc.lineage:
        lines += [f'<a id="{escape(b.anchor(entry.figure))}"></a>', ""]
        shown = f"{entry.value}{DEMO_MARK}" if entry.demo else str(entry.value)
        lines += [f"## {text(entry.figure)}: {shown}", ""]
        lines += [f"Listed by {command(b.explain_command(entry.figure, doc.as_of, doc.known_at))}", ""]
        rows = [b.lineage_cells(row) for row in entry.rows]
        lines += [*table(b.LINEAGE_HEADER, list(rows), str), ""] if rows else ["No events.", ""]
    return "\n".join(lines)
