"""The UN Treaty Collection's status tables of the four instruments, shipped with Palermo as package data.

They are the Collection's status pages of chapter XVIII, items 12, 12-a, 12-b and 12-c, as published in 2014
(README.md beside this file says where they were taken from). Actions after mid-2014 are not in them: newer
tables are imported with `palermo treaty import`.
"""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent
# The edition of the shipped tables: the year the Collection published them, recorded as each import's source.
EDITION = "2014"
SOURCE = f"UN Treaty Collection status tables, chapter XVIII items 12 to 12-c, as published in {EDITION}"


def shipped_folder() -> Path:
    """The folder holding 18-12.csv, 18-12-a.csv, 18-12-b.csv and 18-12-c.csv."""
    return FOLDER
