"""`palermo plan …` and `palermo questionnaire …` on a SQLite store under PALERMO_HOME (no Temporal): plans
made, moved, held by their meeting and cancelled; questionnaires sent and answered; every refusal one sentence
that records nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from typer.testing import CliRunner

from activities.outreach import Outreach
from cli.app import app
from domain.facts import Fact
from usecases.settings import Settings

QUITO = ("--title", "Regional seminar", "--kind", "seminar", "--place", "Quito", "--planned", "2002-05-06")


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def said(self) -> str:
        return " ".join(self.stderr.split())

    def json(self) -> Any:
        assert self.code == 0, self.stderr
        return json.loads(self.stdout)


@dataclass
class Home:
    """A store (a SQLite file under PALERMO_HOME, or a PostgreSQL database) and the command line on it."""

    settings: Settings

    def run(self, *args: str) -> Outcome:
        env = {
            "PALERMO_HOME": str(self.settings.home),
            "PALERMO_STORE": self.settings.store,
            "PALERMO_DATABASE_URL": self.settings.database_url,
            "PALERMO_ACTOR": "a.manager",
        }
        result = CliRunner().invoke(app, list(args), env=env)
        return Outcome(result.exit_code, result.stdout, result.stderr)

    def events(self) -> list[Fact]:
        outreach = Outreach(self.settings.store_env("Outreach"))
        try:
            notes = outreach.recorder.select_notifications(start=0, limit=1000, inclusive_of_start=False)
            return [cast(Fact, outreach.mapper.to_domain_event(n)) for n in notes]
        finally:
            outreach.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def home(request: pytest.FixtureRequest, tmp_path: Path) -> Home:
    if request.param == "sqlite":
        return Home(Settings(home=tmp_path / "home"))
    url = cast(str, request.getfixturevalue("fresh_postgres_url"))
    return Home(Settings(home=tmp_path / "home", store="postgres", database_url=url))


def test_a_plan_is_made_once_moved_and_listed_as_it_stood(home: Home) -> None:
    made = home.run("plan", "make", *QUITO, "--region", "americas", "--effective", "2002-03-04", "--json")
    again = home.run("plan", "make", *QUITO, "--region", "Americas", "--effective", "2002-03-04", "--json")
    plan = made.json()["id"]

    moved = home.run(
        "plan",
        "move",
        plan,
        "--planned",
        "2002-06-10",
        "--place",
        "Guayaquil",
        "--effective",
        "2002-04-01",
        "--reason",
        "Venue",
        "--json",
    ).json()

    assert again.json() == made.json()
    assert (moved["id"], moved["version"], moved["moves"]) == (plan, 2, 1)
    assert (moved["details"]["place"], moved["details"]["planned"]) == ("Guayaquil", "2002-06-10")
    before = home.run("plan", "list", "--as-of", "2002-03-20", "--json").json()
    assert [(p["details"]["place"], p["details"]["planned"]) for p in before] == [("Quito", "2002-05-06")]
    made_event, moved_event = home.events()
    assert type(moved_event).__name__ == "PlanMoved"
    assert (moved_event.actor, moved_event.door, str(moved_event.effective_date)) == (
        "a.manager",
        "cli",
        "2002-04-01",
    )
    assert made_event.details.regions == ("Americas",)  # type: ignore[attr-defined]


def test_bad_plans_are_refused_with_one_sentence_and_record_nothing(home: Home) -> None:
    home.run("plan", "make", *QUITO, "--effective", "2002-03-04").json  # noqa: B018
    refusals = {
        "kind": home.run("plan", "make", *QUITO[:3], "semiar", *QUITO[4:]),
        "early": home.run("plan", "make", *QUITO[:-1], "2002-01-06", "--effective", "2002-03-04"),
        "clash": home.run("plan", "make", *QUITO, "--title", "Other", "--effective", "2002-03-04"),
        "state": home.run("plan", "make", *QUITO[:-1], "2002-05-07", "--state", "XXZ"),
        "end": home.run("plan", "make", *QUITO, "--planned-end", "2002-05-01"),
        "unknown": home.run(
            "plan", "move", "0f0e3c4d-1a2b-4c5d-8e9f-0a1b2c3d4e5f", "--planned", "2002-07-01"
        ),
        "not an id": home.run("plan", "cancel", "quito", "--reason", "No funds"),
    }

    assert {k: v.code for k, v in refusals.items()} == dict.fromkeys(refusals, 1)
    assert refusals["kind"].said == (
        "Error: --kind must be one of seminar, meeting, mission, expert_group_session, not 'semiar'."
    )
    assert refusals["early"].said == (
        "Error: The seminar at Quito cannot be planned for 2002-01-06, before the day it was planned "
        "(2002-03-04)."
    )
    assert refusals["clash"].said.startswith(
        "Error: The seminar at Quito planned for 2002-05-06 is already recorded (id "
    )
    assert "XXZ" in refusals["state"].said
    assert "before it begins" in refusals["end"].said
    assert (
        refusals["unknown"].said
        == "Error: No plan is recorded under the id 0f0e3c4d-1a2b-4c5d-8e9f-0a1b2c3d4e5f."
    )
    assert refusals["not an id"].said == (
        "Error: --plan must be an id as the lists give it (`--json`), not 'quito'."
    )
    assert len(home.events()) == 1


def test_a_seminar_is_held_by_its_meeting_on_its_first_day_and_a_cancelled_plan_takes_no_more(
    home: Home,
) -> None:
    quito = home.run("plan", "make", *QUITO, "--effective", "2002-03-04", "--json").json()["id"]
    tokyo = home.run(
        "plan",
        "make",
        "--title",
        "Regional seminar",
        "--kind",
        "seminar",
        "--place",
        "Tokyo",
        "--planned",
        "2002-11-11",
        "--effective",
        "2002-03-04",
        "--json",
    ).json()["id"]
    recorded = home.run(
        "meeting",
        "record",
        "--title",
        "Regional seminar",
        "--kind",
        "regional_seminar",
        "--place",
        "Quito",
        "--start",
        "2002-05-07",
        "--end",
        "2002-05-08",
        "--participant",
        "ECU",
    )
    assert recorded.code == 0, recorded.stderr
    [meeting] = home.run("meeting", "list", "--json").json()

    without = home.run("plan", "hold", quito)
    held = home.run("plan", "hold", quito, "--meeting", meeting["id"], "--json").json()
    twice = home.run("plan", "hold", tokyo, "--meeting", meeting["id"])
    cancelled = home.run(
        "plan", "cancel", tokyo, "--reason", "No host", "--effective", "2002-04-02", "--json"
    ).json()
    late_move = home.run("plan", "move", tokyo, "--planned", "2002-12-02")

    assert without.code == 1
    assert "is held by the meeting recorded for it" in without.said
    assert (held["status"], held["meeting"], held["closed_on"]) == ("held", meeting["id"], "2002-05-07")
    assert twice.code == 1
    assert "already holds the seminar at Quito" in twice.said
    assert (cancelled["status"], cancelled["reason"]) == ("cancelled", "No host")
    assert (
        late_move.said
        == "Error: The seminar at Tokyo planned for 2002-11-11 is cancelled: it cannot be moved."
    )
    assert home.run("plan", "list", "--after", "2002-06-01", "--json").json() == []
    on_the_day = home.run("plan", "list", "--after", "2002-04-01", "--json").json()
    assert [p["details"]["place"] for p in on_the_day] == ["Quito", "Tokyo"]


def test_a_questionnaire_is_answered_once_sent_and_its_reply_is_citable(home: Home) -> None:
    early = home.run(
        "questionnaire",
        "answer",
        "--questionnaire",
        "prosecutors",
        "--state",
        "BOL",
        "--effective",
        "2002-01-10",
    )
    home.run(
        "meeting",
        "record",
        "--title",
        "Pre-ratification seminar",
        "--kind",
        "interregional_seminar",
        "--place",
        "Courmayeur",
        "--start",
        "2001-09-13",
        "--end",
        "2001-09-16",
    )
    [meeting] = home.run("meeting", "list", "--json").json()
    outside = home.run(
        "questionnaire",
        "send",
        "--questionnaire",
        "advisory_council",
        "--meeting",
        meeting["id"],
        "--recipients",
        "Participants",
        "--effective",
        "2001-09-20",
    )
    nobody = home.run("questionnaire", "send", "--questionnaire", "advisory_council")
    sent = home.run(
        "questionnaire",
        "send",
        "--questionnaire",
        "prosecutors",
        "--state",
        "bol",
        "--state",
        "Peru",
        "--effective",
        "2001-10-31",
        "--json",
    ).json()
    resent = home.run(
        "questionnaire",
        "send",
        "--questionnaire",
        "prosecutors",
        "--state",
        "PER",
        "--effective",
        "2001-10-31",
    )
    bad_item = home.run(
        "questionnaire",
        "answer",
        "--questionnaire",
        "prosecutors",
        "--state",
        "BOL",
        "--item",
        "art99",
        "--effective",
        "2002-01-10",
    )
    answered = home.run(
        "questionnaire",
        "answer",
        "--questionnaire",
        "prosecutors",
        "--state",
        "BOL",
        "--document",
        "BOL/IAP/1",
        "--item",
        "convention.art5",
        "--effective",
        "2002-01-10",
        "--json",
    ).json()

    assert early.said == (
        "Error: The prosecutors questionnaire had not been sent to BOL by 2002-01-10: record its sending "
        "first (`palermo questionnaire send`)."
    )
    assert "was held from 2001-09-13 to 2001-09-16" in outside.said
    assert nobody.code == 1
    assert "sent to States or to other recipients" in nobody.said
    assert "art99" in bad_item.said
    assert sent["states"] == ["BOL", "PER"]
    assert resent.code == 0, resent.stderr
    assert (answered["citation"], answered["items"], answered["replies"]) == (
        "reply:prosecutors/BOL",
        ["convention.art5"],
        1,
    )
    listed = home.run("questionnaire", "list", "--json").json()
    assert [(s["questionnaire"], s["states"]) for s in listed["sendings"]] == [
        ("prosecutors", ["BOL", "PER"])
    ]
    assert [r["state"] for r in listed["replies"]] == ["BOL"]
    kinds = [type(e).__name__ for e in home.events()]
    assert kinds == ["MeetingHeld", "QuestionnaireSent", "QuestionnaireAnswered"]


def test_the_seed_records_the_reports_plans_and_questionnaires_once(home: Home) -> None:
    first, second = home.run("seed"), home.run("seed")

    assert "Plans and questionnaires of the report: 9 events recorded now." in first.stdout
    assert "Plans and questionnaires of the report: 0 events recorded now." in second.stdout
    planned = home.run("plan", "list", "--after", "2002-03-04", "--json").json()
    assert [(p["details"]["place"], p["details"]["regions"]) for p in planned] == [
        ("Quito", ["Americas"]),
        ("Vilnius", ["Europe"]),
        ("Algiers", ["Africa"]),
        ("Tokyo", ["Asia", "Oceania"]),
    ]
    assert {p["made_on"] for p in planned} == {"2002-03-04"}
    assert all("para. 16" in p["source"] for p in planned)
    sendings = home.run("questionnaire", "list", "--json").json()["sendings"]
    meetings = {m["id"]: m["details"]["place"] for m in home.run("meeting", "list", "--json").json()}
    first_of_each: dict[str, tuple[str, str | None]] = {}
    for s in sendings:
        first_of_each.setdefault(s["questionnaire"], (s["effective_date"], meetings.get(s["meeting"])))
    assert first_of_each == {
        "advisory_council": ("2001-09-13", "Courmayeur"),
        "prosecutors": ("2001-10-31", None),
    }


def test_the_figures_count_questionnaires_sent_and_answered_per_region_as_of_a_date(home: Home) -> None:
    home.run("seed")
    answered = home.run(
        "questionnaire",
        "answer",
        "--questionnaire",
        "advisory_council",
        "--state",
        "BEN",
        "--document",
        "BEN/ISPAC/1",
        "--effective",
        "2002-02-01",
    )
    before, after = (
        home.run("report", "figures", "--as-of", day, "--json").json()["questionnaires"]
        for day in ("2002-01-31", "2002-03-04")
    )
    lineage = home.run(
        "report", "explain", "questionnaires.advisory_council.replies", "--as-of", "2002-03-04", "--json"
    ).json()

    assert answered.code == 0, answered.stderr
    council, prosecutors = after["advisory_council"], after["prosecutors"]
    # Tehran (9 States), Ouagadougou (14) and Port-of-Spain (12); Courmayeur's participants are not named.
    assert (council["sendings"], council["sent"], council["replies"]) == (4, 35, 1)
    assert council["by_region"]["Africa"] == {"sent": 14, "replies": 1}
    assert council["by_region"]["Americas"] == {"sent": 12, "replies": 0}
    assert (prosecutors["sendings"], prosecutors["sent"], prosecutors["replies"]) == (1, 0, 0)
    assert before["advisory_council"]["replies"] == 0
    assert [(r["subject"], r["event_type"]) for r in lineage] == [("BEN", "QuestionnaireAnswered")]


def test_the_report_lists_what_was_planned_after_its_date(home: Home, tmp_path: Path) -> None:
    home.run("seed")
    quito, vilnius = (p["id"] for p in home.run("plan", "list", "--json").json()[:2])
    home.run("plan", "cancel", quito, "--reason", "Postponed", "--effective", "2002-04-15")
    # Dated only to 2002 by the report, Vilnius is then set for 10 June (a move names its days).
    moved = home.run("plan", "move", vilnius, "--planned", "2002-06-10", "--effective", "2002-04-20")
    assert moved.code == 0, moved.stderr

    for day in ("2002-03-04", "2002-05-01", "2002-07-01"):
        rendered = home.run("report", "render", "--as-of", day, "--year", "2001", "--out", str(tmp_path))
        assert rendered.code == 0, rendered.stderr
    planned = {
        day: (tmp_path / f"report-{day}.md").read_text().split("*Planned after", 1)[-1]
        for day in ("2002-03-04", "2002-05-01", "2002-07-01")
    }

    assert [place in planned["2002-03-04"] for place in ("Quito", "Vilnius", "Algiers", "Tokyo")] == [
        True
    ] * 4
    assert "Quito" not in planned["2002-05-01"]
    assert "Vilnius" in planned["2002-05-01"]
    assert ("Vilnius" in planned["2002-07-01"], "Algiers" in planned["2002-07-01"]) == (False, True)
    text = (tmp_path / "report-2002-03-04.md").read_text()
    assert "The Centre has planned 4 activities after 4 March 2002:" in text
    # The report gives only the year, and so does the document.
    assert "| in 2002 | Regional seminar for the countries of Latin America and the Caribbean" in text
    assert "10 June 2002" in planned["2002-05-01"]
    assert "[4](report-2002-03-04-sources.md#lineage-questionnaires.advisory_council.sendings) times" in text


def test_the_seed_dates_again_to_the_year_a_plan_an_earlier_seed_gave_a_made_up_day(home: Home) -> None:
    earlier = (
        "--title", "Regional seminar", "--kind", "seminar", "--place", "Vilnius",
        "--planned", "2002-06-10", "--effective", "2002-03-04",
    )  # fmt: skip
    assert home.run("plan", "make", *earlier).code == 0

    home.run("seed")

    planned = home.run("plan", "list", "--after", "2002-03-04", "--json").json()
    assert [(p["details"]["place"], p["details"]["dated_to"]) for p in planned] == [
        ("Quito", "year"),
        ("Vilnius", "year"),
        ("Algiers", "year"),
        ("Tokyo", "year"),
    ]
    (cancelled,) = [p for p in home.run("plan", "list", "--json").json() if p["status"] == "cancelled"]
    assert cancelled["details"]["planned"] == "2002-06-10"
    assert "illustrative day" in cancelled["reason"]
    assert "0 events recorded now" in home.run("seed").stdout
