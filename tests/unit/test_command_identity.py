"""A command is known by the id its sender gave it and by what it asks: sent again, it is answered as the
first time and recorded once; an id given to another command is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from activities.engagements import Engagements
from activities.participants import directory
from domain.errors import CommandIdReused, StepOutOfOrder
from domain.recorded import UNKNOWN_DIGEST, already_recorded
from tests.unit.engagement_steps import (
    RECORDED_AT,
    STATE,
    assistance,
    assistance_activity,
    engagement_after,
    focal_point,
    gap_list,
    law_summary,
    open_engagement,
)

PARTICIPANTS = directory()


def application() -> Engagements:
    return Engagements(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"},
        participants=PARTICIPANTS,
        clock=lambda: RECORDED_AT + timedelta(hours=1),
    )


def stored(engagements: Engagements) -> int:
    return engagements.recorder.max_notification_id() or 0


def test_the_digest_is_what_a_command_asks_whatever_its_id() -> None:
    assert law_summary(command_id="a").digest() == law_summary(command_id="b").digest()
    assert law_summary(command_id="a").digest() != law_summary(command_id="a", document="other").digest()
    # Two kinds with the same fields ask different things.
    assert law_summary(document=None).digest() != focal_point(focal_point=None).digest()
    # A field at its default is left out, as if a later version of the command had added it.
    assert law_summary(note=None).digest() == law_summary().digest()


def test_a_command_sent_again_is_answered_as_the_first_time_and_recorded_once() -> None:
    engagements = application()
    engagements.handle(open_engagement(command_id="open-1"))
    first = engagements.handle(law_summary(command_id="law-1"))
    engagements.handle(focal_point(command_id="focal-1"))
    before = stored(engagements)

    again = engagements.handle(law_summary(command_id="law-1"))

    assert stored(engagements) == before
    assert again == first
    assert again.version == 2
    assert engagements.case(STATE) is not None
    assert [e.command_id for e in engagements.history(STATE)] == ["open-1", "law-1", "focal-1"]


def test_a_retried_request_gets_the_case_it_opened_not_a_refusal() -> None:
    engagements = application()
    opened = engagements.handle(open_engagement(command_id="open-1"))
    engagements.handle(law_summary(command_id="law-1"))

    assert engagements.handle(open_engagement(command_id="open-1")) == opened
    assert stored(engagements) == 2


def test_an_id_given_to_another_command_is_refused_and_nothing_is_recorded() -> None:
    engagements = application()
    engagements.handle(open_engagement(command_id="open-1"))
    engagements.handle(law_summary(command_id="law-1"))
    before = stored(engagements)

    with pytest.raises(CommandIdReused, match="'law-1' was given before to a different command of BOL"):
        engagements.handle(focal_point(command_id="law-1"))
    with pytest.raises(CommandIdReused):
        engagements.handle(law_summary(command_id="law-1", document="Another digest"))

    assert stored(engagements) == before


def test_a_refused_command_leaves_its_id_free() -> None:
    engagements = application()
    engagements.handle(open_engagement(command_id="open-1"))
    with pytest.raises(StepOutOfOrder):
        engagements.handle(assistance_activity(command_id="next"))

    case = engagements.handle(law_summary(command_id="next"))

    assert case.version == 2
    assert [e.command_id for e in engagements.history(STATE)] == ["open-1", "next"]


def test_repeatable_commands_are_told_apart_by_their_ids() -> None:
    engagement = engagement_after([law_summary(), focal_point(), gap_list()])
    for command_id in ("workshop-1", "workshop-2", "workshop-1"):
        command = assistance_activity(command_id=command_id)
        if engagement.recorded_version(command) is None:
            engagement.execute(command, RECORDED_AT + timedelta(hours=1))

    assert len(engagement.activities) == 2
    assert engagement.recorded_version(assistance_activity(command_id="workshop-1")) == 5
    assert engagement.recorded_version(assistance_activity(command_id="workshop-3")) is None
    assert engagement.recorded_version(assistance(command_id="workshop-9")) is None


def test_a_command_recorded_before_digests_were_kept_is_known_by_its_id_alone() -> None:
    command = law_summary(command_id="old")

    assert already_recorded({"old": UNKNOWN_DIGEST}, command)
    assert already_recorded({"old": UNKNOWN_DIGEST}, focal_point(command_id="old"))
    assert not already_recorded({"old": UNKNOWN_DIGEST}, law_summary(command_id="new"))
    assert not already_recorded({"old": UNKNOWN_DIGEST}, law_summary())


def test_the_view_lists_each_recorded_command_with_its_digest() -> None:
    engagement = engagement_after([law_summary(command_id="law-1")], opening=open_engagement(command_id="o"))

    assert engagement.view().recorded_commands == {
        "o": open_engagement(command_id="o").digest(),
        "law-1": law_summary().digest(),
    }
