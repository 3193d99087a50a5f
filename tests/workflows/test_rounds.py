"""Engagements in rounds by workflow: a State completes round 1 and asks again; instruments change."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

from domain.engagement import engagement_id
from domain.events import EngagementEvent
from domain.values import Instrument, Status, Step
from projections.facts import project
from projections.figures import explain, figures
from projections.sqlite_store import SqliteFactStore
from tests.workflows.engine import Engine
from usecases.cases import start_input
from workflows.client import CommandRefused
from workflows.engagement import EngagementWorkflow
from workflows.messages import workflow_id

AGAIN = date(2002, 3, 1)
AS_OF = date(2002, 3, 4)


def figures_of(engine: Engine, folder: Path) -> SqliteFactStore:
    """A read model of the State's events alone, projected as the projector does."""
    store = SqliteFactStore(folder / "facts.sqlite")
    events = list(engine.store.events.get(engagement_id(engine.state)))
    store.apply(
        "Engagements",
        0,
        [
            project(e, "Engagements", n)
            for n, e in enumerate(events, start=1)
            if isinstance(e, EngagementEvent)
        ],
    )
    return store


async def test_a_state_completes_round_1_and_opens_round_2_which_advances(
    engine: Engine, tmp_path: Path
) -> None:
    steps = engine.commands
    await engine.send(steps.open())
    for command in steps.after_request():
        await engine.send(command)
    await engine.handle().result()

    opened = await engine.send(steps.open(effective_date=AGAIN, instruments=[Instrument.FIREARMS]))
    advanced = await engine.send(steps.law_summary(effective_date=AGAIN))

    assert (opened.round, opened.status, opened.instruments) == (2, Status.OPEN, (Instrument.FIREARMS,))
    assert (advanced.round, advanced.stage, advanced.version) == (2, Step.FOCAL_POINT, 9)
    rounds = [(e.round, e.type) for e in engine.history()]
    assert rounds[:7] == [(1, t) for t in ("RequestReceived", "LawSummaryReceived", "FocalPointNamed",
                                            "GapListDrawnUp", "AssistanceConcluded", "LegislationConcluded",
                                            "TrainingHeld")]  # fmt: skip
    assert rounds[7:] == [(2, "RoundOpened"), (2, "LawSummaryReceived")]
    earlier = await asyncio.to_thread(engine.store.case_of_round, engine.state, 1)
    assert earlier is not None
    assert (earlier.round, earlier.status, earlier.version) == (1, Status.COMPLETED, 7)

    store = await asyncio.to_thread(figures_of, engine, tmp_path)
    counted = figures(store, AS_OF)
    assert (counted.requests_received, counted.requesting_states) == (2, 1)
    assert counted.engagements_by_stage["focal_point"] == 1
    assert counted.engagements_by_stage["completed"] == 0
    assert [r.event_type for r in explain(store, "requests_received", AS_OF)] == [
        "RequestReceived",
        "RoundOpened",
    ]


async def test_only_one_round_is_open_at_a_time(engine: Engine) -> None:
    steps = engine.commands
    await engine.send(steps.open())

    with pytest.raises(CommandRefused) as refused:
        await engine.send(steps.open(effective_date=AGAIN))

    assert refused.value.kind == "RoundStillOpen"
    assert str(refused.value) == (
        f"The request step of {engine.state} is already recorded: its engagement was opened on 2001-09-03 "
        "(round 1) and is open; a new request waits until it is completed or withdrawn."
    )
    assert engine.event_types() == ["RequestReceived"]


async def test_a_request_dated_before_the_round_it_follows_was_closed_is_refused(engine: Engine) -> None:
    steps = engine.commands
    await engine.send(steps.open())
    await engine.send(steps.withdraw(effective_date=AGAIN))
    await engine.handle().result()

    with pytest.raises(CommandRefused, match=r"before round 1 was withdrawn \(2002-03-01\)"):
        await engine.send(steps.open(effective_date=date(2002, 2, 1)))

    assert engine.event_types() == ["RequestReceived", "EngagementWithdrawn"]


async def test_a_workflow_started_with_a_request_for_a_closed_round_opens_the_next(engine: Engine) -> None:
    steps = engine.commands
    await engine.send(steps.open())
    await engine.send(steps.withdraw())
    await engine.handle().result()
    again = steps.open(effective_date=AGAIN).model_copy(update={"command_id": None})

    # As the stock `temporal workflow start` does it: the request in the start input.
    await engine.client.start_workflow(
        EngagementWorkflow.run,
        start_input(engine.settings, engine.state).model_copy(update={"open": again}),
        id=workflow_id(engine.state),
        task_queue=engine.settings.task_queue,
    )
    await engine.settled()

    status = await engine.status()
    assert status.case is not None
    assert (status.case.round, status.case.status) == (2, Status.OPEN)
    assert engine.event_types() == ["RequestReceived", "EngagementWithdrawn", "RoundOpened"]


async def test_an_instrument_is_added_to_an_open_engagement_and_another_withdrawn(engine: Engine) -> None:
    steps = engine.commands
    await engine.send(steps.open())

    added = await engine.send(steps.instruments(add=[Instrument.FIREARMS]))
    removed = await engine.send(steps.instruments(remove=[Instrument.TRAFFICKING]))
    with pytest.raises(CommandRefused, match="does not concern smuggling; nothing to withdraw") as refused:
        await engine.send(steps.instruments(remove=[Instrument.SMUGGLING]))

    assert added.instruments == (Instrument.CONVENTION, Instrument.TRAFFICKING, Instrument.FIREARMS)
    assert removed.instruments == (Instrument.CONVENTION, Instrument.FIREARMS)
    assert refused.value.kind == "InstrumentsUnchanged"
    changes = engine.events_of("InstrumentsChanged")
    assert [(e.data["added"], e.data["withdrawn"]) for e in changes] == [
        (["firearms"], []),
        ([], ["trafficking"]),
    ]
