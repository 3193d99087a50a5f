"""`report figures --json` and `treaty show` give entry into force from the Collection's four tables.

The expected answers are counted here from the tables with `csv` alone, independently of the code under test.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app

COLLECTION = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "untc"
TABLES = {
    "convention": "18-12.csv",
    "trafficking": "18-12-a.csv",
    "smuggling": "18-12-b.csv",
    "firearms": "18-12-c.csv",
}
ORGANIZATION = "European Union"

pytestmark = pytest.mark.skipif(
    not (COLLECTION / "18-12.csv").is_file(), reason=f"no Collection tables at {COLLECTION}"
)


def _consents() -> dict[str, dict[str, date]]:
    found: dict[str, dict[str, date]] = {}
    for instrument, table in TABLES.items():
        with (COLLECTION / table).open(encoding="utf-8") as lines:
            rows = list(csv.reader(lines))[1:]
        found[instrument] = {
            name: datetime.strptime(" ".join(cell.split()[:3]), "%d %b %Y").date()
            for name, _, cell in rows
            if cell.strip()
        }
    return found


def _expected(as_of: date) -> dict[str, tuple[str | None, int, int]]:
    """(entry into force, instruments still needed, parties bound) per instrument, counted by hand."""
    consents = _consents()
    answers: dict[str, tuple[str | None, int, int]] = {}
    convention_day: date | None = None
    for instrument, deposits in consents.items():
        states = sorted(day for name, day in deposits.items() if name != ORGANIZATION and day <= as_of)
        full = sorted(day for name, day in deposits.items() if name != ORGANIZATION)
        day = full[39] + timedelta(days=90)
        if instrument == "convention":
            convention_day = day
        assert convention_day is not None
        day = max(day, convention_day)
        bound = 0
        for name, deposit in deposits.items():
            own = max(day, deposit + timedelta(days=30))
            if instrument != "convention":
                own = max(own, consents["convention"][name] + timedelta(days=30), convention_day)
            bound += own <= as_of
        answers[instrument] = (
            day.isoformat() if day <= as_of else None,
            max(0, 40 - len(states)),
            bound,
        )
    return answers


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PALERMO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PALERMO_ACTOR", "registry")
    runner = CliRunner()
    assert runner.invoke(app, ["seed", "--untc", str(COLLECTION)]).exit_code == 0
    return runner


def _figures(runner: CliRunner, as_of: str) -> dict[str, tuple[str | None, int, int]]:
    result = runner.invoke(app, ["report", "figures", "--as-of", as_of, "--json"])
    assert result.exit_code == 0, result.output
    return {
        name: (numbers["entry_into_force"], numbers["to_entry_into_force"], numbers["in_force_for"])
        for name, numbers in json.loads(result.stdout)["instruments"].items()
    }


def test_entry_into_force_as_of_several_dates_agrees_with_a_count_of_the_tables(seeded: CliRunner) -> None:
    dates = ("2002-03-04", "2003-06-30", "2003-09-28", "2003-09-29", "2003-12-25", "2005-07-03", "2014-06-30")
    for as_of in dates:
        assert _figures(seeded, as_of) == _expected(date.fromisoformat(as_of)), as_of


def test_the_issues_figures_come_out_of_the_tables(seeded: CliRunner) -> None:
    assert [n for _, n, _ in _figures(seeded, "2002-03-04").values()] == [32, 34, 34, 40]
    later = _figures(seeded, "2005-07-03")
    assert [d for d, _, _ in later.values()] == ["2003-09-29", "2003-12-25", "2004-01-28", "2005-07-03"]


def test_treaty_show_gives_a_states_day_of_entry_into_force_per_instrument(seeded: CliRunner) -> None:
    shown = seeded.invoke(app, ["treaty", "show", "PER", "--json"])
    assert shown.exit_code == 0, shown.output
    actions = json.loads(shown.stdout)
    days = {a["instrument"]: a["entry_into_force"] for a in actions if a["kind"] != "signature"}
    signatures = [a["entry_into_force"] for a in actions if a["kind"] == "signature"]

    # Peru deposited on the Convention and the first two Protocols on 23 January 2002, before the fortieth
    # instrument of each, and acceded to the Firearms Protocol on 23 September 2003, before its fortieth.
    assert days == {
        "convention": "2003-09-29",
        "trafficking": "2003-12-25",
        "smuggling": "2004-01-28",
        "firearms": "2005-07-03",
    }
    assert signatures == [None, None, None]
    table = seeded.invoke(app, ["treaty", "show", "PER"])
    assert "2003-09-29" in table.stdout
    assert "in force" in table.stdout
