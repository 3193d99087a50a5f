"""What the report tells beside its figures, as recorded: the resolutions behind it, its heading, the
conferences that opened the instruments for signature, the editorial notes written for it, and who had
joined the pools of experts or pledged funds by its date."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.editorial import NotePlace
from domain.experts import PoolGroup
from domain.mandates import DocketDetails, ResolutionDetails
from domain.outreach import MeetingDetails

UNITS = ("", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
TEENS = (
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth",
)  # fmt: skip
TENS = ("", "", "twent", "thirt", "fort", "fift", "sixt", "sevent", "eight", "ninet")


class Framing(BaseModel):
    """The records the report's heading, mandate, signing history, notes, pools and donors come from."""

    model_config = ConfigDict(frozen=True)

    # Adopted by the report's date, by day of adoption.
    resolutions: tuple[ResolutionDetails, ...] = ()
    # The heading of the report being prepared on its date (activities.mandates.Mandates.docket_for).
    docket: DocketDetails | None = None
    # The signing conferences held by the report's date.
    conferences: tuple[MeetingDetails, ...] = ()
    notes: dict[NotePlace, str] = {}
    # The groups of the pools an expert had joined by the report's date, and the donors who had pledged.
    pool_groups: tuple[PoolGroup, ...] = ()
    donors: tuple[str, ...] = ()


def ordinal(number: int) -> str:
    """The number as an ordinal word, as the United Nations names sessions: 11 -> "eleventh"."""
    if not 1 <= number <= 99:
        return f"{number}th"
    tens, units = divmod(number, 10)
    if tens == 0:
        return UNITS[units]
    if tens == 1:
        return TEENS[units]
    if units == 0:
        return f"{TENS[tens]}ieth"
    return f"{TENS[tens]}y-{UNITS[units]}"


def span(start: date, end: date) -> str:
    """A session's days as a heading gives them: "16-25 April 2002", "30 November-1 December 2001"."""
    if start == end:
        return f"{start.day} {start:%B} {start.year}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}-{end.day} {end:%B} {end.year}"
    if start.year == end.year:
        return f"{start.day} {start:%B}-{end.day} {end:%B} {end.year}"
    return f"{start.day} {start:%B} {start.year}-{end.day} {end:%B} {end.year}"
