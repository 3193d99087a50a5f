"""Figures by United Nations regional group, from the Collection's tables; cases filtered by group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app

COLLECTION = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "untc"

pytestmark = pytest.mark.skipif(
    not (COLLECTION / "18-12.csv").is_file(), reason=f"no Collection tables at {COLLECTION}"
)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PALERMO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PALERMO_ACTOR", "registry")
    runner = CliRunner()
    assert runner.invoke(app, ["seed", "--untc", str(COLLECTION)]).exit_code == 0
    return runner


def _figures(runner: CliRunner, as_of: str) -> dict[str, object]:
    result = runner.invoke(app, ["report", "figures", "--as-of", as_of, "--year", "2001", "--json"])
    assert result.exit_code == 0, result.output
    figures: dict[str, object] = json.loads(result.stdout)
    return figures


def test_the_eight_parties_of_4_march_2002_fall_in_their_groups(runner: CliRunner) -> None:
    groups = _figures(runner, "2002-03-04")["regional_groups"]

    # Monaco and Spain; Nigeria; Yugoslavia (listed as Serbia), Poland, Bulgaria and Latvia; Peru.
    assert {key: counts["convention.parties"] for key, counts in groups.items()} == {  # type: ignore[attr-defined]
        "african": 1,
        "asia_pacific": 0,
        "eastern_european": 4,
        "latin_american_caribbean": 1,
        "western_european_others": 2,
    }


def test_every_party_that_is_a_member_state_is_counted_in_one_group(runner: CliRunner) -> None:
    figures = _figures(runner, "2014-06-30")
    groups: dict[str, dict[str, int]] = figures["regional_groups"]  # type: ignore[assignment]
    parties = figures["instruments"]["convention"]["parties"]  # type: ignore[index]

    # In no group: the European Union, and the Cook Islands, Niue and the Holy See, which are not members.
    assert sum(counts["convention.parties"] for counts in groups.values()) == parties - 4


def test_a_group_figure_is_explained_by_the_states_of_that_group(runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        [
            "report",
            "explain",
            "regional_groups.western_european_others.convention.parties",
            "--as-of",
            "2002-03-04",
        ],
    )

    assert result.exit_code == 0, result.output
    assert "MCO" in result.stdout
    assert "ESP" in result.stdout
    assert "POL" not in result.stdout
