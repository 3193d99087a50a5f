"""Who the command line records as acting: a shared login left unnamed is recorded, with a word to say so."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.console import Context
from usecases.settings import Settings

HINT = "say who acts with --actor NAME or PALERMO_ACTOR"


def test_a_shared_login_not_named_as_the_actor_is_recorded_with_a_word_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    context = Context(settings=Settings(home=tmp_path), acting="root", actor_named=False)

    assert [context.actor, context.actor] == ["root", "root"]

    captured = capsys.readouterr()
    assert captured.err.count(HINT) == 1
    assert "'root', your login" in captured.err
    assert captured.out == ""


@pytest.mark.parametrize(("acting", "named"), [("root", True), ("m.rossi", False), ("m.rossi", True)])
def test_a_named_actor_or_a_personal_login_is_recorded_without_a_word(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], acting: str, named: bool
) -> None:
    context = Context(settings=Settings(home=tmp_path), acting=acting, actor_named=named)

    assert context.actor == acting
    assert capsys.readouterr().err == ""
