"""The notifier: tells people by mail of the reminders and escalations the engagements' log records. It reads
the log from the outbox's own position, queues a letter per person told in the same transaction as the new
position, then sends: so a restart sends nothing twice and skips nothing."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time

from activities.outbox import Letter, Outbox, Posted, TrackingConflict
from activities.outbox_postgres import PostgresOutbox
from activities.outbox_sqlite import SqliteOutbox
from activities.participants import ParticipantDirectory, directory
from activities.smtp import SmtpRelay
from activities.store.logs import EventLog
from activities.store.opening import opened
from activities.users import UserRecord, Users
from domain.contact import MailPreference
from domain.facts import Fact
from domain.notices import is_told, notice_of
from usecases.embedded import running_address
from usecases.letters import digest, single
from usecases.settings import Settings, SettingsError

APPLICATION = "Engagements"
PAGE = 1000
# How often the notifier looks for new reminders, and how long it waits after the mail server failed.
POLL_S = 5.0
RETRY_S = 60.0
# Where links point when neither PALERMO_PUBLIC_URL nor a running embedded web app says.
DEFAULT_BASE = "http://127.0.0.1:8000"
logger = logging.getLogger("palermo.mail")


def told(
    people: Sequence[UserRecord], position: int, event: Fact, names: ParticipantDirectory
) -> list[Letter]:
    """A letter for each person the event tells of an overdue step: those the rule names (domain.notices)
    who have an address, chose some mail, and still hold a token."""
    notice = notice_of(event, names.name_on)
    if notice is None:
        return []
    return [
        Letter(recipient=p.name, address=p.email, mail=p.mail, source=position, notice=notice)
        for p in people
        if p.email is not None
        and p.mail is not MailPreference.NONE
        and p.token_ids
        and is_told(notice, p.role, p.scope)
    ]


@dataclass
class Notifier:
    """Reads the log into the outbox and sends what waits there; one pass at a time."""

    log: EventLog
    users: Users
    outbox: Outbox
    relay: SmtpRelay
    sender: str
    base: Callable[[], str]
    digest_hour: int
    clock: Callable[[], datetime]
    participants: ParticipantDirectory

    def catch_up(self) -> int:
        """Queue the letters of every event read since the outbox's position; how many were queued."""
        queued = 0
        while True:
            position = self.outbox.start(APPLICATION, self.log.last())
            notes = self.log.read(position, PAGE)
            if not notes:
                return queued
            people = self.users.users()
            letters = [letter for at, event in notes for letter in told(people, at, event, self.participants)]
            try:
                self.outbox.queue(APPLICATION, position, notes[-1][0], letters)
            except TrackingConflict:
                continue  # another notifier queued these first: read on from where it left off
            queued += len(letters)

    def send_each(self) -> list[Posted]:
        base, now = self.base(), self.clock()
        return self.outbox.post(
            MailPreference.EACH, lambda ls: self.relay.send(single(ls[0], self.sender, base, now)), now
        )

    def send_digests(self, since: datetime | None) -> list[Posted]:
        """The digest of everyone with letters waiting who had none since `since` (None: everyone)."""
        base, now = self.base(), self.clock()
        return self.outbox.post(
            MailPreference.DIGEST, lambda ls: self.relay.send(digest(ls, self.sender, base, now)), now, since
        )

    def digest_time(self) -> datetime:
        """Today's moment from which the daily digest goes out."""
        return datetime.combine(self.clock().astimezone(UTC).date(), time(self.digest_hour), UTC)

    def one_pass(self) -> list[Posted]:
        """Queue what is new, send every single letter, and the day's digests once their hour has come."""
        self.catch_up()
        posted = self.send_each()
        if self.clock() >= self.digest_time():
            posted += self.send_digests(self.digest_time())
        return posted

    def digest_now(self) -> list[Posted]:
        """Queue what is new, then send everyone with letters waiting their digest now."""
        self.catch_up()
        return self.send_digests(None)

    def close(self) -> None:
        self.outbox.close()
        self.users.close()
        self.log.close()


def open_outbox(settings: Settings) -> Outbox:
    if settings.store == "sqlite":
        return SqliteOutbox(settings.make_home() / "mail.sqlite")
    if settings.database_url is None:
        raise SettingsError("PALERMO_DATABASE_URL is required when PALERMO_STORE=postgres")
    return PostgresOutbox(settings.database_url)


def relay_of(settings: Settings) -> SmtpRelay:
    """The SMTP server of the settings; SettingsError when mail is off."""
    if settings.smtp_host is None:
        raise SettingsError("Mail is off: set PALERMO_SMTP_HOST to the SMTP server to send it through.")
    password = settings.smtp_password.get_secret_value() if settings.smtp_password is not None else None
    return SmtpRelay(
        settings.smtp_host, settings.smtp_port, settings.smtp_starttls, settings.smtp_user, password
    )


def link_base(settings: Settings) -> str:
    """Where the links in mail point: PALERMO_PUBLIC_URL, else the running embedded web app."""
    if settings.public_url is not None:
        return settings.public_url
    running = running_address(settings.home_dir)
    return running.url.rstrip("/") if running is not None else DEFAULT_BASE


def open_notifier(settings: Settings, clock: Callable[[], datetime] | None = None) -> Notifier:
    """The deployment's notifier: its stores and SMTP server from the settings; SettingsError when mail is
    off."""
    relay = relay_of(settings)
    participants = directory()
    return Notifier(
        log=opened(lambda: EventLog(APPLICATION, settings.store_env(APPLICATION))),
        users=opened(lambda: Users(settings.store_env("Users"), participants=participants)),
        outbox=open_outbox(settings),
        relay=relay,
        sender=settings.smtp_sender,
        base=lambda: link_base(settings),
        digest_hour=settings.mail_digest_hour,
        clock=clock or (lambda: datetime.now(UTC)),
        participants=participants,
    )


def serve(
    settings: Settings,
    stop: threading.Event,
    *,
    poll: float = POLL_S,
    retry: float = RETRY_S,
    clock: Callable[[], datetime] | None = None,
) -> None:
    """Pass after pass until `stop`. A failed pass (the mail server away, the database restarted) is logged,
    and the stores are opened afresh `retry` seconds later, since a broken connection may be what failed;
    the mail it did not send waits in the outbox."""
    while not stop.is_set():
        try:
            notifier = open_notifier(settings, clock=clock)
            try:
                while not stop.is_set():
                    for mail in notifier.one_pass():
                        said = f"refused: {mail.refused}" if mail.refused else "sent"
                        logger.info("mail of %d notice(s) to %s %s", mail.letters, mail.recipient, said)
                    stop.wait(poll)
            finally:
                notifier.close()
        except Exception:
            logger.exception("mail not sent; trying again in %g s", retry)
            stop.wait(retry)
