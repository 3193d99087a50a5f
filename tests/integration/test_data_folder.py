"""Without PALERMO_HOME, `palermo` keeps its data in its checkout, else in the user's data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from usecases.settings import default_home

PALERMO = Path(sys.executable).parent / "palermo"
REPO = Path(__file__).resolve().parents[2]


def _palermo(cwd: Path, data_home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PALERMO_")}
    env |= {"XDG_DATA_HOME": str(data_home), "HOME": str(data_home.parent)}
    return subprocess.run(
        [str(PALERMO), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_outside_a_checkout_the_store_goes_to_the_users_data_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "some-project"
    elsewhere.mkdir()
    (elsewhere / "pyproject.toml").write_text('[project]\nname = "something-else"\n')
    data_home = tmp_path / "xdg"

    done = _palermo(elsewhere, data_home, "report", "figures", "--as-of", "2002-03-04", "--json")

    assert done.returncode == 0, done.stderr
    assert list(elsewhere.iterdir()) == [elsewhere / "pyproject.toml"]
    assert (data_home / "palermo" / "treaties.sqlite").is_file()
    assert oct((data_home / "palermo").stat().st_mode & 0o777) == "0o700"


def test_inside_a_checkout_the_store_is_at_its_root_whatever_the_subfolder(tmp_path: Path) -> None:
    assert default_home(REPO / "tests" / "unit") == REPO / ".palermo"
    assert default_home(REPO) == REPO / ".palermo"
    assert default_home(tmp_path) != tmp_path / ".palermo"
