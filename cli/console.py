"""What the command line shows: one sentence on stderr for any refusal, Rich tables for cases."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import NoReturn, Protocol, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from activities.engagements import HistoryEntry
from activities.participants import Participant, ParticipantDirectory, directory
from domain.attachments import Attachment
from domain.errors import DomainError
from domain.views import CaseView
from usecases.inputs import BadOption
from usecases.settings import Settings, SettingsError
from workflows.client import CommandRefused, ServerUnavailable

T = TypeVar("T")


class Closing(Protocol):
    def close(self) -> None: ...


S = TypeVar("S", bound=Closing)
EXPECTED_ERRORS = (DomainError, BadOption, CommandRefused, ServerUnavailable, SettingsError)
errors = Console(stderr=True)
# Below this many events a walk over the logs takes about a second, and a bar would only flicker.
BAR_FROM_EVENTS = 5_000


def fail(sentence: str, code: int = 1) -> NoReturn:
    """Print one sentence on stderr and exit non-zero; nothing else is shown."""
    errors.print(f"[red]Error:[/] {sentence}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def sentence_of(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"] if not isinstance(p, int)) or "input"
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where.replace('_', ' ')}: {first['msg']}{more}."


@dataclass
class Context:
    """What every command needs: settings, the acting user, the directory, a console."""

    settings: Settings
    acting: str
    console: Console = field(default_factory=Console)
    # Whether --actor or PALERMO_ACTOR named the actor (else it is the login).
    actor_named: bool = True
    _warned: bool = field(default=False, init=False, repr=False)

    @property
    def actor(self) -> str:
        """Who is recorded as acting. Read only to record something: a shared login, not named as the actor,
        is recorded with a word on the standard error once the command has succeeded (`unnamed_actor`), so
        that a refusal stays one sentence."""
        if not self.actor_named and self.acting in SHARED_LOGINS and not self._warned:
            self._warned = True
            UNNAMED_ACTORS.append(
                f"Recorded as {self.acting!r}, your login, which names no person: "
                "say who acts with --actor NAME or PALERMO_ACTOR."
            )
        return self.acting

    @property
    def participants(self) -> ParticipantDirectory:
        return directory()

    def participant(self, state: str) -> Participant:
        """The participant a code or a name (ISO 3166 or Treaty Collection wording) stands for."""
        return self.run(lambda: self.participants.named(state))

    def today(self) -> date:
        return date.today()

    def run(self, action: Callable[[], T]) -> T:
        """Run `action`, turning an expected failure into one sentence and a non-zero exit."""
        try:
            return action()
        except ValidationError as error:
            fail(sentence_of(error))
        except EXPECTED_ERRORS as error:
            fail(str(error))
        except (ConnectionError, OSError) as error:
            fail(f"Could not reach a service: {error}.")

    def using(self, opening: Callable[[], S], action: Callable[[S], T]) -> T:
        """Run `action` on the store `opening` opens, closed after; a refusal is one sentence and records
        nothing."""
        store = self.run(opening)
        try:
            return self.run(lambda: action(store))
        finally:
            store.close()


# What a command that succeeded says on the standard error about the actor it recorded (Context.actor).
UNNAMED_ACTORS: list[str] = []
# Logins many people share, which the audit trail cannot tell apart.
SHARED_LOGINS = frozenset({"root", "admin", "administrator", "ubuntu", "debian", "user"})


def default_actor(settings: Settings) -> str:
    return settings.actor or os.environ.get("USER") or getpass.getuser()


def render_case(console: Console, case: CaseView) -> None:
    table = Table(title=f"{case.state_name} ({case.state})", show_header=False)
    table.add_row("round", str(case.round))
    table.add_row("status", case.status.value)
    table.add_row("next step", case.stage.value if case.stage else "—")
    table.add_row("completed", ", ".join(s.value for s in case.completed_steps))
    table.add_row("instruments", ", ".join(i.value for i in case.instruments))
    table.add_row("request received", case.received.isoformat())
    if case.focal_point:
        table.add_row("focal point", case.focal_point.name)
    if case.gap_items:
        table.add_row("gap items", ", ".join(i.checklist_item for i in case.gap_items))
    if case.activities:
        table.add_row("assistance", ", ".join(a.activity.kind.value for a in case.activities))
    if case.bills:
        table.add_row("bills", "; ".join(f"{b.title} ({b.stage.value})" for b in case.bills))
    if case.reminders:
        table.add_row(
            "overdue",
            ", ".join(f"{r.step.value}{' (escalated)' if r.escalated else ''}" for r in case.reminders),
        )
    if case.withdrawal_reason:
        table.add_row("withdrawn", case.withdrawal_reason)
    if case.documents:
        listed = [f"{d.step.value if d.step else d.event}: {d.described()}" for d in case.documents]
        table.add_row("documents", "\n".join(listed))
    table.add_row("version", str(case.version))
    console.print(table)


def render_history(console: Console, state: str, entries: list[HistoryEntry]) -> None:
    table = Table(title=f"History of {state}")
    # A column for documents only when a case has some: the table is wide enough as it is.
    attached = [[Attachment.model_validate(d) for d in e.data.get("documents", ())] for e in entries]
    shown = any(attached)
    columns = ("#", "round", "event", "effective", "named", "recorded", "actor", "door", "source")
    for column in (*columns, "documents") if shown else columns:
        table.add_column(column)
    for entry, documents in zip(entries, attached, strict=True):
        table.add_row(
            str(entry.version),
            str(entry.round),
            entry.type,
            entry.effective_date.isoformat(),
            entry.state_name or "",
            entry.recorded_at.strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor,
            entry.door or "",
            entry.source or "",
            *(["\n".join(d.described() for d in documents)] if shown else []),
        )
    console.print(table)


@contextmanager
def progress_bar(console: Console, total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A bar on `console` for a long walk over `total` events; nothing for a short one."""
    if total < BAR_FROM_EVENTS:
        yield lambda _n: None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
