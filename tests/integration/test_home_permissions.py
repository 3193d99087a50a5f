"""A PALERMO_HOME that Palermo makes is its owner's alone: the folder 0700 and every file in it 0600 (stores,
keys, logs, rendered reports), whether the command line or the embedded stack made it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from tests.integration.conftest import modes

pytestmark = pytest.mark.usefixtures("kept_umask")


def test_the_command_line_makes_a_home_only_its_owner_reads(tmp_path: Path) -> None:
    os.umask(0o022)  # a usual login's
    home = tmp_path / "new" / "home"
    env = {"PALERMO_HOME": str(home), "PALERMO_STORE": "sqlite", "PALERMO_ACTOR": "clerk"}
    meeting = ["meeting", "record", "--title", "Seminar", "--kind", "briefing", "--place", "Vienna"]
    meeting += ["--start", "2001-06-05", "--participant", "AUT"]

    recorded = CliRunner().invoke(app, meeting, env=env)
    rendered = CliRunner().invoke(
        app, ["report", "render", "--as-of", "2002-03-04", "--year", "2001"], env=env
    )

    assert recorded.exit_code == 0, recorded.output
    assert rendered.exit_code == 0, rendered.output
    assert any(home.glob("*.sqlite")), sorted(p.name for p in home.iterdir())
    assert any((home / "reports").glob("*.html"))
    assert (home / "audit.key").is_file()
    assert modes(home) == {}
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
