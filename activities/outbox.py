"""The outbox of mail: letters queued from a log's reminders and escalations with the position read, then sent
one mail at a time. One adapter per database (`outbox_sqlite`, `outbox_postgres`) shares the logic here."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from domain.contact import MailPreference
from domain.notices import Notice

# The statements: {p} a parameter, {letters} and {tracking} the tables, as each adapter writes them.
STATEMENTS = {
    "start": "INSERT INTO {tracking} (application, position) VALUES ({p}, {p}) ON CONFLICT DO NOTHING",
    "position": "SELECT position FROM {tracking} WHERE application = {p}",
    "move": "UPDATE {tracking} SET position = {p} WHERE application = {p}",
    "queue": "INSERT INTO {letters} (recipient, address, mail, source, notice, queued_at) "
    "VALUES ({p}, {p}, {p}, {p}, {p}, {p}) ON CONFLICT DO NOTHING",
    "next_each": "SELECT id, recipient, address, mail, source, notice FROM {letters} "
    "WHERE sent_at IS NULL AND mail = 'each' ORDER BY id LIMIT 1",
    # The oldest letter for a digest whose recipient has had no digest since the moment given.
    "next_digest": "SELECT l.recipient FROM {letters} l WHERE l.sent_at IS NULL AND l.mail = 'digest' "
    "AND NOT EXISTS (SELECT 1 FROM {letters} d WHERE d.recipient = l.recipient AND d.mail = 'digest' "
    "AND d.sent_at >= {p}) ORDER BY l.id LIMIT 1",
    "digest": "SELECT id, recipient, address, mail, source, notice FROM {letters} "
    "WHERE sent_at IS NULL AND mail = 'digest' AND recipient = {p} ORDER BY id",
    "sent": "UPDATE {letters} SET sent_at = {p}, refused = {p} WHERE id = {p}",
}
# After every moment: no digest was sent since, so everyone with letters waiting is due one.
NEVER = "9999-12-31T23:59:59.999999"


class Letter(BaseModel):
    """A notice for one person: who, at which address, whether it goes alone or in their digest, and the
    position in the log of the event it tells of."""

    model_config = ConfigDict(frozen=True)

    recipient: str
    address: str
    mail: MailPreference
    source: int
    notice: Notice


class Posted(BaseModel):
    """A mail sent (or refused for good by the mail server): to whom, where, and how many letters it held."""

    model_config = ConfigDict(frozen=True)

    recipient: str
    address: str
    letters: int
    refused: str | None = None


class Undeliverable(Exception):
    """The mail server refused the mail for good (no such mailbox, say): it is marked, never sent again."""


class TrackingConflict(Exception):
    """Another notifier queued the same events first; this batch was not written."""


Send = Callable[[list[Letter]], None]


class Outbox(Protocol):
    """Letters and the position read, written in one transaction; mail sent under the outbox's lock."""

    def start(self, application: str, end: int) -> int:
        """The position read in `application`'s log; at first, `end` (nobody is told of the past)."""
        ...

    def queue(self, application: str, expected: int, upto: int, letters: Sequence[Letter]) -> None:
        """Queue the letters and move the position from `expected` to `upto`, atomically."""
        ...

    def post(
        self, mail: MailPreference, send: Send, now: datetime, since: datetime | None = None
    ) -> list[Posted]:
        """Send every waiting mail of kind `mail` (each: one letter; digest: all of a recipient's, for those
        with no digest since `since`, or all when None) through `send`, each marked sent in the same
        transaction."""
        ...

    def close(self) -> None: ...


class Cursor(Protocol):
    def execute(self, query: Any, params: Any = ..., /) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


def moment(at: datetime) -> str:
    """A time as stored: UTC, fixed width, so that text compares as time does."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


class SqlOutbox(ABC):
    """What both adapters do; they give the statements and a transaction holding the outbox's lock."""

    _statements: dict[str, Any]

    @abstractmethod
    def _locked(self) -> AbstractContextManager[Cursor]:
        """A transaction that holds the outbox's one write lock until it commits or rolls back."""

    def start(self, application: str, end: int) -> int:
        with self._locked() as cursor:
            cursor.execute(self._statements["start"], (application, end))
            return int(cursor.execute(self._statements["position"], (application,)).fetchone()[0])

    def queue(self, application: str, expected: int, upto: int, letters: Sequence[Letter]) -> None:
        now = moment(datetime.now(UTC))
        with self._locked() as cursor:
            row = cursor.execute(self._statements["position"], (application,)).fetchone()
            if row is None or int(row[0]) != expected:
                raise TrackingConflict(f"The outbox read {application} past {expected} meanwhile.")
            for letter in letters:
                fields = (letter.recipient, letter.address, letter.mail.value, letter.source)
                cursor.execute(self._statements["queue"], (*fields, letter.notice.model_dump_json(), now))
            cursor.execute(self._statements["move"], (upto, application))

    def post(
        self, mail: MailPreference, send: Send, now: datetime, since: datetime | None = None
    ) -> list[Posted]:
        posted: list[Posted] = []
        while True:
            # One mail a transaction: a mail the server took is marked sent before the next is tried, so a
            # crash sends again at most the one mail in flight.
            with self._locked() as cursor:
                letters = self._next(cursor, mail, NEVER if since is None else moment(since))
                if not letters:
                    return posted
                refused = None
                try:
                    send([letter for _, letter in letters])
                except Undeliverable as error:
                    refused = str(error)
                for letter_id, _ in letters:
                    cursor.execute(self._statements["sent"], (moment(now), refused, letter_id))
            last = letters[-1][1]
            posted.append(
                Posted(recipient=last.recipient, address=last.address, letters=len(letters), refused=refused)
            )

    def _next(self, cursor: Cursor, mail: MailPreference, since: str) -> list[tuple[int, Letter]]:
        if mail is MailPreference.EACH:
            rows = cursor.execute(self._statements["next_each"]).fetchall()
        else:
            found = cursor.execute(self._statements["next_digest"], (since,)).fetchone()
            rows = [] if found is None else cursor.execute(self._statements["digest"], (found[0],)).fetchall()
        return [(int(row[0]), _letter(row)) for row in rows]


def _letter(row: Sequence[Any]) -> Letter:
    _, recipient, address, mail, source, notice = row
    return Letter(
        recipient=recipient,
        address=address,
        mail=MailPreference(mail),
        source=int(source),
        notice=Notice.model_validate_json(notice),
    )
