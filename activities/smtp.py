"""Mail handed to an SMTP server (the standard library's smtplib): a refusal for good is told apart from a
failure worth trying again."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from activities.outbox import Undeliverable

# Seconds to wait for the server at each step before the pass gives up and tries again later.
TIMEOUT_S = 30.0


@dataclass(frozen=True)
class SmtpRelay:
    """One SMTP server: where it is, whether the connection is upgraded to TLS, and who signs in."""

    host: str
    port: int = 25
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = TIMEOUT_S

    def send(self, message: EmailMessage) -> None:
        """Hand `message` over; Undeliverable when the server refuses it for good (a 5xx answer), any other
        failure (unreachable, a 4xx answer) raised as it is, so the mail waits for the next try."""
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as server:
                if self.starttls:
                    server.starttls(context=ssl.create_default_context())
                if self.user is not None and self.password is not None:
                    server.login(self.user, self.password)
                server.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if all(code >= 500 for code in codes):
                raise Undeliverable(
                    f"the server refused {', '.join(error.recipients)} ({codes[0]})"
                ) from None
            raise
        except smtplib.SMTPDataError as error:
            # A refused sender is the deployment's setting at fault, not the mail's: that one waits.
            if error.smtp_code >= 500:
                raise Undeliverable(f"the server refused the mail ({error.smtp_code})") from None
            raise
