"""The command line names each command: a case command whose worker is killed after recording it, before it
answers, is answered once another worker takes over; sent again under its id, it is answered the same and
recorded once."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from domain.regions import REGION_OF
from tests.integration.deployment import recorded
from tests.integration.processes import ROOT, Workers, process_env
from usecases.settings import Settings

pytestmark = pytest.mark.postgres
OPEN = ("case", "open", "--instruments", "convention", "--received", "2001-09-03")


@dataclass
class DyingWorkers(Workers):
    module: str = "tests.integration.dying_worker"


def palermo(settings: Settings, home: Path, *args: str) -> subprocess.Popen[str]:
    argv = [
        sys.executable,
        "-c",
        "from cli.app import main; main()",
        "--actor",
        "a.quispe",
        *args,
        "--json",
    ]
    return subprocess.Popen(
        argv,
        cwd=ROOT,
        env=process_env(settings, home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def answer_of(process: subprocess.Popen[str]) -> dict[str, object]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    answer: dict[str, object] = json.loads(out)
    return answer


async def test_a_command_whose_worker_died_is_answered_once_and_answered_alike_when_sent_again(
    deployed: Settings, tmp_path: Path
) -> None:
    state = random.choice(sorted(REGION_OF))
    dying = DyingWorkers(deployed, tmp_path / "dying")
    workers = Workers(deployed, tmp_path / "workers")
    try:
        dying.start("worker-a")
        opening = palermo(deployed, tmp_path, *OPEN, state, "--command-id", "die/open-1")
        # The worker records the request, then dies before answering; the command line waits.
        assert dying.running["worker-a"].wait(timeout=60) == -9
        assert [e.type for e in recorded(deployed, [state])[state]] == ["RequestReceived"]
        assert opening.poll() is None
        workers.start("worker-b")
        first = answer_of(opening)
        again = answer_of(palermo(deployed, tmp_path, *OPEN, state, "--command-id", "die/open-1"))
        step = answer_of(
            palermo(deployed, tmp_path, "case", "advance", state, "law_summary", "--effective", "2002-01-28")
        )
    finally:
        dying.stop()
        workers.stop()

    assert first["version"] == 1
    assert first["status"] == "open"
    assert again == first
    assert step["version"] == 2
    history = recorded(deployed, [state])[state]
    assert [e.type for e in history] == ["RequestReceived", "LawSummaryReceived"]
    assert history[0].command_id == "die/open-1"
    assert history[0].actor == "a.quispe"
