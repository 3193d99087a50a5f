"""Demo engagements: the requests of paragraph 18 of the report, at various steps, loaded idempotently."""

from __future__ import annotations

import asyncio
from datetime import date

from rich.console import Console

from activities.engagements import Engagements
from domain.commands import (
    Command,
    ConcludeAssistance,
    DrawUpGapList,
    NameFocalPoint,
    OpenEngagement,
    RecordAssistanceActivity,
    RecordLawSummary,
)
from domain.values import AssistanceActivity, AssistanceKind, Door, GapItem, Instrument
from domain.views import CaseView
from usecases.cases import connect, send
from usecases.settings import Settings
from workflows.client import CommandRefused

# Demo data cites no document: its dates, stages, gaps and partners are made up.
SOURCE = "Demo data: illustrative, made up to show the engine"
ALL = (Instrument.CONVENTION, Instrument.TRAFFICKING, Instrument.SMUGGLING, Instrument.FIREARMS)
# (State, request received, steps reached): made up to show the engine. Every event is marked as demo data
# (domain.facts.Fact.demo), which the report leaves out unless asked to include it.
REQUESTS: tuple[tuple[str, date, int], ...] = (
    ("BLR", date(2001, 10, 2), 3),
    ("BEN", date(2001, 12, 3), 2),
    ("BOL", date(2001, 9, 3), 4),
    ("BIH", date(2001, 11, 12), 1),
    ("CHL", date(2001, 10, 22), 3),
    ("GNB", date(2001, 12, 10), 0),
    ("MUS", date(2001, 11, 5), 2),
    ("MNG", date(2002, 1, 14), 1),
    ("NAM", date(2001, 9, 24), 3),
    ("THA", date(2001, 10, 29), 2),
    ("MKD", date(2001, 11, 19), 4),
    ("VEN", date(2001, 12, 17), 1),
    ("UKR", date(2001, 9, 17), 4),
    ("YUG", date(2002, 1, 21), 0),
)
PARTNERS = (
    "Agence intergouvernementale de la Francophonie",
    "Commonwealth Secretariat",
    "Southern European Cooperation Initiative",
)


def demo_commands(state: str, received: date, reached: int, number: int = 0) -> list[Command]:
    """The commands that bring one demo State's engagement to `reached` steps after the request; the
    `number`-th demo State works with one partner or two, in turn."""
    common = {"state": state, "actor": "demo", "source": SOURCE, "demo": True}
    partners = tuple(PARTNERS[(number + i) % len(PARTNERS)] for i in range(1 + number % 2))
    steps: list[Command] = [
        OpenEngagement(**common, effective_date=received, instruments=ALL, partners=partners),
        RecordLawSummary(**common, effective_date=date(2002, 1, 28), document=f"{state}/LAW/2002/1"),
        NameFocalPoint(**common, effective_date=date(2002, 2, 4)),
        DrawUpGapList(
            **common,
            effective_date=date(2002, 2, 18),
            items=(
                GapItem(checklist_item="convention.art5"),
                GapItem(checklist_item="convention.art16"),
                GapItem(checklist_item="convention.art12"),
            ),
        ),
        RecordAssistanceActivity(
            **common,
            effective_date=date(2002, 2, 25),
            activity=AssistanceActivity(kind=AssistanceKind.DOCUMENTATION),
        ),
        ConcludeAssistance(**common, effective_date=date(2002, 3, 1)),
    ]
    # Each demo command has the same id at every start: sent again, it is known and not recorded twice.
    return [
        step.model_copy(update={"command_id": f"demo/{state}/{n}"})
        for n, step in enumerate(steps[: reached + 1])
    ]


def _version(case: CaseView | None) -> int:
    return 0 if case is None else case.version


async def load_demo(settings: Settings, console: Console) -> int:
    """Send the demo commands; what an earlier start recorded is answered, not recorded again.

    Returns the steps recorded now.
    """
    client = await connect(settings)
    store = Engagements(settings.store_env("Engagements"))
    recorded = 0
    for number, (state, received, reached) in enumerate(REQUESTS):
        before = _version(store.case(state))
        for command in demo_commands(state, received, reached, number):
            try:
                await send(client, settings, command, door=Door.CLI)
            except CommandRefused:
                continue  # a case changed by hand since: the demo leaves it as it is
        recorded += _version(store.case(state)) - before
    console.print(f"Demo data: {len(REQUESTS)} engagements, {recorded} steps recorded now.")
    return recorded


def run_demo(settings: Settings, console: Console) -> None:
    asyncio.run(load_demo(settings, console))
