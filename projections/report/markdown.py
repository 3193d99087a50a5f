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


def render(doc: ReportDocument, link: Link | None = None) -> str:
    """The report; each figure links to its events in the sources file beside it (or where `link` says)."""
    sources = f"{doc.sources_stem}.md"
    to = link or (lambda figure: f"{sources}#{b.anchor(figure)}")
    lines = [f"# {text(doc.title)}", "", "**Report of the Secretary-General**", "", *_heading(doc)]
    lines += ["## Contents", ""]
    lines += [f"- [{s.number}. {text(s.title)}](#{s.anchor})" for s in doc.sections]
    lines += [f"- [{b.SOURCES_TITLE}]({sources})", ""]
    number = 0
    for section in doc.sections:
        lines += [f'<a id="{section.anchor}"></a>', "", f"## {section.number}. {text(section.title)}", ""]
        for block in section.blocks:
            if isinstance(block, b.Paragraph):
                number += 1
                lines += [f"**{number}.** " + "".join(inline(p, to) for p in block.parts), ""]
            elif isinstance(block, b.Table):
                lines += [f"*{text(block.caption)}*", ""]
                lines += [*table(block.header, list(block.rows), to), ""] if block.rows else ["None.", ""]
            elif isinstance(block, b.Chart):
                lines += [f"![{text(block.chart.title)}]({doc.chart_file(block.chart)})", ""]
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
