"""What the incidents page lists: how far the read model is behind each log, and what went wrong with one
State's case or workflow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Lag:
    """How far the read model has read one log."""

    log: str
    read: int
    last: int

    @property
    def behind(self) -> int:
        return max(0, self.last - self.read)


@dataclass(frozen=True)
class Incident:
    """Something that went wrong with one State's case or workflow."""

    state: str
    when: datetime | None
    what: str
    detail: str
