"""`palermo fund …`: the donors' contributions (paragraph 22), their payments, and the funds as of a date."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from activities.resources import Resources
from cli.console import Context
from cli.experts import AsJson, Source, amount, choice, region, with_resources
from domain.funds import Earmark, Pledge, money
from domain.values import Door, Instrument
from projections.funds import FundFigures, funds
from usecases.inputs import parse_date, parse_moment

fund = typer.Typer(
    help="Donors' contributions: pledges, payments, and the funds as of a date.", no_args_is_help=True
)


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
    moment = context.run(lambda: parse_moment(known_at))
    result = with_resources(ctx, lambda store: funds(store.facts(), day, moment))
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    _print_figures(context, result)


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
