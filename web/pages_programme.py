"""The pages of plans and questionnaires: lists for everyone signed in, and a form per entry of the
programme's command table (managers plan; managers and officers send questionnaires and record replies)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from activities.outreach import MeetingRecord
from activities.programme import PlanRecord
from activities.users import UserRecord
from domain.errors import DomainError
from domain.plans import PlanStatus
from domain.values import Door
from projections.report.sections import dates
from usecases.inputs import BadOption, parse_date
from usecases.outreach_book import OutreachBook
from usecases.programme import BY_NAME, Ask, Entry, command_of, open_programme, replies_with_citations
from web.access import PageUser, Wired, check_read, check_role
from web.errors import ApiError, sentence
from web.forms import Field, Form, listed, text
from web.listings import PLANS, REPLIES, SENT, Sent
from web.lists import asked_file
from web.services import Services
from web.views import check_csrf, flash, redirect, render

router = APIRouter(include_in_schema=False)


def _field(ask: Ask, meetings: list[MeetingRecord]) -> Field:
    label = ask.option.replace("_", " ").capitalize()
    if ask.kind is UUID and ask.name == "meeting":
        choices = (("", "—"), *((str(m.id), f"{m.details.start} {m.details.place}") for m in meetings))
        return Field(ask.name, label, ask.help, "select", choices)
    if ask.choices:
        choices = tuple((c, c.replace("_", " ")) for c in ask.choices)
        return Field(ask.name, label, ask.help, "checkboxes" if ask.many else "select", choices)
    if ask.many or ask.lines:
        hint = f"{ask.help} One per line, or separated by commas." if ask.many else ask.help
        return Field(ask.name, label, hint, "lines")
    return Field(ask.name, label, ask.help, "text")


def form_of(entry: Entry, meetings: list[MeetingRecord]) -> Form:
    """The entry's form: a field per thing asked (the plan a form acts on is in its address)."""
    fields = tuple(_field(a, meetings) for a in entry.asks if a.name != entry.target)
    return Form(name=entry.name, title=entry.help.rstrip("."), button=entry.verb.capitalize(), fields=fields)


def _given(entry: Entry, form: FormData) -> dict[str, Any]:
    given: dict[str, Any] = {}
    for ask in entry.asks:
        values = [v for v in form.getlist(ask.name) if isinstance(v, str) and v.strip()]
        if ask.many:
            given[ask.name] = listed(values, split=not ask.choices)
        else:
            given[ask.name] = values[0] if values else None
    return given


async def _record(
    request: Request, wired: Services, user: UserRecord, entry: Entry, target: str | None
) -> str:
    """Record one form's command, as the API would for the same user; the sentence is flashed."""
    form = await request.form()
    check_csrf(request, form)
    check_role(user, entry.senders)
    given = _given(entry, form)
    if entry.target is not None:
        given[entry.target] = target
    try:
        effective = parse_date(text(form, "effective_date"), "effective_date", wired.today())
        command = command_of(
            entry,
            given,
            actor=user.name,
            effective=effective,
            source=text(form, "source"),
            door=Door.WEB,
            label=lambda ask: ask.name,
        )
        for state in command.concerns():
            check_read(user, wired.participant(state).code)

        def act() -> Any:
            programme = open_programme(wired.settings)
            try:
                return entry.act(programme, command)
            finally:
                programme.outreach.close()

        await run_in_threadpool(act)
    except ValidationError as error:
        flash(request, sentence(error.errors()), error=True)
    except (DomainError, BadOption, ApiError) as error:
        flash(request, str(getattr(error, "detail", error)), error=True)
    else:
        flash(request, f"{entry.help.split(' (')[0].rstrip('.')}: recorded.")
    return f"/{entry.noun}s"


@router.get("/plans", response_model=None)
def plans_page(request: Request, user: PageUser, wired: Wired) -> HTMLResponse | Response:
    programme = open_programme(wired.settings)
    try:
        everything, meetings = programme.plans(), programme.outreach.meetings()
    finally:
        programme.outreach.close()
    plans = PLANS.shown(request, everything)
    forms = {verb: form_of(BY_NAME[f"plan_{verb}"], meetings) for verb in ("make", "move", "hold", "cancel")}
    return asked_file(plans) or render(
        request,
        "plans.html",
        user,
        plans=plans,
        planned=everything,
        forms=forms,
        today=wired.today(),
        dates=dates,
    )


@router.post("/plans")
async def make_plan(request: Request, user: PageUser, wired: Wired) -> RedirectResponse:
    return redirect(await _record(request, wired, user, BY_NAME["plan_make"], None))


@router.post("/plans/{plan}/{verb}")
async def change_plan(
    request: Request, plan: str, verb: str, user: PageUser, wired: Wired
) -> RedirectResponse:
    entry = BY_NAME.get(f"plan_{verb}")
    if entry is None or entry.target is None:
        raise ApiError(404, f"'{verb}' is not something done to a plan.")
    return redirect(await _record(request, wired, user, entry, plan))


@router.get("/questionnaires", response_model=None)
def questionnaires_page(request: Request, user: PageUser, wired: Wired) -> HTMLResponse | Response:
    programme = open_programme(wired.settings)
    try:
        dispatches, answers = programme.dispatches(), replies_with_citations(wired.settings, programme)
        meetings = programme.outreach.meetings()
    finally:
        programme.outreach.close()
    forms = [form_of(BY_NAME[f"questionnaire_{verb}"], meetings) for verb in ("send", "answer")]
    places = {m.id: f"{m.details.place}, {m.details.start}" for m in meetings}
    sent = [Sent(d, places.get(d.meeting, "directly") if d.meeting else "directly") for d in dispatches]
    sendings, replies = SENT.shown(request, sent), REPLIES.shown(request, answers)
    return asked_file(sendings, replies) or render(
        request,
        "questionnaires.html",
        user,
        sendings=sendings,
        replies=replies,
        forms=forms,
        today=wired.today(),
    )


@router.post("/questionnaires/{verb}")
async def questionnaire_form(request: Request, verb: str, user: PageUser, wired: Wired) -> RedirectResponse:
    entry = BY_NAME.get(f"questionnaire_{verb}")
    if entry is None:
        raise ApiError(404, f"'{verb}' is not something done with a questionnaire.")
    return redirect(await _record(request, wired, user, entry, None))


@dataclass(frozen=True)
class Month:
    """One month of the dashboard's calendar: the meetings held in it, and what was then planned for it."""

    name: str
    held: tuple[MeetingRecord, ...]
    planned: tuple[PlanRecord, ...]


def calendar(book: OutreachBook, day: date) -> list[Month]:
    """The months of `day`'s year: meetings held by `day`, beside the plans standing on `day`."""
    # One pass over each list, in its order: a pass per month over every meeting was half the dashboard.
    held: dict[int, list[MeetingRecord]] = {month: [] for month in range(1, 13)}
    for meeting in book.meetings():
        start = meeting.details.start
        if start.year == day.year and start <= day:
            held[start.month].append(meeting)
    planned: dict[int, list[PlanRecord]] = {month: [] for month in range(1, 13)}
    for plan in book.plans(day):
        if plan.status is PlanStatus.PLANNED and plan.details.planned.year == day.year:
            planned[plan.details.planned.month].append(plan)
    return [
        Month(f"{date(day.year, month, 1):%B}", tuple(held[month]), tuple(planned[month]))
        for month in range(1, 13)
    ]
