"""A calendar feed of due dates and meetings, at an address each user subscribes to without signing in."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from activities.engagements import Engagements
from activities.outreach import Outreach
from domain.commands import OpenEngagement
from domain.outreach import MeetingDetails, MeetingKind
from domain.user import Role
from domain.values import Door, Instrument
from tests.integration.web_app import app_alone, client_at, sign_in, users_of
from usecases.settings import Settings


async def test_an_officer_subscribes_to_due_dates_and_meetings_and_a_new_token_ends_the_old_address(
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
