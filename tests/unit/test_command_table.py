"""The command table is the one declaration of each command: every row has its update and signal, its client
path, its command-line subcommand and options, its API route and body, its form, and its line in the README;
and the command line and the form make the same command from the same values."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.datastructures import FormData
from temporalio.workflow import _Definition
from typer.main import get_command

from cli.case import app as case_app
from domain.commands import Command
from tests.unit.engagement_steps import engagement_after, focal_point, gap_list, law_summary
from usecases.commands import command_from
from usecases.inputs import BadOption
from web.app import ROUTERS
from web.bodies import BODIES
from web.forms import command_of_form, form_of, forms_for
from workflows.commands import BY_NAME, BY_STEP, COMMANDS, Fill, Row, row_of
from workflows.engagement import EngagementWorkflow
from workflows.payloads import payload_table

README = Path(__file__).resolve().parents[2] / "README.md"
CASE = "BOL"
DAY = date(2002, 2, 1)


def test_every_row_has_its_update_and_signal_with_its_model() -> None:
    definition = _Definition.from_class(EngagementWorkflow)
    assert definition is not None
    for row in COMMANDS:
        update = definition.updates[row.name]
        assert update.arg_types == [row.model], row.name
        assert update.validator is not None, row.name
        assert row.name in definition.signals, row.name
    # The engagement's own commands (reminders, escalations) have no handler a client could call.
    assert set(definition.updates) == {row.name for row in COMMANDS}


def test_the_client_sends_every_row_and_nothing_else() -> None:
    for row in COMMANDS:
        assert BY_NAME[row.name] is row
        assert row_of(row.model.model_validate(_least(row))) is row
        assert row.model.model_fields["kind"].default == row.name, "the update is named by the command's kind"


def test_every_row_has_its_command_line_subcommand_and_an_option_per_input() -> None:
    group = get_command(case_app)
    assert hasattr(group, "commands")
    for row in COMMANDS:
        command = group.commands[row.verb]
        names = {p.name or "" for p in command.params}
        assert {i.name for i in row.inputs} <= names, row.name
        assert {row.date_option, "source", "command_id", "as_json"} <= names
    assert set(BY_STEP) == {row.step for row in COMMANDS if row.verb == "advance"}


def test_every_row_has_its_api_route_and_a_body_with_its_fields() -> None:
    routes = {r.path: r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)}
    for row in COMMANDS:
        path = "/api/cases" if row.opens else f"/api/cases/{{state}}/{row.name}"
        assert "POST" in (routes[path].methods or set()), row.name
        body = BODIES[row.name]
        filled = ("kind", "state", "actor", "command_id", "door", "door_seal", "demo")
        own = {n for n in row.model.model_fields if n not in filled}
        assert own <= set(body.model_fields), row.name
        # Who acts and through which door is the API's to say, never the client's.
        assert not {"actor", "command_id", "door", "door_seal"} & set(body.model_fields), row.name


def test_every_row_has_a_form_with_a_field_per_input() -> None:
    for row in COMMANDS:
        form = form_of(row)
        assert [f.name for f in form.fields] == [i.name for i in row.inputs], row.name


def test_a_case_page_offers_the_forms_of_the_steps_awaited_and_what_may_come_meanwhile() -> None:
    opened = engagement_after([]).view()
    ready = engagement_after([law_summary(), focal_point(), gap_list()]).view()

    # Instruments may be added to (or withdrawn from) an open engagement at any step.
    assert [f.name for f in forms_for(opened)] == ["law_summary", "focal_point", "instruments", "withdraw"]
    # After the gap list: assistance (and its activities) is awaited, and bills may come.
    assert [f.name for f in forms_for(ready)] == [
        "assistance_activity",
        "assistance",
        "bill",
        "instruments",
        "withdraw",
    ]


def test_the_readme_lists_every_payload_as_the_table_gives_it() -> None:
    assert payload_table() in README.read_text(encoding="utf-8"), (
        "the README's payload table is not the command table's; paste `python -c "
        "'from workflows.payloads import payload_table; print(payload_table())'`"
    )


# One value per input, as a person would type it, and how a form would send it.
TYPED: dict[Fill, tuple[object, list[str]]] = {
    Fill.TEXT: ("Alpha", ["Alpha"]),
    Fill.NOTE: ("A note", ["A note"]),
    Fill.COUNT: (12, ["12"]),
    Fill.AMOUNT: ("1500.50", ["1500.50"]),
    Fill.INSTRUMENTS: ("convention,smuggling", ["convention", "smuggling"]),
    Fill.CHECKLIST: (["convention.art5"], ["convention.art5"]),
    Fill.GAP_ITEMS: (["convention.art5", "training.officials"], ["convention.art5", "training.officials"]),
    Fill.NEGATED: (True, ["1"]),
    Fill.SWITCH: (True, ["1"]),
}


def _least(row: Row) -> dict[str, Any]:
    """The least a row's command is: its required inputs' values, typed in."""
    given, _ = typed(row)
    needed = {i.name: given[i.name] for i in row.inputs if i.required}
    command = command_from(row, needed, state=CASE, actor="a", effective=DAY, source=None, command_id="c-1")
    return command.model_dump()


def typed(row: Row) -> tuple[dict[str, Any], FormData]:
    given: dict[str, Any] = {}
    fields: list[tuple[str, str]] = []
    for item in row.inputs:
        if item.fill is Fill.CHOICE:
            value = item.default or next(iter(row.field_type(item.into))).value
            given[item.name], sent = ([value] if item.many else value), [value]
        else:
            given[item.name], sent = TYPED[item.fill]
            if item.many and item.fill in (Fill.TEXT, Fill.NOTE):
                given[item.name] = [given[item.name]]
        fields += [(item.name, s) for s in sent]
    # A command that cannot be undone is confirmed on its form, as a person ticks its box.
    confirmed = [("confirm", "1")] if row.confirm else []
    return given, FormData([*fields, *confirmed, ("effective_date", DAY.isoformat()), ("command_id", "c-1")])


@pytest.mark.parametrize("row", COMMANDS, ids=lambda row: row.name)
def test_the_command_line_and_the_form_make_the_same_command(row: Row) -> None:
    given, form = typed(row)

    typed_in: Command = command_from(
        row, given, state=CASE, actor="a", effective=DAY, source=None, command_id="c-1"
    )
    posted = command_of_form(row, form, state=CASE, actor="a", today=DAY)

    assert posted == typed_in
    assert isinstance(typed_in, row.model)
    # Every input landed where its row says.
    fields = typed_in.model_dump(mode="json")
    for item in row.inputs:
        value = at(fields, item.into)
        assert value not in (None, "", []), (row.name, item.name, fields)
        assert value is not True or item.fill is not Fill.NEGATED, (row.name, item.name)


def at(fields: Any, path: str) -> Any:
    """The value at `path` in a command's fields (`bills[].title`: the first bill's title)."""
    for part in path.split("."):
        fields = fields[part.removesuffix("[]")]
        if part.endswith("[]") and part != path.rsplit(".", maxsplit=1)[-1]:
            fields = fields[0]
    return fields


@pytest.mark.parametrize("row", [r for r in COMMANDS if r.confirm], ids=lambda row: row.name)
def test_a_form_that_cannot_be_undone_is_refused_unless_confirmed(row: Row) -> None:
    _, form = typed(row)
    unticked = FormData([(k, v) for k, v in form.multi_items() if k != "confirm"])

    with pytest.raises(BadOption, match="tick"):
        command_of_form(row, unticked, state=CASE, actor="a", today=DAY)
