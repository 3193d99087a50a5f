"""A calendar (iCalendar, RFC 5545) of due dates, meetings and planned activities that people subscribe
to: each user's feed is at a secret address, keyed by the web app's session secret and their current token, so
a new or revoked token ends the old address. On the same page, each user chooses how overdue steps reach them
by mail."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from activities.programme import Programme
from activities.users import UserRecord
from domain.contact import MailPreference, parse_preference
from domain.errors import DomainError
from domain.plans import PlanStatus
from domain.user import Role
from domain.values import Door
from projections.casebook import open_steps
from web.access import PageUser, Wired
from web.config import session_secret
from web.errors import ApiError
from web.services import Services
from web.views import check_csrf, flash, redirect, render

router = APIRouter(include_in_schema=False)
PRODUCT = "-//Palermo//Due dates and meetings//EN"


def feed_key(wired: Services, user: UserRecord) -> str | None:
    """The secret part of the user's feed address; None for a user with no token."""
    if not user.token_ids:
        return None
    secret = session_secret(wired.settings, wired.web).encode()
    message = f"calendar/{user.name}/{','.join(user.token_ids)}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets, continued with a space (RFC 5545, 3.1)."""
    data, parts = line.encode(), list[str]()
    while len(data) > 75:
        cut = 75 if not parts else 74
        while (data[cut] & 0xC0) == 0x80:  # never inside a UTF-8 character
            cut -= 1
        parts.append(data[:cut].decode())
        data = data[cut:]
    parts.append(data.decode())
    return [parts[0], *(f" {p}" for p in parts[1:])]


def _event(
    uid: str,
    start: date,
    end: date,
    summary: str,
    stamp: datetime,
    description: str = "",
    more: tuple[str, ...] = (),
) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}",
        f"DTSTART;VALUE=DATE:{start.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(end + timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{_escape(summary)}",
        *more,
    ]
    if description:
        lines.append(f"DESCRIPTION:{_escape(description)}")
    return [*lines, "END:VEVENT"]


def _plans(wired: Services, stamp: datetime) -> list[str]:
    """The programme's activities still planned (neither held nor cancelled), at their latest date: marked
    tentative, under the plan's id, and sequenced by its moves so that a calendar moves its copy too."""
    lines: list[str] = []
    for plan in Programme(wired.outreach_store).plans():
        if plan.status is not PlanStatus.PLANNED:
            continue
        d = plan.details
        summary = f"Planned: {d.title} ({d.kind.value.replace('_', ' ')}), {d.place}"
        invited = f"States invited: {' '.join(d.states)}" if d.states else ""
        more = ("STATUS:TENTATIVE", f"SEQUENCE:{plan.moves}")
        lines += _event(f"plan-{plan.id}@palermo", d.planned, d.last_day, summary, stamp, invited, more)
    return lines


def calendar_of(wired: Services, user: UserRecord) -> str:
    """Due dates of the open steps the user may see, every meeting recorded, and every activity still
    planned."""
    now = wired.now()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT}", "X-WR-CALNAME:Palermo"]
    for case in wired.book.cases():
        if user.role is Role.OFFICER and not user.covers(case.state):
            continue
        for step in open_steps(case, wired.due_days, now):
            due = step.due_at.date()
            late = " (overdue)" if step.overdue else ""
            summary = f"{case.state_name}: {step.step.value.replace('_', ' ')} due{late}"
            uid = f"due-{case.state}-{step.step.value}-{due.isoformat()}@palermo"
            lines += _event(uid, due, due, summary, now, f"/cases/{case.state}")
    for meeting in wired.outreach_store.meetings():
        d = meeting.details
        summary = f"{d.title} ({d.kind.value.replace('_', ' ')}), {d.place}"
        lines += _event(
            f"meeting-{meeting.id}@palermo", d.start, d.end, summary, now, " ".join(d.participants)
        )
    lines += _plans(wired, now)
    lines.append("END:VCALENDAR")
    return "".join(f"{part}\r\n" for line in lines for part in _fold(line))


def _page(
    request: Request, user: UserRecord, wired: Services, status: int = 200, **more: object
) -> HTMLResponse:
    key = feed_key(wired, user)
    address = str(request.url_for("calendar_feed", name=user.name, key=key)) if key else None
    return render(
        request, "calendar.html", user, status, address=address, preferences=list(MailPreference), **more
    )


@router.get("/calendar")
def calendar_page(request: Request, user: PageUser, wired: Wired) -> HTMLResponse:
    return _page(request, user, wired)


@router.post("/calendar/mail", response_model=None)
async def choose_mail(request: Request, user: PageUser, wired: Wired) -> HTMLResponse | RedirectResponse:
    """The signed-in user's own choice: each overdue step by mail, a daily digest, or none."""
    form = await request.form()
    check_csrf(request, form)
    try:
        mail = parse_preference(str(form.get("mail") or ""))
    except DomainError as error:
        return _page(request, user, wired, 422, flash={"text": str(error), "error": True})
    await run_in_threadpool(
        lambda: wired.users.change_contact(user.name, mail=mail, actor=user.name, door=Door.WEB)
    )
    flash(request, f"Overdue steps reach you by mail: {mail.value}.")
    return redirect("/calendar")


@router.get("/calendar/{name}/{key}.ics", name="calendar_feed")
def calendar_feed(name: str, key: str, wired: Wired) -> Response:
    """The feed itself, for calendar programs, which cannot sign in: its address is its secret."""
    user = wired.users.user(name)
    expected = feed_key(wired, user) if user is not None else None
    if user is None or expected is None or not hmac.compare_digest(expected, key):
        raise ApiError(404, "There is no calendar at this address; take the current one from /calendar.")
    return Response(calendar_of(wired, user), media_type="text/calendar; charset=utf-8")
