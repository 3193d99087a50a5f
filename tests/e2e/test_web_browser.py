"""The web app as people use it, in headless Chromium, on the stack `palermo up` starts: an officer's
case from request to training through the forms, a manager's figures, an auditor's history, refusals."""

from __future__ import annotations

import random
import re
import zipfile
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Page, expect

from activities.engagements import Engagements
from domain.regions import REGION_OF
from domain.user import Role
from tests.e2e.browser import Site, chromium, fresh_screenshots, web_url
from tests.e2e.conftest import REPO, START_TIMEOUT_S, Palermo

# A State per test: the stack belongs to this module, so no other test touches these cases.
STATES = random.sample(sorted(c for c in REGION_OF if len(c) == 3), 10)
WHOLE_CASE = [
    "RequestReceived",
    "LawSummaryReceived",
    "FocalPointNamed",
    "GapListDrawnUp",
    "AssistanceActivityRecorded",
    "AssistanceConcluded",
    "BillAdvanced",
    "LegislationConcluded",
    "TrainingHeld",
]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def site(palermo: Palermo, request: pytest.FixtureRequest) -> AsyncIterator[Site]:
    shots = fresh_screenshots("web-")
    async with chromium() as browser:
        yield Site(palermo=palermo, url=web_url(palermo), browser=browser, shots=shots)
    # Past pytest's capture, so the folder is named whatever the output options.
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\nBrowser screenshots: {shots}")


async def submit(page: Page, form: str) -> None:
    """Submit a step's form and wait for the page it leads to."""
    async with page.expect_navigation():
        await page.click(f"{form} button[type=submit]")


async def recorded(page: Page, what: str) -> None:
    await expect(page.locator("p.flash.ok")).to_contain_text(f"{what} recorded")


def test_palermo_up_serves_the_web_app_and_says_where(palermo: Palermo) -> None:
    again = palermo("up", "--detach", timeout=START_TIMEOUT_S)

    assert again.code == 0, again
    assert f"Web app           {web_url(palermo)}" in again.stdout
    assert "web" in {child["name"] for child in palermo.stack_file()["processes"]}


async def open_through_the_form(site: Site, page: Page, state: str) -> None:
    opening = page.locator("#step-open")
    await opening.locator("select[name=state]").select_option(state)
    await opening.locator("input[name=instruments][value=convention]").check()
    await opening.locator("input[name=instruments][value=trafficking]").check()
    await opening.locator("input[name=effective_date]").fill("2001-10-01")
    await opening.locator("textarea[name=partner]").fill("Commonwealth Secretariat")
    await site.both_widths(page, "officer-02-open-form")
    await submit(page, "#step-open")
    await recorded(page, "Open")
    await expect(page.locator("#next-step")).to_have_text("law summary")
    await site.both_widths(page, "officer-03-case-opened")


async def reach_assistance_through_the_forms(site: Site, page: Page, state: str) -> None:
    await page.fill("#step-law_summary input[name=document]", f"{state}/LAW/2002/1")
    await submit(page, "#step-law_summary")
    await recorded(page, "Law summary")
    await page.fill("#step-focal_point input[name=name]", "A. Quispe")
    await page.fill("#step-focal_point input[name=office]", "Ministry of Justice")
    await submit(page, "#step-focal_point")
    await recorded(page, "Focal point")
    await page.check("#step-gap_list input[value='convention.art5']")
    await page.check("#step-gap_list input[value='trafficking.art5']")
    await site.both_widths(page, "officer-04-gap-list-form")
    await submit(page, "#step-gap_list")
    await recorded(page, "Gap list")
    await page.select_option("#step-assistance_activity select[name=kind]", "expert_mission")
    await page.fill("#step-assistance_activity textarea[name=expert]", "J. Doe, M. Rossi")
    await page.fill("#step-assistance_activity input[name=cost]", "15000")
    await submit(page, "#step-assistance_activity")
    await recorded(page, "Assistance activity")
    await submit(page, "#step-assistance")
    await recorded(page, "Assistance")


