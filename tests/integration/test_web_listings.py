"""Every list of the web app as its declaration in web/listings.py makes it: a search narrows it (every
word must match), a sort orders it both ways, a second page follows a full one, and its CSV and Excel files
hold the rows its pages list. Every table too small to search downloads the rows it shows."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio
from openpyxl.reader.excel import load_workbook

from activities.engagements import Engagements
from activities.legislation import Legislation
from activities.outreach import Outreach
from activities.refused_commands import RefusedCommand
from activities.resources import Resources
from domain.commands import Escalate, NameFocalPoint, OpenEngagement, RecordLawSummary
from domain.experts import ExpertDetails
from domain.funds import Earmark, Pledge
from domain.legislation import Enactment
from domain.outreach import MeetingDetails, MeetingKind
from domain.plans import MakePlan
from domain.questionnaires import AnswerQuestionnaire, Questionnaire, SendQuestionnaire
from domain.user import Role
from domain.values import Door, FocalPoint, Instrument
from projections.casebook import open_steps
from tests.integration.web_app import client_at, sign_in, users_of
from usecases.programme import open_programme
from usecases.refusals import open_refused_commands
from usecases.settings import Settings
from web import create_app
from web.config import WebSettings
from web.listings import (
    AUDITED,
    CASES,
    CONTRIBUTIONS,
    ESCALATED,
    EXPERTS,
    FUNDS_BY,
    LAG,
    LAWS,
    PAGES,
    PLANS,
    POOLS,
    REFUSED,
    REPLIES,
    SEMINARS,
    SENT,
    STEPS,
    STUCK,
    USERS,
    WORKFLOWS,
)
from web.lists import Listing

# Rows a page shows here: three rows make two pages.
PAGE = 2
# Opened in an order that is neither that of their names nor of their requests.
STATES = {"PER": date(2001, 9, 1), "BOL": date(2001, 9, 3), "ECU": date(2001, 9, 4), "CHL": date(2001, 9, 2)}


@dataclass(frozen=True)
class Seen:
    """One list as the test reads it: the page it is on, where its table starts, the column of its files whose
    text names a row on the page, a word that finds some rows and another that finds others, and a sort with
    the column whose text it orders."""

    path: str
    listing: Listing[Any]
    table: str
    key: int
    word: str
    other: str
    sort: str
    by: int
    reader: str = "manager"

    def __str__(self) -> str:
        return f"{self.path}:{self.listing.name}"


LISTS = (
    Seen("/cases", CASES, '<table class="cases"', 0, "chile", "peru", "received", 4),
    Seen("/worklist", STEPS, 'id="open-steps"', 0, "chile", "peru", "state", 1),
    Seen("/experts", EXPERTS, '<table class="experts"', 0, "portuguese", "mandarin", "name", 0),
    Seen("/funds", CONTRIBUTIONS, '<table class="contributions"', 0, "norway", "japan", "donor", 1),
    Seen("/legislation", LAWS, '<table class="laws"', 4, "bravo", "alpha", "law", 4),
    Seen("/plans", PLANS, '<table class="plans"', 3, "dakar", "quito", "place", 3),
    Seen("/questionnaires", SENT, '<table class="questionnaires"', 2, "chl", "bol", "date", 0),
    Seen("/questionnaires", REPLIES, '<table class="replies"', 2, "chl", "bol", "state", 2),
    Seen("/incidents", ESCALATED, 'id="escalated-steps"', 0, "chl", "bol", "state", 0),
    Seen("/incidents", REFUSED, 'id="refused-commands"', 1, "chl", "bol", "state", 1),
    Seen("/audit", AUDITED, '<table class="cases"', 0, "chile", "peru", "name", 1, reader="auditor"),
    Seen("/seminars", SEMINARS, '<table class="seminars"', 3, "lima", "bangkok", "place", 3),
    Seen("/users", USERS, '<table class="users"', 0, "tanaka", "okafor", "name", 0),
)
# Tables of figures, too short to search or turn the pages of: their files hold what they show.
TABLES = (
    Seen("/experts", POOLS, '<table class="pools"', 0, "", "", "", 0),
    *(Seen("/funds", f, f'id="funds-by-{w}"', 0, "", "", "", 0) for w, f in FUNDS_BY.items()),
    Seen("/incidents", LAG, '<table class="lag"', 0, "", "", "", 0),
)


def test_every_list_and_table_of_every_page_is_checked_here() -> None:
    # The workflows' incidents need a Temporal server: tests/integration/test_web_incidents.py checks them.
    temporal = {("/incidents", WORKFLOWS.name), ("/incidents", STUCK.name)}
    checked = {(s.path, s.listing.name) for s in (*LISTS, *TABLES)} | temporal
    assert checked == {(path, listing.name) for path, listings in PAGES.items() for listing in listings}


def _seed_cases(settings: Settings) -> None:
    engagements = Engagements(settings.store_env("Engagements"))
    for state, received in STATES.items():
        common = {"state": state, "actor": "a.quispe", "command_id": None, "effective_date": received}
        engagements.handle(OpenEngagement(**common, instruments=(Instrument.CONVENTION,)))
        engagements.handle(RecordLawSummary(**common, document=f"{state}/LAW/1"))
        engagements.handle(NameFocalPoint(**common, focal_point=FocalPoint(name="R. Soto")))
        case = engagements.case(state)
        assert case is not None
        # The gap list, awaited since 2001, is overdue; a manager was told.
        [step] = open_steps(case, settings.due_days, datetime.now(UTC))
        due = step.due_at.date()
        engagements.handle(Escalate(**common | {"effective_date": due}, step=step.step, due_date=due))
    engagements.close()
    refusals = open_refused_commands(settings)
    for n, state in enumerate(STATES):
        # Refused in an order that is not that of the States' codes.
        at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=(7 * n) % 5)
        reason = f"The training step of {state} needs the legislation step first."
        refusals.note(
            RefusedCommand(
                at=at, state=state, kind="training", door=Door.WEB, actor="a.quispe", reason=reason
            )
        )


def _seed_records(settings: Settings) -> None:
    resources = Resources(settings.store_env("Resources"))
    experts = (("Zoe Adams", "Africa", "English"), ("Ana Costa", "Americas", "Portuguese"))
    for name, region, language in (*experts, ("Mei Chen", "Asia", "Mandarin")):
        details = ExpertDetails(name=name, region=region, languages=(language,), groups=("convention",))
        resources.register_expert(details, effective_date=date(2001, 5, 1), actor="test", source=None)
    for reference, donor in (("REF-ALPHA", "Norway"), ("REF-BRAVO", "Italy"), ("REF-CHARLIE", "Japan")):
        pledge = Pledge(reference=reference, donor=donor, amount=Decimal(1000), earmark=Earmark())
        resources.pledge(pledge, effective_date=date(2001, 6, 1), actor="test", source=None)
    resources.close()
    laws = Legislation(settings.store_env("Legislation"))
    known = (("PER", "art6", "Charlie Code"), ("BOL", "art23", "Bravo Act"), ("CHL", "art6", "Alpha Law"))
    for state, article, law in known:
        enactment = Enactment(state=state, checklist_item=f"convention.{article}", law=law)
        laws.record(enactment, enacted=date(1999, 1, 1), actor="test", source=None)
    laws.close()
    outreach = Outreach(settings.store_env("Outreach"))
    for place, day in (
        ("Windhoek", date(2001, 3, 5)),
        ("Lima", date(2001, 7, 2)),
        ("Bangkok", date(2001, 5, 7)),
    ):
        meeting = MeetingDetails(title="Briefing", kind=MeetingKind.BRIEFING, place=place, start=day, end=day)
        outreach.record_meeting(meeting, actor="test", source=None)
    programme = open_programme(settings, outreach)
    decided = date(2002, 3, 4)
    for place, month in (("Vienna", 5), ("Quito", 6), ("Dakar", 7)):
        programme.make_plan(
            MakePlan(
                title="Seminar",
                kind="seminar",
                place=place,
                planned=date(2002, month, 6),
                effective_date=decided,
            )
        )
    asked = Questionnaire.PROSECUTORS
    for state, day in (("PER", date(2001, 10, 3)), ("CHL", date(2001, 10, 1)), ("BOL", date(2001, 10, 2))):
        programme.send(SendQuestionnaire(questionnaire=asked, states=(state,), effective_date=day))
        programme.answer(
            AnswerQuestionnaire(questionnaire=asked, state=state, effective_date=date(2001, 12, 1))
        )
    outreach.close()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def readers(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """A manager and an auditor of a web app whose every list has three rows or more, two to a page."""
    home = tmp_path_factory.mktemp("lists")
    # No Temporal server answers there: the incidents page says so and lists the rest.
    settings = Settings(home=home, temporal_address="127.0.0.1:9")
    _seed_cases(settings)
    _seed_records(settings)
    users = users_of(home)
    tokens = {
        "manager": users.add("m.rossi", Role.MANAGER, users.scope(), actor="test")[1],
        "auditor": users.add("k.tanaka", Role.AUDITOR, users.scope(), actor="test")[1],
    }
    users.add("b.okafor", Role.OFFICER, users.scope(("NGA",)), actor="test")
    users.add("z.ali", Role.OFFICER, users.scope(("PER",)), actor="test")
    app = create_app(settings, web=WebSettings(secret="test-secret", page_size=PAGE))
    clients = {}
    for name, token in tokens.items():
        clients[name] = client_at(app)
        assert (await sign_in(clients[name], token)).status_code == 303
    yield clients
    for client in clients.values():
        await client.aclose()


async def _file(
    readers: dict[str, httpx.AsyncClient], seen: Seen, kind: str, **asked: str
) -> list[list[str]]:
    """The rows of the list's file (its header checked), as the address asks."""
    listing = seen.listing
    params = asked | {listing.param("download"): kind}
    answer = await readers[seen.reader].get(seen.path, params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"] == f'attachment; filename="{listing.name}.{kind}"'
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(answer.text)))
    else:
        sheet = load_workbook(io.BytesIO(answer.content)).active
        assert sheet is not None
        rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [c.header for c in listing.columns]
    return rows[1:]


