"""The certificates of Temporal's mutual TLS, made by the deployment's own command into a test folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CERTS_COMMAND = REPO / "deploy" / "temporal" / "certs.sh"


def make_certs(folder: Path, *server_names: str) -> Path:
    """What `bash deploy/temporal/certs.sh FOLDER [SERVER_NAME ...]` makes, in `folder`."""
    made = subprocess.run(
        ["bash", str(CERTS_COMMAND), str(folder), *server_names],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    return folder


def openssl(*args: str | Path) -> str:
    """What `openssl ARGS` prints; a failure raises with its complaint."""
    argv = ["openssl", *map(str, args)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout
