"""Yugoslavia's engagement follows the State from a 2001 request, as Serbia and Montenegro, to a 2006 treaty
action of Serbia; the history names the State as it was named when each event happened."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from activities.engagements import Engagements
from cli.app import app
from domain.commands import NameFocalPoint, OpenEngagement, RecordLawSummary
from domain.values import FocalPoint, Instrument
from usecases.settings import Settings

TABLE = 'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n'


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("PALERMO_HOME", str(home))
    monkeypatch.setenv("PALERMO_ACTOR", "registry")
    engagements = Engagements(Settings(home=home).store_env("Engagements"))
    engagements.handle(
        OpenEngagement(state="YUG", instruments=(Instrument.FIREARMS,), effective_date=date(2001, 10, 1))
    )
    # In 2004 the State is Serbia and Montenegro: the command names it so, and reaches the same engagement.
    engagements.handle(
        RecordLawSummary(
            state=engagements.engaged_code("SCG"), effective_date=date(2004, 3, 1), document="CC"
        )
    )
    engagements.handle(
        NameFocalPoint(
            state=engagements.engaged_code("SRB"),
            effective_date=date(2006, 7, 1),
            focal_point=FocalPoint(name="M. Petrović", office="Ministry of Justice"),
        )
    )
    table = tmp_path / "firearms.csv"
    # Written for this test: Serbia's accession to the Firearms Protocol dated in 2006.
    table.write_text(TABLE + "Serbia,,14 Jul 2006 a\nMontenegro,,23 Oct 2006 d\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["treaty", "import", str(table), "--instrument", "firearms"])
    assert result.exit_code == 0, result.output
    return home


def test_the_engagement_is_found_under_every_name_of_the_state(home: Path) -> None:
    runner = CliRunner()
    for code in ("YUG", "SCG", "SRB", "Serbia", "Yugoslavia"):
        shown = runner.invoke(app, ["case", "show", code, "--json"])
        assert shown.exit_code == 0, (code, shown.output)
        case = json.loads(shown.stdout)
        assert case["state"] == "YUG"
        assert case["focal_point"]["name"] == "M. Petrović"
    assert runner.invoke(app, ["case", "show", "MNE", "--json"]).exit_code != 0


def test_the_history_names_the_state_as_it_was_named_on_each_events_date(home: Path) -> None:
    shown = CliRunner().invoke(app, ["case", "history", "SRB", "--json"])

    assert shown.exit_code == 0, shown.output
    assert [(e["effective_date"], e["state_name"]) for e in json.loads(shown.stdout)] == [
        ("2001-10-01", "Yugoslavia"),
        ("2004-03-01", "Serbia and Montenegro"),
        ("2006-07-01", "Serbia"),
    ]


def test_the_states_2006_treaty_action_is_shown_under_its_former_name_too(home: Path) -> None:
    runner = CliRunner()
    actions = json.loads(runner.invoke(app, ["treaty", "show", "YUG", "--json"]).stdout)

    assert [(a["participant"], a["kind"], a["effective_date"]) for a in actions] == [
        ("SRB", "accession", "2006-07-14")
    ]
    montenegro = json.loads(runner.invoke(app, ["treaty", "show", "MNE", "--json"]).stdout)
    assert [(a["participant"], a["kind"]) for a in montenegro] == [("MNE", "succession")]


def test_the_figures_count_the_state_once_under_the_name_of_their_date(home: Path) -> None:
    runner = CliRunner()
    figures = json.loads(runner.invoke(app, ["report", "figures", "--as-of", "2006-12-31", "--json"]).stdout)
    eastern = figures["regional_groups"]["eastern_european"]

    assert figures["requests_received"] == 1
    assert (eastern["requests_received"], eastern["firearms.parties"]) == (1, 2)
    out = home / "reports"
    assert runner.invoke(app, ["report", "render", "--as-of", "2006-12-31", "--out", str(out)]).exit_code == 0
    text = (out / "report-2006-12-31.md").read_text(encoding="utf-8")
    sources = "report-2006-12-31-sources.md"
    asked = (
        f"[1]({sources}#lineage-requests_received) request from "
        f"[1]({sources}#lineage-requesting_states) State"
    )
    assert f"{asked}: Serbia." in text
    assert "Yugoslavia" not in text.split("## Where the figures come from")[0]
