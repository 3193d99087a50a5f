"""The figures and pages the web app keeps between requests: a step recorded by another process is on the next
dashboard, case page and figures, each as-of date and known-at time is answered for itself, users asking at
once share one computation, and what nothing changed is drawn once."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from activities.engagements import Engagements
from domain.commands import NameFocalPoint, OpenEngagement, RecordLawSummary
from domain.user import Role, Scope
from domain.values import Instrument
from projections import figures as counted
from projections.figures import Figures, figures
from tests.integration.web_app import app_alone, client_at, sign_in, users_of
from usecases.read_models import open_store, refresh, sources
from usecases.settings import Settings
from web import case_list, dashboard, reports

AS_OF = "2002-03-04"


@dataclass
class Clock:
    """The recording clock of the process that records steps (the worker, here the test)."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class Office:
    home: Path
    browser: httpx.AsyncClient
    token: str
    clock: Clock
    app: FastAPI
    # The web app's clock, which says which steps are overdue now.
    web_clock: Clock

    def record(self, *commands: Any) -> None:
        engagements = Engagements(Settings(home=self.home).store_env("Engagements"), clock=self.clock)
        for command in commands:
            engagements.handle(command)
        engagements.close()

    async def figures(self, **asked: str) -> dict[str, Any]:
        answer = await self.browser.get(
            "/api/report/figures", params=asked, headers={"Authorization": f"Bearer {self.token}"}
        )
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    async def dashboard(self, **asked: str) -> str:
        answer = await self.browser.get("/dashboard", params=asked)
        assert answer.status_code == 200, answer.text
        return answer.text


@pytest_asyncio.fixture(loop_scope="session")
async def office(tmp_path: Path) -> AsyncIterator[Office]:
    _, token = users_of(tmp_path).add("boss", Role.MANAGER, Scope(), actor="test")
    web_clock = Clock(datetime.now(UTC))
    app = app_alone(tmp_path, clock=web_clock)
    browser = client_at(app)
    assert (await sign_in(browser, token)).status_code == 303
    yield Office(tmp_path, browser, token, Clock(datetime(2002, 3, 1, 9, tzinfo=UTC)), app, web_clock)
    await browser.aclose()


def opened(state: str, day: date) -> OpenEngagement:
    return OpenEngagement(state=state, effective_date=day, instruments=(Instrument.CONVENTION,))


def shown(page: str, figure: str) -> int:
    found = re.search(rf'data-figure="{re.escape(figure)}"[^>]*>(\d+)</a>', page)
    assert found is not None, page
    return int(found.group(1))


def fresh(home: Path, as_of: date, known_at: datetime | None = None) -> Figures:
    """The figures as a new reader computes them: its own store, caught up with the logs."""
    settings = Settings(home=home)
    store, logs = open_store(settings), sources(settings)
    try:
        refresh(store, logs)
        return figures(store, as_of, known_at)
    finally:
        store.close()
        for log in logs:
            log.close()


async def test_a_step_recorded_elsewhere_is_on_the_next_dashboard_and_in_the_next_figures(
    office: Office,
) -> None:
    office.record(opened("PER", date(2001, 9, 3)))
    before = await office.dashboard(as_of=AS_OF)
    before_api = await office.figures(as_of=AS_OF)

    office.record(
        opened("BOL", date(2001, 9, 4)), RecordLawSummary(state="PER", effective_date=date(2001, 11, 5))
    )
    after = await office.dashboard(as_of=AS_OF)
    after_api = await office.figures(as_of=AS_OF)

    assert shown(before, "requests_received") == 1
    assert shown(after, "requests_received") == 2
    assert shown(before, "engagements_by_stage.law_summary") == 1
    assert shown(after, "engagements_by_stage.law_summary") == 1  # Bolivia now waits; Peru no longer
    assert before_api["requests_received"] == 1
    assert after_api["requests_received"] == 2
    assert after_api == fresh(office.home, date(2002, 3, 4)).model_dump(mode="json")


async def test_each_as_of_date_and_known_at_time_is_answered_for_itself(office: Office) -> None:
    office.record(opened("PER", date(2001, 9, 3)))
    office.clock.now += timedelta(days=10)
    office.record(
        opened("BOL", date(2001, 12, 4)), NameFocalPoint(state="PER", effective_date=date(2001, 12, 5))
    )
    between = (office.clock.now - timedelta(days=5)).isoformat()

    asked = [
        {"as_of": "2001-10-01"},
        {"as_of": "2001-12-31"},
        {"as_of": "2001-10-01"},
        {"as_of": "2001-12-31", "known_at": between},
        {"as_of": "2001-12-31"},
        {"as_of": "2001-12-31", "known_at": between},
    ]
    answers = [await office.figures(**question) for question in asked]

    assert [a["requests_received"] for a in answers] == [1, 2, 1, 1, 2, 1]
    for question, answer in zip(asked, answers, strict=True):
        known = datetime.fromisoformat(question["known_at"]) if "known_at" in question else None
        expected = fresh(office.home, date.fromisoformat(question["as_of"]), known)
        assert answer == expected.model_dump(mode="json")
    early = await office.dashboard(as_of="2001-10-01")
    late = await office.dashboard(as_of="2001-12-31")
    assert (shown(early, "requests_received"), shown(late, "requests_received")) == (1, 2)


