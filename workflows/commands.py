"""The command table: every command a person sends to an engagement, declared once.

A row names the command (the workflow's update and signal, the API's path, the form's id), its model in
domain.commands, whether it may be recorded more than once, who may send it, its help, and what a person
fills in for it. The workflow's handlers, the client, the command line, the API routes and bodies, the web
forms and the README's payload table are made from these rows (tests/unit/test_command_table.py walks them).
Adding a command: its rule and model in domain/, and a row here.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import commands as c
    from domain.user import Role
    from domain.values import Step


class Fill(StrEnum):
    """How what a person types becomes a value of the command."""

    TEXT = "text"
    NOTE = "note"
    COUNT = "count"
    AMOUNT = "amount"
    INSTRUMENTS = "instruments"
    # Checklist item ids, as they are (a bill's `addresses`) or as gap items (their kind from the checklist).
    CHECKLIST = "checklist"
    GAP_ITEMS = "gap_items"
    # One of the values of the enumeration the model's field takes.
    CHOICE = "choice"
    # A switch that sets the field to false (`--not-requested`).
    NEGATED = "negated"
    # A switch that sets the field to true (`--unfunded`).
    SWITCH = "switch"


# Where a fixed part takes the command's effective date.
EFFECTIVE = "@effective"


@dataclass(frozen=True)
class Input:
    """One thing a person fills in: an option of the command line and a field of the web form.

    `into` is where its value goes in the command: `document`, `focal_point.name` (a field of a value),
    `items[]` (a list, one entry per value), `activities[].kind` (one list entry per value) and
    `activities[].cost` (the same value in every entry).
    """

    name: str
    into: str
    fill: Fill = Fill.TEXT
    help: str = ""
    many: bool = False
    argument: bool = False
    required: bool = False
    default: str | None = None
    # Who may give it, when fewer may than may send the command (a manager's decision within an officer's
    # command); None: whoever sends the command.
    senders: tuple[Role, ...] | None = None


NOTE = Input("note", "note", Fill.NOTE, "A note kept with the step.")
UNFUNDED = Input(
    "unfunded",
    "activity.unfunded",
    Fill.SWITCH,
    "Managers: record the activity as unfunded, charged to no contribution (when funds are short).",
    senders=(Role.MANAGER,),
)


@dataclass(frozen=True)
class Row:
    """One command. `step` is the step it records (`palermo case advance STATE STEP`); `during`, the step
    in whose course it may come again and again; `verb`, its own subcommand of `palermo case`."""

    name: str
    model: type[c.Command]
    help: str
    repeatable: bool = False
    senders: tuple[Role, ...] = (Role.OFFICER,)
    step: Step | None = None
    during: Step | None = None
    verb: str = "advance"
    inputs: tuple[Input, ...] = ()
    fixed: Mapping[str, str] = field(default_factory=dict)
    # The option that sets the effective date on the command line.
    date_option: str = "effective"
    # What a person confirms in the web form before a command that cannot be undone is sent.
    confirm: str | None = None

    @property
    def admits(self) -> tuple[Role, ...]:
        """Who may send the command at all: its senders, and those who may give one of its inputs (a
        manager sends an officer's assistance activity only to record it unfunded)."""
        extra = [r for i in self.inputs for r in (i.senders or ()) if r not in self.senders]
        return (*self.senders, *dict.fromkeys(extra))

    @property
    def opens(self) -> bool:
        """Whether the command opens an engagement (it names its State in the body, not the path)."""
        return self.step is Step.REQUEST

    def field_type(self, path: str) -> Any:
        """The type one value of the command's field at `path` takes (`activities[].kind`: AssistanceKind)."""
        current: Any = self.model
        for part in path.split("."):
            current = element(_hints(current)[part.removesuffix("[]")])
        return current


@functools.cache
def _hints(model: Any) -> dict[str, Any]:
    """A model's fields' types: read once per model (a case page asks them for each of its forms' choices)."""
    return typing.get_type_hints(model)


def element(annotation: Any) -> Any:
    """The type inside an optional or a tuple: what one value of the field is."""
    for arg in typing.get_args(annotation):
        if arg is not type(None) and arg is not Ellipsis:
            return element(arg)
    return annotation


COMMANDS: tuple[Row, ...] = (
    Row(
        "open",
        c.OpenEngagement,
        "Record a State's request: opens its engagement.",
        step=Step.REQUEST,
        verb="open",
        date_option="received",
        inputs=(
            Input(
                "instruments",
                "instruments",
                Fill.INSTRUMENTS,
                "Comma-separated: convention,trafficking,smuggling,firearms.",
                required=True,
            ),
            Input("partner", "partners[]", help="A partner organization (repeat).", many=True),
            NOTE,
        ),
    ),
    Row(
        "law_summary",
        c.RecordLawSummary,
        "Record the law summary.",
        step=Step.LAW_SUMMARY,
        inputs=(Input("document", "document", help="The document's reference."), NOTE),
    ),
    Row(
        "focal_point",
        c.NameFocalPoint,
        "Record the focal point named.",
        step=Step.FOCAL_POINT,
        inputs=(
            Input("name", "focal_point.name", help="The person's name."),
            Input("office", "focal_point.office", help="Ministry or office."),
            Input("contact", "focal_point.contact", help="E-mail or telephone."),
        ),
    ),
    Row(
        "gap_list",
        c.DrawUpGapList,
        "Record the gap list.",
        step=Step.GAP_LIST,
        inputs=(
            Input(
                "item",
                "items[]",
                Fill.GAP_ITEMS,
                "A checklist item id (repeat); see `palermo checklist`.",
                many=True,
            ),
            NOTE,
        ),
    ),
    Row(
        "assistance_activity",
        c.RecordAssistanceActivity,
        "Record one assistance activity while the assistance step goes on.",
        repeatable=True,
        during=Step.ASSISTANCE,
        verb="activity",
        inputs=(
            Input(
                "kind", "activity.kind", Fill.CHOICE, "What kind of assistance.", argument=True, required=True
            ),
            Input("expert", "activity.experts[]", help="An expert who took part (repeat).", many=True),
            Input("cost", "activity.cost", Fill.AMOUNT, "What it cost."),
            Input("donor", "activity.donor", help="The donor who paid."),
            Input("note", "activity.note", Fill.NOTE, "A note kept with the activity."),
            Input(
                "pool_expert",
                "activity.pool_experts[]",
                help="An expert drawn from the pools, by name (repeat); see `palermo expert list`.",
                many=True,
            ),
            Input(
                "contribution",
                "activity.contribution",
                help="The contribution its cost is charged to, by reference; see `palermo fund list`.",
            ),
            UNFUNDED,
        ),
    ),
    Row(
        "assistance",
        c.ConcludeAssistance,
        "Conclude assistance, with any last activities.",
        step=Step.ASSISTANCE,
        inputs=(
            Input("activity", "activities[].kind", Fill.CHOICE, "An activity held (repeat).", many=True),
            Input("expert", "activities[].experts[]", help="An expert who took part (repeat).", many=True),
            Input("cost", "activities[].cost", Fill.AMOUNT, "The cost of each activity."),
            Input("donor", "activities[].donor", help="The donor who paid."),
            Input(
                "pool_expert",
                "activities[].pool_experts[]",
                help="An expert drawn from the pools, by name (repeat).",
                many=True,
            ),
            Input(
                "contribution",
                "activities[].contribution",
                help="The contribution each activity's cost is charged to, by reference.",
            ),
            Input(
                "unfunded",
                "activities[].unfunded",
                Fill.SWITCH,
                "Managers: record the activities as unfunded, charged to no contribution.",
                senders=(Role.MANAGER,),
            ),
            Input("not_requested", "requested", Fill.NEGATED, "The State asked for no assistance."),
            NOTE,
        ),
    ),
    Row(
        "bill",
        c.RecordBill,
        "Record a bill reaching a stage (drafted, submitted, enacted) before legislation concludes.",
        repeatable=True,
        during=Step.LEGISLATION,
        verb="bill",
        inputs=(
            Input(
                "title",
                "bill.title",
                help="The bill's title, which identifies it.",
                argument=True,
                required=True,
            ),
            Input("stage", "bill.stage", Fill.CHOICE, "The stage the bill reached.", default="drafted"),
            Input(
                "addresses",
                "bill.addresses[]",
                Fill.CHECKLIST,
                "A gap item the bill addresses (repeat).",
                many=True,
            ),
        ),
        fixed={"bill.stage_date": EFFECTIVE},
    ),
    Row(
        "legislation",
        c.ConcludeLegislation,
        "Conclude legislation: the bills enacted, or not needed when there are none.",
        step=Step.LEGISLATION,
        inputs=(
            Input("bill", "bills[].title", help="The title of a bill enacted (repeat).", many=True),
            Input(
                "addresses",
                "bills[].addresses[]",
                Fill.CHECKLIST,
                "A gap item the bills address (repeat).",
                many=True,
            ),
            NOTE,
        ),
        fixed={"bills[].stage": "enacted", "bills[].stage_date": EFFECTIVE},
    ),
    Row(
        "training",
        c.RecordTraining,
        "Record the training of officials, which completes the engagement.",
        step=Step.TRAINING,
        inputs=(Input("officials", "officials_trained", Fill.COUNT, "Officials trained."), NOTE),
    ),
    Row(
        "instruments",
        c.ChangeInstruments,
        "Add instruments to an open engagement's request, or withdraw that part of the request.",
        repeatable=True,
        verb="instruments",
        inputs=(
            Input(
                "add",
                "add",
                Fill.INSTRUMENTS,
                "Instruments to add, comma-separated: convention,trafficking,smuggling,firearms.",
            ),
            Input(
                "remove",
                "remove",
                Fill.INSTRUMENTS,
                "Instruments withdrawn from the request, comma-separated.",
            ),
            NOTE,
        ),
    ),
    Row(
        "withdraw",
        c.Withdraw,
        "Withdraw the engagement; it takes no more steps.",
        verb="withdraw",
        inputs=(Input("reason", "reason", Fill.NOTE, "Why the engagement is withdrawn.", required=True),),
        confirm="I confirm: the engagement ends and takes no more steps.",
    ),
)

BY_NAME: dict[str, Row] = {row.name: row for row in COMMANDS}
BY_MODEL: dict[type[c.Command], Row] = {row.model: row for row in COMMANDS}
# The steps `palermo case advance` records, each by its row.
BY_STEP: dict[Step, Row] = {
    row.step: row for row in COMMANDS if row.step is not None and row.verb == "advance"
}


def opens(command: c.Command) -> bool:
    """Whether the command is a State's request, which opens its engagement."""
    row = row_of(command)
    return row is not None and row.opens


def restricted(row: Row, command: c.Command) -> list[Input]:
    """The inputs of `row` that only some senders may give, and that `command` gives (a switch turned on,
    a field filled)."""
    fields = command.model_dump(mode="json")
    return [item for item in row.inputs if item.senders is not None and _given(fields, item.into)]


def refusal(row: Row, command: c.Command, role: Role) -> str | None:
    """Why `role` may not send this command as filled in, in one sentence; None if it may."""
    given = restricted(row, command)
    for item in given:
        assert item.senders is not None
        if role not in item.senders:
            who = " and ".join(f"{r.value}s" for r in item.senders)
            return f"Only {who} may give {item.name} in {row.name}; {role.with_article} may not."
    if role not in row.senders and not given:
        who = " and ".join(f"{r.value}s" for r in row.senders)
        extra = ", ".join(i.name for i in row.inputs if i.senders is not None and role in i.senders)
        return f"Only {who} record {row.name}; {role.with_article} sends it only with {extra}."
    return None


def _given(fields: Any, path: str) -> bool:
    head, _, rest = path.partition(".")
    value = fields.get(head.removesuffix("[]")) if isinstance(fields, dict) else None
    if head.endswith("[]") and rest:
        return any(_given(entry, rest) for entry in value or ())
    if rest:
        return _given(value, rest)
    return value not in (None, False, "", [], ())


def row_of(command: c.Command) -> Row | None:
    """The row of a command a person may send; None for the engagement's own (reminders, escalations)."""
    return BY_MODEL.get(type(command))
