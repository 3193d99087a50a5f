"""The pages of the pools of experts, the donors' funds and the knowledge of legislation, with their forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from activities.users import UserRecord
from domain.errors import DomainError
from domain.experts import ExpertDetails, PoolGroup
from domain.facts import Told
from domain.funds import Earmark, Pledge
from domain.legislation import Enactment
from domain.regions import Region
from domain.user import Role
from domain.values import Door, Instrument
from projections.funds import funds, pool_fill
from usecases.inputs import BadOption, parse_amount, parse_date
from usecases.legislation import ExportFormat, Search, export, laws_known, search
from web.access import PageUser, Wired, check_act, page_roles
from web.api_resources import resources
from web.errors import ApiError, sentence
from web.forms import text
from web.listings import CONTRIBUTIONS, EXPERTS, FUNDS_BY, LAWS, POOLS
from web.lists import asked_file
from web.reports import InRange, WrittenOut
from web.services import Services
from web.views import BlankIsNone, check_csrf, flash, redirect, render

router = APIRouter(include_in_schema=False)
Manager = Annotated[UserRecord, Depends(page_roles(Role.MANAGER))]
Recorder = Annotated[UserRecord, Depends(page_roles(Role.MANAGER, Role.OFFICER))]
AsOf = Annotated[date | None, WrittenOut, BlankIsNone, InRange, Query()]
Blank = Annotated[str | None, BlankIsNone, Query(max_length=200)]
E = TypeVar("E", Region, Instrument)


def _words(form: FormData, name: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in str(form.get(name) or "").replace("\n", ",").split(",") if w.strip())


def _choice(form: FormData, name: str, kind: type[E]) -> E | None:
    value = text(form, name)
    return None if value is None else kind(value)


def _told(form: FormData, day: str, user: UserRecord, wired: Services) -> Told:
    """Who records through a page, from what source, on the day its field `day` gives (default today)."""
    return Told(
        effective_date=parse_date(text(form, day), day, wired.today()),
        actor=user.name,
        source=text(form, "source"),
        door=Door.WEB,
    )


async def _submit(request: Request, done: Callable[[FormData], str], back: str) -> RedirectResponse:
    """Read the form and run `done`, which records and says what; flash its sentence, or the refusal."""
    form = await request.form()
    check_csrf(request, form)
    try:
        flash(request, done(form))
    except ValidationError as error:
        flash(request, sentence(error.errors()), error=True)
    except (DomainError, BadOption, ValueError) as error:
        flash(request, str(error), error=True)
    return redirect(back)


@router.get("/experts", response_model=None)
def experts_page(request: Request, user: PageUser, wired: Wired) -> HTMLResponse | Response:
    everyone = resources(wired).experts()
    fills = pool_fill(e.details for e in everyone)
    experts, pools = EXPERTS.shown(request, everyone), POOLS.shown(request, fills)
    return asked_file(experts, pools) or render(
        request,
        "experts.html",
        user,
        experts=experts,
        pools=pools,
        fills=fills,
        regions=list(Region),
        groups=list(PoolGroup),
    )


@router.post("/experts")
async def add_expert(request: Request, user: Manager, wired: Wired) -> RedirectResponse:
    def done(form: FormData) -> str:
        details = ExpertDetails(
            name=text(form, "name") or "",
            region=text(form, "region") or "",
            languages=_words(form, "languages"),
            fields=_words(form, "fields"),
            groups=tuple(str(g) for g in form.getlist("groups")),
        )
        record = resources(wired).register_expert(details, **_told(form, "joined", user, wired))
        return f"{record.details.name} is in the pools ({', '.join(record.details.groups)})."

    return await _submit(request, done, "/experts")


@router.get("/funds", response_model=None)
def funds_page(request: Request, user: PageUser, wired: Wired, as_of: AsOf = None) -> HTMLResponse | Response:
    store = resources(wired)
    day = as_of or wired.today()
    figures = funds(store.facts(), day)
    contributions = CONTRIBUTIONS.shown(request, store.contributions())
    by = {
        what: listing.shown(request, [*getattr(figures, f"by_{what}").items(), ("all", figures.totals)])
        for what, listing in FUNDS_BY.items()
    }
    return asked_file(contributions, *by.values()) or render(
        request,
        "funds.html",
        user,
        as_of=day,
        contributions=contributions,
        by=by,
        regions=list(Region),
        instruments=list(Instrument),
    )


@router.post("/funds/pledges")
async def pledge(request: Request, user: Manager, wired: Wired) -> RedirectResponse:
    def done(form: FormData) -> str:
        made = Pledge(
            reference=text(form, "reference") or "",
            donor=text(form, "donor") or "",
            amount=parse_amount(text(form, "amount") or "", "amount"),
            earmark=Earmark(
                instrument=_choice(form, "instrument", Instrument), region=_choice(form, "region", Region)
            ),
            note=text(form, "note"),
        )
        record = resources(wired).pledge(made, **_told(form, "pledged", user, wired))
        return f"Contribution {record.pledge.reference} of {record.pledge.donor} is pledged."

    return await _submit(request, done, "/funds")


@router.post("/funds/{reference}/receipts")
async def receive(request: Request, reference: str, user: Manager, wired: Wired) -> RedirectResponse:
    def done(form: FormData) -> str:
        amount: Decimal = parse_amount(text(form, "amount") or "", "amount")
        if amount <= 0:
            raise BadOption("amount must be more than zero.")
        record = resources(wired).receive(reference, amount, **_told(form, "received", user, wired))
        return f"Payment recorded for {record.pledge.reference}: {record.left:,.2f} left."

    return await _submit(request, done, "/funds")


def _wanted(wired: Services, item: str | None, region: str | None, text: str | None) -> Search:
    try:
        chosen = None if region is None else Region(region)
    except ValueError:
        raise ApiError(422, f"'{region}' is not an M49 region.") from None
    return Search(checklist_item=item, region=chosen, text=text)


@router.get("/legislation", response_model=None)
def legislation_page(
    request: Request,
    user: PageUser,
    wired: Wired,
    item: Blank = None,
    region: Blank = None,
    text: Blank = None,
) -> HTMLResponse | Response:
    wanted = _wanted(wired, item, region, text)
    laws = LAWS.shown(request, search(laws_known(wired.settings, wired.participants), wanted))
    return asked_file(laws) or render(
        request,
        "legislation.html",
        user,
        laws=laws,
        wanted=wanted,
        regions=list(Region),
        formats=list(ExportFormat),
    )


@router.get("/legislation/export")
def legislation_export(
    _user: PageUser, wired: Wired, format: ExportFormat = ExportFormat.MARKDOWN, item: Blank = None
) -> PlainTextResponse:
    text = export(search(laws_known(wired.settings, wired.participants), Search(checklist_item=item)), format)
    extension = {"csv": "csv", "json": "json", "markdown": "md"}[format.value]
    disposition = f'attachment; filename="legislation.{extension}"'
    return PlainTextResponse(text, headers={"Content-Disposition": disposition})


@router.post("/legislation")
async def record_law(request: Request, user: Recorder, wired: Wired) -> RedirectResponse:
    def done(form: FormData) -> str:
        code = wired.participant(text(form, "state") or "").code
        if user.role is Role.OFFICER:
            check_act(user, code)
        enactment = Enactment(
            state=code,
            checklist_item=text(form, "checklist_item") or "",
            law=text(form, "law") or "",
            provision=text(form, "provision"),
            how=text(form, "how"),
        )
        day = parse_date(text(form, "enacted"), "enacted", wired.today())
        store = wired.legislation
        record = store.record(
            enactment, enacted=day, actor=user.name, source=text(form, "source"), door=Door.WEB
        )
        return f"Law recorded: {code}, {record.enactment.checklist_item}, {record.enactment.law}."

    return await _submit(request, done, "/legislation")
