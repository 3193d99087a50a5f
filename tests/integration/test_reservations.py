"""A table's reservations, declarations and objections are stored once as events with State and article,
shown by `treaty show` and `treaty statements`, counted per article, and named in the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.app import app

HEADER = (
    'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)",'
    "Declarations and Reservations\n"
)
ALGERIA = "Reservation: Algeria does not consider itself bound by article 35, paragraph 2."
# Written for this test in the Collection's manner; the Collection's 2014 tables carry no such column.
TABLE = (
    HEADER
    + f'Algeria,12 Dec 2000,7 Oct 2002,"{ALGERIA}"\n'
    + 'Azerbaijan,12 Dec 2000,30 Oct 2003,"Reservation: Azerbaijan is not bound by article 35, paragraph 2.'
    + '\n\nDeclaration: Under article 16, paragraph 5, the Convention is the legal basis for extradition."\n'
    + "Peru,14 Dec 2000,23 Jan 2002,\n"
)


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PALERMO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PALERMO_ACTOR", "registry")
    table = tmp_path / "convention.csv"
    table.write_text(TABLE, encoding="utf-8")
    summary = json.loads(run("treaty", "import", str(table), "--instrument", "convention", "--json").stdout)
    assert summary["statements"] == 3
    return table


def test_a_table_imported_again_records_no_statement_twice(imported: Path) -> None:
    again = json.loads(run("treaty", "import", str(imported), "--instrument", "convention", "--json").stdout)

    assert (again["recorded"], again["statements"]) == (0, 0)


def test_statements_are_shown_with_their_state_and_article(imported: Path) -> None:
    listed = json.loads(run("treaty", "statements", "AZE", "--json").stdout)
    shown = run("treaty", "show", "DZA").stdout

    assert [(s["participant"], s["kind"], s["article"], s["effective_date"]) for s in listed] == [
        ("AZE", "reservation", "35", "2003-10-30"),
        ("AZE", "declaration", "16", "2003-10-30"),
    ]
    assert "Reservations, declarations and objections" in shown
    assert "reservation" in shown
    assert json.loads(run("treaty", "statements", "PER", "--json").stdout) == []


def test_statements_are_counted_per_article_as_of_their_date(imported: Path) -> None:
    def counted(as_of: str) -> dict[str, int]:
        figures: dict[str, int] = json.loads(run("report", "figures", "--as-of", as_of, "--json").stdout)[
            "statements"
        ]
        return figures

    assert counted("2002-12-31") == {"convention.art35.reservation": 1}
    assert counted("2004-01-01") == {
        "convention.art16.declaration": 1,
        "convention.art35.reservation": 2,
    }
    explained = run("report", "explain", "statements.convention.art35.reservation", "--as-of", "2004-01-01")
    assert "DZA" in explained.stdout
    assert "AZE" in explained.stdout


def test_the_report_counts_statements_per_article(imported: Path, tmp_path: Path) -> None:
    run("report", "render", "--as-of", "2004-01-01", "--out", str(tmp_path / "out"))
    text = (tmp_path / "out" / "report-2004-01-01.md").read_text(encoding="utf-8")

    assert (
        "| Convention | article 35 | Reservation "
        "| [2](report-2004-01-01-sources.md#lineage-statements.convention.art35.reservation) |" in text
    )