async def _keys(readers: dict[str, httpx.AsyncClient], seen: Seen, **asked: str) -> list[str]:
    return [row[seen.key] for row in await _file(readers, seen, "csv", **asked)]


async def _page(readers: dict[str, httpx.AsyncClient], seen: Seen, **asked: str) -> str:
    answer = await readers[seen.reader].get(seen.path, params=asked)
    assert answer.status_code == 200, answer.text
    return answer.text


def _table(page: str, seen: Seen) -> str:
    start = page.index(seen.table)
    return page[start : page.index("</table>", start)]


def _shown(page: str, seen: Seen, keys: list[str]) -> list[str]:
    """Which of the rows named by `keys` the list's table shows, in the order it shows them."""
    table = _table(page, seen)
    found = [(table.find(html.escape(k)), k) for k in keys if html.escape(k) in table]
    return [k for _, k in sorted(found)]


@pytest.mark.parametrize("seen", LISTS, ids=str)
async def test_a_search_narrows_every_list_to_the_rows_with_every_word(
    readers: dict[str, httpx.AsyncClient], seen: Seen
) -> None:
    every = await _keys(readers, seen)
    found = await _keys(readers, seen, q=seen.word.upper())
    others = await _keys(readers, seen, q=seen.other)
    both = await _keys(readers, seen, q=f"{seen.word} {seen.other}")
    page = await _page(readers, seen, q=seen.word)

    assert 0 < len(found) < len(every)
    assert set(found) < set(every)
    assert others
    assert set(both) == set(found) & set(others)
    assert _shown(page, seen, every) == found[:PAGE]
    assert f'name="q" value="{seen.word}"' in page


