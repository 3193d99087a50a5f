"""The checklist of ratification elements (paragraph 11): coverage, unique ids, instruments."""

from __future__ import annotations

import pytest

from domain.checklist import CHECKLIST, CHECKLIST_BY_ID, ChecklistItem
from domain.values import Instrument, NeedKind


def articles(item: ChecklistItem) -> set[int]:
    """The article numbers an item covers: "12-14" covers 12, 13 and 14."""
    first, _, last = item.article.partition("-")
    return set(range(int(first), int(last or first) + 1))


def covered(instrument: Instrument) -> set[int]:
    return {n for item in CHECKLIST if item.instrument is instrument for n in articles(item)}


@pytest.mark.parametrize("article", [5, 6, 8, 12, 13, 14, 16, 23])
def test_the_checklist_covers_the_conventions_basic_requirements(article: int) -> None:
    assert article in covered(Instrument.CONVENTION)


@pytest.mark.parametrize(
    ("instrument", "article"),
    [(Instrument.TRAFFICKING, 5), (Instrument.SMUGGLING, 6), (Instrument.FIREARMS, 5)],
)
def test_each_protocols_criminalization_article_is_an_item(instrument: Instrument, article: int) -> None:
    (item,) = [i for i in CHECKLIST if i.instrument is instrument and article in articles(i)]

    assert item.id == f"{instrument.value}.art{article}"
    assert item.title.startswith("Criminalization")
    assert item.kind is NeedKind.LEGISLATIVE


def test_confiscation_is_one_item_for_articles_12_to_14() -> None:
    item = CHECKLIST_BY_ID["convention.art12"]

    assert articles(item) == {12, 13, 14}
    assert "onfiscation" in item.title


def test_checklist_ids_are_unique_and_all_indexed() -> None:
    ids = [item.id for item in CHECKLIST]

    assert len(ids) == len(set(ids))
    assert list(CHECKLIST_BY_ID) == ids
    assert all(CHECKLIST_BY_ID[item.id] is item for item in CHECKLIST)


def test_legislative_items_name_their_instrument_and_needs_name_none() -> None:
    for item in CHECKLIST:
        if item.kind is NeedKind.LEGISLATIVE:
            assert item.instrument is not None, item.id
            assert item.id.startswith(f"{item.instrument.value}.art"), item.id
            assert articles(item), item.id
        else:
            assert item.instrument is None, item.id


def test_non_legislative_needs_include_training_and_institutions() -> None:
    kinds = {item.kind for item in CHECKLIST if item.instrument is None}

    assert kinds == {NeedKind.TRAINING, NeedKind.INSTITUTION}
    assert CHECKLIST_BY_ID["training.officials"].kind is NeedKind.TRAINING


def test_every_instrument_has_items() -> None:
    assert {item.instrument for item in CHECKLIST if item.instrument is not None} == set(Instrument)
