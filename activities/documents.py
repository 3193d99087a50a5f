"""The documents' bytes, kept apart from the event store by their SHA-256, as `sha256/ab/abcdef…` in a folder.

A document is written once, under its hash, through a temporary file that is linked into place whole (a reader
never sees half a document, and two writers of the same bytes leave one copy); it is never changed after.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

from domain.attachments import Attachment, DocumentMismatch, DocumentMissing, DocumentTooLarge, size_text

CHUNK = 1024 * 1024
HASH = re.compile(r"[0-9a-f]{64}")


class DocumentFolder:
    """Stores documents by their hash, refusing one larger than `max_bytes`, and reads them back."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes

    @property
    def hashes(self) -> Path:
        return self.root / "sha256"

    def path_of(self, sha256: str) -> Path:
        """Where the document of that hash is kept (whether or not it is); a hash is 64 hex digits, never a
        path of some other file."""
        if not HASH.fullmatch(sha256):
            raise ValueError(f"'{sha256}' is not a SHA-256 in lower-case hex.")
        return self.hashes / sha256[:2] / sha256

    def store(self, stream: BinaryIO, name: str, media_type: str, expected: str | None = None) -> Attachment:
        """Keep the bytes `stream` holds, and answer what an event records of them.

        Refused, keeping nothing: bytes over the limit (DocumentTooLarge, read no further), or bytes that do
        not hash to `expected` when one is given (DocumentMismatch). Bytes already kept are kept once.
        """
        self.hashes.mkdir(mode=0o700, parents=True, exist_ok=True)
        # mkstemp makes the file for its owner alone (0600), as every file under the Palermo home is.
        handle, partial = tempfile.mkstemp(dir=self.hashes, prefix=".incoming-")
        try:
            digest, size = hashlib.sha256(), 0
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise DocumentTooLarge(
                            f"{name} is larger than {size_text(self.max_bytes)}, the most a document may be "
                            "(PALERMO_DOCUMENT_MAX_BYTES); nothing was recorded."
                        )
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            found = digest.hexdigest()
            if expected is not None and expected.strip().lower() != found:
                raise DocumentMismatch(
                    f"{name} does not match the SHA-256 given for it: its bytes hash to {found}, not "
                    f"{expected.strip()}; nothing was recorded."
                )
            target = self.path_of(found)
            target.parent.mkdir(mode=0o700, exist_ok=True)
            # A copy already in place stays as it is: a document is never rewritten once kept.
            with contextlib.suppress(FileExistsError):
                os.link(partial, target)
        finally:
            Path(partial).unlink(missing_ok=True)
        return Attachment(name=name, media_type=media_type, size=size, sha256=found)

    def digest_of(self, sha256: str) -> str | None:
        """The SHA-256 of the bytes kept under `sha256` as they are now; None if none are kept."""
        digest = hashlib.sha256()
        try:
            with self.path_of(sha256).open("rb") as kept:
                while chunk := kept.read(CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            return None
        return digest.hexdigest()

    def check(self, document: Attachment) -> None:
        """That the document named is kept, with its size, and still hashes to its SHA-256; else refused."""
        path = self.path_of(document.sha256)
        if not path.is_file():
            raise DocumentMissing(
                f"No document with SHA-256 {document.sha256} is stored (named {document.name}): store it "
                "first, then name it; nothing was recorded."
            )
        kept = path.stat().st_size
        if kept != document.size:
            raise DocumentMismatch(
                f"{document.name} is {kept} bytes as stored, not {document.size}; nothing was recorded."
            )
        if self.digest_of(document.sha256) != document.sha256:
            raise DocumentMismatch(
                f"The document stored under SHA-256 {document.sha256} ({document.name}) no longer hashes to "
                "it; nothing was recorded."
            )

    def read_path(self, sha256: str) -> Path | None:
        """The file that holds the document of that hash, if one is kept."""
        if not HASH.fullmatch(sha256):
            return None
        path = self.path_of(sha256)
        return path if path.is_file() else None
