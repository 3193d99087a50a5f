"""The report names States as the United Nations named them on its date, not as they are named today."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from activities.engagements import Engagements
from cli.app import app
from domain.commands import OpenEngagement
from domain.values import Instrument
from usecases.settings import Settings

THEN = {
    "YUG": "Yugoslavia",
    "SWZ": "Swaziland",
    "TUR": "Turkey",
    "MKD": "The former Yugoslav Republic of Macedonia",
    "CZE": "Czech Republic",
}
TODAY = ("Eswatini", "Türkiye", "North Macedonia", "Czechia", "Serbia and Montenegro", "Yugoslavia, (")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("PALERMO_HOME", str(home))
    monkeypatch.setenv("PALERMO_ACTOR", "registry")
    engagements = Engagements(Settings(home=home).store_env("Engagements"))
    for i, state in enumerate(THEN):
        engagements.handle(
            OpenEngagement(
                state=state, instruments=(Instrument.CONVENTION,), effective_date=date(2001, 10, 1 + i)
            )
        )
    return home


def _render(home: Path, as_of: str) -> str:
    out = home / "reports"
    result = CliRunner().invoke(
        app, ["report", "render", "--as-of", as_of, "--year", "2001", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return (out / f"report-{as_of}.md").read_text(encoding="utf-8") + (
        out / f"report-{as_of}.html"
    ).read_text(encoding="utf-8")


def test_a_report_as_of_4_march_2002_uses_the_names_of_that_day(home: Path) -> None:
    text = _render(home, "2002-03-04")

    for name in THEN.values():
        assert name in text
    for name in TODAY:
        assert name not in text


def test_a_later_report_uses_the_later_names(home: Path) -> None:
    text = _render(home, "2022-06-01")

    for name in ("Eswatini", "Türkiye", "North Macedonia", "Czechia", "Serbia"):
        assert name in text
    assert "Swaziland" not in text
