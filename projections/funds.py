"""Funds pledged, received, committed and spent by donor, region and instrument as of any date (paragraph
22), and the pools' fill against the targets of paragraph 21."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from domain.experts import (
    GROUP_TARGET,
    REGION_TARGET,
    TARGETED,
    ExpertDetails,
    ExpertDetailsChanged,
    ExpertRegistered,
    PoolGroup,
)
from domain.facts import Fact
from domain.funds import (
    ChargesSpent,
    ContributionPledged,
    ContributionReceived,
    CostCharged,
    UnfundedActivityRecorded,
)
from domain.regions import Region, region_of

UNEARMARKED = "unearmarked"
NO_REGION = "none"


class Sums(BaseModel):
    """Amounts in US dollars. `committed` is charged to activities whose assistance goes on; `spent`, charged
    to activities whose assistance has concluded; `left` is what came in less both."""

    model_config = ConfigDict(frozen=True)

    pledged: Decimal = Decimal(0)
    received: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    left: Decimal = Decimal(0)
    unfunded: Decimal = Decimal(0)


class FundFigures(BaseModel):
    """The funds as of one effective date, as known at one recorded time."""

    model_config = ConfigDict(frozen=True)

    as_of: date
    known_at: datetime | None
    currency: str = "USD"
    totals: Sums
    by_donor: dict[str, Sums]
    by_region: dict[str, Sums]
    by_instrument: dict[str, Sums]


class _Tally:
    def __init__(self) -> None:
        self.sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))

    def add(self, key: str, field: str, amount: Decimal) -> None:
        self.sums[key][field] += amount

    def result(self) -> dict[str, Sums]:
        out = {}
        for key, fields in sorted(self.sums.items()):
            left = fields["received"] - fields["committed"] - fields["spent"]
            out[key] = Sums(**fields, left=left)
        return out


def funds(events: Iterable[Fact], as_of: date, known_at: datetime | None = None) -> FundFigures:
    """Fold the Resources events in effect on `as_of` (and recorded by `known_at`) into the figures.

    A contribution's receipts count for its donor, the region and instrument it is earmarked for (or
    `unearmarked`); a charge counts for the contribution's donor and earmark instrument, and for the region of
    the State whose activity it paid.
    """
    pledges: dict[str, ContributionPledged] = {}
    charges: dict[tuple[str, str], CostCharged] = {}
    spent: set[tuple[str, str]] = set()
    by_donor, by_region, by_instrument, totals = _Tally(), _Tally(), _Tally(), _Tally()

    def count(pledge: ContributionPledged, field: str, amount: Decimal, region: str | None = None) -> None:
        earmark = pledge.pledge.earmark
        by_donor.add(pledge.pledge.donor, field, amount)
        where = region if region is not None else (earmark.region.value if earmark.region else UNEARMARKED)
        by_region.add(where, field, amount)
        by_instrument.add(earmark.instrument.value if earmark.instrument else UNEARMARKED, field, amount)
        totals.add("all", field, amount)

    for event in events:
        if event.effective_date > as_of or (known_at is not None and event.timestamp > known_at):
            continue
        origin = str(event.originator_id)
        if isinstance(event, ContributionPledged):
            pledges[origin] = event
            count(event, "pledged", event.pledge.amount)
        elif isinstance(event, ContributionReceived) and origin in pledges:
            count(pledges[origin], "received", event.amount)
        elif isinstance(event, CostCharged):
            charges[(origin, event.key)] = event
        elif isinstance(event, ChargesSpent):
            spent.update((origin, key) for key in event.keys)
        elif isinstance(event, UnfundedActivityRecorded):
            region = region_of(event.state)
            totals.add("all", "unfunded", event.cost)
            by_region.add(region.value if region else NO_REGION, "unfunded", event.cost)
    for (origin, key), charge in charges.items():
        if origin not in pledges:
            continue
        region = region_of(charge.state)
        field = "spent" if (origin, key) in spent else "committed"
        count(pledges[origin], field, charge.cost, region.value if region else NO_REGION)
    return FundFigures(
        as_of=as_of,
        known_at=known_at,
        totals=totals.result().get("all", Sums()),
        by_donor=by_donor.result(),
        by_region=by_region.result(),
        by_instrument=by_instrument.result(),
    )


class GroupFill(BaseModel):
    """How full one group of the pools is, in all and by region, against its target (None: no target)."""

    model_config = ConfigDict(frozen=True)

    group: PoolGroup
    members: int
    target: tuple[int, int] | None
    by_region: dict[str, int]
    region_target: tuple[int, int] | None
    short: list[str]


def groups_joined(events: Iterable[Fact], as_of: date) -> tuple[PoolGroup, ...]:
    """The groups of the pools an expert sat in on `as_of` (their details as they stood then)."""
    sitting: dict[str, tuple[PoolGroup, ...]] = {}
    for event in events:
        if event.effective_date > as_of:
            continue
        if isinstance(event, ExpertRegistered) or (
            isinstance(event, ExpertDetailsChanged) and str(event.originator_id) in sitting
        ):
            sitting[str(event.originator_id)] = event.details.groups
    joined = {group for groups in sitting.values() for group in groups}
    return tuple(g for g in PoolGroup if g in joined)


def pool_fill(experts: Iterable[ExpertDetails]) -> list[GroupFill]:
    """Each group's members by region; `short` names the regions below four and the group if below 20."""
    counts: dict[PoolGroup, dict[str, int]] = {
        g: dict.fromkeys((r.value for r in Region), 0) for g in PoolGroup
    }
    for expert in experts:
        for group in expert.groups:
            counts[group][expert.region.value] += 1
    fills = []
    for group, regions in counts.items():
        targeted = group in TARGETED
        members = sum(regions.values())
        short = [r for r, n in regions.items() if targeted and n < REGION_TARGET[0]]
        if targeted and members < GROUP_TARGET[0]:
            short.insert(0, "group")
        fills.append(
            GroupFill(
                group=group,
                members=members,
                target=GROUP_TARGET if targeted else None,
                by_region=regions,
                region_target=REGION_TARGET if targeted else None,
                short=short,
            )
        )
    return fills
