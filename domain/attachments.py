"""Documents attached to a step: what an event keeps of a file (name, type, size, SHA-256), never its bytes.

The bytes are kept apart, by their hash (activities.documents); an event names them by that hash, so that a
document changed after it was attached no longer matches the event that recorded it.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field, StrictInt, StringConstraints

from domain.errors import DomainError
from domain.values import ShortText, Step, Value

# The most documents one command carries.
MOST_DOCUMENTS = 20
# How many hex digits of a digest a person is shown: enough to tell documents apart, short enough to read.
SHORT_HASH = 12


class DocumentRefused(DomainError):
    """A document cannot be attached as it is; nothing was recorded."""


class DocumentTooLarge(DocumentRefused):
    """A document is larger than the deployment keeps."""


class DocumentMismatch(DocumentRefused):
    """A document's bytes do not hash to the SHA-256 given for them."""


class DocumentMissing(DocumentRefused):
    """No document with the SHA-256 named is kept: it was never stored, or it is gone."""


def _file_name(name: str) -> str:
    if "/" in name or "\\" in name or name in (".", ".."):
        raise ValueError("must be a file's name, not a path")
    return name


Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$", to_lower=True)]
FileName = Annotated[ShortText, AfterValidator(_file_name)]
# A media type as RFC 6838 names one (`application/pdf`), without parameters; kept in lower case.
MediaType = Annotated[
    str,
    StringConstraints(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$",
        max_length=127,
        to_lower=True,
    ),
]


def sha256_of(data: bytes) -> str:
    """The SHA-256 of `data`, as lower-case hex: the name its document is kept under."""
    return hashlib.sha256(data).hexdigest()


def size_text(size: int) -> str:
    """A size as a person reads it: 512 bytes, 12.5 KB, 3.0 MB (units of 1,024)."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    scaled, unit = size / 1024, "KB"
    for bigger in ("MB", "GB"):
        if scaled < 1024:
            break
        scaled, unit = scaled / 1024, bigger
    return f"{scaled:.1f} {unit}"


class Attachment(Value):
    """A document attached to a step: its file name, media type, size in bytes and SHA-256 (hex)."""

    name: FileName
    media_type: MediaType = "application/octet-stream"
    size: StrictInt = Field(ge=0)
    sha256: Sha256

    @property
    def short_hash(self) -> str:
        return self.sha256[:SHORT_HASH]

    def described(self) -> str:
        """One line: the name, the size and the short hash."""
        return f"{self.name} ({size_text(self.size)}, sha256 {self.short_hash})"


def _none(documents: tuple[Attachment, ...]) -> bool:
    return not documents


# The documents a command or an event carries (default none). None is left out of what is stored and sent,
# as it was before documents were kept: an event or a command without any keeps its shape of before, which
# stores, workflow histories and code of before read unchanged.
Documents = Annotated[tuple[Attachment, ...], Field(max_length=MOST_DOCUMENTS, exclude_if=_none)]


class CaseDocument(Attachment):
    """A document as a case shows it: the step it was attached to (None for a change of instruments or a
    withdrawal), the event that recorded it, that event's version, and its effective date."""

    step: Step | None
    event: str
    version: int
    effective_date: date
