"""The API of the pools of experts, the donors' funds and the knowledge of legislation (paragraphs 20-22)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from activities.legislation import EnactmentRecord
from activities.resources import ContributionRecord, ExpertRecord, Resources
from activities.users import UserRecord
from domain.experts import ExpertDetails
from domain.facts import Told
from domain.funds import Amount, Pledge
from domain.legislation import Enactment
from domain.regions import Region
from domain.user import Role
from domain.values import Door, Instrument, ShortText
from projections.funds import FundFigures, GroupFill, funds, pool_fill
from usecases.legislation import ExportFormat, KnownLaw, Search, export, laws_known, search
from web.access import ApiUser, Wired, api_roles, check_act
from web.api_models import REFUSALS
from web.reports import InRange, WrittenOut, aware
from web.services import Services

router = APIRouter(prefix="/api", responses=REFUSALS)
Manager = Annotated[UserRecord, Depends(api_roles(Role.MANAGER))]
Recorder = Annotated[UserRecord, Depends(api_roles(Role.MANAGER, Role.OFFICER))]
EXPORT_MEDIA = {
    ExportFormat.CSV: "text/csv",
    ExportFormat.JSON: "application/json",
    ExportFormat.MARKDOWN: "text/markdown",
}
TEXT = {"schema": {"type": "string"}}
EXPORT_CONTENT = {
    "text/csv": TEXT,
    "text/markdown": TEXT,
    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
}
Day = Annotated[date | None, WrittenOut, InRange]
Moment = Annotated[datetime | None, WrittenOut, InRange]


class ExpertBody(ExpertDetails):
    """An expert joining the pools (or their new details), with the day they joined and the source."""

    joined: date | None = Field(default=None, description="When they joined; default today")
    source: ShortText | None = None


class PledgeBody(Pledge):
    """A donor's pledge, with its day and the source."""

    pledged: date | None = Field(default=None, description="When it was pledged; default today")
    source: ShortText | None = None


class ReceiptBody(BaseModel):
    """A payment towards a pledge."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: Amount
    received: date | None = Field(default=None, description="When the funds arrived; default today")
    source: ShortText | None = None


class EnactmentBody(Enactment):
    """A State's law meeting a checklist item, with the day it was enacted and the source."""

    enacted: date | None = Field(default=None, description="When it was enacted; default today")
    source: ShortText | None = None


def resources(wired: Services) -> Resources:
    return wired.resources


def _told(day: date | None, source: str | None, user: UserRecord, wired: Services) -> Told:
    """Who records through the API, from what source, on the day the body gives (default today)."""
    return Told(effective_date=day or wired.today(), actor=user.name, source=source, door=Door.API)


@router.get("/experts", tags=["resources"], summary="The experts of the pools")
def list_experts(_user: ApiUser, wired: Wired) -> list[ExpertRecord]:
    return resources(wired).experts()


@router.post("/experts", tags=["resources"], summary="Add an expert to the pools, or change one (managers)")
def add_expert(body: Annotated[ExpertBody, Body()], user: Manager, wired: Wired) -> ExpertRecord:
    details = ExpertDetails.model_validate(body.model_dump(exclude={"joined", "source"}))
    return resources(wired).register_expert(details, **_told(body.joined, body.source, user, wired))


@router.get("/pools", tags=["resources"], summary="Each group's fill, by region, against its target")
def pools(_user: ApiUser, wired: Wired) -> list[GroupFill]:
    return pool_fill(e.details for e in resources(wired).experts())


@router.get("/contributions", tags=["resources"], summary="The donors' contributions")
def list_contributions(_user: ApiUser, wired: Wired) -> list[ContributionRecord]:
    return resources(wired).contributions()


@router.post("/contributions", tags=["resources"], summary="Record a donor's pledge (managers)")
def pledge(body: Annotated[PledgeBody, Body()], user: Manager, wired: Wired) -> ContributionRecord:
    made = Pledge.model_validate(body.model_dump(exclude={"pledged", "source"}))
    return resources(wired).pledge(made, **_told(body.pledged, body.source, user, wired))


@router.post(
    "/contributions/{reference}/receipts",
    tags=["resources"],
    summary="Record a payment towards a pledge (managers)",
)
def receive(
    reference: str, body: Annotated[ReceiptBody, Body()], user: Manager, wired: Wired
) -> ContributionRecord:
    amount: Decimal = body.amount
    return resources(wired).receive(reference, amount, **_told(body.received, body.source, user, wired))


@router.get("/funds", tags=["resources"], summary="Funds by donor, region and instrument as of a date")
def fund_figures(_user: ApiUser, wired: Wired, as_of: Day = None, known_at: Moment = None) -> FundFigures:
    return funds(resources(wired).facts(), as_of or wired.today(), aware(known_at))


@router.get("/legislation", tags=["legislation"], summary="Laws enacted per checklist item, searched")
def search_legislation(
    _user: ApiUser,
    wired: Wired,
    item: Annotated[
        str | None, Query(max_length=200, description="A checklist item, e.g. convention.art5")
    ] = None,
    instrument: Instrument | None = None,
    region: Region | None = None,
    state: Annotated[str | None, Query(max_length=100)] = None,
    text: Annotated[str | None, Query(max_length=200, description="Any of these words")] = None,
) -> list[KnownLaw]:
    code = None if state is None else wired.participant(state).code
    wanted = Search(checklist_item=item, instrument=instrument, region=region, state=code, text=text)
    return search(laws_known(wired.settings, wired.participants), wanted)


@router.get(
    "/legislation/export",
    tags=["legislation"],
    summary="The laws known, as CSV, JSON or Markdown, for dissemination",
    # Refusals stay JSON, documented as the router's; only the export itself is text.
    responses={200: {"content": EXPORT_CONTENT}},
)
def export_legislation(
    _user: ApiUser,
    wired: Wired,
    format: ExportFormat = ExportFormat.MARKDOWN,
    item: Annotated[str | None, Query(max_length=200)] = None,
    instrument: Instrument | None = None,
    region: Region | None = None,
) -> PlainTextResponse:
    wanted = Search(checklist_item=item, instrument=instrument, region=region)
    text = export(search(laws_known(wired.settings, wired.participants), wanted), format)
    return PlainTextResponse(text, media_type=EXPORT_MEDIA[format])


@router.post(
    "/legislation", tags=["legislation"], summary="Record a State's law for a checklist item (or correct it)"
)
def record_law(body: Annotated[EnactmentBody, Body()], user: Recorder, wired: Wired) -> EnactmentRecord:
    """Managers record any State's law; an officer, a law of one of their States."""
    code = wired.participant(body.state).code
    if user.role is Role.OFFICER:
        check_act(user, code)
    enactment = Enactment.model_validate(body.model_dump(exclude={"enacted", "source"}) | {"state": code})
    store = wired.legislation
    return store.record(
        enactment, enacted=body.enacted or wired.today(), actor=user.name, source=body.source, door=Door.API
    )
