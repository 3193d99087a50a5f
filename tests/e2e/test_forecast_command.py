"""`palermo report forecast` as other tools drive it: the shared contract check's forecast part passes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO, clean_env, run

# CI keeps a copy of the shared folder beside the clone.
CONTRACT_KEYS = REPO.parent / "shared" / "checks" / "contract-keys.sh"


@pytest.mark.skipif(not CONTRACT_KEYS.is_file(), reason=f"no contract check at {CONTRACT_KEYS}")
def test_the_contract_checks_forecast_bands_pass(tmp_path: Path) -> None:
    # As in test_contract_check: note the PALERMO_HOME the script makes, to remove exactly that folder.
    made = tmp_path / "made-by-mktemp"
    env = clean_env(**{"BASH_FUNC_mktemp%%": f'() {{ command mktemp "$@" | tee -a "{made}"; }}'})
    try:
        outcome = run(["bash", str(CONTRACT_KEYS)], env, timeout=420)
    finally:
        for folder in made.read_text().split() if made.exists() else []:
            shutil.rmtree(folder, ignore_errors=True)

    assert "PASS: forecast bands" in outcome.stdout.splitlines(), outcome
