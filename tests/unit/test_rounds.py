"""Engagements in rounds, instruments changed in an open round, and due periods from effective dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from activities.store.mapper import upcast
from domain import errors
from domain import events as ev
from domain.commands import ChangeInstruments, SendReminder
from domain.engagement import Engagement
from domain.progress import anticipate, check
from domain.values import Instrument, Status, Step
from domain.views import LATE_ENTRY_GRACE, progress_of
from projections.casebook import open_steps
from tests.unit.engagement_steps import (
    RECEIVED,
    RECORDED_AT,
    STATE,
    STEP_DAY,
    TODAY,
    engagement_after,
    focal_point,
    law_summary,
    open_engagement,
    whole_case,
    withdraw,
)

AGAIN = date(2002, 2, 20)


def instruments(**fields: object) -> ChangeInstruments:
    return ChangeInstruments.model_validate({"state": STATE, "effective_date": STEP_DAY} | fields)


def record(engagement: Engagement, *commands: object) -> None:
    for n, command in enumerate(commands, start=1):
        engagement.execute(command, RECORDED_AT + timedelta(hours=n))  # type: ignore[arg-type]


def test_a_state_whose_round_was_withdrawn_opens_round_2_with_its_own_instruments_and_steps() -> None:
    engagement = engagement_after([law_summary(), withdraw()])

    record(
        engagement,
        open_engagement(received=AGAIN, instruments=["firearms"]),
        focal_point(effective_date=AGAIN),
    )

    case = engagement.view()
    assert (case.round, case.status, case.received) == (2, Status.OPEN, AGAIN)
    assert case.instruments == (Instrument.FIREARMS,)
    assert case.completed_steps == (Step.REQUEST, Step.FOCAL_POINT)
    assert case.law_summary_document is None
    assert case.withdrawal_reason is None
    events = [e for e in engagement.collect_events() if isinstance(e, ev.EngagementEvent)]
    assert [(type(e).__name__, e.round) for e in events] == [("RoundOpened", 2), ("FocalPointNamed", 2)]


def test_a_completed_round_may_be_followed_by_another() -> None:
    engagement = engagement_after(whole_case())

    record(engagement, open_engagement(received=AGAIN))

    assert (engagement.view().round, engagement.view().stage) == (2, Step.LAW_SUMMARY)


def test_every_event_of_the_first_round_says_round_1() -> None:
    engagement = Engagement.open(open_engagement(), "Bolivia", RECORDED_AT)
    record(engagement, law_summary())

    events = engagement.collect_events()
    assert [e.round for e in events if isinstance(e, ev.EngagementEvent)] == [1, 1]


def test_a_new_request_dated_before_its_round_closed_is_refused() -> None:
    engagement = engagement_after([withdraw()])

    with pytest.raises(errors.RequestBeforeRoundClosed) as info:
        engagement.execute(open_engagement(received=STEP_DAY - timedelta(days=1)), RECORDED_AT)

    assert str(info.value) == (
        f"The request of round 2 of {STATE} (2002-01-31) is before round 1 was withdrawn ({STEP_DAY})."
    )
    assert engagement.view().round == 1


def test_the_queue_anticipates_the_next_round() -> None:
    engagement = engagement_after([withdraw()])

    after = anticipate(progress_of(engagement.view()), open_engagement(received=AGAIN))

    assert after is not None
    assert (after.round, after.status, after.received) == (2, Status.OPEN, AGAIN)
    with pytest.raises(errors.RoundStillOpen):
        check(after, open_engagement(received=AGAIN), TODAY)


def test_a_version_2_event_is_read_as_of_round_1() -> None:
    stored = {"class_version": 2, "state": STATE, "document": "x"}

    assert upcast(ev.LawSummaryReceived, stored) == {"state": STATE, "document": "x", "round": 1}


def test_an_instrument_added_to_an_open_round_is_recorded_and_may_be_withdrawn_again() -> None:
    engagement = engagement_after()

    record(engagement, instruments(add=["firearms"]), instruments(remove=["smuggling"], note="Later"))

    assert engagement.view().instruments == (Instrument.CONVENTION, Instrument.FIREARMS)
    added, removed = engagement.collect_events()
    assert isinstance(added, ev.InstrumentsChanged)
    assert added.added == (Instrument.FIREARMS,)
    assert isinstance(removed, ev.InstrumentsChanged)
    assert removed.withdrawn == (Instrument.SMUGGLING,)


@pytest.mark.parametrize(
    ("fields", "error", "sentence"),
    [
        ({"add": ["convention"]}, errors.InstrumentsUnchanged, "already concerns convention; nothing to add"),
        (
            {"remove": ["firearms"]},
            errors.InstrumentsUnchanged,
            "does not concern firearms; nothing to withdraw",
        ),
        ({"remove": ["convention", "smuggling"]}, errors.LastInstrumentWithdrawn, "withdraws its engagement"),
    ],
)
def test_an_instruments_change_that_changes_nothing_or_everything_is_refused(
    fields: dict[str, object], error: type[errors.DomainError], sentence: str
) -> None:
    engagement = engagement_after()

    with pytest.raises(error) as info:
        engagement.execute(instruments(**fields), RECORDED_AT)

    assert sentence in str(info.value)
    assert STATE in str(info.value)
    assert engagement.collect_events() == []


def test_an_instruments_change_naming_none_or_one_both_ways_is_refused() -> None:
    engagement = engagement_after()

    with pytest.raises(errors.InstrumentsNotNamed, match="names no instrument to add or to withdraw"):
        engagement.execute(instruments(), RECORDED_AT)
    with pytest.raises(errors.InstrumentsNotNamed, match="both adds and withdraws firearms"):
        engagement.execute(instruments(add=["firearms"], remove=["firearms"]), RECORDED_AT)
    assert engagement.collect_events() == []


def test_instruments_of_a_closed_round_are_not_changed() -> None:
    engagement = engagement_after([withdraw()])

    with pytest.raises(errors.EngagementClosed) as info:
        engagement.execute(instruments(add=["firearms"]), RECORDED_AT)

    assert str(info.value) == (
        f"The instruments change of {STATE} cannot be recorded: the engagement is withdrawn."
    )


def test_a_step_is_awaited_from_the_day_the_last_step_it_needs_happened() -> None:
    engagement = engagement_after(
        [law_summary(effective_date=date(2001, 12, 1)), focal_point(effective_date=date(2001, 11, 1))]
    )

    case = engagement.view()
    assert case.awaited_from == {Step.GAP_LIST: date(2001, 12, 1)}
    assert case.awaited_since[Step.GAP_LIST] > RECORDED_AT


def test_a_reminder_records_when_its_step_became_awaited_in_the_world_and_in_the_record() -> None:
    engagement = engagement_after()
    reminder = SendReminder(
        state=STATE, effective_date=TODAY, step=Step.LAW_SUMMARY, due_date=date(2001, 11, 2)
    )

    engagement.execute(reminder, RECORDED_AT + timedelta(days=1))

    (event,) = engagement.collect_events()
    assert isinstance(event, ev.ReminderSent)
    assert (event.awaited_from, event.awaited_recorded_at) == (RECEIVED, RECORDED_AT)


def test_a_case_entered_late_with_past_dates_shows_its_overdue_steps_at_once() -> None:
    engagement = engagement_after([law_summary(effective_date=date(2001, 10, 1))])
    entered = RECORDED_AT + timedelta(minutes=1)

    (step,) = open_steps(engagement.view(), {"focal_point": 60}, now=entered)

    assert step.step is Step.FOCAL_POINT
    assert step.since.date() == RECEIVED
    assert step.due_at.date() == RECEIVED + timedelta(days=60)
    assert step.overdue
    # Due long before it was entered, it is reminded a day after it was recorded as awaited.
    assert step.reminder_at == RECORDED_AT + LATE_ENTRY_GRACE == RECORDED_AT + timedelta(days=1)


def test_a_step_recorded_the_day_it_happened_falls_due_a_period_after_it_was_recorded() -> None:
    engagement = Engagement.open(open_engagement(received=TODAY), "Bolivia", RECORDED_AT)

    steps = open_steps(engagement.view(), {"focal_point": 60, "law_summary": 60}, now=RECORDED_AT)

    assert {s.due_at for s in steps} == {RECORDED_AT + timedelta(days=60)}
    assert not any(s.overdue for s in steps)
