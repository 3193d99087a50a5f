"""`palermo treaty import` and `palermo treaty show` on a SQLite store under PALERMO_HOME (no Temporal)."""

from __future__ import annotations

import csv
import json
import re
import time
from pathlib import Path
from typing import cast

import pytest
import typer
from typer.testing import CliRunner, Result

from activities.participants import directory
from activities.treaties import Treaties
from cli import app as cli
from cli import treaty as treaty_cli
from domain.facts import Fact
from usecases.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "untc"
CONVENTION_ACTIONS = 19


def palermo() -> typer.Typer:
    """The `palermo` command with its global options and the treaty group, composed as deploy/cli.py does."""
    root = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)
    root.callback()(cli.configure)
    root.add_typer(treaty_cli.app, name="treaty")
    return root


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def run(home: Path, *args: str, terminal: bool = False, env: dict[str, str] | None = None) -> Result:
    env = {"PALERMO_HOME": str(home), "PALERMO_STORE": "sqlite", "PALERMO_ACTOR": "clerk"} | (env or {})
    if terminal:
        # Rich then writes as to a terminal: colours, and live displays such as progress bars.
        env |= {"TTY_COMPATIBLE": "1", "TERM": "xterm-256color"}
    return CliRunner().invoke(palermo(), list(args), env=env)


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def stored(home: Path) -> Treaties:
    return Treaties(Settings(home=home).store_env("Treaties"))


def test_an_import_reports_what_it_recorded_and_a_second_records_nothing(home: Path) -> None:
    table = str(FIXTURES / "convention.csv")

    first = run(home, "treaty", "import", table, "--instrument", "convention", "--json")
    second = run(home, "treaty", "import", table, "--instrument", "convention")

    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert (summary["recorded"], summary["corrected"], summary["unchanged"]) == (CONVENTION_ACTIONS, 0, 0)
    assert summary["instrument"] == "convention"
    assert second.exit_code == 0, second.output
    assert second.stdout == (
        f"convention: 0 recorded, 0 corrected, {CONVENTION_ACTIONS} unchanged (11 rows of convention.csv).\n"
    )
    app = stored(home)
    assert app.recorder.max_notification_id() == CONVENTION_ACTIONS
    events = app.recorder.select_notifications(start=None, limit=100)
    facts = [cast(Fact, app.mapper.to_domain_event(n)) for n in events]
    assert {(f.actor, f.door) for f in facts} == {("clerk", "cli")}
    assert {f.source for f in facts} == {"UN Treaty Collection status table convention.csv"}


def test_a_corrected_table_is_reported_as_one_correction(home: Path) -> None:
    run(home, "treaty", "import", str(FIXTURES / "convention.csv"), "--instrument", "convention")

    result = run(
        home,
        "treaty",
        "import",
        str(FIXTURES / "convention_corrected.csv"),
        "--instrument",
        "convention",
        "--source",
        "UNTC status as at 1 July 2002",
        "--json",
    )

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["recorded"], summary["corrected"], summary["unchanged"]) == (0, 1, CONVENTION_ACTIONS - 1)
    shown = json.loads(run(home, "treaty", "show", "VEN", "--json").stdout)
    assert [(a["kind"], a["effective_date"], a["version"]) for a in shown] == [
        ("signature", "2000-12-14", 1),
        ("ratification", "2002-06-13", 2),
    ]


def test_a_bad_table_is_refused_row_by_row_on_stderr_and_records_nothing(home: Path) -> None:
    result = run(home, "treaty", "import", str(FIXTURES / "bad.csv"), "--instrument", "trafficking")

    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 11
    assert lines[0] == "Error: row 3 (Narnia): unknown participant."
    assert lines[1] == "Error: row 4 (France): bad date '31 Feb 2001'."
    assert lines[9] == "Error: row 12 (Argentina): ARG is listed twice (first on row 2)."
    assert lines[10] == "Error: bad.csv was refused; nothing was recorded."
    assert all(line.startswith("Error: ") and line.endswith(".") for line in lines)
    assert stored(home).recorder.max_notification_id() is None


def test_a_missing_file_is_refused_in_one_sentence(home: Path, tmp_path: Path) -> None:
    missing = tmp_path / "18-12.csv"

    result = run(home, "treaty", "import", str(missing), "--instrument", "convention")

    assert result.exit_code == 1
    assert result.stderr.strip().split("\n") == [
        f"Error: {missing} cannot be read (No such file or directory).",
        "Error: 18-12.csv was refused; nothing was recorded.",
    ]


HEADER = 'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n'


def test_a_table_over_the_size_limit_is_refused_at_once_in_one_sentence_and_records_nothing(
    home: Path, tmp_path: Path
) -> None:
    big = tmp_path / "big.csv"
    big.write_text(HEADER + "Chile,13 Dec 2000,\n" * 200_000, encoding="utf-8")
    size = big.stat().st_size
    limit = {"PALERMO_TREATY_MAX_BYTES": "1048576"}

    started = time.monotonic()
    result = run(home, "treaty", "import", str(big), "--instrument", "convention", env=limit)
    elapsed = time.monotonic() - started

    assert result.exit_code == 1
    assert result.stderr.strip().split("\n") == [
        f"Error: big.csv is {size:,} bytes, more than the 1,048,576 a treaty table may have "
        "(PALERMO_TREATY_MAX_BYTES).",
        "Error: big.csv was refused; nothing was recorded.",
    ]
    # Loose on purpose: other tests share this machine; the refusal reads nothing but the file's size.
    assert elapsed < 5
    assert stored(home).recorder.max_notification_id() is None


