"""Resolutions, the report's heading and editorial notes: recorded once, corrected by a new event, written and
withdrawn by a person, each refusal one sentence that records nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from activities.mandates import Mandates
from activities.outreach import Outreach
from activities.resources import Resources
from cli.app import app
from domain.editorial import NoteNotWritten, NotePlace, NoteText
from domain.experts import ExpertDetails, PoolGroup
from domain.facts import Told
from domain.funds import Earmark, Pledge
from domain.outreach import MeetingKind
from domain.regions import Region
from domain.treaty import ADOPTIONS
from domain.values import Door
from usecases.reports import framing
from usecases.seed_mandate import DOCKET, seed_mandate
from usecases.settings import Settings

WRITTEN = Told(effective_date=date(2002, 3, 1), actor="editor", source=None, door=Door.CLI)


@pytest.fixture
def mandates(tmp_path: Path) -> Mandates:
    return Mandates(Outreach(Settings(home=tmp_path / "home").store_env("Outreach")))


def run(home: Path, *args: str) -> Result:
    env = {"PALERMO_HOME": str(home), "PALERMO_STORE": "sqlite", "PALERMO_ACTOR": "editor"}
    return CliRunner().invoke(app, list(args), env=env)


def test_the_seed_records_the_mandate_the_heading_and_the_signing_conference_once(mandates: Mandates) -> None:
    first = seed_mandate(mandates)
    again = seed_mandate(mandates)

    assert (first, again) == (5, 0)
    resolutions = {r.details.number: r.details for r in mandates.resolutions()}
    assert list(resolutions) == ["55/25", "55/255", "56/120"]
    for instrument, adoption in ADOPTIONS.items():
        assert instrument in resolutions[adoption.resolution].adopts
        assert resolutions[adoption.resolution].adopted == adoption.day
    assert resolutions["55/25"].annexes == ("I", "II", "III")
    assert (resolutions["56/120"].report_to, resolutions["56/120"].report_session) == (DOCKET.commission, 11)
    assert [d.details for d in mandates.dockets()] == [DOCKET]
    palermo = mandates.outreach.meeting_at("Palermo", date(2000, 12, 12))
    assert palermo is not None
    assert palermo.details.kind is MeetingKind.SIGNING_CONFERENCE


def test_the_heading_stands_for_the_report_prepared_until_its_session_opens(mandates: Mandates) -> None:
    seed_mandate(mandates)

    assert mandates.docket_for(date(2002, 3, 3)) is None
    found = mandates.docket_for(date(2002, 3, 20))
    assert found is not None
    assert found.details.report_date == date(2002, 3, 4)
    assert mandates.docket_for(date(2002, 4, 16)) is None
    assert [r.details.number for r in mandates.resolutions(date(2001, 6, 1))] == ["55/25", "55/255"]


def test_a_resolution_recorded_again_with_other_details_is_corrected_and_with_the_same_is_not(
    mandates: Mandates,
) -> None:
    seed_mandate(mandates)
    standing = next(r for r in mandates.resolutions() if r.details.number == "56/120")

    same = mandates.record_resolution(standing.details, actor="editor", source=None)
    changed = standing.details.model_copy(update={"provisions": ("welcomed the signing",)})
    corrected = mandates.record_resolution(changed, actor="editor", source="A/RES/56/120")

    assert same.version == standing.version
    assert corrected.version == standing.version + 1
    assert (corrected.details.provisions, corrected.actor) == (("welcomed the signing",), "editor")


def test_a_note_is_written_revised_and_withdrawn_and_the_same_text_records_nothing(
    mandates: Mandates,
) -> None:
    note = NoteText(report=date(2002, 3, 4), place=NotePlace.CONCLUSIONS, text="Thanks to the donors.")

    first = mandates.write_note(note, **WRITTEN)
    same = mandates.write_note(note, **WRITTEN)
    revised = mandates.write_note(note.model_copy(update={"text": "Thanks to every donor."}), **WRITTEN)
    withdrawn = mandates.withdraw_note(note.report, note.place, **WRITTEN)

    assert (first.version, same.version, revised.version, withdrawn.version) == (1, 1, 2, 3)
    assert revised.text == "Thanks to every donor."
    assert withdrawn.text is None
    with pytest.raises(NoteNotWritten, match="withdrawn already"):
        mandates.withdraw_note(note.report, note.place, **WRITTEN)
    assert mandates.notes(date(2002, 3, 5)) == []


def test_the_command_line_writes_a_note_and_refuses_a_bad_one_in_one_sentence(tmp_path: Path) -> None:
    home = tmp_path / "home"
    text = "Submitted late: the plans for 2002 had to be final first."
    written = run(home, "note", "write", text, "--report", "2002-03-04", "--place", "heading")
    nowhere = run(home, "note", "write", "x", "--report", "2002-03-04", "--place", "appendix")
    blank = run(home, "note", "write", " ", "--report", "2002-03-04", "--place", "conclusions")
    never = run(home, "note", "withdraw", "--report", "2002-03-04", "--place", "meetings")
    listed = run(home, "note", "list", "--json")

    assert written.exit_code == 0, written.output
    assert "The heading note of the report of 2002-03-04 stands (version 1)." in written.stdout
    assert nowhere.exit_code == 1
    assert "--place must be one of heading, introduction" in nowhere.stderr
    assert blank.exit_code == 1
    assert "text:" in blank.stderr
    assert never.exit_code == 1
    assert "No meetings note is written for the report of 2002-03-04." in never.stderr
    assert listed.stdout.count('"place"') == 1
    assert text in listed.stdout


def test_the_command_line_records_a_heading_and_refuses_one_dated_after_its_session_opens(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    heading = [
        "mandate", "docket", "--report-date", "2003-03-10", "--organ", "Economic and Social Council",
        "--commission", "Commission on Crime Prevention and Criminal Justice", "--session", "12",
        "--session-place", "Vienna", "--session-start", "2003-05-13", "--session-end", "2003-05-22",
        "--agenda-item", "4", "--agenda-title", "International cooperation", "--distribution", "General",
        "--original", "English",
    ]  # fmt: skip
    recorded = run(home, *heading)
    late = run(home, *heading[:3], "2003-05-13", *heading[4:])
    listed = run(home, "mandate", "list", "--json")

    assert recorded.exit_code == 0, recorded.output
    assert "The heading of the report of 2003-03-10 stands (version 1)." in recorded.stdout
    assert late.exit_code == 1
    assert "must be dated before the session it goes to opens" in late.stderr
    assert listed.stdout.count('"report_date"') == 1


def test_the_report_names_the_groups_experts_had_joined_and_the_donors_who_had_pledged_by_its_date(
    tmp_path: Path,
) -> None:
    settings = Settings(home=tmp_path / "home")
    resources = Resources(settings.store_env("Resources"))
    joined, pledged = date(2001, 10, 1), date(2001, 11, 1)
    expert = ExpertDetails(
        name="A. Expert", region=Region.EUROPE, languages=("French",), groups=(PoolGroup.FIREARMS,)
    )
    resources.register_expert(expert, effective_date=joined, actor="m", source=None)
    pledge = Pledge(reference="ITA-2001-1", donor="Italy", amount=Decimal(20000), earmark=Earmark())
    resources.pledge(pledge, effective_date=pledged, actor="m", source=None)
    resources.close()

    before, after = framing(settings, date(2001, 9, 30)), framing(settings, date(2002, 3, 4))

    assert (before.pool_groups, before.donors) == ((), ())
    assert after.pool_groups == (PoolGroup.PROTOCOLS, PoolGroup.FIREARMS)
    assert after.donors == ("Italy",)
