"""The programme's command table makes every front door: each entry is a `palermo` subcommand with an option
per field, an API route whose body is the command's fields, and a web form with a field per thing asked."""

from __future__ import annotations

import pytest
import typer
from fastapi.routing import APIRoute
from typer.main import get_command

from cli import programme as programme_cli
from usecases.programme import ENTRIES, Entry
from web.api_programme import BODIES, router
from web.pages_programme import form_of


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_each_entry_is_a_subcommand_a_route_and_a_form(entry: Entry) -> None:
    group = get_command(programme_cli.GROUPS[entry.noun])
    assert isinstance(group, typer.core.TyperGroup)
    command = group.commands[entry.verb]
    names = {name for p in command.params for name in p.opts}
    for ask in entry.asks:
        if ask.name == entry.target:
            assert ask.name in {p.name for p in command.params}
        else:
            assert f"--{ask.option.replace('_', '-')}" in names, ask.name
    assert {"--effective", "--source", "--json"} <= names

    routes = {(m, r.path) for r in router.routes if isinstance(r, APIRoute) for m in r.methods or ()}
    body = set(BODIES[entry.name].model_fields)
    assert body == {a.name for a in entry.asks if a.name != entry.target} | {"effective_date", "source"}
    assert any(
        method == "POST" and path.endswith(entry.verb if entry.target else "") for method, path in routes
    )

    assert {f.name for f in form_of(entry, []).fields} == {
        a.name for a in entry.asks if a.name != entry.target
    }
