"""`palermo seed --untc DIR` imports the Treaty Collection's tables found there, once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from activities.treaties import Treaties
from cli.app import app
from domain.treaty import Slot, treaty_action_id
from domain.values import Instrument
from usecases.seed import import_shipped
from usecases.settings import Settings

FIXTURES = Path(__file__).parent.parent / "fixtures" / "untc"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PALERMO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PALERMO_ACTOR", "registry")
    return tmp_path


def test_seed_imports_the_collection_tables_by_their_item_names_once(home: Path) -> None:
    folder = home / "untc"
    folder.mkdir()
    shutil.copy(FIXTURES / "convention.csv", folder / "18-12.csv")
    shutil.copy(FIXTURES / "firearms.csv", folder / "18-12-c.csv")
    runner = CliRunner()

    first = runner.invoke(app, ["seed", "--untc", str(folder)])
    again = runner.invoke(app, ["seed", "--untc", str(folder)])
    figures = json.loads(runner.invoke(app, ["report", "figures", "--as-of", "2014-06-30", "--json"]).stdout)

    assert first.exit_code == 0, first.output
    assert "Treaty status (convention):" in first.output
    assert "Treaty status (firearms):" in first.output
    assert "Treaty status (trafficking)" not in first.output
    assert "0 recorded, 0 corrected" in again.output
    assert figures["instruments"]["convention"]["signatories"] > 0
    assert figures["instruments"]["firearms"]["parties"] > 0
    assert figures["meetings_held"] == 0  # 2014: the seeded meetings are of 2001


def test_seed_refuses_a_folder_without_tables_and_records_nothing(home: Path) -> None:
    result = CliRunner().invoke(app, ["seed", "--untc", str(home)])
    figures = json.loads(
        CliRunner().invoke(app, ["report", "figures", "--as-of", "2001-12-31", "--json"]).stdout
    )

    assert result.exit_code == 1
    assert "holds none of 18-12.csv" in result.output
    assert figures["meetings_held"] == 0


COLLECTION = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "untc"


@pytest.mark.skipif(not (COLLECTION / "18-12.csv").is_file(), reason=f"no Collection tables at {COLLECTION}")
def test_paragraph_eight_comes_out_of_the_collections_tables(home: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["seed", "--untc", str(COLLECTION)]).exit_code == 0

    def figures(as_of: str) -> dict[str, tuple[int, int]]:
        result = json.loads(runner.invoke(app, ["report", "figures", "--as-of", as_of, "--json"]).stdout)
        return {k: (v["signatories"], v["parties"]) for k, v in result["instruments"].items()}

    # As the report counted them, before Spain's deposits of 1 March 2002.
    assert figures("2002-02-28") == {
        "convention": (140, 7),
        "trafficking": (101, 5),
        "smuggling": (97, 5),
        "firearms": (26, 0),
    }
    assert figures("2002-03-04") == {
        "convention": (140, 8),
        "trafficking": (101, 6),
        "smuggling": (97, 6),
        "firearms": (26, 0),
    }


def test_the_shipped_tables_give_paragraph_eight_on_a_fresh_install(home: Path) -> None:
    """The four tables ship inside the package: no folder beside the checkout is needed."""
    console = Console(record=True, width=100)
    recorded = import_shipped(Settings(), console)
    again = import_shipped(Settings(), console)
    runner = CliRunner()
    result = json.loads(runner.invoke(app, ["report", "figures", "--as-of", "2002-02-28", "--json"]).stdout)
    treaties = Treaties(Settings().store_env("Treaties"))
    spain = treaties.recorder.select_events(treaty_action_id("ESP", Instrument.CONVENTION, Slot.CONSENT))

    assert recorded > 400
    assert again == 0
    assert {k: (v["signatories"], v["parties"]) for k, v in result["instruments"].items()} == {
        "convention": (140, 7),
        "trafficking": (101, 5),
        "smuggling": (97, 5),
        "firearms": (26, 0),
    }
    shipped = "UN Treaty Collection status table 18-12.csv (as published in 2014, shipped with Palermo)"
    assert [json.loads(e.state)["source"] for e in spain] == [shipped]
