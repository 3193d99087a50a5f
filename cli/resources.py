"""`palermo expert …` and `palermo fund …`: the pools of experts (paragraph 21) and the donors' contributions
(paragraph 22)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from activities.resources import Resources
from cli.console import Context
from domain.experts import ExpertDetails, PoolGroup
from domain.funds import Earmark, Pledge, money
from domain.regions import Region, parse_region
from domain.values import Door, Instrument
from projections.funds import FundFigures, funds, pool_fill
from usecases.inputs import BadOption, parse_amount, parse_date

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

expert = typer.Typer(
    help="The pools of experts: add experts, list them, and each group's fill.", no_args_is_help=True
)
fund = typer.Typer(
    help="Donors' contributions: pledges, payments, and the funds as of a date.", no_args_is_help=True
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
    store = context.run(lambda: Resources(context.settings.store_env("Resources")))
    try:
        return context.run(lambda: action(store))
    finally:
        store.close()


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


@fund.command("pledge")
def pledge(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="The contribution's reference, which identifies it.")],
    donor: Annotated[str, typer.Option(help="The donor (a Government, an organization).")],
    amount_text: Annotated[str, typer.Option("--amount", help="The amount pledged, in US dollars.")],
    instrument: Annotated[str | None, typer.Option(help="Earmarked for this instrument.")] = None,
    region_name: Annotated[str | None, typer.Option("--region", help="Earmarked for this region.")] = None,
    pledged: Annotated[
        str | None, typer.Option(help="When it was pledged (YYYY-MM-DD); default today.")
    ] = None,
    note: Annotated[str | None, typer.Option(help="A note kept with the pledge.")] = None,
    source: Source = None,
) -> None:
    """Record a donor's pledge; the same reference and terms again record nothing."""
    context: Context = ctx.obj

    def made() -> Pledge:
        earmark = Earmark(
            instrument=None if instrument is None else choice(instrument, Instrument, "--instrument"),
            region=None if region_name is None else region(region_name),
        )
        return Pledge(
            reference=reference, donor=donor, amount=amount(amount_text), earmark=earmark, note=note
        )

    checked = context.run(made)
    day = context.run(lambda: parse_date(pledged, "--pledged", context.today()))

    def record(store: Resources) -> str:
        known = {c.pledge.reference.casefold() for c in store.contributions()}
        store.pledge(checked, effective_date=day, actor=context.actor, source=source, door=Door.CLI)
        if checked.reference.casefold() in known:
            return f"Contribution {checked.reference} is already pledged with these terms; nothing recorded."
        terms = f"{money(checked.amount)} USD ({checked.earmark.describe()})"
        return f"Pledge recorded: {checked.reference} of {checked.donor}, {terms}."

    context.console.print(with_resources(ctx, record), highlight=False)


@fund.command("receive")
def receive(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="The contribution's reference.")],
    amount_text: Annotated[str, typer.Option("--amount", help="The amount received, in US dollars.")],
    received: Annotated[str | None, typer.Option(help="When it arrived (YYYY-MM-DD); default today.")] = None,
    source: Source = None,
) -> None:
    """Record a payment towards a pledge (never more, in all, than the pledge)."""
    context: Context = ctx.obj
    paid = context.run(lambda: amount(amount_text))
    day = context.run(lambda: parse_date(received, "--received", context.today()))
    after = with_resources(
        ctx,
        lambda store: store.receive(
            reference, paid, effective_date=day, actor=context.actor, source=source, door=Door.CLI
        ),
    )
    context.console.print(
        f"Payment recorded: {money(paid)} USD to {after.pledge.reference}; received {money(after.received)} "
        f"of {money(after.pledge.amount)}, {money(after.left)} left.",
        highlight=False,
    )


@fund.command("list")
def list_contributions(ctx: typer.Context, as_json: AsJson = False) -> None:
    """List the contributions: pledged, received, charged and left of each."""
    context: Context = ctx.obj
    records = with_resources(ctx, Resources.contributions)
    if as_json:
        typer.echo(json.dumps([c.model_dump(mode="json") for c in records], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"Contributions: {len(records)} (US dollars)")
    for column in ("reference", "donor", "pledged on", "earmarked for"):
        table.add_column(column)
    for column in ("pledged", "received", "charged", "left"):
        table.add_column(column, justify="right")
    for c in records:
        p = c.pledge
        table.add_row(
            p.reference,
            p.donor,
            c.pledged_on.isoformat(),
            p.earmark.describe(),
            money(p.amount),
            money(c.received),
            money(c.charged),
            money(c.left),
        )
    context.console.print(table)


@fund.command("figures")
def figures(
    ctx: typer.Context,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Effective date (YYYY-MM-DD); default today.")
    ] = None,
    known_at: Annotated[
        str | None, typer.Option("--known-at", help="Count only what was recorded by then (ISO date-time).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Funds pledged, received, committed, spent and left, by donor, region and instrument, as of a date."""
    context: Context = ctx.obj
    day = context.run(lambda: parse_date(as_of, "--as-of", context.today()))
    moment = context.run(lambda: _moment(known_at))
    result = with_resources(ctx, lambda store: funds(store.facts(), day, moment))
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    _print_figures(context, result)


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadOption(f"--known-at must be a date-time like 2002-04-01T12:00, not '{value}'.") from None
    return moment if moment.tzinfo else moment.astimezone()


def _print_figures(context: Context, result: FundFigures) -> None:
    columns = ("pledged", "received", "committed", "spent", "left", "unfunded")
    for title, rows in (
        ("donor", result.by_donor),
        ("region", result.by_region),
        ("instrument", result.by_instrument),
    ):
        table = Table(title=f"Funds by {title} as of {result.as_of} (US dollars)")
        table.add_column(title)
        for column in columns:
            table.add_column(column, justify="right")
        for key, sums in {**rows, "all": result.totals}.items():
            table.add_row(key, *(money(getattr(sums, c)) for c in columns))
        context.console.print(table)
