"""The auditor's tools (audit/) on the deployment's stores: its logs, read model, engagements and key."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from typing_extensions import Unpack

from activities.engagements import Engagements
from activities.participants import ParticipantDirectory
from activities.store.chain import AuditKeyError, key_file, parse_key
from activities.store.logs import APPLICATIONS, AUDITED, EventLog
from activities.store.opening import opened
from audit import bundle
from audit import replay as replays
from audit import verify as chains
from audit.bundle import ExportOptions, Manifest
from audit.log_replay import ENGAGEMENTS
from audit.replay import ReplayResult
from audit.verify import Progress, Seal, Verified, seal_of
from usecases.documents import document_folder
from usecases.read_models import open_store
from usecases.settings import Settings


def audit_key(settings: Settings, path: Path | None = None) -> bytes:
    """The key to verify with: `path`, else PALERMO_AUDIT_KEY, else the embedded stack's key file."""
    if path is None and settings.audit_key is not None:
        try:
            return parse_key(settings.audit_key.get_secret_value())
        except ValueError as error:
            raise AuditKeyError(f"PALERMO_AUDIT_KEY {error}.") from None
    found = path or settings.audit_key_file
    if not found.exists():
        raise AuditKeyError(
            f"No audit key: set PALERMO_AUDIT_KEY, or give the key file ({found} does not exist)."
        )
    return key_file(found)


@contextmanager
def logs(settings: Settings, names: Sequence[str] = AUDITED) -> Iterator[list[EventLog]]:
    """The logs named (by default every chained one), opened for reading, closed at the end."""
    opened_logs = [opened(partial(EventLog, name, settings.store_env(name))) for name in names]
    try:
        yield opened_logs
    finally:
        for log in opened_logs:
            log.close()


def verify(
    settings: Settings, key: bytes, seal: Seal | None = None, progress: Progress | None = None
) -> Verified:
    """Check every log (and the seal's heads) and the documents events name; AuditFailed names the first
    broken position of each log, and each document not as its event recorded it."""
    with logs(settings) as opened_logs:
        return chains.verify(opened_logs, key, seal, progress, document_folder(settings))


def make_seal(settings: Settings, key: bytes, progress: Progress | None = None) -> Seal:
    """Verify every log, then sign their heads: a seal vouches only for a chain that checks out."""
    verified = verify(settings, key, progress=progress)
    return seal_of(key, verified.applications, datetime.now(UTC))


def adopt(settings: Settings) -> dict[str, int | None]:
    """Chain the events of each log whose chain is empty (a store written before the audit chain)."""
    with logs(settings) as opened_logs:
        return chains.adopt(opened_logs)


def export(settings: Settings, key: bytes, out: Path, **options: Unpack[ExportOptions]) -> Manifest:
    """Write the bundle of every event (or one State's engagement) to `out` (see audit.bundle.export)."""
    store = open_store(settings)
    try:
        # The events that make the cases and figures; users' token hashes stay out of the bundle.
        with logs(settings, APPLICATIONS) as opened_logs:
            return bundle.export(opened_logs, store, key, out, **options)
    finally:
        store.close()


def events_to_read(settings: Settings, state: str | None = None) -> int:
    """How many events a replay reads (an upper bound), to size a progress bar."""
    with logs(settings, APPLICATIONS) as opened_logs:
        return replays.events_to_read(opened_logs, state)


def replay(
    settings: Settings,
    *,
    as_of: date,
    state: str | None = None,
    participants: ParticipantDirectory | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReplayResult:
    """Rebuild every engagement (or the State's) and the figures from the logs alone, and compare."""
    engagements = Engagements(settings.store_env(ENGAGEMENTS), participants=participants)
    store = open_store(settings)
    try:
        with logs(settings, APPLICATIONS) as opened_logs:
            return replays.replay(
                engagements, opened_logs, store, as_of=as_of, state=state, progress=progress
            )
    finally:
        store.close()
        engagements.close()
