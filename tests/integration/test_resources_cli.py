"""`palermo expert`, `palermo fund` and `palermo legislation` on SQLite stores (no Temporal)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from activities.legislation import Legislation
from activities.resources import Resources
from cli.app import app
from usecases.settings import Settings


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def run(home: Path, *args: str) -> Result:
    env = {"PALERMO_HOME": str(home), "PALERMO_STORE": "sqlite", "PALERMO_ACTOR": "a.manager"}
    return CliRunner().invoke(app, list(args), env=env)


def ok(home: Path, *args: str) -> str:
    result = run(home, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def refused(home: Path, *args: str) -> str:
    result = run(home, *args)
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    return " ".join(result.stderr.split())


def stored_events(home: Path, name: str) -> int:
    store = (Resources if name == "Resources" else Legislation)(Settings(home=home).store_env(name))
    try:
        return store.recorder.max_notification_id() or 0
    finally:
        store.close()


EXPERT = ("expert", "add", "M. Rossi", "--region", "europe", "--language", "Italian", "--language", "French")


def test_an_expert_added_is_listed_with_region_languages_fields_and_groups(home: Path) -> None:
    said = ok(home, *EXPERT, "--group", "firearms", "--field", "forensics", "--joined", "2002-01-15")
    assert "Expert added: M. Rossi (Europe; protocols, firearms)" in " ".join(said.split())
    again = ok(home, *EXPERT, "--group", "firearms", "--field", "forensics", "--joined", "2002-01-15")
    assert "nothing recorded" in again

    [listed] = json.loads(ok(home, "expert", "list", "--json", "--group", "protocols"))

    assert listed["details"] == {
        "name": "M. Rossi",
        "region": "Europe",
        "languages": ["Italian", "French"],
        "fields": ["forensics"],
        "groups": ["protocols", "firearms"],
    }
    assert (listed["joined"], listed["actor"], listed["door"]) == ("2002-01-15", "a.manager", "cli")
    assert json.loads(ok(home, "expert", "list", "--json", "--group", "convention")) == []


def test_the_pools_show_each_group_s_fill_by_region_against_the_target(home: Path) -> None:
    ok(home, *EXPERT, "--group", "convention")
    fills = {f["group"]: f for f in json.loads(ok(home, "expert", "pools", "--json"))}
    assert fills["convention"]["by_region"]["Europe"] == 1
    assert fills["convention"]["target"] == [20, 25]
    assert fills["convention"]["region_target"] == [4, 5]
    assert fills["protocols"]["members"] == 0
    assert "Europe" in ok(home, "expert", "pools")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ("expert", "add", "X", "--region", "Atlantis", "--language", "en", "--group", "convention"),
            "Atlantis",
        ),
        (("expert", "add", "X", "--region", "Asia", "--language", "en", "--group", "cooking"), "--group"),
        (("fund", "pledge", "R-1", "--donor", "Italy", "--amount", "-5"), "--amount"),
        (
            ("fund", "pledge", "R-1", "--donor", "Italy", "--amount", "10", "--instrument", "x"),
            "--instrument",
        ),
        (("fund", "receive", "NONE", "--amount", "10"), "No contribution is pledged under the reference"),
        (("legislation", "record", "ITA", "--item", "convention.art99", "--law", "Penal Code"), "checklist"),
        (("legislation", "record", "XXX", "--item", "convention.art5", "--law", "Penal Code"), "XXX"),
    ],
)
def test_bad_input_is_refused_in_one_sentence_and_records_nothing(
    home: Path, args: tuple[str, ...], words: str
) -> None:
    assert words in refused(home, *args)
    assert stored_events(home, "Resources") == 0
    assert stored_events(home, "Legislation") == 0


def test_funds_pledged_and_received_show_as_of_each_date_by_donor_region_and_instrument(home: Path) -> None:
    pledge = (
        "fund",
        "pledge",
        "ITA-2001-1",
        "--donor",
        "Italy",
        "--amount",
        "20000",
        "--pledged",
        "2001-10-01",
    )
    ok(home, *pledge, "--region", "Africa", "--instrument", "convention")
    assert "nothing recorded" in ok(home, *pledge, "--region", "Africa", "--instrument", "convention")
    assert "other terms" in refused(home, *pledge)
    ok(home, "fund", "receive", "ITA-2001-1", "--amount", "15000", "--received", "2001-11-01")
    assert "more than the 20,000.00 pledged" in refused(
        home, "fund", "receive", "ITA-2001-1", "--amount", "6000", "--received", "2001-12-01"
    )

    before = json.loads(ok(home, "fund", "figures", "--as-of", "2001-10-15", "--json"))
    after = json.loads(ok(home, "fund", "figures", "--as-of", "2002-03-04", "--json"))

    assert (before["totals"]["pledged"], before["totals"]["received"]) == ("20000", "0")
    assert after["by_donor"]["Italy"]["received"] == "15000"
    assert after["by_region"]["Africa"]["left"] == "15000"
    assert after["by_instrument"]["convention"]["received"] == "15000"
    [listed] = json.loads(ok(home, "fund", "list", "--json"))
    assert (listed["pledge"]["earmark"], listed["left"]) == (
        {"instrument": "convention", "region": "Africa"},
        "15000",
    )


ITALY_LAW = (
    "legislation",
    "record",
    "ITA",
    "--item",
    "convention.art5",
    "--law",
    "Codice penale",
    "--provision",
    "art. 416 bis",
    "--how",
    "Mafia-type association is an offence of its own.",
    "--enacted",
    "1982-09-13",
)


def test_who_has_criminalized_participation_and_how_is_found_across_states_and_exported(home: Path) -> None:
    ok(home, *ITALY_LAW)
    ok(
        home,
        "legislation",
        "record",
        "PER",
        "--item",
        "convention.art5",
        "--law",
        "Código Penal",
        "--how",
        "Criminal association, art. 317.",
        "--enacted",
        "1991-04-03",
    )
    ok(
        home,
        "legislation",
        "record",
        "PER",
        "--item",
        "convention.art6",
        "--law",
        "Ley 27765",
        "--enacted",
        "2002-02-20",
    )

    found = json.loads(ok(home, "legislation", "search", "--item", "convention.art5", "--json"))
    assert [(k["state"], k["law"], k["how"]) for k in found] == [
        ("ITA", "Codice penale", "Mafia-type association is an offence of its own."),
        ("PER", "Código Penal", "Criminal association, art. 317."),
    ]
    by_words = json.loads(ok(home, "legislation", "search", "--text", "mafia", "--json"))
    assert [k["state"] for k in by_words] == ["ITA"]
    americas = json.loads(ok(home, "legislation", "search", "--region", "Americas", "--json"))
    assert {k["checklist_item"] for k in americas} == {"convention.art5", "convention.art6"}

    rows = list(csv.DictReader(io.StringIO(ok(home, "legislation", "export", "--format", "csv"))))
    assert [(r["checklist_item"], r["state"]) for r in rows] == [
        ("convention.art5", "ITA"),
        ("convention.art5", "PER"),
        ("convention.art6", "PER"),
    ]
    document = tmp = home.parent / "laws.md"
    ok(home, "legislation", "export", "--out", str(tmp))
    text = document.read_text(encoding="utf-8")
    assert "## Criminalization of participation in an organized criminal group (convention.art5)" in text
    assert "| ITA | Codice penale | art. 416 bis |" in text


def test_recording_a_law_again_with_other_details_is_a_correction(home: Path) -> None:
    ok(home, *ITALY_LAW)
    said = ok(home, *ITALY_LAW[:-2], "--enacted", "1982-09-14")
    assert "corrected (version 2)" in said
    [law] = json.loads(ok(home, "legislation", "search", "--state", "ITA", "--json"))
    assert law["enacted"] == "1982-09-14"
    assert stored_events(home, "Legislation") == 2
