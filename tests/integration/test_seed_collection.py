"""`palermo seed --untc DIR` imports the Treaty Collection's tables found there, once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deploy.cli import app

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
