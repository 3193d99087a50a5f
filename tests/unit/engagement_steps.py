"""Commands of one engagement, and an aggregate driven through them, for the unit tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from domain.commands import (
    Command,
    ConcludeAssistance,
    ConcludeLegislation,
    DrawUpGapList,
    NameFocalPoint,
    OpenEngagement,
    RecordAssistanceActivity,
    RecordBill,
    RecordLawSummary,
    RecordTraining,
    Withdraw,
)
from domain.engagement import Engagement
from domain.values import (
    AssistanceActivity,
    AssistanceKind,
    Bill,
    BillStage,
    FocalPoint,
    GapItem,
    Instrument,
    NeedKind,
)

STATE = "BOL"
STATE_NAME = "Bolivia"
RECEIVED = date(2001, 9, 3)
STEP_DAY = date(2002, 2, 1)
# The date of the report: every command is recorded then, so later effective dates lie in the future.
RECORDED_AT = datetime(2002, 3, 4, 9, 30, tzinfo=UTC)
TODAY = RECORDED_AT.date()
INSTRUMENTS = (Instrument.CONVENTION, Instrument.SMUGGLING)


def open_engagement(received: date = RECEIVED, **fields: object) -> OpenEngagement:
    return OpenEngagement.model_validate(
        {"state": STATE, "effective_date": received, "instruments": INSTRUMENTS} | fields
    )


def law_summary(**fields: object) -> RecordLawSummary:
    return RecordLawSummary.model_validate(
        {"state": STATE, "effective_date": STEP_DAY, "document": "Penal code digest"} | fields
    )


def focal_point(**fields: object) -> NameFocalPoint:
    return NameFocalPoint.model_validate(
        {
            "state": STATE,
            "effective_date": STEP_DAY,
            "focal_point": FocalPoint(name="A. Quiroga", office="Ministry of Justice"),
        }
        | fields
    )


def gap_list(*item_ids: str, **fields: object) -> DrawUpGapList:
    ids = item_ids or ("convention.art5", "smuggling.art6", "training.officials")
    items = tuple(
        GapItem(
            checklist_item=i, kind=NeedKind.TRAINING if i.startswith("training.") else NeedKind.LEGISLATIVE
        )
        for i in ids
    )
    return DrawUpGapList.model_validate({"state": STATE, "effective_date": STEP_DAY, "items": items} | fields)


def workshop() -> AssistanceActivity:
    return AssistanceActivity(
        kind=AssistanceKind.WORKSHOP, experts=("expert pool A",), cost=Decimal("1200.50")
    )


def assistance_activity(**fields: object) -> RecordAssistanceActivity:
    return RecordAssistanceActivity.model_validate(
        {"state": STATE, "effective_date": STEP_DAY, "activity": workshop()} | fields
    )


def assistance(**fields: object) -> ConcludeAssistance:
    return ConcludeAssistance.model_validate({"state": STATE, "effective_date": STEP_DAY} | fields)


def bill(
    title: str = "Organized Crime Act", stage: BillStage = BillStage.ENACTED, **fields: object
) -> RecordBill:
    return RecordBill.model_validate(
        {
            "state": STATE,
            "effective_date": STEP_DAY,
            "bill": Bill(title=title, stage=stage, addresses=("convention.art5",)),
        }
        | fields
    )


def legislation(*bills: Bill, **fields: object) -> ConcludeLegislation:
    return ConcludeLegislation.model_validate(
        {"state": STATE, "effective_date": STEP_DAY, "bills": bills} | fields
    )


def training(**fields: object) -> RecordTraining:
    return RecordTraining.model_validate(
        {"state": STATE, "effective_date": STEP_DAY, "officials_trained": 40} | fields
    )


def withdraw(**fields: object) -> Withdraw:
    return Withdraw.model_validate(
        {"state": STATE, "effective_date": STEP_DAY, "reason": "Government changed its priorities"} | fields
    )


def whole_case() -> list[Command]:
    """Every step after the request, in the report's order, without bills."""
    return [law_summary(), focal_point(), gap_list(), assistance(), legislation(), training()]


def engagement_after(commands: Iterable[Command] = (), opening: OpenEngagement | None = None) -> Engagement:
    """An engagement opened, then given `commands`, with its events already collected (none pending)."""
    engagement = Engagement.open(opening or open_engagement(), STATE_NAME, RECORDED_AT)
    for n, command in enumerate(commands, start=1):
        engagement.execute(command, RECORDED_AT + timedelta(minutes=n))
    engagement.collect_events()
    return engagement
