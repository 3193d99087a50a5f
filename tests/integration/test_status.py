"""`palermo status`: the stack's processes, whether each runs and its last error, and the read model's lag."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

from typer.testing import CliRunner

from activities.engagements import Engagements
from cli.app import app
from domain.commands import OpenEngagement, RecordLawSummary
from domain.values import Instrument
from usecases.embedded import ChildProcess, StackInfo, start_ticks, write_stack
from usecases.settings import Settings


def run(home: Path, *args: str) -> dict[str, object]:
    env = {"PALERMO_HOME": str(home), "PALERMO_STORE": "sqlite", "PALERMO_ACTOR": "clerk"}
    result = CliRunner().invoke(app, ["status", "--json", *args], env=env)
    assert result.exit_code == 0, result.output
    found: dict[str, object] = json.loads(result.output)
    return found


def test_status_names_each_process_its_last_error_and_each_log_s_lag(tmp_path: Path) -> None:
    home = tmp_path / "home"
    engagements = Engagements(Settings(home=home).store_env("Engagements"))
    opening = OpenEngagement(
        state="PER", effective_date=date(2001, 9, 3), instruments=(Instrument.CONVENTION,)
    )
    engagements.handle(opening)
    engagements.handle(RecordLawSummary(state="PER", effective_date=date(2001, 11, 5), command_id="ls"))
    logs = home / "logs"
    logs.mkdir(parents=True)
    lines = ({"level": "error", "message": "The store did not answer"}, {"level": "info", "message": "step"})
    (logs / "worker.log").write_text("".join(json.dumps(line) + "\n" for line in lines))
    (logs / "projector.log").write_text("catching up\n")
    me = ChildProcess(
        name="worker",
        pid=os.getpid(),
        start_ticks=start_ticks(os.getpid()),
        argv=("worker",),
        log=logs / "worker.log",
    )
    gone = ChildProcess(
        name="projector", pid=2**22 + 1, start_ticks=None, argv=("projector",), log=logs / "projector.log"
    )
    write_stack(
        StackInfo(
            home=home, temporal_address="127.0.0.1:1", temporal_namespace="default", temporal_port=1,
            ui_port=2, ui_url="http://127.0.0.1:2", logs=logs, started_at=datetime.now(UTC),
            processes=(me, gone),
        )
    )  # fmt: skip

    found = run(home)

    assert found["stack"] is False  # one of its processes is gone
    assert found["processes"] == [
        {"name": "worker", "pid": os.getpid(), "running": True, "last_error": "The store did not answer"},
        {"name": "projector", "pid": 2**22 + 1, "running": False, "last_error": None},
    ]
    lags = {row["log"]: row for row in found["read_model"]}  # type: ignore[attr-defined]
    assert lags["Engagements"] == {"log": "Engagements", "read": 0, "end": 2, "lag": 2}
    assert lags["Treaties"]["lag"] == 0


def test_status_without_a_stack_still_reports_the_read_model(tmp_path: Path) -> None:
    found = run(tmp_path / "home")

    assert (found["stack"], found["processes"]) == (False, [])
    assert {row["log"] for row in found["read_model"]} == {  # type: ignore[attr-defined]
        "Engagements",
        "Treaties",
        "Outreach",
        "Resources",
        "Legislation",
    }
