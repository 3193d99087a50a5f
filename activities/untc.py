"""Reading a UN Treaty Collection status table: per participant, its signature and its consent to be bound."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from activities.participants import ParticipantDirectory, directory
from activities.untc_cells import clean_name, consent_in, signature_in
from domain.errors import DomainError
from domain.treaty import ActionKind
from domain.values import Instrument

PARTICIPANT, SIGNATURE = "Participant", "Signature"
# The Collection orders these differently from one table to another (the Firearms Protocol's starts with
# Approval), so the third heading is read as a set of terms.
CONSENT_TERMS = ("Ratification", "Acceptance(A)", "Approval(AA)", "Accession(a)", "Succession(d)")
CONSENT_HEADING = ", ".join(CONSENT_TERMS)


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
            earlier = first[row.participant]
            problems.append(f"{row.label}: {row.participant} is listed twice (first on row {earlier})")
        else:
            first[row.participant] = row.row
    return problems


def parse_table(text: str, participants: ParticipantDirectory | None = None) -> list[TableRow]:
    """Every row of a status table, or TableRefused naming every bad row (and nothing read)."""
    names = participants or directory()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next((cells for cells in reader if any(c.strip() for c in cells)), None)
    if header is None:
        raise TableRefused(["the table is empty"])
    if not _heading_ok(header):
        found = ", ".join(repr(c.strip()) for c in header)
        raise TableRefused(
            [
                "the header is not a Treaty Collection status table's: expected 'Participant', 'Signature', "
                f"'{CONSENT_HEADING}' (its five terms in any order), found {found}"
            ]
        )
    rows: list[TableRow] = []
    problems: list[str] = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        line = reader.line_num
        raw = cells[0].strip()
        where = f"row {line} ({raw})" if raw else f"row {line}"
        if len(cells) != 3:
            problems.append(f"{where}: {len(cells)} cells where the header has 3")
            continue
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
            problems.append(f"{where}: {'; '.join(said)}")
            continue
        action = TableAction(kind=consent[0], effective_date=consent[1]) if consent else None
        rows.append(
            TableRow(row=line, name=raw, participant=participant.code, signature=signature, consent=action)
        )
    problems += duplicates(rows)
    if not rows and not problems:
        problems.append("the table has a header but no rows")
    if problems:
        raise TableRefused(sorted(problems, key=_row_number))
    return rows


def _row_number(problem: str) -> int:
    found = re.match(r"row (\d+)", problem)
    return int(found.group(1)) if found else 0


def read_table(path: Path, participants: ParticipantDirectory | None = None) -> list[TableRow]:
    """The rows of a status table file (UTF-8 CSV); TableRefused if it cannot be read or has bad rows."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TableRefused([f"{path.name} is not UTF-8 text"]) from None
    except OSError as error:
        raise TableRefused([f"{path} cannot be read ({error.strerror or error})"]) from None
    return parse_table(text, participants)


# The Collection's chapter XVIII item numbers of the four instruments, as its status tables are named.
COLLECTION_ITEMS: dict[str, Instrument] = {
    "18-12": Instrument.CONVENTION,
    "18-12-a": Instrument.TRAFFICKING,
    "18-12-b": Instrument.SMUGGLING,
    "18-12-c": Instrument.FIREARMS,
}


def collection_tables(folder: Path) -> list[tuple[Path, Instrument]]:
    """The status tables of the four instruments found in `folder` (named by item, e.g. 18-12-a.csv)."""
    return [
        (folder / f"{item}.csv", i)
        for item, i in COLLECTION_ITEMS.items()
        if (folder / f"{item}.csv").is_file()
    ]