def test_an_over_long_field_is_refused_naming_its_row_without_a_traceback(home: Path, tmp_path: Path) -> None:
    table = tmp_path / "18-12.csv"
    huge = "9" * 200_000
    table.write_text(f"{HEADER}Chile,13 Dec 2000,\nPeru,14 Dec 2000,{huge}\n", encoding="utf-8")

    result = run(home, "treaty", "import", str(table), "--instrument", "convention")

    assert result.exit_code == 1
    assert result.stderr.strip().split("\n") == [
        "Error: row 3: a line longer than 1,000 characters, which no row of a status table is; the rest was "
        "not read.",
        "Error: 18-12.csv was refused; nothing was recorded.",
    ]
    assert stored(home).recorder.max_notification_id() is None


def test_a_date_after_today_is_refused_row_by_row_like_a_bad_row(home: Path, tmp_path: Path) -> None:
    table = tmp_path / "18-12.csv"
    table.write_text(f"{HEADER}Chile,13 Dec 2000,\nPeru,14 Dec 2000,1 Jan 2999\n", encoding="utf-8")

    result = run(home, "treaty", "import", str(table), "--instrument", "convention")

    assert result.exit_code == 1
    assert result.stderr.strip().split("\n") == [
        "Error: row 3 (Peru): ratification dated 2999-01-01 is later than today.",
        "Error: 18-12.csv was refused; nothing was recorded.",
    ]
    assert stored(home).recorder.max_notification_id() is None


def test_a_signature_dated_before_the_instrument_was_adopted_is_refused_naming_its_row(
    home: Path, tmp_path: Path
) -> None:
    table = tmp_path / "18-12-c.csv"
    table.write_text(f"{HEADER}Chile,13 Dec 2001,\nPeru,14 Oct 1066,\n", encoding="utf-8")

    result = run(home, "treaty", "import", str(table), "--instrument", "firearms")

    assert result.exit_code == 1
    assert result.stderr.strip().split("\n") == [
        "Error: row 3 (Peru): signature dated 1066-10-14 is before 31 May 2001, when General Assembly "
        "resolution 55/255 adopted the instrument.",
        "Error: 18-12-c.csv was refused; nothing was recorded.",
    ]
    assert stored(home).recorder.max_notification_id() is None


def test_an_unknown_instrument_is_refused_before_reading(home: Path) -> None:
    result = run(home, "treaty", "import", str(FIXTURES / "convention.csv"), "--instrument", "palermo")

    assert result.exit_code == 2
    assert "convention" in result.stderr
    assert not (home / "treaties.sqlite").exists()


def test_a_long_table_shows_its_progress_on_a_terminal_and_a_short_one_does_not(
    home: Path, tmp_path: Path
) -> None:
    current = [p for p in directory().all() if p.kind == "state" and not p.historic]
    states = current[: treaty_cli.LONG_TABLE + 10]
    long_table = tmp_path / "18-12-c.csv"
    heading = "Approval(AA), Acceptance(A), Accession(a), Succession(d), Ratification"
    with long_table.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Participant", "Signature", heading])
        # Signed after 31 May 2001, when the Firearms Protocol was adopted.
        writer.writerows([p.name, "12 Dec 2001", "3 Mar 2003 a"] for p in states)
    firearms = str(FIXTURES / "firearms.csv")

    long = run(home, "treaty", "import", str(long_table), "--instrument", "firearms", terminal=True)
    short = run(home, "treaty", "import", firearms, "--instrument", "firearms", terminal=True)

    assert long.exit_code == 0, long.output
    shown = plain(long.stdout)
    assert "Comparing 18-12-c.csv" in shown
    assert f"{len(states)}/{len(states)}" in shown
    n = len(states)
    assert shown.rstrip().endswith(
        f"firearms: {2 * n} recorded, 0 corrected, 0 unchanged ({n} rows of 18-12-c.csv)."
    )
    assert short.exit_code == 0, short.output
    assert "Comparing" not in plain(short.stdout)
    in_store = {a.participant for a in stored(home).actions()}
    assert in_store == {p.code for p in states} | {"ALB", "EUU", "FIN", "MNE"}


def test_show_lists_a_participant_s_actions_instrument_by_instrument(home: Path) -> None:
    run(home, "treaty", "import", str(FIXTURES / "convention.csv"), "--instrument", "convention")
    run(home, "treaty", "import", str(FIXTURES / "firearms.csv"), "--instrument", "firearms")

    shown = run(home, "treaty", "show", "euu")
    as_json = run(home, "treaty", "show", "EUU", "--json")

    assert shown.exit_code == 0, shown.output
    assert "European Union (EUU)" in shown.stdout
    convention_line = next(line for line in shown.stdout.split("\n") if "convention" in line)
    assert "2000-12-12" in convention_line
    assert "approval 2004-05-21" in convention_line
    assert "firearms" in shown.stdout
    assert "trafficking" not in shown.stdout
    assert [(a["instrument"], a["kind"], a["effective_date"]) for a in json.loads(as_json.stdout)] == [
        ("convention", "signature", "2000-12-12"),
        ("convention", "approval", "2004-05-21"),
        ("firearms", "signature", "2002-01-16"),
        ("firearms", "approval", "2014-03-21"),
    ]


def test_show_of_a_participant_without_actions_says_so(home: Path) -> None:
    result = run(home, "treaty", "show", "FRA")
    as_json = run(home, "treaty", "show", "FRA", "--json")

    assert result.exit_code == 0
    assert result.stdout.strip() == "FRA has no treaty actions recorded."
    assert json.loads(as_json.stdout) == []


def test_show_of_an_unknown_code_is_refused_in_one_sentence(home: Path) -> None:
    result = run(home, "treaty", "show", "XYZ")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 'XYZ' is not an ISO 3166 alpha-3 code")
    assert result.stdout == ""
