"""`palermo case …`: open, advance and withdraw engagements; show a case and its history."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Annotated

import typer

from activities.engagements import Engagements
from deploy.cases import ServerUnavailable, new_command_id, send
from deploy.console import Context, fail, render_case, render_history
from deploy.options import gap_items, parse_amount, parse_date, parse_instruments
from deploy.worker import connect
from domain.commands import (
    Command,
    ConcludeAssistance,
    ConcludeLegislation,
    DrawUpGapList,
    NameFocalPoint,
    OpenEngagement,
    RecordAssistanceActivity,
    RecordBill,
    RecordLawSummary,
    RecordTraining,
    Withdraw,
)
from domain.values import AssistanceActivity, AssistanceKind, Bill, BillStage, FocalPoint, Step
from domain.views import CaseView

app = typer.Typer(help="Open, advance and read engagements.", no_args_is_help=True)

Effective = Annotated[
    str | None,
    typer.Option("--effective", help="When it happened in the world (YYYY-MM-DD); default today."),
]
Source = Annotated[str | None, typer.Option(help="Where the fact comes from (a document, a note).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Note = Annotated[str | None, typer.Option(help="A note kept with the step.")]
CommandId = Annotated[
    str | None,
    typer.Option(
        "--command-id",
        help="Name this command, to send it again safely: the same id and command are recorded once.",
    ),
]
# How long the command line keeps resending a command the server did not answer (a restarting worker,
# a server coming back): under the same id, so that it is recorded once however often it is sent.
PATIENCE_S = 60.0


def _record(ctx: typer.Context, command: Command, as_json: bool) -> None:
    context: Context = ctx.obj

    async def deliver() -> CaseView:
        deadline = time.monotonic() + PATIENCE_S
        while True:
            try:
                client = await connect(context.settings)
                return await send(client, context.settings, command)
            except (ServerUnavailable, RuntimeError) as error:
                if time.monotonic() > deadline:
                    raise ServerUnavailable(
                        f"{str(error).rstrip('.')}; nothing is lost: send it again with --command-id "
                        f"{command.command_id} and it is recorded once."
                    ) from None
                await asyncio.sleep(1.0)

    case = context.run(lambda: asyncio.run(deliver()))
    if as_json:
        typer.echo(case.model_dump_json(indent=2, exclude={"recorded_commands"}))
    else:
        nxt = case.stage.value if case.stage else "nothing — the engagement is " + case.status.value
        context.console.print(
            f"[bold]{case.state}[/]: {command.kind} recorded (version {case.version}). Next: {nxt}.",
            soft_wrap=True,
        )


def _common(
    ctx: typer.Context,
    state: str,
    effective: str | None,
    source: str | None,
    command_id: str | None,
    option: str = "--effective",
) -> dict[str, object]:
    context: Context = ctx.obj
    code = context.participant(state).code
    day = context.run(lambda: parse_date(effective, option, context.today()))
    return {
        "state": code,
        "actor": context.actor,
        "effective_date": day,
        "source": source,
        # One command id per invocation: the retries above resend it, and so may the user.
        "command_id": command_id or new_command_id(),
    }


def _build(ctx: typer.Context, cls: type[Command], **fields: object) -> Command:
    context: Context = ctx.obj
    return context.run(lambda: cls.model_validate(fields))


@app.command("open")
def open_case(
    ctx: typer.Context,
    state: Annotated[str, typer.Argument(help="ISO 3166 alpha-3 code of the State, e.g. BOL.")],
    instruments: Annotated[
        str, typer.Option(help="Comma-separated: convention,trafficking,smuggling,firearms.")
    ],
    received: Annotated[
        str | None, typer.Option(help="When the request arrived (YYYY-MM-DD); default today.")
    ] = None,
    partner: Annotated[list[str] | None, typer.Option(help="A partner organization (repeat).")] = None,
    note: Note = None,
    source: Source = None,
    command_id: CommandId = None,
    as_json: AsJson = False,
) -> None:
    """Record a State's request: opens its engagement."""
    context: Context = ctx.obj
    participant = context.participant(state)
    fields = _common(ctx, participant.code, received, source, command_id, option="--received")
    fields["instruments"] = context.run(lambda: parse_instruments(instruments))
    command = _build(ctx, OpenEngagement, **fields, partners=tuple(partner or ()), note=note)
    _record(ctx, command, as_json)


