"""The Treaty Collection's four status tables ship as package data, unchanged and with their source."""

from __future__ import annotations

import hashlib
import re

from activities.collection import EDITION, shipped_folder
from activities.participants import directory
from activities.untc_stream import COLLECTION_ITEMS, collection_tables, read_table


def test_the_four_tables_ship_with_the_checksums_their_readme_gives() -> None:
    folder = shipped_folder()
    readme = (folder / "README.md").read_text()
    listed = dict((name, digest) for digest, name in re.findall(r"`([0-9a-f]{64})` (\S+\.csv)", readme))

    found = collection_tables(folder)

    assert [i for _, i in found] == list(COLLECTION_ITEMS.values())
    assert set(listed) == {f"{item}.csv" for item in COLLECTION_ITEMS}
    for path, _ in found:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == listed[path.name], path.name
    assert f"published in {EDITION}" in readme
    assert "zmjones/untreaties" in readme


def test_every_row_of_the_shipped_tables_names_a_known_participant() -> None:
    rows = {path.name: read_table(path, directory()) for path, _ in collection_tables(shipped_folder())}

    assert {name: len(found) > 50 for name, found in rows.items()} == dict.fromkeys(rows, True)
