"""Reading a UN Treaty Collection status table: per participant, its signature and its consent to be bound."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from activities.participants import ParticipantDirectory, directory
from activities.untc_cells import clean_name, consent_in, signature_in
from domain.errors import DomainError
from domain.reservations import Statement, statements_in
from domain.treaty import ActionKind

PARTICIPANT, SIGNATURE = "Participant", "Signature"
# The Collection orders these differently from one table to another (the Firearms Protocol's starts with
# Approval), so the third heading is read as a set of terms.
CONSENT_TERMS = ("Ratification", "Acceptance(A)", "Approval(AA)", "Accession(a)", "Succession(d)")
CONSENT_HEADING = ", ".join(CONSENT_TERMS)
# The Collection's longest cell is a name of 52 characters with its footnotes; past these limits a table is
# not a status table, and reading on would cost time and memory for nothing (csv gives up at 131,072).
MAX_CELL = 200
# The optional fourth column, the text of a participant's reservations, declarations and objections.
STATEMENTS = "Declarations and Reservations"
MAX_STATEMENTS = 20_000
MAX_LINE = 1_000
# Past this many bad rows the rest is not read: the refusal is already certain, and long enough to act on.
MAX_PROBLEMS = 50


class TableRefused(DomainError):
    """A status table with a wrong header, no rows, or bad rows is refused whole; nothing is recorded."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"The table was refused and nothing recorded: {'; '.join(self.problems)}.")


class TableAction(BaseModel):
    """One action as a table gives it: its kind and its date."""

    model_config = ConfigDict(frozen=True)

    kind: ActionKind
    effective_date: date


class TableRow(BaseModel):
    """One participant's line of a status table; `row` is its line in the file (the header is row 1)."""

    model_config = ConfigDict(frozen=True)

    row: int
    name: str
    participant: str
    signature: date | None = None
    consent: TableAction | None = None
    statements: tuple[Statement, ...] = ()

    @property
    def label(self) -> str:
        return f"row {self.row} ({self.name})"

    @property
    def actions(self) -> tuple[TableAction, ...]:
        found = (
            [TableAction(kind=ActionKind.SIGNATURE, effective_date=self.signature)] if self.signature else []
        )
        return (*found, *([self.consent] if self.consent else []))


def _heading_ok(header: Sequence[str]) -> bool:
    cells = [cell.lstrip("\ufeff").strip() for cell in header]
    if len(cells) == 4 and cells[3].casefold() == STATEMENTS.casefold():
        cells = cells[:3]
    if len(cells) != 3 or cells[0].casefold() != "participant" or cells[1].casefold() != "signature":
        return False
    terms = sorted("".join(term.split()) for term in cells[2].split(","))
    return terms == sorted(CONSENT_TERMS)


def duplicates(rows: Iterable[TableRow]) -> list[str]:
    """A sentence for each row that names a participant an earlier row named."""
    first: dict[str, int] = {}
    problems = []
    for row in rows:
        if row.participant in first:
            problems.append(_twice(row, first[row.participant]))
        else:
            first[row.participant] = row.row
    return problems


def _twice(row: TableRow, earlier: int) -> str:
    return f"{row.label}: {row.participant} is listed twice (first on row {earlier})"


class _Unreadable(Exception):
    """Reading cannot go on past this line; the message says where and why."""


def _bounded(lines: Iterable[str]) -> Iterator[str]:
    for number, line in enumerate(lines, 1):
        if len(line.rstrip("\r\n")) > MAX_LINE:
            raise _Unreadable(
                f"row {number}: a line longer than {MAX_LINE:,} characters, which no row of a status table is"
            )
        yield line


def _records(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """Each record that is not blank, with the line it ends on; _Unreadable where reading must stop."""
    reader = csv.reader(_bounded(lines))
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # A quoted cell over many short lines: the csv module's own field limit stops it.
            raise _Unreadable(f"row {start}: not CSV ({error})") from None
        if any(c.strip() for c in cells):
            yield reader.line_num, cells


def _row(line: int, cells: Sequence[str], names: ParticipantDirectory, width: int = 3) -> TableRow | str:
    """The row a record gives, or the sentence that says what is wrong with it."""
    raw = cells[0].strip()
    where = f"row {line} ({raw})" if raw and len(raw) <= MAX_CELL else f"row {line}"
    if len(cells) != width:
        return f"{where}: {len(cells)} cells where the header has {width}"
    longest = max(len(cell) for cell in cells[:3])
    if longest > MAX_CELL:
        return f"{where}: a cell of {longest:,} characters, more than the {MAX_CELL} a name or date may have"
    text = cells[3] if width == 4 else ""
    if len(text) > MAX_STATEMENTS:
        return f"{where}: statements of {len(text):,} characters, more than the {MAX_STATEMENTS:,} read"
    statements = statements_in(text)
    said: list[str] = []
    participant = names.find(clean_name(raw)) if raw else None
    if not raw:
        said.append("no participant name")
    elif participant is None:
        said.append("unknown participant")
    signature, bad_signature = signature_in(cells[1])
    consent, bad_consent = consent_in(cells[2])
    said += [p for p in (bad_signature, bad_consent) if p]
    if not said and signature is None and consent is None:
        said.append("neither a signature nor a consent")
    if said or participant is None:
        return f"{where}: {'; '.join(said)}"
    action = TableAction(kind=consent[0], effective_date=consent[1]) if consent else None
    return TableRow(
        row=line,
        name=raw,
        participant=participant.code,
        signature=signature,
        consent=action,
        statements=statements,
    )


def parse_table(text: str, participants: ParticipantDirectory | None = None) -> list[TableRow]:
    """Every row of a status table held as text, or TableRefused naming every bad row (and nothing read)."""
    return parse_lines(io.StringIO(text.lstrip("\ufeff")), participants)


def parse_lines(lines: Iterable[str], participants: ParticipantDirectory | None = None) -> list[TableRow]:
    """Every row of a status table read line by line, or TableRefused naming its bad rows (up to
    MAX_PROBLEMS, then reading stops)."""
    names = participants or directory()
    records = _records(lines)
    rows: list[TableRow] = []
    problems: list[str] = []
    first: dict[str, int] = {}
    try:
        header = next(records, None)
        if header is None:
            raise TableRefused(["the table is empty"])
        if not _heading_ok(header[1]):
            raise TableRefused([_wrong_header(header[1])])
        width = len(header[1])
        for line, cells in records:
            read = _row(line, cells, names, width)
            if isinstance(read, TableRow) and read.participant in first:
                read = _twice(read, first[read.participant])
            if isinstance(read, TableRow):
                first[read.participant] = read.row
                rows.append(read)
            elif len(problems) == MAX_PROBLEMS:
                problems.append(f"row {line}: more than {MAX_PROBLEMS} bad rows; the rest was not read")
                break
            else:
                problems.append(read)
    except _Unreadable as stop:
        problems.append(f"{stop}; the rest was not read")
    if not rows and not problems:
        problems.append("the table has a header but no rows")
    if problems:
        raise TableRefused(problems)
    return rows


def _wrong_header(header: Sequence[str]) -> str:
    found = ", ".join(repr(c.strip()) for c in header)
    return (
        "the header is not a Treaty Collection status table's: expected 'Participant', 'Signature', "
        f"'{CONSENT_HEADING}' (its five terms in any order), found {found}"
    )