@app.command()
def advance(
    ctx: typer.Context,
    state: Annotated[str, typer.Argument(help="ISO 3166 alpha-3 code of the State.")],
    step: Annotated[Step, typer.Argument(help="The step to record.")],
    effective: Effective = None,
    source: Source = None,
    note: Note = None,
    document: Annotated[str | None, typer.Option(help="law_summary: the document's reference.")] = None,
    name: Annotated[str | None, typer.Option(help="focal_point: the person's name.")] = None,
    office: Annotated[str | None, typer.Option(help="focal_point: ministry or office.")] = None,
    contact: Annotated[str | None, typer.Option(help="focal_point: e-mail or telephone.")] = None,
    item: Annotated[
        list[str] | None,
        typer.Option(help="gap_list: a checklist item id (repeat); see `palermo checklist`."),
    ] = None,
    activity: Annotated[
        list[AssistanceKind] | None, typer.Option(help="assistance: an activity held (repeat).")
    ] = None,
    expert: Annotated[
        list[str] | None, typer.Option(help="assistance: an expert who took part (repeat).")
    ] = None,
    cost: Annotated[str | None, typer.Option(help="assistance: cost of each activity.")] = None,
    donor: Annotated[str | None, typer.Option(help="assistance: the donor who paid.")] = None,
    not_requested: Annotated[bool, typer.Option(help="assistance: the State asked for none.")] = False,
    bill: Annotated[
        list[str] | None, typer.Option(help="legislation: title of a bill enacted (repeat).")
    ] = None,
    addresses: Annotated[
        list[str] | None, typer.Option(help="legislation: a gap item the bills address (repeat).")
    ] = None,
    officials: Annotated[int, typer.Option(min=0, help="training: officials trained.")] = 0,
    command_id: CommandId = None,
    as_json: AsJson = False,
) -> None:
    """Record a step; with no step options it completes with empty defaults."""
    fields = _common(ctx, state, effective, source, command_id)
    command: Command
    if step is Step.REQUEST:
        fail("The request is recorded by `palermo case open`, with its instruments.")
    if step is Step.LAW_SUMMARY:
        command = _build(ctx, RecordLawSummary, **fields, document=document, note=note)
    elif step is Step.FOCAL_POINT:
        point = _build_value(ctx, FocalPoint, name=name, office=office, contact=contact) if name else None
        command = _build(ctx, NameFocalPoint, **fields, focal_point=point)
    elif step is Step.GAP_LIST:
        items = ctx.obj.run(lambda: gap_items(item or []))
        command = _build(ctx, DrawUpGapList, **fields, items=items, note=note)
    elif step is Step.ASSISTANCE:
        amount = ctx.obj.run(lambda: parse_amount(cost))
        activities = tuple(
            _build_value(
                ctx, AssistanceActivity, kind=k, experts=tuple(expert or ()), cost=amount, donor=donor
            )
            for k in activity or []
        )
        command = _build(
            ctx, ConcludeAssistance, **fields, activities=activities, requested=not not_requested, note=note
        )
    elif step is Step.LEGISLATION:
        bills = tuple(
            _build_value(
                ctx,
                Bill,
                title=t,
                stage=BillStage.ENACTED,
                addresses=tuple(addresses or ()),
                stage_date=fields["effective_date"],
            )
            for t in bill or []
        )
        command = _build(ctx, ConcludeLegislation, **fields, bills=bills, note=note)
    else:
        command = _build(ctx, RecordTraining, **fields, officials_trained=officials, note=note)
    _record(ctx, command, as_json)


def _build_value(ctx: typer.Context, cls: type, **fields: object) -> object:
    context: Context = ctx.obj
    return context.run(lambda: cls.model_validate(fields))  # type: ignore[attr-defined]