async def finish_through_the_forms(site: Site, page: Page) -> None:
    # A bill without a title is refused with a plain sentence naming the field by its label; nothing is
    # recorded, and what was chosen stays chosen.
    await page.select_option("#step-bill select[name=stage]", "enacted")
    await page.fill("#step-bill input[name=title]", "")
    await submit(page, "#step-bill")
    await expect(page.locator("p.flash.error")).to_have_text("Title is required.")
    await expect(page.locator("#step-bill select[name=stage]")).to_have_value("enacted")
    await site.both_widths(page, "officer-05-refused-bill")
    await page.fill("#step-bill input[name=title]", "Organized Crime Act")
    await page.check("#step-bill input[name=addresses][value='convention.art5']")
    await submit(page, "#step-bill")
    await recorded(page, "Bill")
    await submit(page, "#step-legislation")
    await recorded(page, "Legislation")
    await page.fill("#step-training input[name=officials]", "40")
    await submit(page, "#step-training")
    await recorded(page, "Training")


async def test_an_officer_takes_a_case_from_request_to_training_through_the_forms(site: Site) -> None:
    state = STATES[0]
    officer = f"officer-{state.lower()}"
    page = await site.page(site.add_user(officer, Role.OFFICER, states=(state,)))
    await expect(page.locator("h1")).to_have_text("Worklist")
    await site.both_widths(page, "officer-01-worklist")

    await open_through_the_form(site, page, state)
    await reach_assistance_through_the_forms(site, page, state)
    await finish_through_the_forms(site, page)

    await expect(page.locator("#next-step")).to_have_text("completed")
    await expect(page.locator("form.step")).to_have_count(0)
    await expect(page.locator("ol.timeline li")).to_have_count(len(WHOLE_CASE))
    await site.both_widths(page, "officer-06-case-completed")
    timeline = await page.locator("ol.timeline li").evaluate_all("items => items.map(i => i.dataset.event)")
    assert timeline == WHOLE_CASE
    stored = Engagements(site.settings.store_env("Engagements")).history(state)
    assert [e.type for e in stored] == WHOLE_CASE
    assert {e.actor for e in stored} == {officer}
    assert stored[0].effective_date == date(2001, 10, 1)
    await page.goto("/worklist")
    await expect(page.locator(f"tr[data-state='{state}']")).to_have_count(0)


async def test_a_manager_sees_the_figures_change_when_an_officer_records_steps(site: Site) -> None:
    state = STATES[1]
    officer = await site.page(site.add_user(f"officer-{state.lower()}", Role.OFFICER, states=(state,)))
    manager = await site.page(site.add_user(f"manager-{state.lower()}", Role.MANAGER))
    await expect(manager.locator("h1")).to_have_text("Dashboard")

    async def figure(name: str) -> int:
        return int(await manager.locator(f"#figures a[data-figure='{name}']").inner_text())

    async def bar(name: str) -> int:
        value = await manager.locator(
            f"#chart-funnel rect[data-figure='engagements_by_stage.{name}']"
        ).get_attribute("data-value")
        return int(value or "-1")

    before = {name: await figure(name) for name in ("requests_received", "engagements_by_stage.law_summary")}
    await site.shot(manager, "manager-01-dashboard-before")

    await officer.goto("/worklist")
    await officer.select_option("#step-open select[name=state]", state)
    await officer.check("#step-open input[name=instruments][value=smuggling]")
    await officer.fill("#step-open input[name=effective_date]", "2002-01-15")
    await submit(officer, "#step-open")
    await recorded(officer, "Open")
    await manager.reload()

    assert await figure("requests_received") == before["requests_received"] + 1
    assert await figure("engagements_by_stage.law_summary") == before["engagements_by_stage.law_summary"] + 1
    assert await bar("law_summary") == before["engagements_by_stage.law_summary"] + 1
    await site.shot(manager, "manager-02-dashboard-after-request")

    await officer.fill("#step-law_summary input[name=document]", "LAW/1")
    await submit(officer, "#step-law_summary")
    await officer.fill("#step-focal_point input[name=name]", "R. Soto")
    await submit(officer, "#step-focal_point")
    await recorded(officer, "Focal point")
    gap_list_before = await figure("engagements_by_stage.gap_list")
    await manager.reload()

    assert await figure("engagements_by_stage.law_summary") == before["engagements_by_stage.law_summary"]
    assert await figure("engagements_by_stage.gap_list") == gap_list_before + 1

    # As of a day before the request, the case is not counted.
    await manager.fill("#as-of input[name=as_of]", "2002-01-14")
    async with manager.expect_navigation():
        await manager.click("#as-of button[type=submit]")
    await expect(manager.locator("#as-of-date")).to_have_text("2002-01-14")
    earlier = await figure("requests_received")
    await site.shot(manager, "manager-03-dashboard-as-of")

    async with manager.expect_navigation():
        await manager.click("#figures a[data-figure='requests_received']")
    await expect(manager.locator("table.lineage tbody tr")).to_have_count(max(earlier, 1))
    await expect(manager.locator("table.lineage")).not_to_contain_text(state)
    await manager.goto("/report?as_of=2002-03-04")
    await expect(manager.locator("h1")).to_contain_text("Promoting the ratification")
    await site.shot(manager, "manager-04-report")