@pytest.mark.parametrize("seen", LISTS, ids=str)
async def test_a_sort_orders_every_list_both_ways(readers: dict[str, httpx.AsyncClient], seen: Seen) -> None:
    sort = seen.listing.param("sort")
    rising = await _file(readers, seen, "csv", **{sort: seen.sort})
    falling = await _file(readers, seen, "csv", **{sort: f"-{seen.sort}"})
    first = await _page(readers, seen, **{sort: seen.sort})
    last = await _page(readers, seen, **{sort: f"-{seen.sort}"})

    ordered = [row[seen.by] for row in rising]
    assert len(set(ordered)) > 1
    assert ordered == sorted(ordered, key=str.casefold)
    assert [row[seen.by] for row in falling] == ordered[::-1]
    every = [row[seen.key] for row in rising]
    assert _shown(first, seen, every) == every[:PAGE]
    assert _shown(last, seen, every) == [row[seen.key] for row in falling][:PAGE]
    links = re.search(rf'aria-label="Sort the {seen.listing.title}">(.*?)</nav>', first, re.S)
    assert links is not None
    assert 'aria-current="true"' in links.group(1)


@pytest.mark.parametrize("seen", LISTS, ids=str)
async def test_every_list_turns_to_a_second_page_that_keeps_its_sort(
    readers: dict[str, httpx.AsyncClient], seen: Seen
) -> None:
    sort = seen.listing.param("sort")
    every = await _keys(readers, seen, **{sort: f"-{seen.sort}"})
    first = await _page(readers, seen, **{sort: f"-{seen.sort}"})
    pages = re.search(rf'aria-label="Pages of the {seen.listing.title}">(.*?)</nav>', first, re.S)
    assert pages is not None
    following = re.search(r'href="([^"]+)" rel="next"', pages.group(1))
    assert following is not None
    second = await readers[seen.reader].get(html.unescape(following.group(1)))

    assert len(every) > PAGE
    assert _shown(first, seen, every) == every[:PAGE]
    assert _shown(second.text, seen, every) == every[PAGE : 2 * PAGE]
    assert 'rel="prev"' in second.text


