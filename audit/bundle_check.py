"""`palermo audit verify --bundle`: a bundle checked with the audit key alone, without the database."""

from __future__ import annotations

import hashlib
import hmac
import zipfile
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ConfigDict, ValidationError

from activities.store.chain import GENESIS, Link, RawEvent, key_id, link_hash
from audit.bundle import (
    ALL,
    BUNDLE_FORMAT,
    ENGAGEMENTS,
    EVENTS,
    FIGURES,
    MANIFEST,
    SEAL,
    BundleEvent,
    Manifest,
    unsigned_manifest,
)
from audit.chain import ChainBroken, Reason, Row, walk_rows
from audit.figures import Citations, Replayed, differences, read_figures, replayed
from audit.verify import AuditFailed, Failure, Head, Progress, SealInvalid, read_seal, sign
from domain.engagement import engagement_id


class BundleInvalid(Exception):
    """The bundle is not one `palermo audit export` wrote with this key, or was altered after."""


class LineageBroken(Exception):
    """The bundle's figures cite events it does not hold, or do not follow from its events."""

    def __init__(self, problems: list[str]) -> None:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"figures.json: {problems[0]}{more}.")
        self.problems = problems


class BundleVerified(BaseModel):
    """What a bundle verification covered."""

    model_config = ConfigDict(frozen=True)

    scope: str
    events: int
    applications: int
    cited: int