async def test_an_auditor_opens_the_full_history_of_a_case(site: Site) -> None:
    state = STATES[2]
    officer = f"officer-{state.lower()}"
    token = site.add_user(officer, Role.OFFICER, states=(state,))
    async with site.api(token) as api:
        opened = await api.post("/api/cases", json={"state": state, "instruments": ["firearms"]})
        summary = await api.post(
            f"/api/cases/{state}/law_summary", json={"document": "FA/1", "source": "Letter"}
        )
        withdrawn = await api.post(f"/api/cases/{state}/withdraw", json={"reason": "Elections were called."})
    assert [opened.status_code, summary.status_code, withdrawn.status_code] == [201, 200, 200]
    auditor = await site.page(site.add_user(f"auditor-{state.lower()}", Role.AUDITOR))
    await expect(auditor.locator("h1")).to_contain_text("Audit")
    await site.shot(auditor, "auditor-01-cases")

    async with auditor.expect_navigation():
        await auditor.click(f"tr[data-state='{state}'] a")
    rows = auditor.locator("#history tbody tr")
    await expect(rows).to_have_count(3)
    await expect(auditor.locator("#history td.actor")).to_have_text([officer] * 3)
    await expect(auditor.locator("details.raw")).to_have_count(3)
    await auditor.click("#event-1 summary")
    await expect(auditor.locator("#event-1 pre")).to_contain_text(f'"actor": "{officer}"')
    await expect(auditor.locator("#event-3 pre")).to_contain_text("Elections were called.")
    link = await auditor.get_by_role("link", name="workflow in the Temporal UI").get_attribute("href")
    assert link is not None
    assert link.endswith(f"/namespaces/default/workflows/engagement-{state}")
    await site.shot(auditor, "auditor-02-history")

    await auditor.goto(f"/cases/{state}")
    await expect(auditor.locator("form.step")).to_have_count(0)


async def test_a_user_without_the_role_is_refused(site: Site) -> None:
    state, other = STATES[3], STATES[4]
    token = site.add_user(f"officer-{state.lower()}", Role.OFFICER, states=(state,))
    stranger = await site.page(None)

    await stranger.goto("/dashboard")
    await expect(stranger.locator("h1")).to_have_text("Sign in")
    await stranger.fill("input[name=token]", "0123456789ab.guessed")
    async with stranger.expect_navigation():
        await stranger.click("#login button[type=submit]")
    await expect(stranger.locator("[role=alert]")).to_contain_text("not valid")
    await site.shot(stranger, "refused-01-bad-token")

    officer = await site.page(token)
    for path, sentence in (
        ("/dashboard", "Only managers and auditors may do this"),
        ("/audit", "Only auditors may do this"),
        (f"/cases/{other}", f"{other} is outside the States and regions assigned"),
    ):
        answer = await officer.goto(path)
        assert answer is not None
        assert answer.status == 403
        await expect(officer.locator("#refusal")).to_contain_text(sentence)
    await site.shot(officer, "refused-02-officer-outside-scope")

    auditor = await site.page(site.add_user(f"auditor-{state.lower()}", Role.AUDITOR))
    await auditor.goto("/worklist")
    await expect(auditor.locator("#step-open")).to_have_count(0)
    forged = await auditor.request.post("/cases", form={"state": state, "instruments": "convention"})
    assert forged.status == 403
    assert Engagements(site.settings.store_env("Engagements")).history(state) == []
    await site.shot(auditor, "refused-03-auditor-worklist")


