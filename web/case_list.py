"""The case list's content, drawn once per state of the case book and question: the same for every reader
who sees the same cases, so a list asked again with nothing recorded costs only its frame."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from markupsafe import Markup

from activities.users import UserRecord
from domain.groups import RegionalGroup
from domain.regions import Region
from domain.user import Role
from domain.values import Instrument
from projections.casebook import STAGES, CaseFilter, select
from web.api_models import summary
from web.listings import CASES, CaseRow
from web.services import Services
from web.templating import templates


def cases_body(request: Request, user: UserRecord, wired: Services, wanted: CaseFilter) -> Markup:
    """The cases the user may read that pass `wanted`, searched, sorted and paged as the address asks.

    Kept under the book's position, taken before the list is made, and how many steps are overdue now (over
    one state of the book, their count names them), beside who reads (an officer sees their States only)
    and the address's query, which names the filter, search, sort and page."""
    now = wired.now()
    seen = wired.book.position()
    overdue = wired.book.overdue_count(wired.due_days, now)
    key = _key(request, user, seen, overdue)
    return wired.pages.get(key, lambda: _draw(request, user, wired, wanted, now))


def cases_at_hand(request: Request, user: UserRecord, wired: Services) -> Markup | None:
    """What `cases_body` gives, when it is kept for the case book as it now stands and the book has its
    overdue steps at hand; None when it must be made (web.at_hand)."""
    counted = wired.book.at_hand(wired.due_days, wired.now())
    return None if counted is None else wired.pages.peek(_key(request, user, *counted))


def _key(request: Request, user: UserRecord, seen: int, overdue: int) -> tuple[object, ...]:
    reader = user.scope if user.role is Role.OFFICER else None
    return ("cases", seen, overdue, reader, tuple(request.query_params.multi_items()))


def _draw(request: Request, user: UserRecord, wired: Services, wanted: CaseFilter, now: datetime) -> Markup:
    visible = [c for c in wired.book.cases() if user.role is not Role.OFFICER or user.covers(c.state)]
    found = select(visible, wanted, wired.due_days, now)
    cases = CASES.shown(request, (CaseRow(c, lambda case: summary(case, wired, now)) for c in found))
    page = templates.get_template("cases_body.html").render(
        cases=cases,
        wanted=wanted,
        regions=list(Region),
        groups=list(RegionalGroup),
        instruments=list(Instrument),
        stages=STAGES,
    )
    # Rendered by our templates, which escape every value they write.
    return Markup(page)
