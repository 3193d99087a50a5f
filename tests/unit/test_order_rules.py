"""The order rules of paragraphs 18-19, through `domain.progress.check` and the Engagement aggregate."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from domain import errors
from domain.commands import Command, Escalate, SendReminder
from domain.engagement import Engagement
from domain.progress import check
from domain.values import Bill, BillStage, LegislationOutcome, Status, Step
from tests.unit.engagement_steps import (
    RECEIVED,
    RECORDED_AT,
    STATE,
    STEP_DAY,
    TODAY,
    assistance,
    assistance_activity,
    bill,
    engagement_after,
    focal_point,
    gap_list,
    law_summary,
    legislation,
    open_engagement,
    training,
    whole_case,
    withdraw,
)

UP_TO_GAP_LIST: list[Command] = [law_summary(), focal_point(), gap_list()]
UP_TO_ASSISTANCE: list[Command] = [*UP_TO_GAP_LIST, assistance()]
UP_TO_LEGISLATION: list[Command] = [*UP_TO_ASSISTANCE, legislation()]


def assert_one_sentence_naming(message: str, *names: str) -> None:
    """Refusals reach officers verbatim: one sentence, naming the State and the step concerned."""
    assert "\n" not in message, message
    assert message.endswith("."), message
    # A full stop followed by a capital starts a second sentence.
    assert not re.search(r"\.\s+[A-Z]", message[:-1]), message
    for name in names:
        assert name in message, f"{name!r} not named in: {message}"


def refuse(engagement: Engagement, command: Command, error: type[errors.DomainError], *names: str) -> str:
    """Assert that both the rules and the aggregate refuse `command` with `error`, recording nothing."""
    before = engagement.view()
    with pytest.raises(error) as by_rules:
        check(engagement.progress, command, TODAY)
    with pytest.raises(error) as by_aggregate:
        engagement.execute(command, RECORDED_AT + timedelta(hours=1))
    assert type(by_rules.value) is type(by_aggregate.value) is error
    assert engagement.pending_events == []
    assert engagement.version == before.version
    assert engagement.view() == before
    message = str(by_aggregate.value)
    assert_one_sentence_naming(message, STATE, *names)
    return message


def accept(engagement: Engagement, command: Command) -> None:
    version = engagement.version
    engagement.execute(command, RECORDED_AT + timedelta(hours=1))
    assert engagement.version == version + 1
    assert len(engagement.collect_events()) == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [(law_summary(), focal_point()), (focal_point(), law_summary())],
    ids=["summary_first", "focal_point_first"],
)
def test_law_summary_and_focal_point_come_in_either_order(first: Command, second: Command) -> None:
    engagement = engagement_after()
    assert engagement.progress.awaiting() == (Step.LAW_SUMMARY, Step.FOCAL_POINT)

    accept(engagement, first)
    assert engagement.progress.awaiting() == (Step(second.kind),)
    refuse(engagement, gap_list(), errors.StepOutOfOrder, "gap_list", second.kind)
    accept(engagement, second)

    assert engagement.progress.completed == (Step.REQUEST, Step.LAW_SUMMARY, Step.FOCAL_POINT)
    assert engagement.progress.awaiting() == (Step.GAP_LIST,)
    assert engagement.view().stage is Step.GAP_LIST


@pytest.mark.parametrize(
    ("done", "missing"),
    [
        ([], ["law_summary", "focal_point"]),
        ([law_summary()], ["focal_point"]),
        ([focal_point()], ["law_summary"]),
    ],
    ids=["neither", "summary_only", "focal_point_only"],
)
def test_gap_list_needs_both_law_summary_and_focal_point(done: list[Command], missing: list[str]) -> None:
    engagement = engagement_after(done)

    message = refuse(engagement, gap_list(), errors.StepOutOfOrder, "gap_list", *missing)

    for step in {"law_summary", "focal_point"} - set(missing):
        assert step not in message


def test_assistance_waits_for_the_gap_list() -> None:
    engagement = engagement_after([law_summary(), focal_point()])

    refuse(engagement, assistance(), errors.StepOutOfOrder, "assistance", "gap_list")
    refuse(engagement, assistance_activity(), errors.StepOutOfOrder, "assistance", "gap_list")


def test_assistance_activities_accumulate_until_assistance_concludes() -> None:
    engagement = engagement_after(UP_TO_GAP_LIST)

    accept(engagement, assistance_activity(effective_date=date(2001, 11, 5)))
    accept(engagement, assistance_activity(effective_date=date(2001, 12, 10)))
    assert Step.ASSISTANCE not in engagement.progress.completed
    accept(engagement, assistance(activities=(assistance_activity().activity,)))

    view = engagement.view()
    assert [a.effective_date for a in view.activities] == [date(2001, 11, 5), date(2001, 12, 10), STEP_DAY]
    assert view.assistance_requested is True
    refuse(engagement, assistance_activity(), errors.StepAlreadyRecorded, "assistance")


def test_legislation_waits_for_assistance() -> None:
    engagement = engagement_after(UP_TO_GAP_LIST)

    refuse(engagement, legislation(), errors.StepOutOfOrder, "legislation", "assistance")


def test_legislation_may_follow_assistance_that_was_not_requested() -> None:
    engagement = engagement_after([*UP_TO_GAP_LIST, assistance(requested=False)])

    accept(engagement, legislation())

    assert engagement.view().assistance_requested is False
    assert engagement.progress.awaiting() == (Step.TRAINING,)


@pytest.mark.parametrize(
    ("done", "missing"),
    [
        ([], "legislation"),
        (UP_TO_GAP_LIST, "legislation"),
        (UP_TO_ASSISTANCE, "legislation"),
        ([*UP_TO_ASSISTANCE, bill(stage=BillStage.SUBMITTED)], "legislation"),
    ],
    ids=["after_request", "after_gap_list", "after_assistance", "bill_before_parliament"],
)
def test_training_waits_for_legislation(done: list[Command], missing: str) -> None:
    engagement = engagement_after(done)

    refuse(engagement, training(), errors.StepOutOfOrder, "training", missing)


@pytest.mark.parametrize(
    ("before_conclusion", "bills", "outcome"),
    [
        ([], (), LegislationOutcome.NOT_NEEDED),
        ([], (Bill(title="Organized Crime Act"),), LegislationOutcome.ENACTED),
        ([bill(stage=BillStage.SUBMITTED)], (Bill(title="Organized Crime Act"),), LegislationOutcome.ENACTED),
        ([bill(stage=BillStage.ENACTED)], (), LegislationOutcome.ENACTED),
    ],
    ids=["not_needed", "enacted_in_conclusion", "submitted_then_enacted_in_conclusion", "enacted_before"],
)
def test_training_follows_legislation_enacted_or_not_needed(
    before_conclusion: list[Command], bills: tuple[Bill, ...], outcome: LegislationOutcome
) -> None:
    engagement = engagement_after([*UP_TO_ASSISTANCE, *before_conclusion])

    accept(engagement, legislation(*bills))
    assert engagement.view().legislation_outcome is outcome
    accept(engagement, training())

    view = engagement.view()
    assert view.status is Status.COMPLETED
    assert view.completed_steps == tuple(Step)
    assert view.stage is None
    assert view.awaiting == ()
    assert view.officials_trained == 40


def test_the_whole_case_in_order_completes_the_engagement() -> None:
    engagement = engagement_after(whole_case())

    assert engagement.view().status is Status.COMPLETED
    assert engagement.version == 7


@pytest.mark.parametrize(
    ("done", "again", "step"),
    [
        ([law_summary()], law_summary(), "law_summary"),
        ([focal_point()], focal_point(), "focal_point"),
        (UP_TO_GAP_LIST, gap_list(), "gap_list"),
        (UP_TO_ASSISTANCE, assistance(), "assistance"),
        (UP_TO_LEGISLATION, legislation(), "legislation"),
        (UP_TO_LEGISLATION, bill(), "legislation"),
    ],
    ids=["law_summary", "focal_point", "gap_list", "assistance", "legislation", "bill_after_legislation"],
)
def test_a_step_is_recorded_once(done: list[Command], again: Command, step: str) -> None:
    engagement = engagement_after(done)

    refuse(engagement, again, errors.StepAlreadyRecorded, step)


def step_named(command: Command) -> str:
    """The step a refusal of `command` must name."""
    if isinstance(command, SendReminder | Escalate):
        return command.step.value
    return {
        "open": "request",
        "assistance_activity": "assistance",
        "bill": "legislation",
        "withdraw": "withdraw",
    }.get(command.kind, command.kind)


def every_command() -> list[Command]:
    return [
        open_engagement(),
        law_summary(),
        focal_point(),
        gap_list(),
        assistance_activity(),
        assistance(),
        bill(),
        legislation(),
        training(),
        withdraw(),
        SendReminder(state=STATE, effective_date=STEP_DAY, step=Step.LAW_SUMMARY, due_date=STEP_DAY),
        Escalate(state=STATE, effective_date=STEP_DAY, step=Step.LAW_SUMMARY, due_date=STEP_DAY),
    ]


@pytest.mark.parametrize("command", [c for c in every_command() if c.kind != "open"], ids=lambda c: c.kind)
def test_a_completed_engagement_takes_no_more_steps(command: Command) -> None:
    engagement = engagement_after(whole_case())

    refuse(engagement, command, errors.EngagementClosed, "completed", step_named(command))


@pytest.mark.parametrize("command", [c for c in every_command() if c.kind != "open"], ids=lambda c: c.kind)
def test_a_withdrawn_engagement_takes_no_more_steps(command: Command) -> None:
    engagement = engagement_after([law_summary(), withdraw()])
    assert engagement.view().status is Status.WITHDRAWN
    assert engagement.view().withdrawal_reason == "Government changed its priorities"
    assert engagement.view().stage is None

    refuse(engagement, command, errors.EngagementClosed, "withdrawn", step_named(command))


@pytest.mark.parametrize("command", every_command(), ids=lambda c: c.kind)
def test_an_effective_date_in_the_future_is_refused(command: Command) -> None:
    engagement = engagement_after()
    tomorrow = command.model_copy(update={"effective_date": TODAY + timedelta(days=1)})

    if tomorrow.kind == "open":
        with pytest.raises(errors.EffectiveDateInFuture) as info:
            Engagement.open(tomorrow, "Bolivia", RECORDED_AT)
        assert_one_sentence_naming(str(info.value), STATE, "request")
    else:
        refuse(
            engagement,
            tomorrow,
            errors.EffectiveDateInFuture,
            str(tomorrow.effective_date),
            step_named(tomorrow),
        )


def test_an_effective_date_of_today_is_accepted() -> None:
    engagement = engagement_after(opening=open_engagement(received=TODAY))

    accept(engagement, law_summary(effective_date=TODAY))


@pytest.mark.parametrize("command", [c for c in every_command() if c.kind != "open"], ids=lambda c: c.kind)
def test_an_effective_date_before_the_request_is_refused(command: Command) -> None:
    engagement = engagement_after()
    earlier = command.model_copy(update={"effective_date": RECEIVED - timedelta(days=1)})

    refuse(engagement, earlier, errors.EffectiveDateBeforeRequest, str(RECEIVED), step_named(earlier))


def test_a_step_on_the_day_of_the_request_is_accepted() -> None:
    engagement = engagement_after()

    accept(engagement, focal_point(effective_date=RECEIVED))


def test_an_engagement_is_opened_once_while_its_round_is_open() -> None:
    engagement = engagement_after([law_summary()])

    again = open_engagement(received=date(2002, 1, 1))
    refuse(engagement, again, errors.RoundStillOpen, "request", "round 1")


def test_no_step_before_the_request() -> None:
    with pytest.raises(errors.EngagementNotOpen) as info:
        check(None, law_summary(), TODAY)

    assert_one_sentence_naming(str(info.value), STATE, "law_summary")


def test_gap_items_must_be_checklist_items() -> None:
    engagement = engagement_after([law_summary(), focal_point()])

    message = refuse(
        engagement, gap_list("convention.art5", "convention.art99"), errors.UnknownChecklistItem, "gap_list"
    )

    assert "convention.art99" in message


def test_gap_items_must_belong_to_the_requested_instruments() -> None:
    engagement = engagement_after([law_summary(), focal_point()])

    message = refuse(
        engagement,
        gap_list("convention.art5", "firearms.art5"),
        errors.ChecklistItemOutsideInstruments,
        "gap_list",
    )

    assert "firearms" in message


@pytest.mark.parametrize("need", ["training.officials", "institution.establishment"])
def test_non_legislative_needs_belong_to_any_engagement(need: str) -> None:
    engagement = engagement_after([law_summary(), focal_point()])

    accept(engagement, gap_list("smuggling.art6", need))

    assert [g.checklist_item for g in engagement.view().gap_items] == ["smuggling.art6", need]


def test_bills_wait_for_the_gap_list() -> None:
    engagement = engagement_after([law_summary(), focal_point()])

    refuse(engagement, bill(), errors.StepOutOfOrder, "gap_list")


def test_bills_address_checklist_items() -> None:
    engagement = engagement_after(UP_TO_GAP_LIST)
    command = bill()
    unknown = command.model_copy(
        update={"bill": command.bill.model_copy(update={"addresses": ("convention.x",)})}
    )

    refuse(engagement, unknown, errors.UnknownChecklistItem, "convention.x")


def test_a_bill_moves_forward_through_parliament() -> None:
    engagement = engagement_after(UP_TO_GAP_LIST)

    accept(engagement, bill(stage=BillStage.DRAFTED))
    accept(engagement, bill(stage=BillStage.SUBMITTED))
    refuse(engagement, bill(stage=BillStage.DRAFTED), errors.BillStageOutOfOrder, "submitted", "drafted")
    refuse(engagement, bill(stage=BillStage.SUBMITTED), errors.BillStageOutOfOrder, "submitted")
    # Titles match whatever their case.
    refuse(engagement, bill("organized crime ACT", BillStage.DRAFTED), errors.BillStageOutOfOrder, "drafted")
    accept(engagement, bill(stage=BillStage.ENACTED))

    assert [(b.title, b.stage) for b in engagement.view().bills] == [
        ("Organized Crime Act", BillStage.ENACTED)
    ]


def test_a_bill_may_be_enacted_without_recorded_earlier_stages() -> None:
    engagement = engagement_after(UP_TO_GAP_LIST)

    accept(engagement, bill("Firearms Act", BillStage.ENACTED))
    accept(engagement, bill("Smuggling Act", BillStage.SUBMITTED))

    assert [b.title for b in engagement.view().bills] == ["Firearms Act", "Smuggling Act"]


def test_concluding_legislation_cannot_move_a_bill_back() -> None:
    engagement = engagement_after([*UP_TO_ASSISTANCE, bill(stage=BillStage.ENACTED)])

    refuse(
        engagement,
        legislation(Bill(title="Organized Crime Act", stage=BillStage.SUBMITTED)),
        errors.BillStageOutOfOrder,
        "legislation",
    )


def test_legislation_cannot_conclude_while_bills_are_pending() -> None:
    engagement = engagement_after([*UP_TO_ASSISTANCE, bill(stage=BillStage.SUBMITTED)])

    message = refuse(engagement, legislation(), errors.LegislationPending, "legislation")
    assert "Organized Crime Act" in message
    refuse(
        engagement,
        legislation(Bill(title="Anti-Laundering Act", stage=BillStage.DRAFTED)),
        errors.LegislationPending,
        "legislation",
    )


def test_a_bill_named_twice_in_one_conclusion_is_recorded_once() -> None:
    engagement = engagement_after(UP_TO_ASSISTANCE)

    accept(
        engagement,
        legislation(
            Bill(title="Anti-Laundering Act", stage=BillStage.SUBMITTED),
            Bill(title="Anti-Laundering Act", stage=BillStage.ENACTED),
        ),
    )

    assert [(b.title, b.stage) for b in engagement.view().bills] == [
        ("Anti-Laundering Act", BillStage.ENACTED)
    ]


@pytest.mark.parametrize("kind", [SendReminder, Escalate], ids=["reminder", "escalation"])
def test_reminders_and_escalations_for_a_recorded_step_are_refused(
    kind: type[SendReminder] | type[Escalate],
) -> None:
    engagement = engagement_after([law_summary()])

    refuse(
        engagement,
        kind(state=STATE, effective_date=STEP_DAY, step=Step.LAW_SUMMARY, due_date=STEP_DAY),
        errors.StepAlreadyRecorded,
        "law_summary",
    )
    accept(engagement, kind(state=STATE, effective_date=STEP_DAY, step=Step.FOCAL_POINT, due_date=STEP_DAY))

    (reminder,) = engagement.view().reminders
    assert reminder.step is Step.FOCAL_POINT
    assert reminder.escalated is (kind is Escalate)
    assert engagement.progress.completed == (Step.REQUEST, Step.LAW_SUMMARY)
