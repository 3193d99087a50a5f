"""Writing the report document's files, with meeting titles and State names looked up for it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

from activities.participants import ParticipantDirectory
from projections.report import html, markdown
from projections.report.document import CooperationSummary, MeetingSummary, ReportDocument
from projections.store import StoredFact
from usecases.settings import Settings

# Facts whose subject is a State, so the report can name it rather than show its code.
STATE_SUBJECTS = ("request", "cooperation", "meeting_participant")


def outreach_details(settings: Settings) -> tuple[list[MeetingSummary], list[CooperationSummary]]:
    """Titles, places and days of meetings and activities, when the Outreach application is installed."""
    try:
        from activities.outreach import Outreach  # noqa: PLC0415 - optional; the report renders without it
    except ImportError:
        return [], []
    outreach = Outreach(settings.store_env("Outreach"))
    meetings = [
        MeetingSummary(
            id=str(record.id),
            title=record.details.title,
            kind=record.details.kind.value,
            place=record.details.place,
            start=record.details.start,
            end=record.details.end,
            participants=record.details.participants,
        )
        for record in outreach.meetings()
    ]
    activities = [
        CooperationSummary(
            state=record.state,
            kind=record.kind.value,
            effective_date=record.effective_date,
            title=record.title,
        )
        for record in outreach.cooperation()
    ]
    return meetings, activities


def state_names(
    directory: ParticipantDirectory, rows: Mapping[str, Sequence[StoredFact]], on: date
) -> dict[str, str]:
    """The name of every State the report lists, as the United Nations named it on `on` (the report's date);
    a code the directory does not know stays a code."""
    codes = {row.subject for found in rows.values() for row in found if row.fact in STATE_SUBJECTS}
    return {code: directory.name_on(code, on) for code in codes}


def _write(path: Path, text: str) -> Path:
    # Written beside and moved into place, so a reader never sees half a report.
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return path


def write_report(document: ReportDocument, folder: Path) -> list[Path]:
    """Write `report-<as_of>.md`, `report-<as_of>.html` and the charts' SVG files; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    files: Iterable[tuple[str, str]] = [
        (f"{document.stem}.md", markdown.render(document)),
        (f"{document.stem}.html", html.render(document)),
        *document.chart_files().items(),
    ]
    return [_write(folder / name, text) for name, text in files]
