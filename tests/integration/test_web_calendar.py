"""A calendar feed of due dates, meetings and planned activities, at an address each user subscribes to
without signing in."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from activities.engagements import Engagements
from activities.outreach import Outreach
from activities.programme import PlanRecord, Programme
from domain.commands import OpenEngagement
from domain.outreach import MeetingDetails, MeetingKind
from domain.plans import CancelPlan, MakePlan, MovePlan
from domain.user import Role
from domain.values import Door, Instrument
from tests.integration.web_app import app_alone, client_at, sign_in, users_of
from usecases.settings import Settings


def _plans(settings: Settings) -> tuple[PlanRecord, PlanRecord, PlanRecord]:
    """A seminar still planned, a mission planned then cancelled, and a meeting planned then moved."""
    programme = Programme(Outreach(settings.store_env("Outreach")))
    decided = date(2002, 3, 4)

    def make(title: str, kind: str, place: str, planned: date) -> PlanRecord:
        asked = {"title": title, "kind": kind, "place": place, "planned": planned, "effective_date": decided}
        return programme.make_plan(MakePlan.model_validate(asked | {"actor": "m", "states": ("BOL",)}))

    kept = make("Andean seminar", "seminar", "Quito", date(2002, 5, 6))
    cancelled = make("Mission to Tarija", "mission", "Tarija", date(2002, 5, 20))
    programme.cancel_plan(CancelPlan(plan=cancelled.id, reason="No host", effective_date=date(2002, 4, 1)))
    moved = make("Donors' meeting", "meeting", "Vienna", date(2002, 6, 3))
    moving = {
        "planned": date(2002, 7, 8),
        "planned_end": date(2002, 7, 10),
        "effective_date": date(2002, 4, 2),
    }
    programme.move_plan(MovePlan.model_validate({"plan": moved.id, **moving}))
    programme.outreach.close()
    return kept, cancelled, moved


def _vevents(body: str) -> dict[str, list[str]]:
    """Each event's lines (unfolded), by its UID."""
    events: dict[str, list[str]] = {}
    for block in body.replace("\r\n ", "").split("BEGIN:VEVENT\r\n")[1:]:
        found = block.split("END:VEVENT")[0].split("\r\n")
        uid = next(line for line in found if line.startswith("UID:"))
        events[uid.removeprefix("UID:")] = found
    return events


async def test_an_officer_subscribes_to_due_dates_meetings_and_plans_and_a_new_token_ends_the_old_address(
    tmp_path: Path,
) -> None:
    settings = Settings(home=tmp_path)
    engagements = Engagements(settings.store_env("Engagements"))
    for state in ("BOL", "PER"):
        engagements.handle(
            OpenEngagement(
                state=state,
                actor="a",
                command_id=None,
                effective_date=date(2001, 9, 3),
                instruments=(Instrument.CONVENTION,),
            )
        )
    engagements.close()
    meeting = MeetingDetails(
        title="Subregional seminar; Andean States",
        kind=MeetingKind.SUBREGIONAL_SEMINAR,
        place="Lima",
        start=date(2002, 5, 6),
        end=date(2002, 5, 8),
    )
    Outreach(settings.store_env("Outreach")).record_meeting(meeting, actor="m", source=None, door=Door.CLI)
    kept, cancelled, moved = _plans(settings)
    users = users_of(tmp_path)
    _, token = users.add("a.quispe", Role.OFFICER, users.scope(("BOL",)), actor="test")
    app = app_alone(tmp_path)
    officer = client_at(app)
    assert (await sign_in(officer, token)).status_code == 303

    page = (await officer.get("/calendar")).text
    found = re.search(r'<code class="token" id="feed">http://testserver([^<]+)</code>', page)
    assert found is not None, page
    stranger = client_at(app)
    feed = await stranger.get(found.group(1))
    guessed = await stranger.get(re.sub(r"/[0-9a-f]{32}\.ics$", "/" + "0" * 32 + ".ics", found.group(1)))
    users.issue_token("a.quispe", actor="test")
    after_new_token = await stranger.get(found.group(1))
    await officer.aclose()
    await stranger.aclose()

    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    body = feed.text
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    # Due a period after the request's effective date (2001), so overdue by now.
    assert re.search(r"\r\nSUMMARY:Bolivia[^\r]*: law summary due \(overdue\)\r\n", body), body
    assert "PER" not in body.replace("PRODID", "")
    assert "SUMMARY:Subregional seminar\\; Andean States (subregional seminar)\\, Lima" in body
    assert "DTSTART;VALUE=DATE:20020506" in body
    assert "DTEND;VALUE=DATE:20020509" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert guessed.status_code == 404
    assert after_new_token.status_code == 404
    events = _vevents(body)
    planned = events[f"plan-{kept.id}@palermo"]
    assert "SUMMARY:Planned: Andean seminar (seminar)\\, Quito" in planned, planned
    assert "DTSTART;VALUE=DATE:20020506" in planned
    assert "STATUS:TENTATIVE" in planned
    assert f"plan-{cancelled.id}@palermo" not in events
    assert "Tarija" not in body
    now_planned = events[f"plan-{moved.id}@palermo"]
    assert "DTSTART;VALUE=DATE:20020708" in now_planned, now_planned
    assert "DTEND;VALUE=DATE:20020711" in now_planned
    assert "SEQUENCE:1" in now_planned
    assert "20020603" not in body
