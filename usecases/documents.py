"""Documents attached to steps, as the command line and the web app both handle them: stored by their hash
before the command that names them is sent, checked when a command names them, found again for a download."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterable
from pathlib import Path, PureWindowsPath
from typing import BinaryIO, cast

from activities.documents import DocumentFolder
from activities.engagements import Engagements
from domain.attachments import Attachment
from domain.engagement import engagement_id
from domain.events import EngagementEvent
from usecases.inputs import BadOption
from usecases.settings import Settings

OCTET_STREAM = "application/octet-stream"
MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")


def document_folder(settings: Settings) -> DocumentFolder:
    """The deployment's documents, under the Palermo home, with its size limit."""
    return DocumentFolder(settings.documents_dir, settings.document_max_bytes)


def file_name(given: str | None) -> str:
    """The name a file is kept under: the last part of what a client sent (some send a whole path, with
    either kind of slash), or `document` when it sent none."""
    name = PureWindowsPath(given or "").name.strip()
    return name if name not in ("", ".", "..") else "document"


def media_type_of(name: str, given: str | None = None) -> str:
    """The media type a client gave (without its parameters), else the one the name's extension suggests."""
    said = (given or "").split(";", 1)[0].strip().lower()
    if MEDIA_TYPE.fullmatch(said) and said != OCTET_STREAM:
        return said
    guessed = mimetypes.guess_type(name, strict=False)[0]
    return guessed.lower() if guessed and MEDIA_TYPE.fullmatch(guessed.lower()) else OCTET_STREAM


def store_upload(
    folder: DocumentFolder,
    stream: BinaryIO,
    given_name: str | None,
    given_type: str | None,
    expected: str | None = None,
) -> Attachment:
    """Keep an uploaded file, refused in one sentence if too large or not hashing to `expected`."""
    name = file_name(given_name)
    return folder.store(stream, name, media_type_of(name, given_type), expected)


def attach_files(
    settings: Settings, paths: Iterable[Path], option: str = "--attach"
) -> tuple[Attachment, ...]:
    """Keep each file named on the command line, and answer what the command carries of them."""
    folder = document_folder(settings)
    attached = []
    for path in paths:
        try:
            with path.open("rb") as opened:
                attached.append(store_upload(folder, opened, path.name, None))
        except (FileNotFoundError, IsADirectoryError, PermissionError) as error:
            reason = error.strerror or type(error).__name__
            raise BadOption(f"{option} {path}: the file cannot be read ({reason}).") from None
    return tuple(attached)


def check_attached(settings: Settings, documents: Iterable[Attachment]) -> None:
    """Refuse, before a command is sent, one that names a document not stored, or not as it names it."""
    folder = document_folder(settings)
    for document in documents:
        folder.check(document)


def filed(engagements: Engagements, state: str, sha256: str) -> Attachment | None:
    """The document of that hash as an event of the State's engagement recorded it; None if none did."""
    for event in engagements.events.get(engagement_id(state)):
        for document in cast(EngagementEvent, event).documents:
            if document.sha256 == sha256:
                return document
    return None
