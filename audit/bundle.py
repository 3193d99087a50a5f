"""`palermo audit export`: events, chain, seal and figures with their lineage, in one signed file."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any, TypedDict

from pydantic import BaseModel, ConfigDict
from typing_extensions import Unpack

from activities.store.chain import key_id
from activities.store.logs import EventLog
from audit.chain import ChainBroken, Entry
from audit.verify import AuditFailed, Failure, Head, Progress, check_log, seal_of, sign
from domain.engagement import engagement_id
from projections.figures import figures
from projections.generations import refresh
from projections.report.document import lineage
from projections.store import FactStore

BUNDLE_FORMAT = "palermo-audit-bundle/1"
EVENTS, SEAL, FIGURES, MANIFEST = "events.jsonl", "seal.json", "figures.json", "manifest.json"
ALL = "all"
ENGAGEMENTS = "Engagements"


class NothingToExport(Exception):
    """The State has no engagement recorded, so its bundle would hold no events."""


class BundleEvent(BaseModel):
    """One line of events.jsonl: a stored event as its row holds it, with its link."""

    model_config = ConfigDict(frozen=True)

    application: str
    position: int
    previous: int
    originator_id: str
    originator_version: int
    topic: str
    # The stored JSON as text; stored bytes that are not UTF-8 (compressed, encrypted) go in base64.
    state: str | None
    state_base64: str | None = None
    previous_hash: str
    hash: str

    def state_bytes(self) -> bytes:
        if self.state_base64 is not None:
            return base64.b64decode(self.state_base64)
        return (self.state or "").encode()


class LogRange(BaseModel):
    """How many events of one log a bundle holds, and their first and last positions."""

    model_config = ConfigDict(frozen=True)

    events: int
    first: int
    last: int


class Manifest(BaseModel):
    """What a bundle holds and the SHA-256 of each file, signed with the audit key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: str = BUNDLE_FORMAT
    created_at: datetime
    scope: str
    key_id: str
    as_of: date
    applications: dict[str, LogRange]
    files: dict[str, str]
    signature: str = ""


def unsigned_manifest(manifest: Manifest) -> dict[str, Any]:
    return manifest.model_dump(mode="json", exclude={"signature"})


def line_of(application: str, entry: Entry) -> BundleEvent:
    event, link = entry.event, entry.link
    try:
        text, encoded = event.state.decode(), None
    except UnicodeDecodeError:
        text, encoded = None, base64.b64encode(event.state).decode()
    return BundleEvent(
        application=application, position=event.position, previous=link.previous,
        originator_id=event.originator_id, originator_version=event.originator_version, topic=event.topic,
        state=text, state_base64=encoded, previous_hash=entry.previous_hash.hex(), hash=link.hash.hex(),
    )  # fmt: skip


class _Lines:
    """events.jsonl written to a temporary file as the chains are walked, with its SHA-256 and ranges."""

    def __init__(self, out: IO[bytes], scope: str | None) -> None:
        self.out, self.digest = out, hashlib.sha256()
        self.origin = str(engagement_id(scope)) if scope else None
        self.ranges: dict[str, LogRange] = {}
        self.included: set[tuple[str, int]] = set()

    def visitor(self, application: str) -> Callable[[Entry], None]:
        def visit(entry: Entry) -> None:
            if self.origin is not None and (application, entry.event.originator_id) != (
                ENGAGEMENTS,
                self.origin,
            ):
                return
            data = line_of(application, entry).model_dump_json().encode() + b"\n"
            self.out.write(data)
            self.digest.update(data)
            self.included.add((application, entry.event.position))
            known = self.ranges.get(application)
            first = known.first if known else entry.event.position
            count = known.events + 1 if known else 1
            self.ranges[application] = LogRange(events=count, first=first, last=entry.event.position)

        return visit


class ExportOptions(TypedDict, total=False):
    """What a bundle holds: every event, or the engagement of the State `scope`; figures as of `as_of`."""

    scope: str | None
    as_of: date | None
    progress: Progress | None


def export(
    logs: Sequence[EventLog], store: FactStore, key: bytes, out: Path, **options: Unpack[ExportOptions]
) -> Manifest:
    """Write the bundle to `out`: every event (or one State's engagement), verified while read.

    A whole bundle lets a verifier recompute every chain from its first event up to the sealed heads, and
    the figures from the events. A bundle of one engagement proves less: each of its events is exactly the
    one chained at its position (its link is recomputed from the previous hash the bundle carries), its
    versions run from 1 without a gap, and all lie before the signed heads; it cannot show that no later
    event of the engagement was left out, and its figures are the whole report's, with lineage rows
    restricted to the engagement's events.
    """
    scope, progress = options.get("scope"), options.get("progress")
    as_of = options.get("as_of") or date.today()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as work:
        # The read model first: every event it counts is then inside the snapshots walked below.
        refresh(store, logs)
        result = figures(store, as_of)
        rows = lineage(store, result)
        events_path = Path(work) / EVENTS
        heads: dict[str, Head] = {}
        with events_path.open("wb") as stream:
            lines = _Lines(stream, scope)
            for log in logs:
                try:
                    heads[log.name] = check_log(key, log, visit=lines.visitor(log.name), progress=progress)
                except ChainBroken as broken:
                    raise AuditFailed(
                        [Failure(application=log.name, position=broken.position,
                                 reason=broken.reason.value, detail=broken.detail)]
                    ) from None  # fmt: skip
        if scope and not lines.included:
            raise NothingToExport(f"No engagement of {scope} is recorded; there is nothing to export.")
        seal = seal_of(key, heads, datetime.now(UTC)).model_dump_json(indent=2).encode()
        cited = {
            name: [r.model_dump(mode="json") for r in facts if (r.application, r.position) in lines.included]
            for name, facts in rows.items()
        }
        figures_file = _json({"figures": result.model_dump(mode="json"), "lineage": cited})
        manifest = Manifest(
            created_at=datetime.now(UTC), scope=scope or ALL, key_id=key_id(key).hex(), as_of=as_of,
            applications=lines.ranges,
            files={EVENTS: lines.digest.hexdigest(), SEAL: _sha(seal), FIGURES: _sha(figures_file)},
        )  # fmt: skip
        manifest = manifest.model_copy(
            update={"signature": sign(key, b"palermo-bundle", unsigned_manifest(manifest))}
        )
        partial_zip = Path(work) / "bundle.zip"
        with zipfile.ZipFile(partial_zip, "w", zipfile.ZIP_DEFLATED) as bundle:
            bundle.writestr(MANIFEST, manifest.model_dump_json(indent=2))
            bundle.write(events_path, EVENTS)
            bundle.writestr(SEAL, seal)
            bundle.writestr(FIGURES, figures_file)
        os.replace(partial_zip, out)
    return manifest


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, indent=1, sort_keys=True).encode()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
