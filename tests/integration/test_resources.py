"""Assistance drawing on the pools of experts and the donors' funds, on SQLite stores (no Temporal)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from activities.engagements import Engagements
from activities.resources import Resources
from domain.errors import ChargedAndUnfunded
from domain.experts import ExpertDetails, PoolGroup, UnknownExpert
from domain.funds import Earmark, EarmarkMismatch, FundsExhausted, Pledge, ReceiptOverPledge
from domain.regions import Region
from domain.values import AssistanceActivity, Instrument
from projections.funds import funds, pool_fill
from tests.integration.clocks import Clock
from tests.unit.engagement_steps import (
    assistance,
    assistance_activity,
    focal_point,
    gap_list,
    law_summary,
    open_engagement,
)
from usecases.settings import Settings

RECORDED = datetime(2002, 3, 4, 9, 30, tzinfo=UTC)
PLEDGED = date(2001, 10, 1)
PAID = date(2001, 11, 1)


@dataclass
class Stores:
    resources: Resources
    engagements: Engagements

    def ready_for_assistance(self) -> None:
        for command in (open_engagement(), law_summary(), focal_point(), gap_list()):
            self.engagements.handle(command)


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[Stores]:
    settings = Settings(home=tmp_path)
    resources = Resources(settings.store_env("Resources"), clock=Clock(RECORDED))
    engagements = Engagements(settings.store_env("Engagements"), clock=Clock(RECORDED), resources=resources)
    yield Stores(resources, engagements)
    engagements.close()
    resources.close()


def italy(resources: Resources, amount: str = "20000", earmark: Earmark | None = None) -> None:
    pledge = Pledge(
        reference="ITA-2001-1", donor="Italy", amount=Decimal(amount), earmark=earmark or Earmark()
    )
    resources.pledge(pledge, effective_date=PLEDGED, actor="m", source=None)
    resources.receive("ITA-2001-1", Decimal("15000"), effective_date=PAID, actor="m", source=None)


def mission(cost: str, **fields: object) -> AssistanceActivity:
    return AssistanceActivity.model_validate({"kind": "expert_mission", "cost": cost} | fields)


def test_an_activity_is_charged_to_its_contribution_and_one_beyond_the_funds_left_is_refused(
    stores: Stores,
) -> None:
    italy(stores.resources)
    stores.ready_for_assistance()
    stores.engagements.handle(
        assistance_activity(activity=mission("12000", contribution="ITA-2001-1"), command_id="a-1")
    )
    version = stores.engagements.case("BOL").version  # type: ignore[union-attr]

    with pytest.raises(FundsExhausted, match=r"costs 5,000.00, more than the 3,000.00 left of contribution"):
        stores.engagements.handle(
            assistance_activity(activity=mission("5000", contribution="ITA-2001-1"), command_id="a-2")
        )

    assert stores.engagements.case("BOL").version == version  # type: ignore[union-attr]
    [record] = stores.resources.contributions()
    assert (record.received, record.charged, record.left) == (Decimal(15000), Decimal(12000), Decimal(3000))


def test_a_command_sent_again_is_charged_once(stores: Stores) -> None:
    italy(stores.resources)
    stores.ready_for_assistance()
    command = assistance_activity(activity=mission("12000", contribution="ITA-2001-1"), command_id="a-1")
    stores.engagements.handle(command)
    stores.engagements.handle(command)
    assert stores.resources.contributions()[0].charged == Decimal(12000)


def test_a_manager_s_unfunded_activity_is_recorded_without_a_charge_and_counted_as_unfunded(
    stores: Stores,
) -> None:
    italy(stores.resources)
    stores.ready_for_assistance()
    stores.engagements.handle(assistance_activity(activity=mission("40000", unfunded=True), command_id="u"))

    figures = funds(stores.resources.facts(), date(2002, 3, 4))
    assert figures.totals.unfunded == Decimal(40000)
    assert figures.totals.committed == Decimal(0)
    assert stores.resources.contributions()[0].charged == Decimal(0)


def test_an_activity_both_charged_and_unfunded_is_refused(stores: Stores) -> None:
    italy(stores.resources)
    stores.ready_for_assistance()
    with pytest.raises(ChargedAndUnfunded, match="one or the other"):
        stores.engagements.handle(
            assistance_activity(activity=mission("10", contribution="ITA-2001-1", unfunded=True))
        )


def test_an_earmark_for_another_region_or_instrument_is_refused(stores: Stores) -> None:
    italy(stores.resources, earmark=Earmark(region=Region.AFRICA))
    stores.ready_for_assistance()
    with pytest.raises(EarmarkMismatch, match="earmarked for Africa, and BOL is in Americas"):
        stores.engagements.handle(assistance_activity(activity=mission("10", contribution="ITA-2001-1")))


def test_a_firearms_earmark_refuses_a_case_that_did_not_ask_about_firearms(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    resources = Resources(settings.store_env("Resources"), clock=Clock(RECORDED))
    engagements = Engagements(settings.store_env("Engagements"), clock=Clock(RECORDED), resources=resources)
    stores = Stores(resources, engagements)
    italy(resources, earmark=Earmark(instrument=Instrument.FIREARMS))
    stores.ready_for_assistance()
    with pytest.raises(EarmarkMismatch, match="firearms instrument, which BOL did not ask about"):
        engagements.handle(assistance_activity(activity=mission("10", contribution="ITA-2001-1")))


def test_pool_experts_must_be_in_a_pool(stores: Stores) -> None:
    stores.ready_for_assistance()
    activity = mission("0", pool_experts=("M. Rossi",))
    with pytest.raises(UnknownExpert, match=r"'M\. Rossi' of the expert_mission of BOL is in no pool"):
        stores.engagements.handle(assistance_activity(activity=activity))
    details = ExpertDetails(
        name="M. Rossi", region=Region.EUROPE, languages=("Italian",), groups=(PoolGroup.CONVENTION,)
    )
    stores.resources.register_expert(details, effective_date=PLEDGED, actor="m", source=None)
    case = stores.engagements.handle(assistance_activity(activity=activity))
    assert case.activities[-1].activity.pool_experts == ("M. Rossi",)


def test_funds_as_of_a_date_count_charges_committed_until_assistance_concludes_then_spent(
    stores: Stores,
) -> None:
    italy(stores.resources, earmark=Earmark(instrument=Instrument.CONVENTION))
    stores.ready_for_assistance()
    stores.engagements.handle(
        assistance_activity(
            activity=mission("12000", contribution="ITA-2001-1"), effective_date=date(2002, 2, 1)
        )
    )
    stores.engagements.handle(assistance(effective_date=date(2002, 2, 20)))

    before_payment = funds(stores.resources.facts(), date(2001, 10, 15))
    committed = funds(stores.resources.facts(), date(2002, 2, 10))
    spent = funds(stores.resources.facts(), date(2002, 3, 1))

    assert (before_payment.totals.pledged, before_payment.totals.received) == (Decimal(20000), Decimal(0))
    assert (committed.totals.committed, committed.totals.spent) == (Decimal(12000), Decimal(0))
    assert (spent.totals.committed, spent.totals.spent, spent.totals.left) == (
        Decimal(0),
        Decimal(12000),
        Decimal(3000),
    )
    assert spent.by_donor["Italy"].spent == Decimal(12000)
    assert spent.by_region["Americas"].spent == Decimal(12000)
    assert spent.by_instrument["convention"].received == Decimal(15000)
    # As known before anything was recorded, nothing is counted.
    assert funds(stores.resources.facts(), date(2002, 3, 1), RECORDED.replace(hour=0)).totals.pledged == 0


def test_a_payment_beyond_the_pledge_is_refused(stores: Stores) -> None:
    italy(stores.resources)
    with pytest.raises(ReceiptOverPledge, match=r"more than the 20,000\.00 pledged"):
        stores.resources.receive(
            "ITA-2001-1", Decimal("5000.01"), effective_date=PAID, actor="m", source=None
        )


def test_the_pools_fill_counts_each_group_by_region_against_its_target(stores: Stores) -> None:
    for number, region in enumerate([Region.AFRICA] * 4 + [Region.ASIA]):
        groups = (PoolGroup.FIREARMS,) if number == 0 else (PoolGroup.CONVENTION,)
        details = ExpertDetails(name=f"Expert {number}", region=region, languages=("English",), groups=groups)
        stores.resources.register_expert(details, effective_date=PLEDGED, actor="m", source=None)

    fill = {f.group: f for f in pool_fill(e.details for e in stores.resources.experts())}

    assert fill[PoolGroup.CONVENTION].by_region["Africa"] == 3
    assert fill[PoolGroup.CONVENTION].members == 4
    # A firearms expert sits in the Protocols' group too.
    assert (fill[PoolGroup.PROTOCOLS].members, fill[PoolGroup.FIREARMS].members) == (1, 1)
    assert fill[PoolGroup.CONVENTION].short == ["group", "Africa", "Americas", "Asia", "Europe", "Oceania"]
    assert fill[PoolGroup.FIREARMS].target is None
