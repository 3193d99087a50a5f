"""The documents beside the chain: every document an engagement event names is in the document folder, and its
bytes still hash to the SHA-256 the event recorded.

The chain vouches for the events, and each event for its documents' hashes; so a document changed, replaced or
removed after it was attached is caught here, naming the State, the event and the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum

from activities.documents import DocumentFolder
from audit.chain import Entry
from domain.attachments import Attachment

# Only events that carry documents name the field: the others are passed over without being decoded, so a
# store with few documents verifies about as fast as one with none.
MARK = b'"documents"'


class DocumentReason(StrEnum):
    """Why a document fails its check."""

    MISSING = "document missing"
    ALTERED = "document altered"


@dataclass(frozen=True)
class DocumentProblem:
    """A document an event names that is not as the event recorded it, at the event's log position."""

    position: int
    reason: DocumentReason
    detail: str


@dataclass
class DocumentCheck:
    """Visits a log's events as the chain is walked (audit.verify.check_log) and checks their documents,
    each distinct document hashed once however many events name it."""

    folder: DocumentFolder
    problems: list[DocumentProblem] = field(default_factory=list)
    checked: int = 0
    _found: dict[str, str | None] = field(default_factory=dict)

    def visit(self, entry: Entry) -> None:
        stored = entry.event.state
        if MARK not in stored:
            return
        fields = json.loads(stored)
        for named in fields.get("documents") or ():
            self._check(entry, fields, Attachment.model_validate(named))

    def _check(self, entry: Entry, fields: dict[str, object], document: Attachment) -> None:
        self.checked += 1
        if document.sha256 not in self._found:
            self._found[document.sha256] = self.folder.digest_of(document.sha256)
        found = self._found[document.sha256]
        if found == document.sha256:
            return
        event = entry.event.topic.rpartition(":")[2]
        where = f"{fields.get('state', '?')} {event} (version {entry.event.originator_version})"
        what = f"{document.name} (sha256 {document.sha256})"
        if found is None:
            reason, said = DocumentReason.MISSING, f"is not in {self.folder.hashes}"
        else:
            reason, said = DocumentReason.ALTERED, f"no longer hashes to it: its bytes hash to {found}"
        self.problems.append(DocumentProblem(entry.event.position, reason, f"{where}: {what} {said}"))
