"""The real `palermo` command in a subprocess, against one embedded stack per test module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from activities.engagements import Engagements, HistoryEntry
from usecases.settings import Settings

BIN = Path(sys.executable).parent
PALERMO = BIN / "palermo"
TEMPORAL = BIN / "temporal"
REPO = Path(__file__).resolve().parents[2]
COMMAND_TIMEOUT_S = 60.0
START_TIMEOUT_S = 150.0
# Variables that would point a command somewhere else than the stack under test, or change its output.
_FOREIGN = ("PALERMO_", "TEMPORAL_")
_DROPPED = {"FORCE_COLOR", "COLUMNS", "LINES"}


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without PALERMO_*/TEMPORAL_* settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN) and k not in _DROPPED}
    env.update(extra)
    return env


@dataclass(frozen=True)
class Outcome:
    """How one command ended and what it printed."""

    argv: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    def __str__(self) -> str:
        return f"{' '.join(self.argv)} -> exit {self.code}\nstdout: {self.stdout}\nstderr: {self.stderr}"


def run(argv: list[str], env: dict[str, str], timeout: float = COMMAND_TIMEOUT_S) -> Outcome:
    done = subprocess.run(
        argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    return Outcome(tuple(str(a) for a in argv), done.returncode, done.stdout, done.stderr)


def assert_refused_in_one_sentence(outcome: Outcome, *mentions: str) -> None:
    """Non-zero exit, one non-empty line on stderr naming every one of `mentions`, nothing else."""
    assert outcome.code != 0, outcome
    assert "Traceback" not in outcome.stdout + outcome.stderr, outcome
    assert len(outcome.error_lines) == 1, outcome
    assert outcome.stdout == "", outcome
    for mention in mentions:
        assert mention in outcome.stderr, outcome


@dataclass(frozen=True)
class Palermo:
    """Runs `palermo` with PALERMO_HOME and PALERMO_ACTOR set, as an officer's shell would."""

    home: Path
    actor: str

    def env(self) -> dict[str, str]:
        return clean_env(PALERMO_HOME=str(self.home), PALERMO_ACTOR=self.actor)

    def __call__(self, *args: str, timeout: float = COMMAND_TIMEOUT_S) -> Outcome:
        return run([str(PALERMO), *args], self.env(), timeout)

    def wide(self, *args: str, timeout: float = COMMAND_TIMEOUT_S) -> Outcome:
        """Run a command on a terminal 200 columns wide: what it prints is not wrapped at 80."""
        return run([str(PALERMO), *args], self.env() | {"COLUMNS": "200"}, timeout)

    def ok(self, *args: str) -> Outcome:
        """Run a command that must succeed quietly on stderr."""
        outcome = self(*args)
        assert outcome.code == 0, outcome
        assert outcome.stderr == "", outcome
        return outcome

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json").stdout)

    def history(self, state: str) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self.json("case", "history", state)
        return entries

    def stack_file(self) -> dict[str, Any]:
        info: dict[str, Any] = json.loads((self.home / "stack.json").read_text())
        return info

    def recorded(self, state: str) -> list[HistoryEntry]:
        """The State's events as the event store under the home holds them (the record of truth)."""
        store = Engagements(Settings(home=self.home, store="sqlite").store_env("Engagements"))
        return store.history(state)


def running(pid: int, start_ticks: int | None) -> bool:
    """Whether `pid` still runs as the process the stack started (not a zombie, not a reused pid)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] in ("Z", "X"):
        return False
    return start_ticks is None or int(fields[19]) == start_ticks


@pytest.fixture(scope="module")
def palermo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Palermo]:
    """An embedded stack started by `palermo up --detach`; `palermo down` must stop all of it."""
    cli = Palermo(home=tmp_path_factory.mktemp("palermo-home"), actor=f"officer-{uuid.uuid4().hex[:8]}")
    children: list[dict[str, Any]] = []
    try:
        started = cli("up", "--detach", timeout=START_TIMEOUT_S)
        assert started.code == 0, started
        children = list(cli.stack_file()["processes"])
        assert {"temporal", "worker"} <= {child["name"] for child in children}
        assert all(running(child["pid"], child["start_ticks"]) for child in children), children
        yield cli
    finally:
        stopped = cli("down", timeout=START_TIMEOUT_S)
        assert stopped.code == 0, stopped
        survivors = [c for c in children if running(c["pid"], c["start_ticks"])]
        assert survivors == [], f"`palermo down` left these running: {survivors}"
        assert not (cli.home / "stack.json").exists()
