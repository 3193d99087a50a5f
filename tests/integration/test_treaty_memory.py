"""A 5 MB treaty table is imported by `palermo treaty import` in under 200 MB of resident memory."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from activities.participants import directory

HEADER = 'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n'
FIVE_MB = 5 * 1024 * 1024
# The import runs in a process of its own, which reports its peak resident set (KiB) at exit. Not
# getrusage's ru_maxrss: Linux carries the forking parent's peak across exec into it, and this parent,
# pytest, may have grown larger than the limit; the kernel's VmHWM is the peak of the new image alone.
MEASURED = """
import sys
from cli.app import app
try:
    app(sys.argv[2:])
except SystemExit as done:
    code = done.code
peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
with open(sys.argv[1], "w") as out:
    out.write(f"{code} {peak}")
"""


def one_participant_repeated() -> str:
    row = "Chile,13 Dec 2000,\n"
    return HEADER + row * ((FIVE_MB - len(HEADER)) // len(row))


def every_state_once_then_blank_rows() -> str:
    states = [p for p in directory().all() if p.kind == "state" and not p.historic]
    rows = HEADER + "".join(f'"{p.name}",12 Dec 2000,3 Mar 2003 a\n' for p in states)
    return rows + ",,\n" * ((FIVE_MB - len(rows)) // 3)


@pytest.mark.parametrize(
    ("table", "exit_code"), [(one_participant_repeated, 1), (every_state_once_then_blank_rows, 0)]
)
def test_a_five_megabyte_table_is_imported_in_under_200_mb(
    tmp_path: Path, table: Callable[[], str], exit_code: int
) -> None:
    path = tmp_path / "18-12.csv"
    path.write_text(table(), encoding="utf-8")
    assert path.stat().st_size > FIVE_MB - 1024
    report = tmp_path / "peak"
    env = os.environ | {
        "PALERMO_HOME": str(tmp_path / "home"),
        "PALERMO_ACTOR": "clerk",
        "PALERMO_TREATY_MAX_BYTES": str(8 * 1024 * 1024),
    }
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-c", MEASURED, str(report), "treaty", "import", str(path), "--instrument"]

    done = subprocess.run(
        [*command, "convention"], check=False, cwd=root, env=env, capture_output=True, text=True, timeout=240
    )

    code, peak_kib = report.read_text().split()
    assert int(code) == exit_code, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert int(peak_kib) < 200 * 1024
