"""Status tables read as a stream: refused past their size limit before more of them is read."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from activities.untc import TableRefused
from activities.untc_stream import DEFAULT_MAX_BYTES, read_stream, read_table

HEADER = 'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n'
MIB = 1024 * 1024


class EndlessTable(io.RawIOBase):
    """A status table that never ends (blank rows after its header), counting the bytes it gives out."""

    def __init__(self) -> None:
        self.given = 0
        self._pending = HEADER.encode()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if not self._pending:
            self._pending = b",,\n" * 1024
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self.given += size
        return size


def test_a_stream_over_the_limit_is_refused_before_more_than_the_limit_is_read() -> None:
    table = EndlessTable()

    with pytest.raises(TableRefused) as refused:
        read_stream(table, max_bytes=MIB)

    assert refused.value.problems == (
        "the table is larger than the 1,048,576 bytes a treaty table may have (PALERMO_TREATY_MAX_BYTES)",
    )
    # What a reader asks for at once (a buffer of a few KiB) may pass the limit; nothing more.
    assert MIB < table.given <= MIB + 64 * 1024


def test_a_file_over_the_limit_is_refused_by_its_size_at_once(tmp_path: Path) -> None:
    big = tmp_path / "18-12.csv"
    with big.open("w", encoding="utf-8") as out:
        out.write(HEADER + "Chile,13 Dec 2000,\n" * (50 * MIB // 19))
    size = big.stat().st_size

    started = time.monotonic()
    with pytest.raises(TableRefused) as refused:
        read_table(big)

    # Loose on purpose: other tests share this machine.
    assert time.monotonic() - started < 5
    assert refused.value.problems == (
        f"18-12.csv is {size:,} bytes, more than the {DEFAULT_MAX_BYTES:,} a treaty table may have "
        "(PALERMO_TREATY_MAX_BYTES)",
    )


def test_a_stream_within_the_limit_is_read_whole() -> None:
    text = HEADER + "Chile,13 Dec 2000,\r\n" + "\n" * 1000 + "Peru,14 Dec 2000,23 Jan 2002\r"

    rows = read_stream(io.BytesIO(text.encode()), max_bytes=MIB)

    assert [(row.row, row.participant) for row in rows] == [(2, "CHL"), (1003, "PER")]


def test_a_stream_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(TableRefused) as refused:
        read_stream(io.BytesIO(f"{HEADER}Côte d'Ivoire,15 Dec 2000,\n".encode("latin-1")))

    assert refused.value.problems == ("the table is not UTF-8 text",)
