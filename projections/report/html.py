"""The report document as one self-contained HTML page; every figure links to the events it counts."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from projections.report import blocks as b
from projections.report.charts import DEMO_MARK, svg
from projections.report.document import ReportDocument
from projections.report.sections import day

STYLE = """
body{font-family:Georgia,'Times New Roman',serif;max-width:52em;margin:2em auto;padding:0 1em;color:#222;
line-height:1.45}
h1{font-size:1.45em}h2{font-size:1.2em;margin-top:2em}h3{font-size:1em;margin-top:1.5em}
p.para span.number{display:inline-block;min-width:2.2em}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}
caption{text-align:left;font-style:italic;padding-bottom:.3em}
th,td{border:1px solid #bbb;padding:.25em .5em;vertical-align:top;text-align:left}
td.figure{text-align:right}
a.figure{color:#1f5f8b;text-decoration:none;border-bottom:1px dotted #1f5f8b}
figure{margin:1em 0}
.lineage table{font-size:.8em}
.demo-banner{background:#fff3cd;border:1px solid #c9a227;padding:.5em .8em}
p.heading{margin:.2em 0 1em}p.footnotes,p.notes{font-size:.9em}
"""


Link = Callable[[str], str]


def inline(part: b.Inline, link: Link) -> str:
    if isinstance(part, b.FigureRef):
        css = "figure demo" if part.demo else "figure"
        return f'<a class="{css}" href="{escape(link(part.name))}">{escape(part.shown)}</a>'
    return escape(part)


def cell(part: b.Inline, link: Link) -> str:
    css = ' class="figure"' if isinstance(part, b.FigureRef) else ""
    return f"<td{css}>{inline(part, link)}</td>"


def table(caption: str, header: tuple[str, ...], rows: list[tuple[b.Inline, ...]], link: Link = str) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(cell(c, link) for c in row) + "</tr>" for row in rows)
    return (
        f"<table><caption>{escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _lines(group: tuple[str, ...], css: str) -> str:
    return f'<p class="{css}">' + "<br>".join(escape(line) for line in group) + "</p>" if group else ""


def _top(doc: ReportDocument, title: str, heading: bool = True) -> list[str]:
    """The page's head, and the report's heading (its groups of lines, the title, who reports, the date of
    the figures, the footnotes); the sources page takes only the title and the date."""
    known = f", as known at {doc.known_at.isoformat(timespec='minutes')}" if doc.known_at else ""
    above = [_lines(group, "heading") for group in doc.heading.groups] if heading else []
    signed = doc.heading.signed if heading else "Report of the Secretary-General"
    return [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">',
        f"<title>{escape(title)} — {escape(day(doc.as_of))}</title>",
        f"<style>{STYLE}</style>\n</head>\n<body>",
        "<header>",
        *above,
        f"<h1>{escape(title)}</h1><p><strong>{escape(signed)}</strong></p>",
        f"<p>Figures as of {escape(day(doc.as_of))}{escape(known)}.</p>",
        _lines(doc.heading.footnotes, "footnotes") if heading else "",
        f'<p class="demo-banner" role="note"><strong>{escape(b.DEMO_BANNER)}</strong></p>'
        if doc.include_demo
        else "",
        "</header>",
    ]


def _contents(doc: ReportDocument, numbered: b.Numbered, sources: str) -> list[str]:
    rows = [
        f'<tr><td><a href="#{s.anchor}">{escape(s.number)}. {escape(s.title)}</a></td>'
        f'<td class="figure">{b.paragraphs(blocks)}</td></tr>'
        for s, blocks in zip(doc.sections, numbered, strict=True)
    ]
    if doc.notes:
        rows.append(f'<tr><td><a href="#{b.NOTES_ANCHOR}">{b.NOTES_TITLE}</a></td><td></td></tr>')
    rows.append(f'<tr><td><a href="{escape(sources)}">{escape(b.SOURCES_TITLE)}</a></td><td></td></tr>')
    head = '<thead><tr><th scope="col">Section</th><th scope="col">Paragraphs</th></tr></thead>'
    return ["<nav><h2>Contents</h2>", f"<table>{head}<tbody>{''.join(rows)}</tbody></table></nav>"]


def render(doc: ReportDocument, link: Link | None = None, sources: str | None = None) -> str:
    """The report as one page; each figure links to its events in the sources file beside it (or where
    `link` says: the web app links its own lineage pages, and names where its `sources` file is)."""
    sources = sources or f"{doc.sources_stem}.html"
    to = link or (lambda figure: f"{sources}#{b.anchor(figure)}")
    numbered = b.numbered(doc.sections)
    out = [*_top(doc, doc.title), *_contents(doc, numbered, sources)]
    for section, blocks in zip(doc.sections, numbered, strict=True):
        out.append(
            f'<section id="{section.anchor}"><h2>{escape(section.number)}. {escape(section.title)}</h2>'
        )
        for block, number in blocks:
            if isinstance(block, b.Paragraph):
                text = "".join(inline(p, to) for p in block.parts)
                out.append(f'<p class="para"><span class="number">{number}.</span>{text}</p>')
            elif isinstance(block, b.Table):
                out.append(
                    table(block.caption, block.header, list(block.rows), to) if block.rows else "<p>None.</p>"
                )
            elif isinstance(block, b.Chart):
                picture = svg(block.chart, link=to)
                out.append(f"<figure>{picture}<figcaption>{escape(block.chart.title)}</figcaption></figure>")
        out.append("</section>")
    if doc.notes:
        notes = tuple(f"{b.superscript(n)} {note}" for n, note in enumerate(doc.notes, 1))
        out.append(
            f'<section id="{b.NOTES_ANCHOR}"><h2>{b.NOTES_TITLE}</h2>{_lines(notes, "notes")}</section>'
        )
    out.append(
        f'<p class="sources">Every figure links to the recorded events it counts, listed in '
        f'<a href="{escape(sources)}">{escape(doc.sources_stem)}.html</a>.</p>'
    )
    out.append("</body>\n</html>\n")
    return "\n".join(out)


def render_sources(doc: ReportDocument) -> str:
    """The lineage of every figure of the report as one page, each figure under its own anchor."""
    out = [*_top(doc, b.SOURCES_TITLE, heading=False)]
    out.append(f'<p>Of the report <a href="{escape(doc.stem)}.html">{escape(doc.title)}</a>.</p>')
    out.append('<main id="lineage" class="lineage">')
    out.append("<p>Each figure of the report links here, to the recorded events it counts.</p>")
    for entry in doc.lineage:
        out.append(f'<section id="{escape(b.anchor(entry.figure))}">')
        shown = f"{entry.value}{DEMO_MARK}" if entry.demo else str(entry.value)
        out.append(f"<h2>{escape(entry.figure)}: {escape(shown)}</h2>")
        listed_by = b.explain_command(entry.figure, doc.as_of, doc.known_at)
        out.append(f"<p>Listed by <code>{escape(listed_by)}</code></p>")
        rows = [b.lineage_cells(row) for row in entry.rows]
        out.append(
            table(f"Events behind {entry.figure}", b.LINEAGE_HEADER, list(rows))
            if rows
            else "<p>No events.</p>"
        )
        out.append("</section>")
    out.append("</main>\n</body>\n</html>\n")
    return "\n".join(out)
