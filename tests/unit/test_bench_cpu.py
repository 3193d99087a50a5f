"""A process's CPU time is read to the nanosecond, not in the scheduler's 10 ms ticks: a short benchmark run
gives a process a few milliseconds of work, and a figure read in ticks says it did none."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench.embedded import cpu_seconds

BUSY_S = 0.002
# Waits for a line, spins for BUSY_S of its own CPU time, says so, and waits to be told to end.
CHILD = f"""
import sys, time
print("ready", flush=True)
sys.stdin.readline()
start = time.process_time()
while time.process_time() - start < {BUSY_S}:
    pass
print("done", flush=True)
sys.stdin.readline()
"""


def test_a_few_milliseconds_of_another_process_s_work_are_counted_as_they_were() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdin is not None
    assert child.stdout is not None
    try:
        assert child.stdout.readline() == "ready\n"
        before = cpu_seconds(child.pid)
        child.stdin.write("go\n")
        child.stdin.flush()
        assert child.stdout.readline() == "done\n"
        spent = cpu_seconds(child.pid) - before
        child.stdin.write("end\n")
        child.stdin.flush()
    finally:
        child.stdin.close()
        child.wait(timeout=30)

    # The spin and the few reads and writes around it: more than the spin, far less than a 10 ms tick.
    assert BUSY_S <= spent < 0.008


def test_a_process_that_has_ended_is_named_in_a_clear_error() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=30)

    with pytest.raises(OSError, match=f"Cannot read the CPU clock of process {child.pid}: No such process"):
        cpu_seconds(child.pid)
