"""How a user is reached: their e-mail address, and whether reminders and escalations reach them one by one,
in a daily digest, or not at all."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from domain.errors import DomainError
from domain.facts import Fact

# A dotted domain of letters, digits and dashes, and a local part of the characters RFC 5322 allows unquoted:
# nothing that could end a header line or add a recipient (no spaces, commas, angle brackets or line breaks).
ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])"
)
# The longest address a mail server takes in a path (RFC 5321, 4.5.3.1.3).
LONGEST = 254
# How much of a refused address the refusal repeats.
SHOWN = 80


class MailPreference(StrEnum):
    """What a user is sent: each reminder and escalation as it happens, one digest a day, or nothing."""

    EACH = "each"
    DIGEST = "digest"
    NONE = "none"

    @property
    def said(self) -> str:
        """The choice in words, as a form offers it."""
        return _SAID[self]


_SAID = {
    MailPreference.EACH: "each reminder and escalation as it happens",
    MailPreference.DIGEST: "one digest a day",
    MailPreference.NONE: "nothing",
}


class BadEmailAddress(DomainError):
    """An e-mail address is one mailbox, written as name@example.org."""


class UnknownMailPreference(DomainError):
    """Mail goes out as each, digest or none."""


def check_address(address: str) -> str:
    """The address, stripped, if it is one mailbox; BadEmailAddress otherwise."""
    written = address.strip()
    if len(written) > LONGEST or not ADDRESS.fullmatch(written):
        # Quoted as Python writes it, so a line break typed in stays in the one line of the refusal.
        shown = repr(written if len(written) <= SHOWN else f"{written[:SHOWN]}…")
        raise BadEmailAddress(f"{shown} is not an e-mail address: write one mailbox, as name@example.org.")
    return written


def parse_preference(text: str) -> MailPreference:
    try:
        return MailPreference(text.strip().casefold())
    except ValueError:
        choices = ", ".join(p.value for p in MailPreference)
        raise UnknownMailPreference(f"{text[:SHOWN]!r} is not a choice of mail: choose {choices}.") from None


class ContactChanged(Fact):
    """A user's e-mail address or their choice of mail changed."""

    email: str | None
    mail: MailPreference
    previous_email: str | None
    previous_mail: MailPreference

    def apply(self, aggregate: Any) -> None:
        aggregate.email = self.email
        aggregate.mail = self.mail
