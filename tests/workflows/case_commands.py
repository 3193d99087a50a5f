"""Commands of one State's engagement, with the dates and details the workflow tests send."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from domain.commands import (
    ChangeInstruments,
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

RECEIVED = date(2001, 9, 3)
STEP_DAY = date(2002, 2, 1)
INSTRUMENTS = (Instrument.CONVENTION, Instrument.TRAFFICKING)
C = TypeVar("C", bound=Command)


def sent(cls: type[C], fields: dict[str, object]) -> C:
    """A command as a sender makes it: under an id of its own, unless the test names one."""
    return cls.model_validate({"command_id": str(uuid.uuid4())} | fields)


GAP_ITEMS = (
    GapItem(checklist_item="convention.art5"),
    GapItem(checklist_item="trafficking.art5"),
    GapItem(checklist_item="training.officials", kind=NeedKind.TRAINING),
)


@dataclass(frozen=True)
class CaseCommands:
    """Builds the commands of `state`'s engagement; keyword fields override the defaults."""

    state: str

    def open(self, **fields: object) -> OpenEngagement:
        return sent(
            OpenEngagement,
            {"state": self.state, "effective_date": RECEIVED, "instruments": INSTRUMENTS} | fields,
        )

    def instruments(self, **fields: object) -> ChangeInstruments:
        return sent(ChangeInstruments, {"state": self.state, "effective_date": STEP_DAY} | fields)

    def law_summary(self, **fields: object) -> RecordLawSummary:
        return sent(
            RecordLawSummary,
            {"state": self.state, "effective_date": STEP_DAY, "document": f"{self.state}/LAW/2002/1"}
            | fields,
        )

    def focal_point(self, **fields: object) -> NameFocalPoint:
        focal = FocalPoint(name="A. Quiroga", office="Ministry of Justice")
        return sent(
            NameFocalPoint, {"state": self.state, "effective_date": STEP_DAY, "focal_point": focal} | fields
        )

    def gap_list(self, **fields: object) -> DrawUpGapList:
        return sent(
            DrawUpGapList, {"state": self.state, "effective_date": STEP_DAY, "items": GAP_ITEMS} | fields
        )

    def assistance_activity(self, number: int = 1, **fields: object) -> RecordAssistanceActivity:
        activity = AssistanceActivity(
            kind=AssistanceKind.WORKSHOP, cost=Decimal(100 + number), note=f"workshop {number}"
        )
        return sent(
            RecordAssistanceActivity,
            {"state": self.state, "effective_date": STEP_DAY, "activity": activity} | fields,
        )

    def assistance(self, **fields: object) -> ConcludeAssistance:
        return sent(ConcludeAssistance, {"state": self.state, "effective_date": STEP_DAY} | fields)

    def bill(self, stage: BillStage = BillStage.SUBMITTED, **fields: object) -> RecordBill:
        bill = Bill(title="Organized Crime Act", stage=stage, addresses=("convention.art5",))
        return sent(RecordBill, {"state": self.state, "effective_date": STEP_DAY, "bill": bill} | fields)

    def legislation(self, **fields: object) -> ConcludeLegislation:
        bill = Bill(title="Organized Crime Act", addresses=("convention.art5",))
        return sent(
            ConcludeLegislation, {"state": self.state, "effective_date": STEP_DAY, "bills": (bill,)} | fields
        )

    def training(self, **fields: object) -> RecordTraining:
        return sent(
            RecordTraining,
            {"state": self.state, "effective_date": STEP_DAY, "officials_trained": 40} | fields,
        )

    def withdraw(self, **fields: object) -> Withdraw:
        return sent(
            Withdraw,
            {"state": self.state, "effective_date": STEP_DAY, "reason": "Request withdrawn"} | fields,
        )

    def after_request(self) -> list[Command]:
        """Every step after the request, in the report's order."""
        return [
            self.law_summary(),
            self.focal_point(),
            self.gap_list(),
            self.assistance(),
            self.legislation(),
            self.training(),
        ]
