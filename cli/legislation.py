"""`palermo legislation …`: what each State enacted per checklist item, searched and exported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from activities.legislation import Legislation
from cli.console import Context
from cli.experts import choice, region
from domain.legislation import Enactment
from domain.values import Door, Instrument
from usecases.inputs import parse_date
from usecases.legislation import ExportFormat, Search, export, laws_known, search

legislation = typer.Typer(
    help="The knowledge of legislation: laws enacted per checklist item, searched and exported.",
    no_args_is_help=True,
)
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@legislation.command("record")
def record(
    ctx: typer.Context,
    state: Annotated[str, typer.Argument(help="ISO 3166 alpha-3 code of the State.")],
    item: Annotated[str, typer.Option(help="The checklist item the law meets; see `palermo checklist`.")],
    law: Annotated[str, typer.Option(help="The law's title, which (with State and item) identifies it.")],
    provision: Annotated[
        str | None, typer.Option(help="The article or section, e.g. 'art. 416 bis'.")
    ] = None,
    how: Annotated[str | None, typer.Option(help="How the law meets the item, in a few sentences.")] = None,
    enacted: Annotated[
        str | None, typer.Option(help="When it was enacted (YYYY-MM-DD); default today.")
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Where the fact comes from (a reply, a gazette).")
    ] = None,
) -> None:
    """Record a State's law for a checklist item; the same State, item and title again corrects it."""
    context: Context = ctx.obj
    code = context.participant(state).code
    day = context.run(lambda: parse_date(enacted, "--enacted", context.today()))
    checked = context.run(
        lambda: Enactment(state=code, checklist_item=item.strip(), law=law, provision=provision, how=how)
    )

    def run(store: Legislation) -> str:
        after = store.record(checked, enacted=day, actor=context.actor, source=source, door=Door.CLI)
        said = "recorded" if after.version == 1 else f"corrected (version {after.version})"
        return (
            f"Law {said}: {code}, {after.enactment.checklist_item}, {after.enactment.law} ({after.enacted})."
        )

    sentence = context.using(lambda: Legislation(context.settings.store_env("Legislation")), run)
    context.console.print(sentence, highlight=False)


def _search(
    context: Context,
    item: str | None,
    instrument: str | None,
    region_name: str | None,
    state: str | None,
    text: str | None,
) -> Search:
    return Search(
        checklist_item=item.strip() if item else None,
        instrument=None if instrument is None else choice(instrument, Instrument, "--instrument"),
        region=None if region_name is None else region(region_name),
        state=None if state is None else context.participant(state).code,
        text=text,
    )


Item = Annotated[
    str | None, typer.Option(help="Only laws meeting this checklist item, e.g. convention.art5.")
]
InstrumentOption = Annotated[str | None, typer.Option(help="Only laws for this instrument's items.")]
RegionOption = Annotated[str | None, typer.Option("--region", help="Only States of this region.")]
StateOption = Annotated[str | None, typer.Option(help="Only this State.")]
Text = Annotated[
    str | None, typer.Option(help="Only laws whose title, provision or how has any of these words.")
]


@legislation.command("search")
def search_laws(
    ctx: typer.Context,
    item: Item = None,
    instrument: InstrumentOption = None,
    region_name: RegionOption = None,
    state: StateOption = None,
    text: Text = None,
    as_json: AsJson = False,
) -> None:
    """Who has enacted what, and how: the laws on record and the bills enacted in engagements."""
    context: Context = ctx.obj
    wanted = context.run(lambda: _search(context, item, instrument, region_name, state, text))
    found = search(context.run(lambda: laws_known(context.settings)), wanted)
    if as_json:
        typer.echo(json.dumps([k.model_dump(mode="json") for k in found], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"Laws: {len(found)}, of {len({k.state for k in found})} States")
    for column in ("item", "State", "law", "provision", "how", "enacted", "from"):
        table.add_column(column)
    for k in found:
        enacted = k.enacted.isoformat() if k.enacted else "—"
        table.add_row(
            k.checklist_item, k.state, k.law, k.provision or "—", k.how or "—", enacted, k.origin.value
        )
    context.console.print(table)


@legislation.command("export")
def export_laws(
    ctx: typer.Context,
    form: Annotated[str, typer.Option("--format", help="csv, json or markdown.")] = "markdown",
    out: Annotated[Path | None, typer.Option(help="Write to this file; default standard output.")] = None,
    item: Item = None,
    instrument: InstrumentOption = None,
    region_name: RegionOption = None,
) -> None:
    """Export the laws known (all, or those of an item, instrument or region) for dissemination."""
    context: Context = ctx.obj
    chosen = context.run(lambda: choice(form, ExportFormat, "--format"))
    wanted = context.run(lambda: _search(context, item, instrument, region_name, None, None))
    text = export(search(context.run(lambda: laws_known(context.settings)), wanted), chosen)
    if out is None:
        typer.echo(text, nl=False)
        return
    target = out
    context.run(lambda: target.write_text(text, encoding="utf-8"))
    context.console.print(f"Written: {target}", highlight=False)
