"""`palermo report render` on SQLite under PALERMO_HOME: files written, numbers equal to the figures."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from activities.engagements import Engagements
from activities.outreach import Outreach
from activities.store.logs import EventLog
from cli.app import app
from domain.commands import DrawUpGapList, NameFocalPoint, OpenEngagement, RecordLawSummary
from domain.outreach import CooperationKind, MeetingDetails, MeetingKind
from domain.treaty import ActionKind, TreatyAction
from domain.values import FocalPoint, GapItem, Instrument
from projections.figures import Figures
from projections.report.blocks import anchor
from projections.report.document import figure_values
from usecases.settings import Settings

AS_OF = "2002-03-04"
FIRST_BATCH = datetime(2002, 1, 10, 9, 0, tzinfo=UTC)
SECOND_BATCH = datetime(2002, 2, 20, 9, 0, tzinfo=UTC)
BETWEEN = "2002-02-01T00:00:00+00:00"
SADC_SEMINAR = "Seminar of the Southern African Development Community"


def run(home: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    base = {"PALERMO_HOME": str(home), "PALERMO_STORE": "sqlite", "PALERMO_ACTOR": "clerk"}
    return CliRunner().invoke(app, list(args), env=base | (env or {}))


def sign(
    log: EventLog, participant: str, instrument: Instrument, kind: ActionKind, on: date, at: datetime
) -> None:
    log.save(
        TreatyAction.record(
            participant=participant,
            participant_name=participant,
            instrument=instrument,
            kind=kind,
            effective_date=on,
            recorded_at=at,
            actor="clerk",
            source="UNTC status table",
        )
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return build_home(tmp_path)


def build_home(tmp_path: Path) -> Path:
    """A deployment with treaty actions in two batches, a year of outreach, and two engagements."""
    home = tmp_path / "home"
    settings = Settings(home=home)
    treaties = EventLog("Treaties", settings.store_env("Treaties"))
    palermo = date(2000, 12, 12)
    sign(treaties, "ITA", Instrument.CONVENTION, ActionKind.SIGNATURE, palermo, FIRST_BATCH)
    sign(treaties, "FRA", Instrument.CONVENTION, ActionKind.SIGNATURE, palermo, FIRST_BATCH)
    sign(treaties, "FRA", Instrument.TRAFFICKING, ActionKind.SIGNATURE, palermo, FIRST_BATCH)
    sign(treaties, "NGA", Instrument.CONVENTION, ActionKind.SIGNATURE, date(2000, 12, 13), SECOND_BATCH)
    sign(treaties, "NGA", Instrument.CONVENTION, ActionKind.RATIFICATION, date(2001, 6, 28), SECOND_BATCH)

    outreach = Outreach(settings.store_env("Outreach"))
    outreach.record_meeting(
        MeetingDetails(
            title=SADC_SEMINAR,
            kind=MeetingKind.SUBREGIONAL_SEMINAR,
            place="Pretoria",
            start=date(2002, 2, 5),
            end=date(2002, 2, 7),
            participants=("ZAF", "NAM", "BWA"),
        ),
        actor="clerk",
        source=None,
    )
    outreach.record_meeting(
        MeetingDetails(
            title="Meeting of experts of the Association of South-East Asian Nations",
            kind=MeetingKind.HIGH_LEVEL_EXPERT_MEETING,
            place="Hanoi",
            start=date(2001, 8, 8),
            end=date(2001, 8, 10),
            participants=("VNM", "THA"),
        ),
        actor="clerk",
        source=None,
    )
    for state, kind, day, title in (
        (
            "HRV",
            CooperationKind.SEMINAR,
            date(2002, 1, 20),
            "Seminar on fighting organized crime and corruption",
        ),
        ("MCO", CooperationKind.WORKSHOP, date(2002, 2, 10), "Workshop on the Convention"),
    ):
        outreach.record_cooperation(
            state=state, kind=kind, title=title, effective_date=day, actor="clerk", source=None
        )

    engagements = Engagements(settings.store_env("Engagements"))
    engagements.handle(
        OpenEngagement(state="BLR", instruments=(Instrument.CONVENTION,), effective_date=date(2001, 11, 1))
    )
    engagements.handle(
        RecordLawSummary(state="BLR", effective_date=date(2002, 1, 15), document="Criminal code")
    )
    engagements.handle(
        NameFocalPoint(
            state="BLR",
            effective_date=date(2002, 1, 15),
            focal_point=FocalPoint(name="A. Ivanova", office="Justice"),
        )
    )
    engagements.handle(
        DrawUpGapList(
            state="BLR",
            effective_date=date(2002, 2, 1),
            items=(GapItem(checklist_item="convention.art5"), GapItem(checklist_item="convention.art16")),
        )
    )
    engagements.handle(
        OpenEngagement(state="BOL", instruments=(Instrument.SMUGGLING,), effective_date=date(2001, 12, 1))
    )
    return home


def figures_json(home: Path, *extra: str) -> Figures:
    result = run(home, "report", "figures", "--as-of", AS_OF, "--json", *extra)
    assert result.exit_code == 0, result.output
    return Figures.model_validate_json(result.stdout)


def linked(html: str) -> dict[str, set[str]]:
    """Each figure anchor and the values shown in links to it (outside the charts)."""
    text = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    found: dict[str, set[str]] = {}
    pattern = r'<a class="figure" href="report-2002-03-04-sources\.html#([^"]+)">([^<]*)</a>'
    for target, value in re.findall(pattern, text):
        found.setdefault(target, set()).add(value)
    return found


def lineage_rows(html: str, figure: str) -> list[list[str]]:
    """The cells of the event table in the figure's section of the sources file."""
    section = html.split(f'<section id="{anchor(figure)}">', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1] if "<tbody>" in section else ""
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]


