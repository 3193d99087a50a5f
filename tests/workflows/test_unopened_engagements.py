"""Commands for a State with no engagement: refused with the reason, and the run they started ends."""

from __future__ import annotations

import random
import string

import pytest

from activities.participants import directory
from tests.workflows.case_commands import CaseCommands
from tests.workflows.engine import Engine, end_workflow
from workflows.client import CommandRefused
from workflows.messages import workflow_id


async def test_step_for_a_state_with_no_engagement_is_refused_and_its_run_ends(engine: Engine) -> None:
    with pytest.raises(CommandRefused) as refusal:
        await engine.send(engine.commands.focal_point())

    assert str(refusal.value) == f"The focal_point step of {engine.state} needs an engagement; open it first."
    assert await engine.handle().result() is None
    assert engine.history() == []
    # The State can still be opened afterwards, by a new run.
    case = await engine.send(engine.commands.open())
    assert case.version == 1
    assert engine.event_types() == ["RequestReceived"]


async def test_open_for_a_code_naming_no_state_is_refused_and_its_run_ends(engine: Engine) -> None:
    # ISO 3166 leaves the Q.. codes to private use: none names a State.
    codes = [f"Q{a}{b}" for a in string.ascii_uppercase for b in string.ascii_uppercase]
    unknown = next(c for c in random.sample(codes, len(codes)) if directory().find(c) is None)
    try:
        with pytest.raises(CommandRefused) as refusal:
            await engine.send(CaseCommands(unknown).open())

        assert str(refusal.value) == (
            f"'{unknown}' is not an ISO 3166 alpha-3 code of a State (current or historic) "
            "nor a known organization."
        )
        assert await engine.client.get_workflow_handle(workflow_id(unknown)).result() is None
        assert engine.store.history(unknown) == []
    finally:
        await end_workflow(engine.client, unknown)
