"""Verifying and sealing the audit chains of every application's log, and adopting logs that predate them."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from pydantic import BaseModel, ConfigDict, ValidationError

from activities.documents import DocumentFolder
from activities.engagements import Engagements
from activities.store.chain import GENESIS, key_id
from activities.store.chain_store import AdoptionRefused
from activities.store.logs import EventLog
from activities.store.recorders import ChainedRecorder
from audit.chain import ChainBroken, Entry, Reason, walk
from audit.documents import DocumentCheck

SEAL_FORMAT = "palermo-audit-seal/1"
# The log whose events carry documents.
WITH_DOCUMENTS = Engagements.name
Progress = Callable[[int], None]


class Head(BaseModel):
    """The last link of a log: its position, its hash (hex) and how many events the chain holds."""

    model_config = ConfigDict(frozen=True)

    position: int
    hash: str
    events: int


class Seal(BaseModel):
    """Every log's head at one moment, signed with the audit key; kept outside the database."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: str = SEAL_FORMAT
    sealed_at: datetime
    key_id: str
    applications: dict[str, Head]
    signature: str = ""


class Failure(BaseModel):
    """The first broken position of one application's log, and why."""

    model_config = ConfigDict(frozen=True)

    application: str
    position: int
    reason: str
    detail: str

    def sentence(self) -> str:
        return f"{self.application}: position {self.position} {self.reason} — {self.detail}."


class Verified(BaseModel):
    """What a verification covered."""

    model_config = ConfigDict(frozen=True)

    events: int
    applications: dict[str, Head]
    # How many documents named by events were checked against their hashes.
    documents: int = 0


class AuditFailed(Exception):
    """At least one log does not match its chain or its seal; `failures` names each first break."""

    def __init__(self, failures: list[Failure]) -> None:
        super().__init__("; ".join(f.sentence() for f in failures))
        self.failures = failures


class SealInvalid(Exception):
    """The seal file is unreadable, made with another key, or altered since it was signed."""


def canonical_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def sign(key: bytes, purpose: bytes, data: dict[str, Any]) -> str:
    """HMAC-SHA256 over `purpose`, a newline and the canonical JSON of `data` (sorted keys, no spaces)."""
    return hmac.new(key, purpose + b"\n" + canonical_json(data), hashlib.sha256).hexdigest()


def seal_of(key: bytes, heads: dict[str, Head], sealed_at: datetime) -> Seal:
    unsigned = Seal(sealed_at=sealed_at, key_id=key_id(key).hex(), applications=heads)
    return unsigned.model_copy(update={"signature": sign(key, b"palermo-seal", _unsigned(unsigned))})


def _unsigned(seal: Seal) -> dict[str, Any]:
    return seal.model_dump(mode="json", exclude={"signature"})


def read_seal(text: str, key: bytes) -> Seal:
    """The seal in `text`, once its signature checks out with `key`."""
    try:
        seal = Seal.model_validate_json(text)
    except ValidationError:
        raise SealInvalid("The seal is not a palermo seal (unreadable JSON or missing fields).") from None
    if seal.format != SEAL_FORMAT:
        raise SealInvalid(f"The seal's format is {seal.format!r}; this version reads {SEAL_FORMAT!r}.")
    if seal.key_id != key_id(key).hex():
        raise SealInvalid(f"The seal was signed with key {seal.key_id}, and this key is {key_id(key).hex()}.")
    if not hmac.compare_digest(seal.signature, sign(key, b"palermo-seal", _unsigned(seal))):
        raise SealInvalid("The seal's signature does not match: the seal was altered after it was signed.")
    return seal


def recorder_of(log: EventLog) -> ChainedRecorder:
    return cast(ChainedRecorder, log.recorder)


def total_positions(log_list: Iterable[EventLog]) -> int:
    return sum(log.last() for log in log_list)


def check_log(
    key: bytes,
    log: EventLog,
    sealed: Head | None = None,
    visit: Callable[[Entry], None] | None = None,
    progress: Progress | None = None,
) -> Head:
    """Walk one log's chain (one snapshot), then hold its head against the sealed one, if any."""
    count, position, digest = 0, 0, GENESIS
    below, up_to_seal, at_seal = 0, 0, None
    with recorder_of(log).snapshot() as (events, links):
        for entry in walk(key, events, links):
            count, position, digest = count + 1, entry.link.position, entry.link.hash
            if sealed is not None and position <= sealed.position:
                up_to_seal += 1
                below = position if position < sealed.position else below
                at_seal = digest if position == sealed.position else at_seal
            if visit is not None:
                visit(entry)
            if progress is not None and count % 1000 == 0:
                progress(1000)
    if progress is not None:
        progress(count % 1000)
    if sealed is not None and sealed.position > 0:
        if at_seal is None:
            gone = sealed.events - up_to_seal
            raise ChainBroken(
                below + 1,
                Reason.CUT_OFF,
                f"{gone} events after position {below}, up to the sealed head at {sealed.position}, are gone",
            )
        if at_seal.hex() != sealed.hash:
            raise ChainBroken(
                sealed.position,
                Reason.REWRITTEN,
                "the events up to the sealed head are not the ones sealed: some were replaced or rechained",
            )
    return Head(position=position, hash=digest.hex(), events=count)


def verify(
    logs: Sequence[EventLog],
    key: bytes,
    seal: Seal | None = None,
    progress: Progress | None = None,
    documents: DocumentFolder | None = None,
) -> Verified:
    """Check every log (and the seal's heads), and with `documents`, every document an engagement event
    names; AuditFailed names the first broken position of each log, and each document not as recorded."""
    heads: dict[str, Head] = {}
    failures: list[Failure] = []
    checked = 0
    for log in logs:
        sealed = seal.applications.get(log.name) if seal is not None else None
        check = DocumentCheck(documents) if documents is not None and log.name == WITH_DOCUMENTS else None
        try:
            heads[log.name] = check_log(
                key, log, sealed, visit=check.visit if check else None, progress=progress
            )
        except ChainBroken as broken:
            failures.append(Failure(application=log.name, position=broken.position,
                                    reason=broken.reason.value, detail=broken.detail))  # fmt: skip
        if check is not None:
            checked += check.checked
            failures += [
                Failure(application=log.name, position=p.position, reason=p.reason.value, detail=p.detail)
                for p in check.problems
            ]
    if failures:
        raise AuditFailed(failures)
    return Verified(events=sum(h.events for h in heads.values()), applications=heads, documents=checked)


def make_seal(logs: Sequence[EventLog], key: bytes, progress: Progress | None = None) -> Seal:
    """Verify every log, then sign their heads: a seal vouches only for a chain that checks out."""
    verified = verify(logs, key, progress=progress)
    return seal_of(key, verified.applications, datetime.now(UTC))


def adopt(logs: Sequence[EventLog]) -> dict[str, int | None]:
    """Chain the events of each log whose chain is empty (a store written before the audit chain).

    A log whose chain is already begun is left alone (None): rebuilding a chain would hide tampering.
    """
    adopted: dict[str, int | None] = {}
    for log in logs:
        try:
            adopted[log.name] = recorder_of(log).adopt()
        except AdoptionRefused:
            adopted[log.name] = None
    return adopted
