"""Reading one cell of a status table: a name without its footnotes, a date as the Collection writes it."""

from __future__ import annotations

import re
from datetime import date

from domain.treaty import ActionKind

# The letter after a consent's date says which kind it is; none is a ratification. Case matters: a is not A.
LETTERS: dict[str, ActionKind] = {
    "": ActionKind.RATIFICATION,
    "A": ActionKind.ACCEPTANCE,
    "AA": ActionKind.APPROVAL,
    "a": ActionKind.ACCESSION,
    "d": ActionKind.SUCCESSION,
}
MONTHS: tuple[str, ...] = ("january", "february", "march", "april", "may", "june", "july", "august")
MONTHS += ("september", "october", "november", "december")
# The Collection abbreviates months to three letters; full names are read too.
MONTH_NUMBERS = {key: n for n, month in enumerate(MONTHS, 1) for key in (month, month[:3])} | {"sept": 9}
DATE = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})\s*(\S*)")
# Footnote references the Collection prints after a name: "Belgium 3", "Denmark4, 5", "Denmark⁴".
FOOTNOTES = re.compile(r"[\s\d,\u00b9\u00b2\u00b3\u2070-\u2079]+$")


def clean_name(cell: str) -> str:
    """The participant's name without the footnote numbers after it."""
    text = cell.strip()
    return FOOTNOTES.sub("", text) or text


def read_date(cell: str) -> tuple[date, str] | None:
    """A date written as the Collection writes it (`24 Sep 2003 a`) and what follows it; None if no date."""
    found = DATE.fullmatch(cell.strip())
    if found is None:
        return None
    day, month_name, year, letter = found.groups()
    month = MONTH_NUMBERS.get(month_name.casefold())
    if month is None:
        return None
    try:
        return date(int(year), month, int(day)), letter
    except ValueError:
        return None


def signature_in(cell: str) -> tuple[date | None, str | None]:
    """The date of a signature cell (None if empty), or what is wrong with the cell."""
    if not cell.strip():
        return None, None
    read = read_date(cell)
    if read is None:
        return None, f"bad date '{cell.strip()}'"
    if read[1]:
        return None, f"a signature takes no letter after its date: '{cell.strip()}'"
    return read[0], None


def consent_in(cell: str) -> tuple[tuple[ActionKind, date] | None, str | None]:
    """The kind and date of a consent cell (None if empty), or what is wrong with the cell."""
    if not cell.strip():
        return None, None
    read = read_date(cell)
    if read is None:
        return None, f"bad date '{cell.strip()}'"
    day, letter = read
    kind = LETTERS.get(letter)
    if kind is None:
        return None, f"unknown letter '{letter}' after the date '{cell.strip()}' (a, A, AA, d or none)"
    return (kind, day), None
