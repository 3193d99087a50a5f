"""Status table files and bodies read as a stream of lines, within a size in bytes, as UTF-8 text."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from activities.participants import ParticipantDirectory
from activities.untc import MAX_LINE, TableRefused, TableRow, parse_lines
from domain.values import Instrument

# The Collection's tables are a few KiB; a table thousands of times larger is a mistake, not a table.
DEFAULT_MAX_BYTES = 4 * 1024 * 1024
MAX_BYTES_SETTING = "PALERMO_TREATY_MAX_BYTES"
# The Collection's chapter XVIII item numbers of the four instruments, as its status tables are named.
COLLECTION_ITEMS: dict[str, Instrument] = {
    "18-12": Instrument.CONVENTION,
    "18-12-a": Instrument.TRAFFICKING,
    "18-12-b": Instrument.SMUGGLING,
    "18-12-c": Instrument.FIREARMS,
}


class TableTooLarge(TableRefused):
    """A table past its size limit is refused before more of it is read."""

    def __init__(self, name: str, limit: int, size: int | None = None) -> None:
        measured = f"is larger than the {limit:,} bytes"
        if size is not None:
            measured = f"is {size:,} bytes, more than the {limit:,}"
        super().__init__([f"{name} {measured} a treaty table may have ({MAX_BYTES_SETTING})"])


class TableNotText(TableRefused):
    """A table that is not UTF-8 text cannot be read at all."""

    def __init__(self, name: str) -> None:
        super().__init__([f"{name} is not UTF-8 text"])


class Source(Protocol):
    """Where the bytes of a table come from: an open file, a request body, anything with `read`."""

    def read(self, size: int, /) -> bytes | None: ...


class _Counted(io.RawIOBase):
    """The bytes of `source`, refused (TableTooLarge) as soon as more than `limit` of them have passed."""

    def __init__(self, source: Source, limit: int, name: str) -> None:
        super().__init__()
        self.source, self.limit, self.name = source, limit, name
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.source.read(len(buffer)) or b""
        self.given += len(data)
        if self.given > self.limit:
            raise TableTooLarge(self.name, self.limit)
        buffer[: len(data)] = data
        return len(data)


def _lines(text: io.TextIOBase) -> Iterator[str]:
    # At most one character past the longest line: a longer one is refused, never read whole.
    while line := text.readline(MAX_LINE + 1):
        yield line


def read_stream(
    source: Source,
    participants: ParticipantDirectory | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    name: str = "the table",
) -> list[TableRow]:
    """The rows of a status table read from `source` as it comes (UTF-8, any line endings); TableRefused
    if it has bad rows, is not text, or passes `max_bytes`."""
    counted = io.BufferedReader(_Counted(source, max_bytes, name))
    text = io.TextIOWrapper(counted, encoding="utf-8-sig", newline=None)
    try:
        return parse_lines(_lines(text), participants)
    except UnicodeDecodeError:
        raise TableNotText(name) from None


def read_table(
    path: Path, participants: ParticipantDirectory | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[TableRow]:
    """The rows of a status table file; TableRefused if it cannot be read, is too large or has bad rows."""
    try:
        with path.open("rb") as source:
            # A pipe or a device tells no size: the stream's own count refuses it then.
            size = os.fstat(source.fileno()).st_size
            if size > max_bytes:
                raise TableTooLarge(path.name, max_bytes, size)
            return read_stream(source, participants, max_bytes=max_bytes, name=path.name)
    except OSError as error:
        raise TableRefused([f"{path} cannot be read ({error.strerror or error})"]) from None


def collection_tables(folder: Path) -> list[tuple[Path, Instrument]]:
    """The status tables of the four instruments found in `folder` (named by item, e.g. 18-12-a.csv)."""
    return [
        (folder / f"{item}.csv", i)
        for item, i in COLLECTION_ITEMS.items()
        if (folder / f"{item}.csv").is_file()
    ]
