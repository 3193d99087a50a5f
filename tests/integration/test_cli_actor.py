"""Who the command line records as acting: a shared login left unnamed is recorded, with a word to say so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cli.console import UNNAMED_ACTORS, Context
from usecases.settings import Settings

HINT = "say who acts with --actor NAME or PALERMO_ACTOR"
PALERMO = str(Path(sys.executable).with_name("palermo"))


def test_a_shared_login_not_named_as_the_actor_is_recorded_with_a_word_once(tmp_path: Path) -> None:
    UNNAMED_ACTORS.clear()
    context = Context(settings=Settings(home=tmp_path), acting="root", actor_named=False)

    assert [context.actor, context.actor] == ["root", "root"]

    (said,) = UNNAMED_ACTORS
    assert HINT in said
    assert "'root', your login" in said
    UNNAMED_ACTORS.clear()


def test_the_word_is_said_after_a_command_that_succeeded_and_never_beside_a_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PALERMO_HOME", str(tmp_path))
    monkeypatch.delenv("PALERMO_ACTOR", raising=False)
    monkeypatch.setenv("USER", "root")
    common = ["user", "add", "--role", "manager"]

    added = subprocess.run([PALERMO, *common, "m.rossi"], capture_output=True, text=True, check=False)
    refused = subprocess.run([PALERMO, *common, "m.rossi"], capture_output=True, text=True, check=False)

    assert added.returncode == 0, added.stderr
    assert HINT in added.stderr
    assert refused.returncode == 1
    assert HINT not in refused.stderr
    assert len([line for line in refused.stderr.splitlines() if line.strip()]) == 1, refused.stderr


@pytest.mark.parametrize(("acting", "named"), [("root", True), ("m.rossi", False), ("m.rossi", True)])
def test_a_named_actor_or_a_personal_login_is_recorded_without_a_word(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], acting: str, named: bool
) -> None:
    context = Context(settings=Settings(home=tmp_path), acting=acting, actor_named=named)

    UNNAMED_ACTORS.clear()

    assert context.actor == acting
    assert UNNAMED_ACTORS == []
    assert capsys.readouterr().err == ""
