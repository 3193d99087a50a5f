"""Reminders and escalations reach people by mail, through a real SMTP server on loopback: the officers of the
State and, of an escalation, the managers; each one alone or in a daily digest, as each chose; once, whatever
restarts; and an address is refused in one sentence when it is not one."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import cast

import pytest
import typer
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from typer.testing import CliRunner

from activities.engagements import Engagements
from activities.users import Users
from cli import mail as mail_cli
from cli import user as user_cli
from cli.console import Context
from domain.commands import Escalate, OpenEngagement, SendReminder
from domain.contact import MailPreference
from domain.user import Role
from domain.values import Instrument, Step
from tests.integration.web_app import TEST_COST
from tests.servers import LOOPBACK, free_port
from usecases.notifier import Notifier, open_notifier, serve
from usecases.settings import Settings

RECEIVED = date(2001, 9, 3)
DUE = date(2001, 11, 2)
# Before the digest's hour (7 UTC by default), so that only single letters go out until a test moves it on.
MORNING = datetime(2001, 11, 10, 6, 0, tzinfo=UTC)
LINKS = "https://palermo.example.org"
ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@dataclass
class Inbox:
    """What the SMTP server on loopback was handed: each mail's envelope recipients and its message."""

    mails: list[tuple[tuple[str, ...], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        message = message_from_bytes(content, policy=policy.default)
        self.mails.append((tuple(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for recipients, message in self.mails if address in recipients]

    def addressees(self) -> list[str]:
        return sorted(address for recipients, _ in self.mails for address in recipients)


def subject(mail: EmailMessage) -> str:
    # A long subject is folded after its colon, and the parser keeps the fold's space.
    return str(mail["Subject"]).strip()


@dataclass
class Clock:
    now: datetime = MORNING

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Office:
    """A deployment with mail on: its settings, the SMTP server's inbox and the notifier's clock."""

    settings: Settings
    inbox: Inbox
    clock: Clock = field(default_factory=Clock)

    def users(self) -> Users:
        return Users(self.settings.store_env("Users"), cost=TEST_COST)

    def notifier(self) -> Notifier:
        """A notifier as a (re)started projector opens it: its stores, and mail through the SMTP server."""
        return open_notifier(self.settings, clock=self.clock)

    def record(self, command: SendReminder | Escalate | OpenEngagement) -> None:
        engagements = Engagements(self.settings.store_env("Engagements"))
        try:
            engagements.handle(command)
        finally:
            engagements.close()

    def cli(self, app: typer.Typer, *args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, list(args), obj=Context(settings=self.settings, acting="m.rossi"))
        return result.exit_code, result.stdout, result.stderr


def overdue(state: str, *, escalate: bool = False) -> SendReminder | Escalate:
    kind = Escalate if escalate else SendReminder
    return kind(state=state, actor="engine", effective_date=DUE, step=Step.LAW_SUMMARY, due_date=DUE)


def add_people(users: Users) -> None:
    """Officers of the Americas (one of BOL alone) and of Africa, a manager, an auditor, with addresses."""
    people = [
        ("a.quispe", Role.OFFICER, (), ("Americas",), MailPreference.EACH),
        ("o.diallo", Role.OFFICER, (), ("Africa",), MailPreference.EACH),
        ("s.kim", Role.OFFICER, ("BOL",), (), MailPreference.EACH),
        ("d.ortiz", Role.OFFICER, (), ("Americas",), MailPreference.DIGEST),
        ("m.rossi", Role.MANAGER, (), (), MailPreference.EACH),
        ("r.audit", Role.AUDITOR, (), (), MailPreference.EACH),
    ]
    for name, role, states, regions, mail in people:
        users.add(name, role, users.scope(states, regions), actor="admin")
        users.change_contact(name, email=f"{name}@un.example.org", mail=mail, actor="admin")


def deployment(home: Path, port: int, database_url: str | None = None) -> Settings:
    mail = Settings(
        home=home, smtp_host=LOOPBACK, smtp_port=port, smtp_sender="palermo@un.example.org", public_url=LINKS
    )
    if database_url is None:
        return mail
    return mail.model_copy(update={"store": "postgres", "database_url": database_url})


@dataclass(frozen=True)
class MailServer:
    inbox: Inbox
    port: int


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    """A real SMTP server (aiosmtpd) on a free loopback port, keeping what it is handed."""
    inbox, port = Inbox(), free_port()
    server = Controller(inbox, hostname=LOOPBACK, port=port)
    server.start()
    yield MailServer(inbox, port)
    server.stop()


def open_office(home: Path, smtp: MailServer, database_url: str | None = None) -> Office:
    """The deployment with its people and the cases of BOL, PER (Americas) and NGA (Africa) open."""
    office = Office(deployment(home, smtp.port, database_url), smtp.inbox)
    users = office.users()
    add_people(users)
    users.close()
    for state in ("BOL", "PER", "NGA"):
        office.record(
            OpenEngagement(
                state=state, actor="a", effective_date=RECEIVED, instruments=(Instrument.CONVENTION,)
            )
        )
    return office


@pytest.fixture
def office(tmp_path: Path, smtp: MailServer) -> Office:
    return open_office(tmp_path / "home", smtp)


@pytest.fixture
def notifier(office: Office) -> Iterator[Notifier]:
    """The notifier, started before the reminders of the test are recorded (it tells nobody of the past)."""
    started = office.notifier()
    assert started.one_pass() == []
    yield started
    started.close()


def test_a_reminder_reaches_the_officers_of_the_states_region_and_no_officer_of_another(
    office: Office, notifier: Notifier
) -> None:
    office.record(overdue("BOL"))

    posted = notifier.one_pass()

    assert office.inbox.addressees() == ["a.quispe@un.example.org", "s.kim@un.example.org"]
    assert [(p.recipient, p.letters) for p in posted] == [("a.quispe", 1), ("s.kim", 1)]
    (mail,) = office.inbox.to("a.quispe@un.example.org")
    body = mail.get_content()
    assert subject(mail) == "Reminder: Bolivia (Plurinational State of) (BOL), law summary 8 days overdue"
    assert mail["From"] == "palermo@un.example.org"
    assert "law summary of Bolivia (Plurinational State of) (BOL) was due on 2001-11-02 and is 8 days" in body
    assert f"The case: {LINKS}/cases/BOL" in body
    assert f"{LINKS}/calendar" in body


def test_an_escalation_reaches_the_officers_of_the_state_and_every_manager_but_no_auditor(
    office: Office, notifier: Notifier
) -> None:
    office.record(overdue("NGA", escalate=True))

    notifier.one_pass()

    assert office.inbox.addressees() == ["m.rossi@un.example.org", "o.diallo@un.example.org"]
    (mail,) = office.inbox.to("m.rossi@un.example.org")
    assert subject(mail) == "Escalated: Nigeria (NGA), law summary 8 days overdue"
    assert "is escalated to the managers" in mail.get_content()


def test_a_user_who_chose_none_is_sent_nothing(office: Office, notifier: Notifier) -> None:
    office.record(overdue("BOL"))
    notifier.one_pass()
    code, _, err = office.cli(user_cli.app, "contact", "s.kim", "--mail", "none")
    office.record(overdue("BOL", escalate=True))

    notifier.one_pass()

    assert (code, err) == (0, "")
    assert len(office.inbox.to("s.kim@un.example.org")) == 1
    assert len(office.inbox.to("a.quispe@un.example.org")) == 2


def test_a_digest_user_gets_one_digest_a_day_with_every_notice_since_the_last(
    office: Office, notifier: Notifier
) -> None:
    office.record(overdue("BOL"))
    office.record(overdue("PER", escalate=True))
    before_the_hour = notifier.one_pass()
    office.clock.now = MORNING.replace(hour=8)

    at_the_hour = notifier.one_pass()
    again = notifier.one_pass()

    assert "d.ortiz" not in {p.recipient for p in before_the_hour}
    assert [(p.recipient, p.letters) for p in at_the_hour] == [("d.ortiz", 2)]
    assert again == []
    (digest,) = office.inbox.to("d.ortiz@un.example.org")
    body = digest.get_content()
    assert subject(digest) == "Palermo digest of 2001-11-10: 2 overdue steps"
    assert "- Reminder: The law summary of Bolivia (Plurinational State of) (BOL)" in body
    assert "- Escalated: The law summary of Peru (PER)" in body
    assert f"{LINKS}/cases/BOL" in body
    assert f"{LINKS}/cases/PER" in body


def test_the_digest_command_sends_what_is_waiting_now_and_says_so_in_json(
    office: Office, notifier: Notifier
) -> None:
    office.record(overdue("PER"))

    code, out, err = office.cli(mail_cli.app, "digest", "--json")
    second = office.cli(mail_cli.app, "digest")

    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "mail": [{"recipient": "d.ortiz", "address": "d.ortiz@un.example.org", "letters": 1, "refused": None}]
    }
    assert second[:2] == (0, "No digest was due: nobody who chose one has notices waiting.\n")
    assert office.inbox.addressees() == ["d.ortiz@un.example.org"]


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_restarted_notifier_sends_nothing_twice_and_skips_nothing_recorded_while_it_was_down(
    request: pytest.FixtureRequest, tmp_path: Path, smtp: MailServer, store: str
) -> None:
    url = cast(str, request.getfixturevalue("fresh_postgres_url")) if store == "postgres" else None
    office = open_office(tmp_path / "home", smtp, url)
    first = office.notifier()
    first.one_pass()
    office.record(overdue("BOL"))
    first.one_pass()
    first.close()
    office.record(overdue("PER"))

    restarted = office.notifier()
    restarted.one_pass()
    restarted.one_pass()
    restarted.close()

    subjects = sorted(subject(m) for m in office.inbox.to("a.quispe@un.example.org"))
    assert subjects == [
        "Reminder: Bolivia (Plurinational State of) (BOL), law summary 8 days overdue",
        "Reminder: Peru (PER), law summary 8 days overdue",
    ]
    assert len(office.inbox.mails) == 3  # and s.kim's of BOL


def test_mail_is_off_without_an_smtp_server_and_the_command_says_so(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)

    result = runner.invoke(mail_cli.app, ["digest"], obj=Context(settings=settings, acting="m.rossi"))

    assert result.exit_code == 1
    assert "Mail is off: set PALERMO_SMTP_HOST" in result.stderr


def wait_until(condition: Callable[[], bool], what: str, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not {what} within {within} s")
        time.sleep(0.05)


def test_mail_waits_while_the_mail_server_is_away_and_goes_once_it_is_back(tmp_path: Path) -> None:
    inbox, port = Inbox(), free_port()
    office = open_office(tmp_path / "home", MailServer(inbox, port))
    stop = threading.Event()
    loop = threading.Thread(
        target=serve, args=(office.settings, stop), kwargs={"poll": 0.05, "retry": 0.2, "clock": office.clock}
    )
    loop.start()
    try:
        wait_until(lambda: tracked(office.settings.home_dir / "mail.sqlite"), "reading the log")
        office.record(overdue("BOL"))
        time.sleep(1.0)
        away = list(inbox.mails)
        server = Controller(inbox, hostname=LOOPBACK, port=port)
        server.start()
        try:
            wait_until(lambda: len(inbox.mails) == 2, "mailed once the server is back")
            time.sleep(0.5)
        finally:
            server.stop()
    finally:
        stop.set()
        loop.join(10)

    assert away == []
    assert not loop.is_alive()
    assert inbox.addressees() == ["a.quispe@un.example.org", "s.kim@un.example.org"]


def test_the_projector_process_mails_reminders_beside_the_read_model_and_stops_on_sigterm(
    office: Office, smtp: MailServer, tmp_path: Path
) -> None:
    settings = office.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("PALERMO_")} | {
        "PALERMO_HOME": str(settings.home_dir),
        "PALERMO_SMTP_HOST": LOOPBACK,
        "PALERMO_SMTP_PORT": str(smtp.port),
        "PALERMO_SMTP_SENDER": settings.smtp_sender,
        "PALERMO_PUBLIC_URL": LINKS,
    }
    log = (tmp_path / "projector.log").open("wb")
    projector = subprocess.Popen(
        [sys.executable, "-m", "deploy.projector"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_until(lambda: tracked(settings.home_dir / "mail.sqlite"), "reading the log")
        office.record(overdue("NGA", escalate=True))
        wait_until(lambda: len(smtp.inbox.mails) == 2, "mailed")
        projector.send_signal(signal.SIGTERM)
        code = projector.wait(15)
    finally:
        if projector.poll() is None:
            projector.kill()
            projector.wait()
        log.close()

    assert code == 0, (tmp_path / "projector.log").read_text()
    assert smtp.inbox.addressees() == ["m.rossi@un.example.org", "o.diallo@un.example.org"]
    assert f"{LINKS}/cases/NGA" in smtp.inbox.to("o.diallo@un.example.org")[0].get_content()


def tracked(outbox: Path) -> bool:
    """Whether the notifier has taken its place in the log (before that, it would start after any event)."""
    if not outbox.exists():
        return False
    try:
        with contextlib.closing(sqlite3.connect(outbox)) as db:
            return bool(db.execute("SELECT count(*) FROM tracking").fetchone()[0])
    except sqlite3.OperationalError:
        return False