async def test_signing_out_ends_the_session_in_every_browser_holding_its_cookie(site: Site) -> None:
    manager = await site.page(site.add_user(f"manager-{STATES[5].lower()}", Role.MANAGER))
    await expect(manager.locator("h1")).to_have_text("Dashboard")
    copy = await site.page(None)
    session = next(c for c in await manager.context.cookies() if c.get("name") == "palermo_session")
    await copy.context.add_cookies([{"name": "palermo_session", "value": session["value"], "url": site.url}])
    await copy.goto("/dashboard")
    await expect(copy.locator("h1")).to_have_text("Dashboard")

    async with manager.expect_navigation():
        await manager.click("form.who button[type=submit]")
    await expect(manager.locator("h1")).to_have_text("Sign in")
    await copy.goto("/dashboard")

    await expect(copy.locator("h1")).to_have_text("Sign in")
    await site.shot(copy, "signed-out-01-copied-cookie")


async def test_an_auditor_watches_a_case_in_the_temporal_ui_without_its_write_actions(site: Site) -> None:
    state = STATES[5]
    officer_name = f"officer-{state.lower()}"
    token = site.add_user(officer_name, Role.OFFICER, states=(state,))
    async with site.api(token) as api:
        opened = await api.post("/api/cases", json={"state": state, "instruments": ["smuggling"]})
    assert opened.status_code == 201, opened.text
    officer = await site.page(token)
    await officer.goto(f"/cases/{state}")
    await expect(officer.get_by_role("link", name="Temporal UI")).to_have_count(0)
    await expect(officer.get_by_role("link", name="workflow in the Temporal UI")).to_have_count(0)

    auditor = await site.page(site.add_user(f"auditor-ui-{state.lower()}", Role.AUDITOR))
    await auditor.goto(f"/cases/{state}")
    async with auditor.expect_navigation():
        await auditor.get_by_role("link", name="workflow in the Temporal UI").click()
    assert auditor.url == f"{site.url}/temporal/namespaces/default/workflows/engagement-{state}"
    # The UI itself, on the web app's address: it found the workflow and shows its buttons switched off.
    await expect(auditor.get_by_role("heading", name=f"engagement-{state}")).to_be_visible(timeout=60_000)
    await expect(auditor.get_by_role("button", name="Request Cancellation")).to_be_disabled()
    await site.shot(auditor, "auditor-03-temporal-ui")
    refused = await auditor.request.post(
        f"/temporal/api/v1/namespaces/default/workflows/engagement-{state}/terminate", data={}
    )
    assert refused.status == 403
    assert "read-only" in (await refused.json())["error"]


async def record_a_seminar(site: Site, manager: Page, state: str) -> None:
    """A seminar with `state` recorded through the manager's form, and listed."""
    await manager.goto("/seminars")
    title = f"Subregional seminar with {state}"
    await manager.click("details.record summary")
    await manager.fill("#record-seminar input[name=title]", title)
    await manager.fill("#record-seminar input[name=place]", "Dakar")
    await manager.fill("#record-seminar input[name=start]", "2002-02-11")
    await manager.fill("#record-seminar textarea[name=participants]", state)
    await submit(manager, "#record-seminar")
    await expect(manager.locator("p.flash.ok")).to_contain_text("at Dakar on 2002-02-11 is recorded")
    await expect(manager.locator("table.seminars tbody tr").filter(has_text=title)).to_contain_text(state)
    await site.both_widths(manager, "manager-05-seminar-recorded")