@pytest.mark.parametrize("seen", LISTS, ids=str)
async def test_the_csv_and_excel_files_of_every_list_hold_the_rows_its_pages_list(
    readers: dict[str, httpx.AsyncClient], seen: Seen
) -> None:
    page_of = seen.listing.param("page")
    for asked in ({"q": seen.other}, {}):
        as_csv = await _file(readers, seen, "csv", **asked)
        as_xlsx = await _file(readers, seen, "xlsx", **asked)
        every = [row[seen.key] for row in await _file(readers, seen, "csv")]
        listed: list[str] = []
        for number in range(1, max(1, -(-len(as_csv) // PAGE)) + 1):
            listed += _shown(await _page(readers, seen, **asked, **{page_of: str(number)}), seen, every)

        assert as_csv == as_xlsx
        assert [row[seen.key] for row in as_csv] == listed


@pytest.mark.parametrize("seen", TABLES, ids=str)
async def test_the_files_of_every_table_hold_the_rows_it_shows(
    readers: dict[str, httpx.AsyncClient], seen: Seen
) -> None:
    as_csv = await _file(readers, seen, "csv")
    as_xlsx = await _file(readers, seen, "xlsx")
    table = _table(await _page(readers, seen), seen).split("<tbody>", 1)[1]

    assert as_csv == as_xlsx
    assert len(as_csv) == table.count("<tr") > 1
    assert [f"<td>{html.escape(row[0])}</td>" in table for row in as_csv] == [True] * len(as_csv)


async def test_the_address_keeps_the_view_and_a_bad_one_is_refused(
    readers: dict[str, httpx.AsyncClient],
) -> None:
    asked = {"q": "chile", "sort": "-received", "region": "Americas"}
    page = await _page(readers, LISTS[0], **asked)
    linked = re.search(r'<a href="([^"]+)" class="view-link"', page)
    unknown = await readers["manager"].get("/experts", params={"sort": "shoe size"})
    too_far = await readers["manager"].get("/users", params={"page": "0"})
    neither = await readers["manager"].get("/plans", params={"download": "pdf"})

    assert linked is not None
    assert httpx.URL(html.unescape(linked.group(1))).params == httpx.QueryParams(asked)
    assert '<input type="hidden" name="sort" value="-received">' in page
    assert (unknown.status_code, too_far.status_code, neither.status_code) == (422, 422, 422)
    assert "the experts sort by name, region, joined" in unknown.text
