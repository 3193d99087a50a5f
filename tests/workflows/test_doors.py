"""Every recorded step names the door it came through: the web app, the API and the command line prove theirs
with a seal of the audit key; a command that reaches the Temporal frontend any other way is recorded as
Temporal's, whatever door and actor it claims."""

from __future__ import annotations

from domain.doors import sealed
from domain.values import Door
from domain.views import CaseView
from tests.workflows.engine import Engine


async def test_each_front_door_is_recorded_with_the_step_it_sent(engine: Engine) -> None:
    steps = engine.commands
    await engine.send(steps.open(), Door.CLI)
    await engine.send(steps.law_summary(), Door.WEB)
    await engine.send(steps.focal_point(), Door.API)

    assert [(e.type, e.door) for e in engine.history()] == [
        ("RequestReceived", "cli"),
        ("LawSummaryReceived", "web"),
        ("FocalPointNamed", "api"),
    ]


async def test_a_stock_client_claiming_the_web_door_is_recorded_as_temporal(engine: Engine) -> None:
    steps = engine.commands
    await engine.send(steps.open())
    forged = steps.law_summary(actor="manager-of-everything").model_dump(mode="json")
    forged |= {"door": "web", "door_seal": "0" * 64}

    case = await engine.handle().execute_update("law_summary", forged, id="forged-1", result_type=CaseView)

    assert case.version == 2
    (recorded,) = engine.events_of("LawSummaryReceived")
    assert recorded.door == "temporal"
    assert recorded.actor == "manager-of-everything"


async def test_a_sealed_payload_with_another_actor_no_longer_proves_its_door(engine: Engine) -> None:
    """A seal copied from a genuine command (the Temporal UI shows payloads) does not cover another actor."""
    steps = engine.commands
    await engine.send(steps.open())
    genuine = sealed(steps.focal_point(actor="officer-ana"), Door.API, engine.settings.audit_key_bytes())
    changed = genuine.model_dump(mode="json") | {"actor": "officer-bob"}

    await engine.handle().execute_update("focal_point", changed, id="copied-seal", result_type=CaseView)

    (recorded,) = engine.events_of("FocalPointNamed")
    assert (recorded.actor, recorded.door) == ("officer-bob", "temporal")


async def test_a_seal_made_with_another_key_proves_nothing(engine: Engine) -> None:
    steps = engine.commands
    await engine.send(steps.open())
    elsewhere = sealed(steps.law_summary(), Door.CLI, bytes(range(32)))

    await engine.handle().execute_update(
        "law_summary", elsewhere.model_dump(mode="json"), id="other-key", result_type=CaseView
    )

    (recorded,) = engine.events_of("LawSummaryReceived")
    assert recorded.door == "temporal"


async def test_a_signal_without_a_seal_is_recorded_as_temporal(engine: Engine) -> None:
    steps = engine.commands
    for command in (steps.open(), steps.law_summary(), steps.focal_point(), steps.gap_list()):
        await engine.send(command)

    await engine.handle().signal("assistance_activity", steps.assistance_activity(1).model_dump(mode="json"))
    await engine.settled()

    (recorded,) = engine.events_of("AssistanceActivityRecorded")
    assert recorded.door == "temporal"
