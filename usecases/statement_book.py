"""The reservations, declarations and objections of every participant, kept by the web app as the Treaties log
last showed them: a case page shows its State's, and reading the whole log for them was most of the page's
cost at 20,000 events."""

from __future__ import annotations

import threading

from activities.store.logs import EventLog
from domain.asked import LastLook
from domain.reservations import RecordedStatement, TreatyStatementRecorded
from domain.successions import names_of
from projections.runner import LogBook

PAGE = 5_000


class StatementBook(LogBook[EventLog]):
    """Reads only what the Treaties log gained since the last look; answers as `Treaties.statements_of`."""

    def __init__(self, log: EventLog) -> None:
        self._log = log
        self._lock = threading.Lock()
        self._position = 0
        self._last_look = LastLook()
        # Each participant's statements with their log positions, in log order.
        self._said: dict[str, list[tuple[int, RecordedStatement]]] = {}

    def _catch_up(self) -> None:
        while True:
            notes = self._log.read(self._position, PAGE)
            for position, event in notes:
                if isinstance(event, TreatyStatementRecorded):
                    self._said.setdefault(event.participant, []).append((position, event.said()))
                self._position = position
            if len(notes) < PAGE:
                return

    def statements_of(self, participant: str) -> list[RecordedStatement]:
        """A participant's statements under every code it has borne, in the order recorded."""
        codes = set(names_of(participant))
        with self._lock:
            self._up_to_date()
            found = [said for code in codes for said in self._said.get(code, ())]
        return [statement for _, statement in sorted(found, key=lambda said: said[0])]
