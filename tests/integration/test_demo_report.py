"""Demo data left out of the report by default, put in with `--include-demo` (the CLI, the web report, the
dashboard and the API alike), and a read model written before the mark refilled from the logs."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner, Result

from activities.engagements import Engagements
from cli.app import app
from domain.commands import NameFocalPoint, OpenEngagement, RecordLawSummary
from domain.user import Role, Scope
from domain.values import FocalPoint, Instrument
from projections.figures import Figures, figures
from projections.postgres_store import PostgresFactStore
from projections.report.blocks import DEMO_BANNER
from projections.report.charts import DEMO_MARK
from projections.sqlite_store import SqliteFactStore
from tests.integration.web_app import app_alone, client_at, sign_in, users_of
from usecases.read_models import open_store, refresh, sources
from usecases.settings import Settings

AS_OF = "2002-03-04"


def run(home: Path, *args: str) -> Result:
    env = {"PALERMO_HOME": str(home), "PALERMO_STORE": "sqlite", "PALERMO_ACTOR": "clerk"}
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A real request from Peru and a demo request from Bolivia, which waits for its list of gaps."""
    home = tmp_path / "home"
    engagements = Engagements(Settings(home=home).store_env("Engagements"))
    convention = (Instrument.CONVENTION,)
    engagements.handle(OpenEngagement(state="PER", instruments=convention, effective_date=date(2001, 10, 1)))
    engagements.handle(
        OpenEngagement(state="BOL", instruments=convention, effective_date=date(2001, 9, 3), demo=True)
    )
    engagements.handle(
        NameFocalPoint(
            state="BOL", effective_date=date(2002, 2, 4), focal_point=FocalPoint(name="X"), demo=True
        )
    )
    engagements.handle(RecordLawSummary(state="BOL", effective_date=date(2002, 2, 5), demo=True))
    return home


def figures_json(home: Path, *extra: str) -> Figures:
    result = run(home, "report", "figures", "--as-of", AS_OF, "--json", *extra)
    assert result.exit_code == 0, result.output
    return Figures.model_validate_json(result.stdout)


def test_the_figures_leave_demo_data_out_unless_asked(home: Path) -> None:
    alone = figures_json(home)
    assert (alone.requests_received, alone.include_demo) == (1, False)
    assert alone.engagements_by_stage["law_summary"] == 1
    with_demo = figures_json(home, "--include-demo")
    assert (with_demo.requests_received, with_demo.include_demo) == (2, True)
    explained = run(home, "report", "explain", "requests_received", "--as-of", AS_OF, "--json")
    assert '"BOL"' not in explained.stdout
    assert '"PER"' in explained.stdout


def test_the_rendered_report_leaves_demo_data_out_and_with_it_says_so_on_each_figure(
    home: Path, tmp_path: Path
) -> None:
    plain, demo = tmp_path / "plain", tmp_path / "demo"
    assert run(home, "report", "render", "--as-of", AS_OF, "--out", str(plain)).exit_code == 0
    rendered = run(home, "report", "render", "--as-of", AS_OF, "--include-demo", "--out", str(demo))
    assert rendered.exit_code == 0, rendered.output
    for folder, banner in ((plain, False), (demo, True)):
        markdown = (folder / "report-2002-03-04.md").read_text()
        html = (folder / "report-2002-03-04.html").read_text()
        assert (DEMO_BANNER in html) is banner
        assert ("Bolivia" in markdown) is banner
    markdown = (demo / "report-2002-03-04.md").read_text()
    assert f"[2{DEMO_MARK}](report-2002-03-04-sources.md#lineage-requests_received)" in markdown
    assert f"[1{DEMO_MARK}](report-2002-03-04-sources.md#lineage-engagements_by_stage.gap_list)" in markdown
    # Peru alone waits for its law summary and focal point: that figure counts no demo data.
    assert "[1](report-2002-03-04-sources.md#lineage-engagements_by_stage.law_summary)" in markdown


async def test_the_web_report_and_dashboard_say_so_the_same_way(home: Path) -> None:
    _, token = users_of(home).add("boss", Role.MANAGER, Scope(), actor="test")
    web = app_alone(home)
    async with client_at(web) as browser:
        assert (await sign_in(browser, token)).status_code == 303
        report = (await browser.get("/report", params={"as_of": AS_OF})).text
        dashboard = (await browser.get("/dashboard", params={"as_of": AS_OF})).text
        assert DEMO_BANNER not in report
        assert DEMO_BANNER not in dashboard
        assert "Bolivia" not in report
        asked = {"as_of": AS_OF, "include_demo": "true"}
        report = (await browser.get("/report", params=asked)).text
        dashboard = (await browser.get("/dashboard", params=asked)).text
        figures_api = await browser.get(
            "/api/report/figures", params=asked, headers={"Authorization": f"Bearer {token}"}
        )
    for page in (report, dashboard):
        assert DEMO_BANNER in page
    # The web report links each figure to its lineage page, the files to their sources file.
    assert (
        f'href="/report/figures/requests_received?as_of={AS_OF}&amp;include_demo=true">2{DEMO_MARK}</a>'
        in report
    )
    assert (
        f'href="/report/figures/requests_received?as_of={AS_OF}&amp;include_demo=true">2{DEMO_MARK}</a>'
        in dashboard
    )
    assert f">2{DEMO_MARK}</text>" in dashboard  # the outreach chart's bar of requests
    assert figures_api.json()["requests_received"] == 2


def test_a_read_model_written_before_the_mark_is_read_again_from_the_logs(home: Path) -> None:
    settings = Settings(home=home)
    store = open_store(settings)
    logs = sources(settings)
    refresh(store, logs)
    path = Path(str(store.path)) if isinstance(store, SqliteFactStore) else None
    store.close()
    assert path is not None
    # Back to the shape of before: no demo column, every row counted as a fact, and the index of then.
    with sqlite3.connect(path) as db:
        db.execute("DROP INDEX facts_by_date")
        db.execute("CREATE INDEX facts_by_kind ON facts (fact, object, effective_date)")
        db.execute("ALTER TABLE facts DROP COLUMN demo")
    reopened = open_store(settings)
    try:
        assert reopened.positions() == {}
        refresh(reopened, logs)
        assert figures(reopened, date(2002, 3, 4)).requests_received == 1
        assert figures(reopened, date(2002, 3, 4), include_demo=True).requests_received == 2
    finally:
        reopened.close()
        for log in logs:
            log.close()


@pytest.mark.postgres
def test_a_postgres_read_model_written_before_the_mark_is_emptied_and_gains_it(
    fresh_postgres_url: str,
) -> None:
    store = PostgresFactStore(fresh_postgres_url, schema="figures")
    store.close()
    with psycopg.connect(fresh_postgres_url, autocommit=True) as db:
        db.execute("ALTER TABLE figures.facts DROP COLUMN demo")
        db.execute(
            "INSERT INTO figures.facts (fact, subject, object, effective_date, recorded_at, application, "
            "position, origin, version, event_type) VALUES ('request', 'BOL', 'convention', '2001-09-03', "
            "'2026-01-01T00:00:00.000000Z', 'Engagements', 1, 'o', 1, 'RequestReceived')"
        )
        db.execute("INSERT INTO figures.tracking VALUES ('Engagements', 1)")
    reopened = PostgresFactStore(fresh_postgres_url, schema="figures")
    try:
        assert reopened.positions() == {}
        assert figures(reopened, date(2002, 3, 4), include_demo=True).requests_received == 0
    finally:
        reopened.close()
