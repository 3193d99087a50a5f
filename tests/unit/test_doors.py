"""Door seals: a seal proves the door, the command id and all it asks, under one key; change any, it fails."""

from __future__ import annotations

from datetime import date

import pytest

from domain.commands import Escalate, RecordLawSummary
from domain.doors import admitted, door_through, seal, sealed
from domain.values import Door, Step

KEY = bytes(range(32))
SUMMARY = RecordLawSummary(
    state="BOL", actor="officer-ana", effective_date=date(2002, 2, 1), document="L/1", command_id="c-1"
)


@pytest.mark.parametrize("door", [Door.WEB, Door.API, Door.CLI])
def test_a_sealed_command_proves_its_door(door: Door) -> None:
    assert door_through(sealed(SUMMARY, door, KEY), KEY) is door


@pytest.mark.parametrize(
    "change",
    [
        {"actor": "officer-bob"},
        {"document": "L/2"},
        {"effective_date": date(2002, 2, 2)},
        {"state": "PER"},
        {"command_id": "c-2"},
        {"door": Door.WEB},
        {"door_seal": "0" * 64},
    ],
)
def test_a_sealed_command_changed_in_any_way_is_temporals(change: dict[str, object]) -> None:
    changed = sealed(SUMMARY, Door.API, KEY).model_copy(update=change)
    assert door_through(changed, KEY) is Door.TEMPORAL


def test_without_a_seal_or_a_key_a_claimed_door_is_temporals() -> None:
    claimed = SUMMARY.model_copy(update={"door": Door.CLI})
    assert door_through(claimed, KEY) is Door.TEMPORAL
    assert door_through(sealed(SUMMARY, Door.CLI, KEY), None) is Door.TEMPORAL
    assert door_through(sealed(SUMMARY, Door.CLI, KEY), bytes(32)) is Door.TEMPORAL


def test_the_engines_own_commands_come_through_the_engine_and_no_sender_claims_it() -> None:
    escalation = Escalate(
        state="BOL",
        actor="system",
        effective_date=date(2002, 2, 1),
        step=Step.LAW_SUMMARY,
        due_date=date(2002, 1, 1),
    )
    assert door_through(escalation, KEY) is Door.ENGINE
    with pytest.raises(ValueError, match="not one a sender seals"):
        sealed(SUMMARY, Door.ENGINE, KEY)


def test_the_door_and_its_seal_change_neither_the_digest_nor_the_seal_left_for_the_store() -> None:
    sent = sealed(SUMMARY, Door.WEB, KEY)
    assert sent.digest() == SUMMARY.digest()
    assert seal(KEY, Door.WEB, SUMMARY) == sent.door_seal
    stored = admitted(sent, KEY)
    assert (stored.door, stored.door_seal) == (Door.WEB, None)