async def test_one_moment_asked_with_two_offsets_is_answered_with_each(office: Office) -> None:
    office.record(opened("PER", date(2001, 9, 3)))
    utc = await office.figures(as_of=AS_OF, known_at="2002-03-02T12:00:00+00:00")
    vienna = await office.figures(as_of=AS_OF, known_at="2002-03-02T13:00:00+01:00")

    assert utc["requests_received"] == vienna["requests_received"] == 1
    assert (utc["known_at"], vienna["known_at"]) == ("2002-03-02T12:00:00Z", "2002-03-02T13:00:00+01:00")


async def test_users_asking_at_once_share_one_computation(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    office.record(opened("PER", date(2001, 9, 3)))
    computed: list[date] = []

    def counting(real: Callable[..., Figures]) -> Callable[..., Figures]:
        def count(*args: Any, **kwargs: Any) -> Figures:
            computed.append(args[1])
            return real(*args, **kwargs)

        return count

    monkeypatch.setattr(reports, "figures", counting(counted.figures))
    answers = await asyncio.gather(*(office.figures(as_of="2001-12-31") for _ in range(20)))
    again = await office.figures(as_of="2001-12-31")
    office.record(opened("BOL", date(2001, 9, 4)))
    moved = await asyncio.gather(*(office.figures(as_of="2001-12-31") for _ in range(5)))

    assert all(a == answers[0] for a in [*answers, again])
    assert {m["requests_received"] for m in moved} == {2}
    assert computed == [date(2001, 12, 31), date(2001, 12, 31)]


def counting(calls: list[object], real: Callable[..., Any]) -> Callable[..., Any]:
    def count(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    return count


def overdue_shown(page: str) -> int:
    found = re.search(r'<h2 id="overdue">Overdue steps now <span class="count">(\d+)</span>', page)
    assert found is not None, page
    return int(found.group(1))


async def test_a_dashboard_asked_again_with_nothing_recorded_is_drawn_once_and_again_after_a_step(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    office.record(opened("PER", date(2001, 9, 3)))
    drawn: list[object] = []
    monkeypatch.setattr(dashboard, "_draw", counting(drawn, dashboard._draw))

    first = await office.dashboard(as_of=AS_OF)
    again = await asyncio.gather(*(office.dashboard(as_of=AS_OF) for _ in range(5)))
    other_day = await office.dashboard(as_of="2001-12-31")
    assert len(drawn) == 2
    office.record(opened("BOL", date(2001, 9, 4)))
    after = await office.dashboard(as_of=AS_OF)

    assert len(drawn) == 3
    assert shown(first, "requests_received") == 1
    assert {shown(page, "requests_received") for page in again} == {1}
    assert shown(other_day, "requests_received") == 1
    assert shown(after, "requests_received") == 2


async def test_a_step_falling_due_with_nothing_recorded_is_on_the_next_dashboard(office: Office) -> None:
    office.record(opened("PER", date(2001, 9, 3)))
    services = office.app.state.services
    first = min(s.due_at for s in services.book.open_steps(services.due_days, office.web_clock.now))
    falling = [s for s in services.book.open_steps(services.due_days, first) if s.due_at == first]

    office.web_clock.now = first - timedelta(seconds=1)
    before = await office.dashboard(as_of=AS_OF)
    office.web_clock.now = first + timedelta(seconds=1)
    after = await office.dashboard(as_of=AS_OF)

    assert (overdue_shown(before), overdue_shown(after)) == (0, len(falling))
    assert "Peru (PER)" not in before.split('id="overdue"')[1].split("<h2")[0]
    assert "Peru (PER)" in after.split('id="overdue"')[1].split("<h2")[0]


async def test_the_figures_are_written_out_once_per_version_and_question(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    office.record(opened("PER", date(2001, 9, 3)))
    read: list[object] = []
    monkeypatch.setattr(reports, "read_figures", counting(read, reports.read_figures))

    answers = [await office.figures(as_of=AS_OF) for _ in range(3)]
    demo = await office.figures(as_of=AS_OF, include_demo="true")
    office.record(opened("BOL", date(2001, 9, 4)))
    after = await office.figures(as_of=AS_OF)

    assert len(read) == 3  # once for the three alike, once with demo data, once after the step
    assert [a["requests_received"] for a in [*answers, demo, after]] == [1, 1, 1, 1, 2]
    assert after == fresh(office.home, date(2002, 3, 4)).model_dump(mode="json")


async def test_a_case_page_reads_the_store_once_per_version_of_the_case(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    office.record(opened("PER", date(2001, 9, 3)), opened("BOL", date(2001, 9, 4)))
    engagements = office.app.state.services.engagements
    read: list[object] = []
    monkeypatch.setattr(engagements, "history", counting(read, engagements.history))

    async def page(state: str) -> str:
        answer = await office.browser.get(f"/cases/{state}")
        assert answer.status_code == 200, answer.text
        return answer.text

    first = [await page("PER") for _ in range(3)]
    other = await page("BOL")
    assert len(read) == 2
    office.record(RecordLawSummary(state="PER", effective_date=date(2001, 11, 5)))
    after = await page("PER")
    unchanged = await page("BOL")

    assert len(read) == 3
    assert all('data-event="LawSummaryReceived"' not in p for p in first)
    assert 'data-event="LawSummaryReceived"' in after
    assert after.count('data-event="') == first[0].count('data-event="') + 1
    assert unchanged == other.replace(csrf_of(other), csrf_of(unchanged))


async def test_a_page_looks_at_each_log_once_and_shows_what_was_recorded_before_it_was_asked_for(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every look at a log is a round trip on PostgreSQL, on the event loop: a case page made ten.
    services = office.app.state.services
    looks: dict[str, list[object]] = {"Users": []}
    for log in services.logs:
        calls = looks.setdefault(log.name, [])
        for name in ("read", "last"):
            monkeypatch.setattr(log, name, counting(calls, getattr(log, name)))
    recorder = services.users.recorder
    monkeypatch.setattr(
        recorder, "select_notifications", counting(looks["Users"], recorder.select_notifications)
    )

    def looked() -> dict[str, int]:
        """How many times each log was looked at since the last call."""
        counts = {name: len(calls) for name, calls in looks.items() if calls}
        for calls in looks.values():
            calls.clear()
        return counts

    office.record(opened("PER", date(2001, 9, 3)))
    first = await office.browser.get("/cases/PER")
    seen = looked()
    office.record(RecordLawSummary(state="PER", effective_date=date(2001, 11, 5)))
    after = await office.browser.get("/cases/PER")
    seen_after = looked()

    assert [first.status_code, after.status_code] == [200, 200]
    # The end of each log the page reads, then what it gained: the Engagements and Treaties logs.
    assert seen == {"Engagements": 2, "Treaties": 1, "Users": 1}, seen
    assert seen_after == {"Engagements": 2, "Treaties": 1, "Users": 1}, seen_after
    assert 'data-event="LawSummaryReceived"' not in first.text
    assert 'data-event="LawSummaryReceived"' in after.text


async def test_the_case_list_is_drawn_once_per_state_of_the_book_and_question(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    office.record(opened("PER", date(2001, 9, 3)))
    drawn: list[object] = []
    monkeypatch.setattr(case_list, "_draw", counting(drawn, case_list._draw))

    async def listed(**asked: str) -> set[str]:
        answer = await office.browser.get("/cases", params=asked)
        assert answer.status_code == 200, answer.text
        return set(re.findall(r'<tr data-state="([A-Z]{3})">', answer.text))

    first = [await listed() for _ in range(3)]
    by_region = await listed(region="Americas")
    assert len(drawn) == 2
    office.record(opened("BOL", date(2001, 9, 4)))
    after = await listed()

    assert len(drawn) == 3
    assert first == [{"PER"}] * 3
    assert by_region == {"PER"}
    assert after == {"PER", "BOL"}


async def test_a_step_falling_due_with_nothing_recorded_is_in_the_next_list_of_overdue_cases(
    office: Office,
) -> None:
    office.record(opened("PER", date(2001, 9, 3)))
    services = office.app.state.services
    first = min(s.due_at for s in services.book.open_steps(services.due_days, office.web_clock.now))

    async def overdue() -> str:
        answer = await office.browser.get("/cases", params={"overdue": "true"})
        assert answer.status_code == 200, answer.text
        return answer.text

    office.web_clock.now = first - timedelta(seconds=1)
    before = await overdue()
    office.web_clock.now = first + timedelta(seconds=1)
    after = await overdue()

    assert 'data-state="PER"' not in before
    assert 'data-state="PER"' in after


def csrf_of(page: str) -> str:
    found = re.search(r'<meta name="csrf" content="([^"]+)">', page)
    assert found is not None
    return found.group(1)
