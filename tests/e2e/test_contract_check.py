"""The shared contract check of the command line passes against this clone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO, clean_env, run

# CI keeps a copy of the shared folder beside the clone.
CASE_FLOW = REPO.parent / "shared" / "checks" / "case-flow.sh"


@pytest.mark.skipif(not CASE_FLOW.is_file(), reason=f"no contract check at {CASE_FLOW}")
def test_the_case_flow_contract_check_passes(tmp_path: Path) -> None:
    # The script starts and stops a stack under a PALERMO_HOME it makes with mktemp and leaves behind;
    # noting what mktemp makes lets this test remove exactly that folder, not a parallel run's.
    made = tmp_path / "made-by-mktemp"
    env = clean_env(**{"BASH_FUNC_mktemp%%": f'() {{ command mktemp "$@" | tee -a "{made}"; }}'})
    try:
        outcome = run(["bash", str(CASE_FLOW)], env, timeout=300)
    finally:
        for folder in made.read_text().split() if made.exists() else []:
            shutil.rmtree(folder, ignore_errors=True)

    assert outcome.code == 0, outcome
    assert "PASS" in outcome.stdout, outcome
    assert "FAIL" not in outcome.stdout, outcome
    assert made.read_text().strip(), "the check made no PALERMO_HOME: did it run at all?"
