"""Writing the report document's files, with meeting titles and State names looked up for it."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from activities.mandates import Mandates
from activities.outreach import CooperationRecord, Outreach
from activities.participants import ParticipantDirectory
from activities.programme import Programme
from activities.resources import Resources
from domain.outreach import CooperationActivityRecorded
from projections.funds import funds, groups_joined
from projections.report import html, markdown, tables, word
from projections.report.document import (
    CooperationSummary,
    Framing,
    MeetingSummary,
    PlanSummary,
    ReportDocument,
)
from projections.store import StoredFact
from usecases.settings import Settings

# Facts whose subject is a State, so the report can name it rather than show its code.
STATE_SUBJECTS = (
    "request",
    "cooperation",
    "meeting_participant",
    "questionnaire_sent",
    "questionnaire_reply",
)


def outreach_details(settings: Settings) -> tuple[list[MeetingSummary], list[CooperationSummary]]:
    """Titles, places, days, organizers and partners of the meetings and activities recorded."""
    outreach = Outreach(settings.store_env("Outreach"))
    try:
        meetings = [MeetingSummary.of(str(record.id), record.details) for record in outreach.meetings()]
        activities = [cooperation_summary(record) for record in outreach.cooperation()]
    finally:
        outreach.close()
    return meetings, activities


def cooperation_summary(record: CooperationRecord | CooperationActivityRecorded) -> CooperationSummary:
    return CooperationSummary(
        state=record.state,
        kind=record.kind.value,
        effective_date=record.effective_date,
        title=record.title,
        dated_to=record.dated_to,
        partners=record.partners,
    )


def framing(settings: Settings, as_of: date) -> Framing:
    """What the report of `as_of` tells beside its figures: the resolutions adopted by then, the heading of
    the report being prepared, the signing conferences held, the editorial notes written for it, the groups
    of the pools experts had joined and the donors who had pledged."""
    outreach = Outreach(settings.store_env("Outreach"))
    try:
        records = Mandates(outreach).records()
    finally:
        outreach.close()
    docket = records.docket_for(as_of)
    report = docket.details.report_date if docket else as_of
    resources = Resources(settings.store_env("Resources"))
    try:
        events = list(resources.facts())
    finally:
        resources.close()
    return Framing(
        resolutions=tuple(r.details for r in records.resolutions if r.details.adopted <= as_of),
        docket=docket.details if docket else None,
        conferences=tuple(m for m in records.signing_conferences if m.end <= as_of),
        notes={n.place: n.text for n in records.notes if n.report == report and n.text is not None},
        pool_groups=groups_joined(events, as_of),
        donors=tuple(funds(events, as_of).by_donor),
    )


def planned_after(settings: Settings, as_of: date) -> list[PlanSummary]:
    """What was, on `as_of`, planned for after it (paragraph 16), for the report's future action."""
    outreach = Outreach(settings.store_env("Outreach"))
    try:
        plans = Programme(outreach).plans_after(as_of)
    finally:
        outreach.close()
    return [
        PlanSummary(
            title=p.details.title,
            kind=p.details.kind.value,
            place=p.details.place,
            planned=p.details.planned,
            planned_end=p.details.planned_end,
            dated_to=p.details.dated_to,
            invited=(*p.details.regions, *p.details.states),
        )
        for p in plans
    ]


def state_names(
    directory: ParticipantDirectory, rows: Mapping[str, Sequence[StoredFact]], on: date
) -> dict[str, str]:
    """The name of every State the report lists, as the United Nations named it on `on` (the report's date);
    a code the directory does not know stays a code."""
    codes = {row.subject for found in rows.values() for row in found if row.fact in STATE_SUBJECTS}
    return {code: directory.name_on(code, on) for code in codes}


# The formats `report render` writes, and the web report offers: Markdown and HTML (each with its sources
# file; Markdown with the charts as SVG files), PDF, Word, every table as CSV, the tables as an Excel
# workbook.
FORMATS = ("md", "html", "pdf", "docx", "csv", "xlsx")
# What Chromium needs on a machine with no display, no network to reach and no profile of its own.
CHROMIUM_QUIET = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
CHROMIUM_FLAGS = ("--headless", *CHROMIUM_QUIET, "--no-pdf-header-footer")
PRINT_WITHIN_S = 120


class PdfNotPrinted(Exception):
    """The PDF could not be printed: no Chromium where PALERMO_CHROMIUM says, or it failed."""


def report_files(document: ReportDocument, formats: Sequence[str] = FORMATS) -> list[tuple[str, bytes]]:
    """Every file of the report in the given formats but PDF (which `print_pdf` makes), by name."""
    files: list[tuple[str, str | bytes]] = []
    if "md" in formats:
        files += [(f"{document.stem}.md", markdown.render(document))]
        files += [(f"{document.sources_stem}.md", markdown.render_sources(document))]
        files += list(document.chart_files().items())
    if "html" in formats:
        files += [(f"{document.stem}.html", html.render(document))]
        files += [(f"{document.sources_stem}.html", html.render_sources(document))]
    if "docx" in formats:
        files.append((f"{document.stem}.docx", word.render(document)))
    if "csv" in formats:
        files += list(tables.csv_files(document).items())
    if "xlsx" in formats:
        files.append((f"{document.stem}-tables.xlsx", tables.workbook(document)))
    return [(name, data.encode("utf-8") if isinstance(data, str) else data) for name, data in files]


def print_pdf(document: ReportDocument, chromium: Path) -> bytes:
    """The report's HTML printed to PDF by a headless Chromium (the one the browser tests drive)."""
    if not chromium.is_file():
        raise PdfNotPrinted(
            f"No Chromium at {chromium} to print the PDF with: install it (apt-get install chromium) or set "
            "PALERMO_CHROMIUM."
        )
    with tempfile.TemporaryDirectory(prefix="palermo-pdf-") as folder:
        page, pdf = Path(folder) / f"{document.stem}.html", Path(folder) / f"{document.stem}.pdf"
        page.write_text(html.render(document), encoding="utf-8")
        profile = Path(folder) / "profile"
        command = [
            str(chromium),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=PRINT_WITHIN_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PdfNotPrinted(f"Chromium did not print the PDF: {error}.") from None
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise PdfNotPrinted(f"Chromium at {chromium} printed no PDF.")
        return pdf.read_bytes()


def _write(path: Path, data: bytes) -> Path:
    # Written beside and moved into place, so a reader never sees half a report.
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    partial.replace(path)
    return path


def write_report(
    document: ReportDocument, folder: Path, formats: Sequence[str] = FORMATS, chromium: Path | None = None
) -> list[Path]:
    """Write the report in `formats` into `folder` and return the paths: `report-<as_of>.md` and `.html` with
    their sources (`report-<as_of>-sources.md` and `.html`: the events behind every figure, which each figure
    links to) and the charts' SVG files, `.pdf` (printed by `chromium`), `.docx`, each table as
    `report-<as_of>-table-N-<caption>.csv` and all of them in `report-<as_of>-tables.xlsx`."""
    pdf = print_pdf(document, chromium) if "pdf" in formats and chromium is not None else None
    folder.mkdir(parents=True, exist_ok=True)
    files = report_files(document, formats) + ([(f"{document.stem}.pdf", pdf)] if pdf else [])
    return [_write(folder / name, data) for name, data in files]