def test_render_writes_markdown_html_and_charts_whose_numbers_are_the_figures(
    home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    md_and_html = ("--format", "md", "--format", "html")
    rendered = run(home, "report", "render", "--as-of", AS_OF, *md_and_html, "--out", str(out))
    assert rendered.exit_code == 0, rendered.output

    printed = {Path(line) for line in rendered.stdout.splitlines() if line.strip()}
    assert printed == {
        out / "report-2002-03-04.md",
        out / "report-2002-03-04.html",
        out / "report-2002-03-04-sources.md",
        out / "report-2002-03-04-sources.html",
        out / "report-2002-03-04-signature-and-ratification.svg",
        out / "report-2002-03-04-engagements-by-stage.svg",
    }
    assert all(path.is_file() for path in printed)
    expected = figures_json(home)
    assert (expected.instruments["convention"].signatories, expected.instruments["convention"].parties) == (
        3,
        1,
    )
    assert (expected.meetings_held, expected.states_reached, expected.cooperation_activities) == (1, 3, 2)
    assert (expected.requests_received, expected.common_needs) == (
        2,
        {"convention.art16": 1, "convention.art5": 1},
    )

    html = (out / "report-2002-03-04.html").read_text()
    markdown = (out / "report-2002-03-04.md").read_text()
    shown = linked(html)
    for name, value in figure_values(expected).items():
        if name.startswith("questionnaires.") and not value:
            continue  # a questionnaire not sent by the report's date is not mentioned
        assert shown.get(anchor(name)) == {str(value)}, name
        assert f"[{value}](report-2002-03-04-sources.md#{anchor(name)})" in markdown, name
    # Details come from the Outreach application and the participant directory; 2001's meeting is not 2002's.
    assert SADC_SEMINAR in html
    assert "Pretoria" in html
    assert "Botswana, Namibia, South Africa" in html
    assert "Hanoi" not in markdown.split("## Where the figures come from")[0]
    assert "Seminar on fighting organized crime and corruption" in html
    asked = (
        "[2](report-2002-03-04-sources.md#lineage-requests_received) requests from "
        "[2](report-2002-03-04-sources.md#lineage-requesting_states) States"
    )
    assert f"{asked}: Belarus, Bolivia" in markdown


def test_each_figure_in_the_html_lists_the_events_that_explain_lists(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run(home, "report", "render", "--as-of", AS_OF, "--out", str(out)).exit_code == 0
    html = (out / "report-2002-03-04-sources.html").read_text()
    for figure in (
        "convention.signatories",
        "requests_received",
        "common_needs.convention.art16",
        "states_reached",
    ):
        explained = run(home, "report", "explain", figure, "--as-of", AS_OF, "--json")
        assert explained.exit_code == 0, explained.output
        events = json.loads(explained.stdout)
        assert events, figure
        listed = lineage_rows(html, figure)
        assert [(row[0], row[5], row[6]) for row in listed] == [
            (e["subject"], e["application"], str(e["position"])) for e in events
        ], figure


def test_render_writes_under_palermo_home_by_default(home: Path) -> None:
    rendered = run(home, "report", "render", "--as-of", AS_OF)
    assert rendered.exit_code == 0, rendered.output
    folder = home.resolve() / "reports"
    # Every format by default: the PDF too, since the machine has Chromium (the browser tests need it).
    assert sorted(p.name for p in folder.iterdir()) == [
        "report-2002-03-04-engagements-by-stage.svg",
        "report-2002-03-04-signature-and-ratification.svg",
        "report-2002-03-04-sources.html",
        "report-2002-03-04-sources.md",
        "report-2002-03-04-table-1-signatories-parties-and-entry-into-force-as-of-4-march-2002.csv",
        "report-2002-03-04-table-2-by-united-nations-regional-group-as-of-4-march-2002.csv",
        "report-2002-03-04-table-3-seminars-and-meetings-in-2002.csv",
        "report-2002-03-04-table-4-technical-cooperation-activities-in-2002.csv",
        "report-2002-03-04-table-5-engagements-by-stage-the-next-step-due-or-the-end-reached.csv",
        "report-2002-03-04-table-6-common-needs-by-checklist-item.csv",
        "report-2002-03-04-tables.xlsx",
        "report-2002-03-04.docx",
        "report-2002-03-04.html",
        "report-2002-03-04.md",
        "report-2002-03-04.pdf",
    ]


def test_a_report_as_known_at_an_earlier_time_shows_the_figures_known_then(
    home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "then"
    rendered = run(home, "report", "render", "--as-of", AS_OF, "--known-at", BETWEEN, "--out", str(out))
    assert rendered.exit_code == 0, rendered.output
    then = figures_json(home, "--known-at", BETWEEN)
    assert (then.instruments["convention"].signatories, then.instruments["convention"].parties) == (2, 0)
    html = (out / "report-2002-03-04.html").read_text()
    shown = linked(html)
    for name, value in figure_values(then).items():
        if name.startswith("questionnaires.") and not value:
            continue  # a questionnaire not sent by the report's date is not mentioned
        assert shown.get(anchor(name)) == {str(value)}, name
    assert "as known at 2002-02-01T00:00+00:00" in html
    sources = (out / "report-2002-03-04-sources.html").read_text()
    assert "as known at 2002-02-01T00:00+00:00" in sources
    assert "--known-at 2002-02-01T00:00:00+00:00" in sources


def test_a_bad_date_is_refused_in_one_sentence_and_nothing_is_written(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    rendered = run(home, "report", "render", "--as-of", "2002-13-01", "--out", str(out))
    assert rendered.exit_code == 1
    assert "--as-of must be a date like 2002-03-04, not '2002-13-01'." in rendered.stderr
    assert not out.exists()