@app.command("activity")
def record_activity(
    ctx: typer.Context,
    state: Annotated[str, typer.Argument(help="ISO 3166 alpha-3 code of the State.")],
    kind: Annotated[AssistanceKind, typer.Argument(help="What kind of assistance.")],
    expert: Annotated[list[str] | None, typer.Option(help="An expert who took part (repeat).")] = None,
    cost: Annotated[str | None, typer.Option(help="What it cost.")] = None,
    donor: Annotated[str | None, typer.Option(help="The donor who paid.")] = None,
    effective: Effective = None,
    source: Source = None,
    note: Note = None,
    command_id: CommandId = None,
    as_json: AsJson = False,
) -> None:
    """Record one assistance activity while the assistance step goes on."""
    fields = _common(ctx, state, effective, source, command_id)
    amount = ctx.obj.run(lambda: parse_amount(cost))
    act = _build_value(
        ctx, AssistanceActivity, kind=kind, experts=tuple(expert or ()), cost=amount, donor=donor, note=note
    )
    _record(ctx, _build(ctx, RecordAssistanceActivity, **fields, activity=act), as_json)


@app.command("bill")
def record_bill(
    ctx: typer.Context,
    state: Annotated[str, typer.Argument(help="ISO 3166 alpha-3 code of the State.")],
    title: Annotated[str, typer.Argument(help="The bill's title, which identifies it.")],
    stage: Annotated[BillStage, typer.Option(help="The stage the bill reached.")] = BillStage.DRAFTED,
    addresses: Annotated[
        list[str] | None, typer.Option(help="A gap item the bill addresses (repeat).")
    ] = None,
    effective: Effective = None,
    source: Source = None,
    command_id: CommandId = None,
    as_json: AsJson = False,
) -> None:
    """Record a bill reaching a stage (drafted, submitted, enacted) before legislation concludes."""
    fields = _common(ctx, state, effective, source, command_id)
    b = _build_value(
        ctx,
        Bill,
        title=title,
        stage=stage,
        addresses=tuple(addresses or ()),
        stage_date=fields["effective_date"],
    )
    _record(ctx, _build(ctx, RecordBill, **fields, bill=b), as_json)


@app.command()
def withdraw(
    ctx: typer.Context,
    state: Annotated[str, typer.Argument(help="ISO 3166 alpha-3 code of the State.")],
    reason: Annotated[str, typer.Option(help="Why the engagement is withdrawn.")],
    effective: Effective = None,
    source: Source = None,
    command_id: CommandId = None,
    as_json: AsJson = False,
) -> None:
    """Withdraw an engagement; it takes no more steps."""
    fields = _common(ctx, state, effective, source, command_id)
    _record(ctx, _build(ctx, Withdraw, **fields, reason=reason), as_json)


def _store(ctx: typer.Context) -> Engagements:
    context: Context = ctx.obj
    return context.run(lambda: Engagements(context.settings.store_env("Engagements")))


@app.command()
def show(
    ctx: typer.Context,
    state: Annotated[str, typer.Argument(help="ISO 3166 alpha-3 code of the State.")],
    as_json: AsJson = False,
) -> None:
    """Show a case as the event store holds it."""
    context: Context = ctx.obj
    code = context.participant(state).code
    case = _store(ctx).case(code)
    if case is None:
        fail(f"{code} has no engagement.")
    elif as_json:
        typer.echo(case.model_dump_json(indent=2, exclude={"recorded_commands"}))
    else:
        render_case(context.console, case)


@app.command()
def history(
    ctx: typer.Context,
    state: Annotated[str, typer.Argument(help="ISO 3166 alpha-3 code of the State.")],
    as_json: AsJson = False,
) -> None:
    """List the stored events of a case, in order."""
    context: Context = ctx.obj
    code = context.participant(state).code
    entries = _store(ctx).history(code)
    if not entries:
        fail(f"{code} has no engagement.")
    if as_json:
        typer.echo(json.dumps([e.model_dump(mode="json") for e in entries], indent=2))
    else:
        render_history(context.console, code, entries)
