"""Dates as precise as their source: what the report dates to a month or a year is recorded and shown so."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from activities.outreach import Outreach
from cli.app import app
from domain.values import DatePrecision
from usecases.seed import MEETINGS, seed
from usecases.settings import Settings


def run(home: Path, *args: str) -> Result:
    env = {"PALERMO_HOME": str(home), "PALERMO_STORE": "sqlite", "PALERMO_ACTOR": "clerk"}
    return CliRunner().invoke(app, list(args), env=env)


def body(markdown: str) -> str:
    return markdown.split("## Where the figures come from", maxsplit=1)[0]


def test_the_report_shows_the_undated_briefings_and_activities_in_their_year(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "seed").exit_code == 0
    out = tmp_path / "out"
    rendered = run(home, "report", "render", "--as-of", "2002-03-04", "--year", "2001", "--out", str(out))
    assert rendered.exit_code == 0, rendered.output
    text = body((out / "report-2002-03-04.md").read_text())
    assert "31 December 2001" not in text
    assert "| in March 2001 | Meeting on cooperation on the Trafficking in Persons" in text
    assert "| in 2001 | Briefing of the preparatory committee" in text
    assert "| in 2001 | Briefing of the Mediterranean contact group" in text
    assert text.count("| in 2001 | ") == 2 + 7  # the two briefings and the seven activities
    assert "| 26 March 2001 to 28 March 2001 | Seminar for States members of the Southern African" in text


def test_the_command_line_records_and_lists_a_fact_dated_to_its_month(tmp_path: Path) -> None:
    home = tmp_path / "home"
    recorded = run(
        home, "cooperation", "record", "HRV", "--kind", "seminar", "--title", "Seminar",
        "--effective", "2001-06-01", "--dated-to", "month",
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    listed = run(home, "cooperation", "list", "--json")
    assert '"dated_to": "month"' in listed.stdout
    assert "in June 2001" in run(home, "cooperation", "list").stdout
    refused = run(
        home, "meeting", "record", "--title", "T", "--kind", "briefing", "--place", "Vienna",
        "--start", "2001-06-01", "--dated-to", "week",
    )  # fmt: skip
    assert refused.exit_code == 1
    assert "--dated-to must be one of day, month, year, not 'week'." in refused.stderr


def test_seeding_again_dates_a_briefing_an_earlier_seed_recorded_to_the_day(tmp_path: Path) -> None:
    outreach = Outreach(Settings(home=tmp_path / "home").store_env("Outreach"))
    undated = next(m for m in MEETINGS if m.details.dated_to is DatePrecision.YEAR)
    details = undated.resolved(outreach.participants).model_copy(update={"dated_to": DatePrecision.DAY})
    outreach.record_meeting(details, actor="seed", source=undated.source)

    seed(outreach)

    after = outreach.meeting_at(details.place, details.start)
    assert after is not None
    assert (after.details.dated_to, after.corrections) == (DatePrecision.YEAR, 1)
    assert seed(outreach).recorded == 0


def test_seeding_again_counts_the_unnamed_states_of_a_seminar_an_earlier_seed_left_uncounted(
    tmp_path: Path,
) -> None:
    outreach = Outreach(Settings(home=tmp_path / "home").store_env("Outreach"))
    counted = next(m for m in MEETINGS if m.details.unnamed_states is not None)
    details = counted.resolved(outreach.participants).model_copy(update={"unnamed_states": None})
    outreach.record_meeting(details, actor="seed", source=counted.source)

    seed(outreach)

    after = outreach.meeting_at(details.place, details.start)
    assert after is not None
    assert (after.details.unnamed_states, after.corrections) == (counted.details.unnamed_states, 1)
    assert seed(outreach).recorded == 0
