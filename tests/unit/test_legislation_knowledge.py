"""The knowledge of legislation folds in the bills enacted in engagements beside the laws recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from activities.legislation import EnactmentRecord
from domain.legislation import Enactment
from domain.values import Bill, BillStage
from tests.unit.engagement_steps import (
    assistance,
    bill,
    engagement_after,
    focal_point,
    gap_list,
    law_summary,
)
from usecases.legislation import Origin, Search, knowledge, search


def recorded(state: str, item: str, law: str) -> EnactmentRecord:
    return EnactmentRecord(
        id=uuid4(),
        enactment=Enactment(state=state, checklist_item=item, law=law, how="As an offence of its own."),
        enacted=date(1982, 9, 13),
        version=1,
        recorded_at=datetime(2002, 3, 4, tzinfo=UTC),
        actor="m",
        source="reply to the questionnaire",
    )


def test_an_enacted_bill_of_an_engagement_is_known_for_each_item_it_addresses_and_a_drafted_one_is_not() -> (
    None
):
    act = Bill(title="Organized Crime Act", addresses=("convention.art5",), stage_date=date(2002, 2, 1))
    steps = [law_summary(), focal_point(), gap_list(), assistance(), bill(bill=act)]
    enacted = engagement_after(steps).view()
    drafted = engagement_after([*steps[:4], bill("Draft Act", BillStage.DRAFTED)]).view()

    known = knowledge([recorded("ITA", "convention.art5", "Codice penale")], [enacted, drafted])

    assert [(k.state, k.law, k.origin) for k in known] == [
        ("BOL", "Organized Crime Act", Origin.ENGAGEMENT),
        ("ITA", "Codice penale", Origin.RECORDED),
    ]
    assert known[0].enacted == date(2002, 2, 1)
    assert [k.state for k in search(known, Search(text="offence"))] == ["ITA"]


def test_a_bill_recorded_as_a_law_under_its_title_is_known_once() -> None:
    steps = [law_summary(), focal_point(), gap_list(), assistance(), bill("Organized Crime Act")]
    case = engagement_after(steps).view()
    known = knowledge([recorded("BOL", "convention.art5", "organized crime act")], [case])
    assert [(k.state, k.origin) for k in known] == [("BOL", Origin.RECORDED)]
