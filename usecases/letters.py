"""The mail people get: a reminder or an escalation on its own, or a day's digest of them, in plain text,
with a link to each case."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from activities.outbox import Letter
from domain.notices import Notice, NoticeKind

WHAT = {NoticeKind.REMINDER: "Reminder", NoticeKind.ESCALATION: "Escalated"}
FOOTER = (
    "You are told of the overdue steps of the States you act on, and managers of every escalation.\n"
    "To have them one by one, in a daily digest or not at all, choose on {base}/calendar."
)


def _step(notice: Notice) -> str:
    return notice.step.value.replace("_", " ")


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _state(notice: Notice) -> str:
    return f"{notice.state_name} ({notice.state})"


def _sentence(notice: Notice, now: datetime) -> str:
    late = notice.overdue_days(now.date())
    said = f"The {_step(notice)} of {_state(notice)} was due on {notice.due_date.isoformat()}"
    said += f" and is {_days(late)} overdue." if late else ", today."
    if notice.kind is NoticeKind.ESCALATION:
        said += " It stayed overdue after its reminder and is escalated to the managers."
    if notice.demo:
        said += " (Demo data, not a fact of the world.)"
    return said


def _message(letters: Sequence[Letter], sender: str, subject: str, body: str, now: datetime) -> EmailMessage:
    first, last = letters[0], letters[-1]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = last.address
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    # The same letters give the same id: a mail sent again after a crash is known for the same one.
    who = hashlib.sha256(last.recipient.encode()).hexdigest()[:12]
    message["Message-ID"] = f"<palermo.{first.source}-{last.source}.{who}@{sender.rpartition('@')[2]}>"
    message.set_content(body)
    return message


def single(letter: Letter, sender: str, base: str, now: datetime) -> EmailMessage:
    """One reminder or escalation, to one person."""
    notice = letter.notice
    late = notice.overdue_days(now.date())
    subject = f"{WHAT[notice.kind]}: {_state(notice)}, {_step(notice)} {_days(late)} overdue"
    body = "\n\n".join(
        (
            f"Dear {letter.recipient},",
            _sentence(notice, now),
            f"The case: {base}/cases/{notice.state}",
            FOOTER.format(base=base),
        )
    )
    return _message([letter], sender, f"[demo] {subject}" if notice.demo else subject, body + "\n", now)


def digest(letters: Sequence[Letter], sender: str, base: str, now: datetime) -> EmailMessage:
    """Every reminder and escalation since a person's last digest, in one mail."""
    items = [
        f"- {WHAT[letter.notice.kind]}: {_sentence(letter.notice, now)}\n  {base}/cases/{letter.notice.state}"
        for letter in letters
    ]
    count = len(letters)
    subject = f"Palermo digest of {now.date().isoformat()}: {count} overdue step{'s' if count != 1 else ''}"
    body = "\n\n".join(
        (
            f"Dear {letters[-1].recipient},",
            "Since your last digest:",
            "\n".join(items),
            FOOTER.format(base=base),
        )
    )
    return _message(letters, sender, subject, body + "\n", now)
