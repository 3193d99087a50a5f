"""Bad input, generated: command payloads of any shape, and any text given to the command line's parsers.
A payload is refused by validation or by a named rule, never by a crash, and a refusal records nothing."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from activities.engagements import Engagements
from activities.participants import directory
from domain.checklist import CHECKLIST, CHECKLIST_BY_ID
from domain.commands import AnyCommand, Command
from domain.engagement import Engagement
from domain.errors import CommandIdReused, DomainError, UnknownParticipant
from domain.progress import check
from domain.values import AssistanceKind, BillStage, Door, Instrument, NeedKind, ShortText, Step
from domain.views import CaseView
from tests.unit.engagement_steps import RECORDED_AT, STATE, TODAY, engagement_after, whole_case
from usecases.inputs import BadOption, gap_items, parse_amount, parse_date, parse_instruments

T = TypeVar("T")
COMMANDS: TypeAdapter[Command] = TypeAdapter(AnyCommand)
KINDS = [
    "open", "law_summary", "focal_point", "gap_list", "assistance_activity", "assistance", "bill",
    "legislation", "training", "withdraw", "reminder", "escalation",
]  # fmt: skip
CHECKLIST_IDS = [item.id for item in CHECKLIST]
PROFILE = settings(
    max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

# Anything JSON can carry, for a field that expects something else.
JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
TEXT = st.text(min_size=1, max_size=30).filter(str.strip)
# Around the request (2001-09-03) and the day of recording (2002-03-04), and far off; dates or ISO text.
DAYS = st.dates(min_value=date(2001, 8, 1), max_value=date(2002, 3, 20)) | st.dates()
DATES = DAYS | DAYS.map(date.isoformat)
ITEM_IDS = st.sampled_from([*CHECKLIST_IDS, "nowhere.art1"])
ACTIVITY = st.fixed_dictionaries(
    {"kind": st.sampled_from(AssistanceKind)},
    optional={
        "cost": st.decimals(min_value=0, max_value=10**6, places=2),
        "experts": st.lists(TEXT, max_size=2),
        "donor": TEXT,
    },
)
BILL = st.fixed_dictionaries(
    {"title": st.sampled_from(["Organized Crime Act", "organized crime act ", "Smuggling Act"])},
    optional={"stage": st.sampled_from(BillStage), "addresses": st.lists(ITEM_IDS, max_size=2)},
)
# A well-formed value for every field of every command; the domain still decides whether it may be recorded.
FIELDS: dict[str, st.SearchStrategy[Any]] = {
    # Well-formed codes of no State (ZZZ, and XKX, which ISO 3166 does not assign) among Bolivia's.
    "state": st.sampled_from([STATE, STATE, STATE.lower(), f" {STATE} ", "ZZZ", "XKX"]),
    "effective_date": DATES,
    "actor": TEXT,
    "source": TEXT,
    "command_id": TEXT,
    "door": st.sampled_from([*Door, "front", ""]),
    "door_seal": TEXT,
    "demo": st.booleans(),
    "instruments": st.lists(st.sampled_from(Instrument), min_size=1, max_size=5),
    "partners": st.lists(TEXT, max_size=3),
    "note": TEXT,
    "document": TEXT,
    "focal_point": st.fixed_dictionaries({"name": TEXT}, optional={"office": TEXT, "contact": TEXT}),
    "items": st.lists(
        st.fixed_dictionaries({"checklist_item": ITEM_IDS}, optional={"kind": st.sampled_from(NeedKind)}),
        max_size=4,
    ),
    "activity": ACTIVITY,
    "activities": st.lists(ACTIVITY, max_size=2),
    "requested": st.booleans(),
    "bill": BILL,
    "bills": st.lists(BILL, max_size=3),
    "officials_trained": st.integers(min_value=0, max_value=5_000),
    "reason": TEXT,
    "step": st.sampled_from(Step),
    "due_date": DATES,
    "documents": st.lists(
        st.fixed_dictionaries(
            {
                "name": st.sampled_from(["law.pdf", "Ley 1768.docx", "قانون.pdf"]),
                "size": st.integers(min_value=0, max_value=20 * 1024 * 1024),
                "sha256": st.text("0123456789abcdef", min_size=64, max_size=64),
            },
            optional={"media_type": st.sampled_from(["application/pdf", "text/plain"])},
        ),
        max_size=2,
    ),
}
# What goes wrong in a request: a value of the wrong type, a text too long or empty, a date that is no
# date, a field that is not the command's, a kind that does not exist, a required field left out.
WRONG_VALUES = st.one_of(
    JUNK,
    st.text(min_size=201, max_size=2_100),
    st.sampled_from(["", "   ", "2002-02-30", "04/03/2002", "BOLIVIA", "NaN", "-1"]),
)
MUTATIONS = st.sampled_from(["wrong value", "wrong value", "extra field", "other kind", "left out"])
CLASSES: dict[str, type[Command]] = {
    str(cls.model_fields["kind"].default): cls for cls in Command.__subclasses__()
}


@st.composite
def payloads(draw: st.DrawFn) -> dict[str, Any]:
    """A command as a client might send it: well-formed, or with up to three things wrong."""
    kind = draw(st.sampled_from(KINDS))
    names = [n for n in CLASSES[kind].model_fields if n != "kind"]
    required = [n for n in names if CLASSES[kind].model_fields[n].is_required()]
    payload: dict[str, Any] = {"kind": kind}
    for name in names:
        if name in required or draw(st.booleans()):
            payload[name] = draw(FIELDS[name])
    for mutation in draw(st.lists(MUTATIONS, max_size=3)):
        field = draw(st.sampled_from(sorted(payload)))
        if mutation == "wrong value":
            payload[field] = draw(WRONG_VALUES)
        elif mutation == "extra field":
            payload[draw(st.sampled_from(sorted(FIELDS)) | st.text(min_size=1, max_size=8))] = draw(JUNK)
        elif mutation == "other kind":
            payload["kind"] = draw(st.sampled_from([*KINDS, "delete", "", "Open"]))
        else:
            payload.pop(field)
    return payload


def stage_of_case(steps: int) -> Engagement:
    """An engagement opened on 2001-09-03 with its first `steps` steps recorded."""
    return engagement_after(whole_case()[:steps])


@PROFILE
@given(payloads(), st.integers(min_value=0, max_value=6))
def test_any_payload_is_recorded_or_refused_by_a_named_rule_and_a_refusal_changes_nothing(
    payload: dict[str, Any], steps: int
) -> None:
    try:
        command = COMMANDS.validate_python(payload)
    except ValidationError:
        return
    engagement = stage_of_case(steps)
    before, version = engagement.view(), engagement.version
    checked = refusal(lambda: check(engagement.progress, command, TODAY))
    recorded = refusal(lambda: engagement.execute(command, RECORDED_AT + timedelta(hours=1)))

    # The rule check and the aggregate agree, and a refusal is a named rule with a sentence.
    assert type(recorded) is type(checked)
    if recorded is not None:
        assert str(recorded)
        assert engagement.version == version
        assert engagement.view() == before
        assert engagement.collect_events() == []
    else:
        assert engagement.version == version + 1
        [event] = engagement.collect_events()
        assert event.originator_version == version + 1


def refusal(action: Callable[[], object]) -> DomainError | None:
    """The domain error `action` raises, or None; any other exception propagates and fails the test."""
    try:
        action()
    except DomainError as error:
        return error
    return None


@PROFILE
@given(st.text(max_size=400) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_a_body_that_is_not_a_command_fails_validation_only(body: str) -> None:
    with pytest.raises(ValidationError):
        COMMANDS.validate_json(body)


def test_oversized_texts_and_wrong_types_are_refused_by_validation() -> None:
    good = {"kind": "law_summary", "state": "BOL", "effective_date": "2002-02-01"}
    COMMANDS.validate_python(good)
    for bad in (
        {"document": "x" * 201},
        {"note": "x" * 2_001},
        {"effective_date": "2002-02-30"},
        {"state": "BOLIVIA"},
        {"state": 42},
        {"kind": "law_summary ", "document": "x"},
        {"recorded_by": "someone"},
    ):
        with pytest.raises(ValidationError):
            COMMANDS.validate_python(good | bad)


PARTICIPANTS = directory()


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(payloads(), min_size=1, max_size=8))
def test_a_request_the_application_refuses_stores_nothing(sent: list[dict[str, Any]]) -> None:
    # A store of its own per example, in memory, with the report's day as the clock.
    engagements = Engagements(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"}, participants=PARTICIPANTS, clock=lambda: RECORDED_AT
    )
    for payload in sent:
        try:
            command = COMMANDS.validate_python(payload)
        except ValidationError:
            continue
        stored = engagements.recorder.max_notification_id() or 0
        history = engagements.history(command.state)
        first = recorded_at_version(engagements, command)
        answers: list[CaseView] = []
        refused = refusal(lambda: answers.append(engagements.handle(command)))  # noqa: B023 (called at once)
        now = engagements.recorder.max_notification_id() or 0
        if first is not None:
            # The same command under the same id again: the first answer, and nothing stored.
            assert refused is None
            assert answers == [engagements.case_at(command.state, first)]
            assert now == stored
            assert engagements.history(command.state) == history
        elif refused is None:
            assert now == stored + 1
            assert len(engagements.history(command.state)) == len(history) + 1
        else:
            assert now == stored
            assert engagements.history(command.state) == history
            if isinstance(refused, UnknownParticipant):
                assert command.state in ("ZZZ", "XKX")


def recorded_at_version(engagements: Engagements, command: Command) -> int | None:
    """The version at which this very command (its id and what it asks) was recorded, if it was."""
    known = engagements.find(command.state)
    try:
        return known.recorded_version(command) if known is not None else None
    except CommandIdReused:
        return None  # the same id on another command: refused, as any refusal


# The command line's parsers: only BadOption on bad input, and what they print they read back.
def parsed_or_refused(parse: Callable[[], T]) -> T | BadOption:
    """What `parse` returns, or the BadOption it raises; any other exception fails the test."""
    try:
        return parse()
    except BadOption as error:
        return error


@given(st.text(max_size=40), st.sampled_from(["--effective", "--received"]))
def test_parse_date_reads_a_date_or_names_the_option_and_the_value(value: str, option: str) -> None:
    parsed = parsed_or_refused(lambda: parse_date(value, option, TODAY))
    if isinstance(parsed, BadOption):
        assert option in str(parsed)
        assert value in str(parsed)
    else:
        assert isinstance(parsed, date)


@given(st.dates(), st.sampled_from(["", " ", "\t"]))
def test_parse_date_reads_back_every_iso_date(day: date, pad: str) -> None:
    assert parse_date(f"{pad}{day.isoformat()}{pad}", "--effective", TODAY) == day
    assert parse_date(None, "--effective", day) == day


@given(st.text(max_size=60))
def test_parse_instruments_reads_instruments_or_names_the_option(value: str) -> None:
    parsed = parsed_or_refused(lambda: parse_instruments(value))
    if isinstance(parsed, BadOption):
        assert "--instruments" in str(parsed)
    else:
        assert parsed
        assert len(set(parsed)) == len(parsed)
        assert all(isinstance(instrument, Instrument) for instrument in parsed)


@given(st.lists(st.sampled_from(Instrument), min_size=1, max_size=6), st.data())
def test_parse_instruments_reads_back_any_list_in_any_case(
    chosen: list[Instrument], data: st.DataObject
) -> None:
    spellings = [[i.value, i.value.upper(), f" {i.value.title()} "] for i in chosen]
    spelled = [data.draw(st.sampled_from(ways)) for ways in spellings]
    assert parse_instruments(",".join(spelled)) == tuple(dict.fromkeys(chosen))


@given(st.text(max_size=30))
def test_parse_amount_reads_a_finite_amount_not_below_zero_or_names_the_option(value: str) -> None:
    amount = parsed_or_refused(lambda: parse_amount(value))
    if isinstance(amount, BadOption):
        assert "--cost" in str(amount)
        assert value in str(amount)
    else:
        assert amount.is_finite()
        assert amount >= 0


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2))
def test_parse_amount_reads_back_any_amount(amount: Decimal) -> None:
    assert parse_amount(str(amount)) == amount
    assert parse_amount(f" {amount} ") == amount


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity", "-0.01", "1,5", "€100", ""])
def test_parse_amount_refuses_what_is_no_amount(value: str) -> None:
    with pytest.raises(BadOption):
        parse_amount(value)


@given(st.lists(st.text(max_size=250), max_size=5))
def test_gap_items_take_any_ids_or_name_the_option(ids: list[str]) -> None:
    items = parsed_or_refused(lambda: gap_items(ids))
    if isinstance(items, BadOption):
        assert "--item" in str(items)
        assert any(not is_short_text(i) for i in ids)
    else:
        assert [item.checklist_item for item in items] == [
            unicodedata.normalize("NFC", i.strip()) for i in ids
        ]


def is_short_text(value: str) -> bool:
    try:
        TypeAdapter(ShortText).validate_python(value.strip())
    except ValidationError:
        return False
    return True


@given(st.lists(st.sampled_from(CHECKLIST_IDS), min_size=1, max_size=5))
def test_gap_items_take_their_kind_from_the_checklist(ids: list[str]) -> None:
    assume(len(set(ids)) == len(ids))
    items = gap_items([f" {i} " for i in ids])
    assert [(item.checklist_item, item.kind) for item in items] == [(i, CHECKLIST_BY_ID[i].kind) for i in ids]