def manifest_of(bundle: zipfile.ZipFile, key: bytes) -> Manifest:
    """The manifest, once its signature and every file's SHA-256 check out."""
    try:
        manifest = Manifest.model_validate_json(bundle.read(MANIFEST))
    except (KeyError, ValidationError):
        raise BundleInvalid("The file is not a palermo audit bundle (no readable manifest.json).") from None
    if manifest.format != BUNDLE_FORMAT:
        raise BundleInvalid(
            f"The bundle's format is {manifest.format!r}; this version reads {BUNDLE_FORMAT!r}."
        )
    if manifest.key_id != key_id(key).hex():
        raise BundleInvalid(
            f"The bundle was signed with key {manifest.key_id}; this key is {key_id(key).hex()}."
        )
    if not hmac.compare_digest(manifest.signature, sign(key, b"palermo-bundle", unsigned_manifest(manifest))):
        raise BundleInvalid("The manifest's signature does not match: the manifest was altered.")
    members = set(bundle.namelist()) - {MANIFEST}
    if members != set(manifest.files):
        raise BundleInvalid(
            f"The bundle holds {sorted(members)}; its manifest lists {sorted(manifest.files)}."
        )
    for name, expected in manifest.files.items():
        digest = hashlib.sha256()
        with bundle.open(name) as member:
            for block in iter(lambda: member.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != expected:
            raise BundleInvalid(f"{name} was altered after the bundle was signed (its SHA-256 differs).")
    return manifest


def _lines(stream: IO[bytes]) -> Iterator[BundleEvent]:
    for number, line in enumerate(stream, start=1):
        try:
            yield BundleEvent.model_validate_json(line)
        except ValidationError:
            raise BundleInvalid(f"Line {number} of {EVENTS} is not an event.") from None


def _raw(line: BundleEvent) -> RawEvent:
    return RawEvent(
        position=line.position, originator_id=line.originator_id,
        originator_version=line.originator_version, topic=line.topic, state=line.state_bytes(),
    )  # fmt: skip


def _hex(line: BundleEvent, text: str) -> bytes:
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise BundleInvalid(f"A hash of {line.application} position {line.position} is not hex.") from None


def _counted(lines: Iterable[BundleEvent], progress: Progress | None) -> Iterator[BundleEvent]:
    for number, line in enumerate(lines, start=1):
        if progress is not None and number % 1000 == 0:
            progress(1000)
        yield line


def bundle_size(path: Path) -> int:
    """How many events the bundle's manifest announces (to size a progress bar; nothing is trusted)."""
    try:
        with zipfile.ZipFile(path) as bundle:
            return sum(
                r.events for r in Manifest.model_validate_json(bundle.read(MANIFEST)).applications.values()
            )
    except (OSError, KeyError, ValidationError, zipfile.BadZipFile):
        return 0


def whole_log(
    key: bytes, name: str, lines: Iterable[BundleEvent], sealed: Head, seen: Citations, replay: Replayed
) -> int:
    """A whole log: its chain recomputed from the first event, as the store's is, up to the sealed head."""
    own = key_id(key)
    rows: Iterator[Row] = (
        (
            n.position,
            _raw(n),
            Link(position=n.position, previous=n.previous, hash=_hex(n, n.hash), key_id=own),
        )
        for n in lines
    )
    count, position, digest = 0, 0, GENESIS
    for entry in walk_rows(key, rows):
        count, position, digest = count + 1, entry.link.position, entry.link.hash
        seen.see(name, entry.event)
        replay.add(name, entry.event)
    if position < sealed.position:
        gone = sealed.events - count
        raise ChainBroken(
            position + 1, Reason.CUT_OFF, f"{gone} sealed events after position {position} are missing"
        )
    if (position, digest.hex()) != (sealed.position, sealed.hash):
        raise ChainBroken(
            sealed.position, Reason.REWRITTEN, "the bundle's chain does not end at its seal's head"
        )
    return count


def engagement_only(
    key: bytes, scope: str, lines: Iterable[BundleEvent], sealed: Head, seen: Citations
) -> int:
    """One engagement's events: each matches its own link, and its versions run from 1 without a gap."""
    origin = str(engagement_id(scope))
    count = 0
    for line in lines:
        event = _raw(line)
        if line.originator_id != origin:
            raise ChainBroken(
                line.position, Reason.INSERTED, f"the event is not of the engagement of {scope}"
            )
        if line.position > sealed.position:
            raise ChainBroken(line.position, Reason.INSERTED, "the event lies after the bundle's sealed head")
        digest = link_hash(key, _hex(line, line.previous_hash), line.previous, event)
        if not hmac.compare_digest(digest, _hex(line, line.hash)):
            raise ChainBroken(line.position, Reason.MODIFIED, "the event differs from what was chained")
        if line.originator_version != count + 1:
            raise ChainBroken(
                line.position, Reason.DELETED, f"version {count + 1} of the engagement is missing"
            )
        count += 1
        seen.see(line.application, event)
    return count


def verify_bundle(path: Path, key: bytes, progress: Progress | None = None) -> BundleVerified:
    """Check a bundle: signatures, every event against its chain, the seal's heads, the figures' lineage."""
    try:
        bundle = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise BundleInvalid(f"{path} is not a readable bundle: {error}.") from None
    with bundle:
        manifest = manifest_of(bundle, key)
        try:
            seal = read_seal(bundle.read(SEAL).decode(), key)
            document = read_figures(bundle.read(FIGURES))
        except (SealInvalid, ValueError) as error:
            raise BundleInvalid(str(error)) from None
        seen, counts, failures = Citations(document), dict[str, int](), list[Failure]()
        with bundle.open(EVENTS) as stream, replayed() as replay:
            for name, group in groupby(_counted(_lines(stream), progress), key=lambda line: line.application):
                sealed = seal.applications.get(name)
                if name in counts or sealed is None or (manifest.scope != ALL and name != ENGAGEMENTS):
                    raise BundleInvalid(f"{EVENTS} holds events of {name} out of place.")
                try:
                    if manifest.scope == ALL:
                        counts[name] = whole_log(key, name, group, sealed, seen, replay)
                    else:
                        counts[name] = engagement_only(key, manifest.scope, group, sealed, seen)
                except ChainBroken as broken:
                    counts[name] = 0
                    failures.append(Failure(application=name, position=broken.position,
                                            reason=broken.reason.value, detail=broken.detail))  # fmt: skip
            if manifest.scope == ALL:
                failures += [
                    Failure(application=name, position=1, reason=Reason.CUT_OFF.value,
                            detail=f"the bundle holds none of the {head.events} sealed events")
                    for name, head in seal.applications.items() if name not in counts and head.events
                ]  # fmt: skip
            if failures:
                raise AuditFailed(failures)
            problems = seen.problems + seen.unseen()
            if manifest.scope == ALL:
                problems += differences(document.figures, replay.figures(document.figures))
        if problems:
            raise LineageBroken(problems)
    listed = {name: r.events for name, r in manifest.applications.items()}
    if listed != {name: n for name, n in counts.items() if n}:
        raise BundleInvalid(f"The manifest counts {listed} events, but {EVENTS} holds {counts}.")
    cited = sum(len(rows) for rows in document.lineage.values())
    return BundleVerified(
        scope=manifest.scope, events=sum(counts.values()), applications=len(seal.applications), cited=cited
    )