async def test_a_manager_records_a_seminar_adds_and_assigns_an_officer_and_reads_the_forecast(
    site: Site, palermo: Palermo
) -> None:
    state = STATES[8]
    region = REGION_OF[state].value
    # Officers of the State's region may open its case; none has it assigned yet.
    opener = site.add_user(f"opener-{state.lower()}", Role.OFFICER, regions=(region,))
    async with site.api(opener) as api:
        opened = await api.post("/api/cases", json={"state": state, "instruments": ["trafficking"]})
    assert opened.status_code == 201, opened.text
    table = REPO / "activities" / "collection" / "18-12.csv"
    imported = palermo("treaty", "import", str(table), "--instrument", "convention")
    assert imported.code == 0, imported
    manager = await site.page(site.add_user(f"manager-{state.lower()}", Role.MANAGER))

    await record_a_seminar(site, manager, state)

    newcomer = f"newcomer-{state.lower()}"
    await manager.goto("/users")
    await manager.click("details.record summary")
    await manager.fill("#add-user input[name=name]", newcomer)
    await manager.select_option("#add-user select[name=role]", "officer")
    await manager.check(f"#add-user input[name=regions][value='{region}']")
    await submit(manager, "#add-user")
    await expect(manager.locator("p.flash.ok")).to_have_text(f"{newcomer} is added as an officer.")
    token = (await manager.locator("#issued code.token").inner_text()).strip()
    added = site.user(newcomer)
    assert added is not None
    assert (added.scope.states, added.scope.regions) == ((), (region,))
    await site.both_widths(manager, "manager-06-user-added")

    await manager.goto(f"/cases/{state}")
    await expect(manager.locator("#assigned strong")).to_have_text("nobody")
    await manager.select_option("#assigned select[name=officer]", newcomer)
    await submit(manager, "#assigned form")
    await expect(manager.locator("#assigned strong")).to_have_text(newcomer)
    assigned = site.user(newcomer)
    assert assigned is not None
    assert assigned.scope.states == (state,)
    await site.both_widths(manager, "manager-07-case-assigned")
    # The new officer signs in with the token shown once, and finds the case among theirs.
    officer = await site.page(token)
    await officer.goto("/worklist?show=mine")
    await expect(officer.locator("main")).to_contain_text(state)

    await manager.goto("/dashboard?as_of=2002-03-04")
    caption = manager.locator("#fan-convention figcaption")
    await expect(caption).to_have_text(
        re.compile(r"convention: \d+ parties projected \(\d+-\d+\) on 2003-03-04")
    )
    low, high = (int(n) for n in re.findall(r"\((\d+)-(\d+)\)", await caption.inner_text())[0])
    # Eight parties were known on 4 March 2002; the band cannot fall below them.
    assert 8 <= low <= high
    await site.both_widths(manager, "manager-08-forecast")


async def test_an_auditor_verifies_the_chains_replays_a_state_as_of_a_date_and_exports_a_bundle(
    site: Site, palermo: Palermo, tmp_path: Path
) -> None:
    state = STATES[9]
    token = site.add_user(f"officer-{state.lower()}", Role.OFFICER, states=(state,))
    async with site.api(token) as api:
        opened = await api.post(
            "/api/cases", json={"state": state, "instruments": ["convention"], "effective_date": "2002-01-10"}
        )
        summary = await api.post(
            f"/api/cases/{state}/law_summary", json={"document": "L/1", "effective_date": "2002-02-20"}
        )
    assert [opened.status_code, summary.status_code] == [201, 200], summary.text
    auditor = await site.page(site.add_user(f"auditor-{state.lower()}-journey", Role.AUDITOR))

    await auditor.goto("/audit")
    async with auditor.expect_navigation():
        await auditor.click("#verify")
    await expect(auditor.locator("#verdict")).to_contain_text("Every log matches its chain")
    await site.both_widths(auditor, "auditor-04-verified")

    async def replayed_on(day: str) -> str:
        await auditor.goto("/audit")
        await auditor.fill("#replay input[name=state]", state)
        await auditor.fill("#replay input[name=as_of]", day)
        await submit(auditor, "#replay")
        await expect(auditor.locator("#verdict")).to_have_text(
            re.compile(rf"Replayed \d+ events \(the engagement of {state}\): no differences\.")
        )
        return await auditor.locator(f"#replayed tr[data-state='{state}'] td").nth(1).inner_text()

    assert await replayed_on("2002-01-05") == "no request yet"
    assert await replayed_on("2002-02-01") == "law summary"
    await site.both_widths(auditor, "auditor-05-replayed-as-of")

    await auditor.goto("/audit")
    await auditor.fill("#export input[name=state]", state)
    async with auditor.expect_download() as downloading:
        await auditor.click("#export button[type=submit]")
    download = await downloading.value
    assert re.fullmatch(rf"bundle-{state}-\d{{4}}-\d{{2}}-\d{{2}}\.zip", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    with zipfile.ZipFile(saved) as bundle:
        assert {"events.jsonl", "seal.json", "figures.json", "manifest.json"} <= set(bundle.namelist())
        events = bundle.read("events.jsonl").decode().splitlines()
    assert len(events) >= 2
    # The bundle checks out on its own, as an auditor on another machine would check it.
    checked = palermo("audit", "verify", "--bundle", str(saved))
    assert checked.code == 0, checked
