"""The UN Treaty Collection's four tables (../shared/data/untc) read into a forecast's history."""

from __future__ import annotations

from pathlib import Path

import pytest

from activities.untc import parse_table
from activities.untc_stream import collection_tables
from projections.forecast.history import History, Record

UNTC = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "untc"


def collection_history() -> History:
    """Every signature and consent of the four tables; the tests using it skip where the tables are absent."""
    tables = collection_tables(UNTC) if UNTC.is_dir() else []
    if len(tables) < 4:
        pytest.skip(f"the Treaty Collection's tables are not in {UNTC}")
    history: History = {}
    for path, instrument in tables:
        rows = parse_table(path.read_text(encoding="utf-8"))
        history[instrument] = {
            row.participant: Record(
                signed=row.signature, party=row.consent.effective_date if row.consent else None
            )
            for row in rows
        }
    return history
