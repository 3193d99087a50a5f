"""The report document as a Word file (the UN's working format): the same sections, paragraphs and tables,
each figure a link to its events in the sources file beside it. Charts are left to the other formats: their
figures are all in the tables."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph as WordParagraph

from projections.report import blocks as b
from projections.report.document import ReportDocument
from projections.report.sections import day

LINK_COLOUR = "1F5F8B"


def _link(paragraph: WordParagraph, text: str, target: str) -> None:
    """A run of `text` that links to `target` (python-docx has no call for an external hyperlink)."""
    relation = paragraph.part.relate_to(
        target, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink", True
    )
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), LINK_COLOUR)
    properties.append(colour)
    run.append(properties)
    shown = OxmlElement("w:t")
    shown.text = text
    run.append(shown)
    link.append(run)
    paragraph._p.append(link)


def _inline(paragraph: WordParagraph, part: b.Inline, sources: str) -> None:
    if isinstance(part, b.FigureRef):
        _link(paragraph, part.shown, f"{sources}#{b.anchor(part.name)}")
    else:
        paragraph.add_run(part)


def _lines(word: WordDocument, group: tuple[str, ...]) -> None:
    """Lines kept apart as written, in one paragraph."""
    if not group:
        return
    paragraph = word.add_paragraph()
    for i, line in enumerate(group):
        run = paragraph.add_run(line)
        if i < len(group) - 1:
            run.add_break()


def _contents(word: WordDocument, doc: ReportDocument, numbered: b.Numbered) -> None:
    word.add_heading("Contents", level=1)
    table = word.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Section", "Paragraphs"
    for section, blocks in zip(doc.sections, numbered, strict=True):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = f"{section.number}. {section.title}", b.paragraphs(blocks)
        cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def render(doc: ReportDocument) -> bytes:
    """The .docx file's bytes."""
    sources = f"{doc.sources_stem}.html"
    word = Document()
    word.styles["Normal"].font.name = "Times New Roman"
    word.styles["Normal"].font.size = Pt(11)
    for group in doc.heading.groups:
        _lines(word, group)
    word.add_heading(doc.title, level=0)
    word.add_paragraph().add_run(doc.heading.signed).bold = True
    known = f", as known at {doc.known_at.isoformat(timespec='minutes')}" if doc.known_at else ""
    word.add_paragraph(f"Figures as of {day(doc.as_of)}{known}.")
    _lines(word, doc.heading.footnotes)
    if doc.include_demo:
        banner = word.add_paragraph().add_run(b.DEMO_BANNER)
        banner.bold = True
        banner.font.color.rgb = RGBColor(0x8A, 0x6D, 0x00)
    numbered = b.numbered(doc.sections)
    _contents(word, doc, numbered)
    for section, blocks in zip(doc.sections, numbered, strict=True):
        word.add_heading(f"{section.number}. {section.title}", level=1)
        for block, number in blocks:
            if isinstance(block, b.Paragraph):
                paragraph = word.add_paragraph(f"{number}. ")
                for part in block.parts:
                    _inline(paragraph, part, sources)
            elif isinstance(block, b.Table):
                word.add_paragraph().add_run(block.caption).italic = True
                if not block.rows:
                    word.add_paragraph("None.")
                    continue
                table = word.add_table(rows=1, cols=len(block.header))
                table.style = "Table Grid"
                for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                    cell.text = text
                for row in block.rows:
                    cells = table.add_row().cells
                    for cell, part in zip(cells, row, strict=True):
                        _inline(cell.paragraphs[0], part, sources)
                        if isinstance(part, b.FigureRef):
                            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if doc.notes:
        word.add_heading(b.NOTES_TITLE, level=1)
        _lines(word, tuple(f"{b.superscript(n)} {note}" for n, note in enumerate(doc.notes, 1)))
    closing = word.add_paragraph("Every figure links to the recorded events it counts, listed in ")
    _link(closing, sources, sources)
    closing.add_run(".")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
