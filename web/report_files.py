"""The web report's bar (its date, year, as-known-at and demo controls, and its downloads) and the files it
offers, made as `palermo report render` makes them."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from html import escape
from pathlib import Path
from urllib.parse import urlencode

from projections.report.document import ReportDocument
from projections.report.tables import csv_files
from usecases.reports import PdfNotPrinted, print_pdf, report_files
from web.errors import ApiError

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What the bar offers: name in the address → (label, format of `report_files`, media type).
DOWNLOADS: dict[str, tuple[str, str, str]] = {
    "pdf": ("PDF", "pdf", "application/pdf"),
    "docx": ("Word", "docx", WORD),
    "html": ("HTML", "html", "text/html; charset=utf-8"),
    "md": ("Markdown", "md", "text/markdown; charset=utf-8"),
    "sources.html": ("sources (HTML)", "html", "text/html; charset=utf-8"),
    "sources.md": ("sources (Markdown)", "md", "text/markdown; charset=utf-8"),
    "xlsx": ("tables (Excel)", "xlsx", EXCEL),
    "csv": ("tables (CSV, zipped)", "csv", "application/zip"),
}
BAR_STYLE = (
    "font-family:sans-serif;font-size:.9em;background:#eef3f7;padding:.5em 1em;margin:-1em -1em 1em;"
    "line-height:2"
)


def query(as_of: date, known_at: datetime | None, year: int, include_demo: bool) -> str:
    """The report's parameters as a query string, for its downloads and links."""
    asked: dict[str, str] = {"as_of": as_of.isoformat(), "year": str(year)}
    asked |= {"known_at": known_at.isoformat()} if known_at else {}
    asked |= {"include_demo": "true"} if include_demo else {}
    return urlencode(asked)


def report_bar(
    as_of: date, known_at: datetime | None, year: int, include_demo: bool, report_date: date
) -> str:
    """The bar above the web report: change its date, the year it reviews, the moment it is known at, whether
    demo data is counted; download it in every format."""
    known = known_at.strftime("%Y-%m-%dT%H:%M") if known_at else ""
    asked = escape(query(as_of, known_at, year, include_demo))
    downloads = " · ".join(
        f'<a href="/report/download/{escape(name)}?{asked}" download>{escape(label)}</a>'
        for name, (label, _, _) in DOWNLOADS.items()
    )
    return (
        f'<nav class="palermo-bar" style="{BAR_STYLE}"><a href="/">Palermo</a> · '
        '<a href="/dashboard">Dashboard</a> · <form method="get" action="/report" style="display:inline" '
        'id="report-controls"><label>Report as of <input type="date" name="as_of" '
        f'value="{as_of.isoformat()}" required></label> <label>reviewing the year <input type="number" '
        f'name="year" value="{year}" min="1990" max="{as_of.year}" style="width:5em"></label> '
        '<label>as known at <input type="datetime-local" name="known_at" '
        f'value="{escape(known)}"></label> <label><input type="checkbox" name="include_demo" value="true"'
        f"{' checked' if include_demo else ''}> include demo data</label> <button>Show</button></form> · "
        f'<a href="/report?as_of={report_date.isoformat()}&amp;year={report_date.year - 1}">the report of '
        f'4 March 2002</a><br><span id="report-downloads">Download: {downloads}</span></nav>'
    )


def download(document: ReportDocument, name: str, chromium: Path) -> tuple[bytes, str, str]:
    """The file `name` of the report: its bytes, media type and file name."""
    if name not in DOWNLOADS:
        raise ApiError(404, f"The report has no file '{name}'; it has {', '.join(DOWNLOADS)}.")
    _, kind, media = DOWNLOADS[name]
    if kind == "pdf":
        try:
            return print_pdf(document, chromium), media, f"{document.stem}.pdf"
        except PdfNotPrinted as error:
            raise ApiError(503, str(error)) from None
    if kind == "csv":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for file, text in csv_files(document).items():
                archive.writestr(file, text)
        return out.getvalue(), media, f"{document.stem}-tables-csv.zip"
    stem = document.sources_stem if name.startswith("sources.") else document.stem
    wanted = f"{stem}-tables.xlsx" if kind == "xlsx" else f"{stem}.{kind}"
    files = dict(report_files(document, (kind,)))
    return files[wanted], media, wanted
