"""`palermo status`: each process of the embedded stack, whether it runs and its last error, and how far
behind the logs the read model is."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from usecases.embedded import load_stack
from usecases.read_models import open_store, sources
from usecases.settings import Settings

# The end of a log file searched for its last error: enough for many lines, never the whole file.
TAIL_BYTES = 256 * 1024
ERROR_WORDS = ("Traceback", "Error", "error:", "ERROR", "FATAL")


class ProcessStatus(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    pid: int
    running: bool
    last_error: str | None


class LogStatus(BaseModel):
    model_config = ConfigDict(frozen=True)

    log: str
    read: int
    end: int
    lag: int


class Status(BaseModel):
    """What `palermo status --json` prints."""

    model_config = ConfigDict(frozen=True)

    stack: bool
    processes: tuple[ProcessStatus, ...]
    read_model: tuple[LogStatus, ...]


def last_error(log: Path) -> str | None:
    """The last line of a process's log that reports an error (a JSON line of level error, or a line naming
    an error or a traceback); None when there is none or no log."""
    try:
        with log.open("rb") as stream:
            stream.seek(max(0, log.stat().st_size - TAIL_BYTES))
            lines = stream.read().decode(errors="replace").splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        text = line.strip()
        if text.startswith("{"):
            try:
                record = json.loads(text)
            except ValueError:
                record = None
            if isinstance(record, dict):
                if record.get("level") in ("error", "critical"):
                    return str(record.get("message", text))
                continue
        if any(word in text for word in ERROR_WORDS):
            return text
    return None


def status(settings: Settings) -> Status:
    info = load_stack(settings.home_dir)
    processes: list[ProcessStatus] = []
    if info is not None:
        for child in info.processes:
            error = last_error(child.log)
            alive = child.running()
            processes.append(ProcessStatus(name=child.name, pid=child.pid, running=alive, last_error=error))
    store, logs = open_store(settings), sources(settings)
    try:
        read = store.positions()
        positions = []
        for log in logs:
            end, done = log.last(), read.get(log.name, 0)
            positions.append(LogStatus(log=log.name, read=done, end=end, lag=max(0, end - done)))
    finally:
        store.close()
        for log in logs:
            log.close()
    running = info is not None and info.running()
    return Status(stack=running, processes=tuple(processes), read_model=tuple(positions))
