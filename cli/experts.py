"""`palermo expert …`: the pools of experts (paragraph 21); and the options `palermo fund`, `palermo meeting`
and `palermo legislation` share (choices, regions, amounts, the Resources store)."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from activities.resources import Resources
from cli.console import Context
from domain.experts import ExpertDetails, PoolGroup
from domain.regions import Region, parse_region
from domain.values import Door
from projections.funds import pool_fill
from usecases.inputs import BadOption, parse_amount, parse_date

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

expert = typer.Typer(
    help="The pools of experts: add experts, list them, and each group's fill.", no_args_is_help=True
)

Repeated = list[str] | None
Source = Annotated[str | None, typer.Option(help="Where the fact comes from (a document, a note).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def choice(value: str, kind: type[E], option: str) -> E:
    try:
        return kind(value.strip().lower())
    except ValueError:
        known = ", ".join(k.value for k in kind)
        raise BadOption(f"{option} must be one of {known}, not '{value}'.") from None


def region(value: str, option: str = "--region") -> Region:
    try:
        return parse_region(value)
    except ValueError as error:
        raise BadOption(f"{option}: {error}") from None


def amount(value: str, option: str = "--amount") -> Decimal:
    found = parse_amount(value, option)
    if found <= 0:
        raise BadOption(f"{option} must be more than zero, not '{value}'.")
    return found


def with_resources(ctx: typer.Context, action: Callable[[Resources], T]) -> T:
    """Run `action` on the Resources store; a refusal is one sentence and records nothing."""
    context: Context = ctx.obj
    return context.using(lambda: Resources(context.settings.store_env("Resources")), action)


@expert.command("add")
def add_expert(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The expert's name, which identifies them.")],
    region_name: Annotated[str, typer.Option("--region", help=f"One of: {', '.join(Region)}.")],
    language: Annotated[list[str], typer.Option(help="A language the expert works in (repeat).")],
    group: Annotated[
        list[str],
        typer.Option(help="A group (repeat): convention, protocols, firearms (a Protocols subgroup)."),
    ],
    field: Annotated[Repeated, typer.Option(help="A field of expertise (repeat), e.g. extradition.")] = None,
    joined: Annotated[str | None, typer.Option(help="When they joined (YYYY-MM-DD); default today.")] = None,
    source: Source = None,
) -> None:
    """Add an expert to the pools; the same name again records their new details (or nothing)."""
    context: Context = ctx.obj

    def details() -> ExpertDetails:
        return ExpertDetails(
            name=name,
            region=region(region_name),
            languages=tuple(language),
            fields=tuple(field or ()),
            groups=tuple(choice(g, PoolGroup, "--group") for g in group),
        )

    checked = context.run(details)
    day = context.run(lambda: parse_date(joined, "--joined", context.today()))

    def record(store: Resources) -> str:
        before = store.expert(checked.name)
        after = store.register_expert(
            checked, effective_date=day, actor=context.actor, source=source, door=Door.CLI
        )
        if before is None:
            d = after.details
            return f"Expert added: {d.name} ({d.region.value}; {', '.join(d.groups)})."
        if before.details == after.details:
            return f"{after.details.name} is already in the pools with these details; nothing recorded."
        return f"Details of {after.details.name} recorded."

    context.console.print(with_resources(ctx, record), highlight=False)


@expert.command("list")
def list_experts(
    ctx: typer.Context,
    as_json: AsJson = False,
    group: Annotated[str | None, typer.Option(help="Only this group.")] = None,
    region_name: Annotated[str | None, typer.Option("--region", help="Only this region.")] = None,
) -> None:
    """List the experts of the pools, by region and name."""
    context: Context = ctx.obj
    wanted_group = context.run(lambda: None if group is None else choice(group, PoolGroup, "--group"))
    wanted_region = context.run(lambda: None if region_name is None else region(region_name))
    records = [
        e
        for e in with_resources(ctx, Resources.experts)
        if (wanted_group is None or wanted_group in e.details.groups)
        and (wanted_region is None or e.details.region is wanted_region)
    ]
    if as_json:
        typer.echo(json.dumps([e.model_dump(mode="json") for e in records], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"Experts: {len(records)}")
    for column in ("name", "region", "languages", "fields", "groups", "joined"):
        table.add_column(column)
    for e in records:
        d = e.details
        table.add_row(
            d.name,
            d.region.value,
            ", ".join(d.languages),
            ", ".join(d.fields) or "—",
            ", ".join(d.groups),
            e.joined.isoformat(),
        )
    context.console.print(table)


@expert.command("pools")
def pools(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Each group's members by region, against paragraph 21's target (20-25 a group, 4-5 a region)."""
    context: Context = ctx.obj
    fills = pool_fill(e.details for e in with_resources(ctx, Resources.experts))
    if as_json:
        typer.echo(json.dumps([f.model_dump(mode="json") for f in fills], indent=2))
        return
    table = Table(title="Pools of experts against their targets")
    table.add_column("group")
    for r in Region:
        table.add_column(r.value, justify="right")
    table.add_column("members", justify="right")
    for f in fills:
        per_region = f"/{f.region_target[0]}-{f.region_target[1]}" if f.region_target else ""
        total = f"/{f.target[0]}-{f.target[1]}" if f.target else ""
        table.add_row(
            f.group.value, *(f"{n}{per_region}" for n in f.by_region.values()), f"{f.members}{total}"
        )
    context.console.print(table)
