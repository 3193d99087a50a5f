"""Every table of the report document as CSV, and all of them as one Excel workbook, a sheet each."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font

from projections.report import blocks as b
from projections.report.charts import DEMO_MARK
from projections.report.document import ReportDocument

# A sheet's title: at most 31 characters, none of []:*?/\ (Excel's rule).
SHEET_TITLE = 31
NOT_IN_TITLES = re.compile(r"[\]\[:*?/\\]")
# A figure that counts demo data keeps its number in Excel, shown with the mark.
DEMO_FORMAT = f'0"{DEMO_MARK}"'


def slug(caption: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", caption.lower()).strip("-")[:60] or "table"


def tables(doc: ReportDocument) -> list[b.Table]:
    return [block for s in doc.sections for block in s.blocks if isinstance(block, b.Table)]


def table_name(doc: ReportDocument, number: int, table: b.Table) -> str:
    """The file name of the `number`-th table (from 1) as CSV."""
    return f"{doc.stem}-table-{number}-{slug(table.caption)}.csv"


def _cell(part: b.Inline) -> str:
    return part.shown if isinstance(part, b.FigureRef) else part


def csv_files(doc: ReportDocument) -> dict[str, str]:
    """Each table as CSV text, by file name: its header, then its rows; a figure is its number (followed by
    the demo mark when it counts demo data)."""
    files: dict[str, str] = {}
    for number, table in enumerate(tables(doc), 1):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(table.header)
        writer.writerows([_cell(part) for part in row] for row in table.rows)
        files[table_name(doc, number, table)] = out.getvalue()
    return files


def workbook(doc: ReportDocument) -> bytes:
    """The tables as one .xlsx workbook: a sheet per table, its caption above it, figures as numbers."""
    book = Workbook()
    first = book.active
    if first is not None:
        book.remove(first)
    for number, table in enumerate(tables(doc), 1):
        title = NOT_IN_TITLES.sub(" ", table.caption)
        sheet = book.create_sheet(f"{number} {title}"[:SHEET_TITLE])
        sheet.append([table.caption])
        sheet.append([b.DEMO_BANNER] if doc.include_demo else [])
        sheet.append(list(table.header))
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([part.value if isinstance(part, b.FigureRef) else part for part in row])
            for cell, part in zip(sheet[sheet.max_row], row, strict=True):
                if isinstance(part, b.FigureRef) and part.demo:
                    cell.number_format = DEMO_FORMAT
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
