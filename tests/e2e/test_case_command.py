"""`palermo case` on the embedded stack: a whole case, bad input, withdrawal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tests.e2e.conftest import Palermo, assert_refused_in_one_sentence

FUTURE = (date.today() + timedelta(days=30)).isoformat()
HISTORY_FIELDS = {"type", "version", "effective_date", "recorded_at", "actor", "source"}
ALL_STEPS = ["request", "law_summary", "focal_point", "gap_list", "assistance", "legislation", "training"]
BILL = "Organized Crime Act"


def _one_line(palermo: Palermo, *args: str) -> str:
    """Run a step that must be recorded and answer on one line of stdout."""
    lines = palermo.ok(*args).stdout.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_a_whole_case_runs_through_the_contract_cli_and_a_refused_step_records_nothing(
    palermo: Palermo,
) -> None:
    began = datetime.now(UTC)
    opened = _one_line(
        palermo,
        *("--actor", "Registrar A", "case", "open", "BOL", "--instruments", "convention,smuggling"),
        *("--received", "2001-09-03", "--source", "Note verbale 2001/17"),
    )
    assert opened.startswith("BOL: open recorded (version 1)")
    assert "law_summary" in opened
    before = palermo.history("BOL")
    assert [e["type"] for e in before] == ["RequestReceived"]

    refused = palermo("case", "advance", "BOL", "training")
    assert_refused_in_one_sentence(refused, "training", "legislation")
    assert palermo.history("BOL") == before

    # (command, event it records, effective date, source)
    steps: list[tuple[list[str], str, str, str | None]] = [
        (
            ["advance", "BOL", "focal_point", "--name", "A. Quispe", "--office", "Ministry of Justice"],
            "FocalPointNamed",
            "2002-01-10",
            None,
        ),
        (
            ["advance", "BOL", "law_summary", "--document", "BOL/LAW/2002/1", "--source", "Letter 14/2002"],
            "LawSummaryReceived",
            "2002-01-28",
            "Letter 14/2002",
        ),
        (
            ["advance", "BOL", "gap_list", "--item", "convention.art5", "--item", "smuggling.art6"],
            "GapListDrawnUp",
            "2002-02-18",
            None,
        ),
        (
            [
                *("advance", "BOL", "assistance"),
                *("--activity", "expert_mission", "--expert", "X", "--cost", "1500"),
            ],
            "AssistanceConcluded",
            "2002-03-04",
            None,
        ),
        (
            ["bill", "BOL", BILL, "--stage", "drafted", "--addresses", "convention.art5"],
            "BillAdvanced",
            "2002-04-01",
            None,
        ),
        (
            ["bill", "BOL", BILL, "--stage", "submitted", "--addresses", "convention.art5"],
            "BillAdvanced",
            "2002-06-03",
            None,
        ),
        (
            ["bill", "BOL", BILL, "--stage", "enacted", "--addresses", "convention.art5"],
            "BillAdvanced",
            "2002-09-02",
            None,
        ),
        (["advance", "BOL", "legislation"], "LegislationConcluded", "2002-09-16", None),
        (["advance", "BOL", "training", "--officials", "12"], "TrainingHeld", "2002-10-07", None),
    ]
    for args, _, effective, _ in steps:
        last = _one_line(palermo, "case", *args, "--effective", effective)
    assert last == "BOL: training recorded (version 10). Next: nothing — the engagement is completed."

    case = palermo.json("case", "show", "BOL")
    assert (case["state"], case["status"], case["stage"]) == ("BOL", "completed", None)
    assert case["completed_steps"] == ALL_STEPS
    assert case["instruments"] == ["convention", "smuggling"]
    assert case["received"] == "2001-09-03"
    assert case["focal_point"]["name"] == "A. Quispe"
    assert case["law_summary_document"] == "BOL/LAW/2002/1"
    assert [(g["checklist_item"], g["kind"]) for g in case["gap_items"]] == [
        ("convention.art5", "legislative"),
        ("smuggling.art6", "legislative"),
    ]
    [dated] = case["activities"]
    assert dated["effective_date"] == "2002-03-04"
    assert dated["activity"]["kind"] == "expert_mission"
    assert dated["activity"]["experts"] == ["X"]
    assert Decimal(dated["activity"]["cost"]) == Decimal(1500)
    assert case["assistance_requested"] is True
    [bill] = case["bills"]
    assert (bill["title"], bill["stage"], bill["addresses"]) == (BILL, "enacted", ["convention.art5"])
    assert bill["stage_date"] == "2002-09-02"
    assert case["legislation_outcome"] == "enacted"
    assert case["officials_trained"] == 12
    assert case["version"] == 10

    history = palermo.history("BOL")
    assert all(entry.keys() >= HISTORY_FIELDS for entry in history), history
    assert [e["type"] for e in history] == ["RequestReceived"] + [event for _, event, _, _ in steps]
    assert [e["version"] for e in history] == list(range(1, len(steps) + 2))
    assert [e["effective_date"] for e in history] == ["2001-09-03"] + [day for _, _, day, _ in steps]
    assert [e["actor"] for e in history] == ["Registrar A"] + [palermo.actor] * len(steps)
    assert [e["source"] for e in history] == ["Note verbale 2001/17"] + [src for _, _, _, src in steps]
    recorded = [datetime.fromisoformat(e["recorded_at"]) for e in history]
    assert recorded == sorted(recorded)
    assert began - timedelta(seconds=5) <= recorded[0]
    assert recorded[-1] <= datetime.now(UTC)


@pytest.fixture(scope="module")
def argentina(palermo: Palermo) -> str:
    """A State whose engagement awaits its gap list (Convention only)."""
    palermo.ok("case", "open", "ARG", "--instruments", "convention", "--received", "2001-10-15")
    palermo.ok("case", "advance", "ARG", "law_summary", "--effective", "2002-01-07")
    palermo.ok("case", "advance", "ARG", "focal_point", "--effective", "2002-01-08", "--name", "M. Paz")
    return "ARG"


# (State, palermo arguments, what stderr must name)
BAD_INPUT: dict[str, tuple[str, list[str], list[str]]] = {
    "unknown-state": (
        "XYZ",
        ["open", "XYZ", "--instruments", "convention", "--received", "2001-09-03"],
        ["XYZ"],
    ),
    "impossible-effective-date": (
        "ARG",
        ["advance", "ARG", "gap_list", "--effective", "2002-13-45"],
        ["2002-13-45", "--effective"],
    ),
    "impossible-received-date": (
        "URY",
        ["open", "URY", "--instruments", "convention", "--received", "2002-13-45"],
        ["2002-13-45", "--received"],
    ),
    "future-effective-date": ("ARG", ["advance", "ARG", "gap_list", "--effective", FUTURE], [FUTURE]),
    "date-before-the-request": (
        "ARG",
        ["advance", "ARG", "gap_list", "--effective", "2001-10-14"],
        ["2001-10-14", "2001-10-15"],
    ),
    "unknown-instrument": ("URY", ["open", "URY", "--instruments", "convention,piracy"], ["piracy"]),
    "unknown-checklist-item": (
        "ARG",
        ["advance", "ARG", "gap_list", "--item", "convention.art5", "--item", "convention.art99"],
        ["convention.art99"],
    ),
    "checklist-item-of-another-instrument": (
        "ARG",
        ["advance", "ARG", "gap_list", "--item", "trafficking.art5"],
        ["trafficking.art5", "trafficking"],
    ),
    "negative-cost": ("ARG", ["activity", "ARG", "expert_mission", "--cost", "-1500"], ["-1500"]),
    "garbage-cost": (
        "ARG",
        ["advance", "ARG", "assistance", "--activity", "workshop", "--cost", "15k"],
        ["15k", "--cost"],
    ),
    "not-a-number-cost": (
        "ARG",
        ["advance", "ARG", "assistance", "--activity", "workshop", "--cost", "NaN"],
        ["NaN", "--cost"],
    ),
    "step-before-the-request": ("PRY", ["advance", "PRY", "law_summary"], ["PRY", "law_summary"]),
}


@pytest.mark.parametrize(("state", "args", "mentions"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_gets_one_sentence_naming_it_and_records_nothing(
    palermo: Palermo, argentina: str, state: str, args: list[str], mentions: list[str]
) -> None:
    before = palermo.recorded(state)
    assert len(before) == (3 if state == argentina else 0)

    assert_refused_in_one_sentence(palermo("case", *args), *mentions)

    assert palermo.recorded(state) == before


def test_withdraw_without_a_reason_is_a_usage_error_that_records_nothing(
    palermo: Palermo, argentina: str
) -> None:
    before = palermo.recorded(argentina)

    outcome = palermo("case", "withdraw", argentina)

    assert outcome.code == 2, outcome
    assert "--reason" in outcome.stderr
    assert "Traceback" not in outcome.stdout + outcome.stderr
    assert palermo.recorded(argentina) == before
    assert palermo.json("case", "show", argentina)["status"] == "open"


def test_a_withdrawn_engagement_refuses_every_further_step(palermo: Palermo) -> None:
    palermo.ok("case", "open", "PER", "--instruments", "trafficking", "--received", "2001-11-05")
    palermo.ok("case", "advance", "PER", "law_summary", "--effective", "2002-01-14")
    reason = "Request withdrawn by the Government"
    palermo.ok("case", "withdraw", "PER", "--reason", reason, "--effective", "2002-02-01")

    case = palermo.json("case", "show", "PER")
    assert (case["status"], case["stage"], case["withdrawal_reason"]) == ("withdrawn", None, reason)
    history = palermo.history("PER")
    assert [e["type"] for e in history][-1] == "EngagementWithdrawn"

    for args in (
        ["advance", "PER", "focal_point", "--name", "R. Soto"],
        ["bill", "PER", "Trafficking in Persons Act"],
        ["withdraw", "PER", "--reason", "Again"],
    ):
        assert_refused_in_one_sentence(palermo("case", *args), "PER", "withdrawn")
    assert palermo.history("PER") == history


def test_a_bill_keeps_the_gap_items_it_addresses_as_it_advances(palermo: Palermo) -> None:
    palermo.ok("case", "open", "ECU", "--instruments", "convention", "--received", "2001-09-10")
    for step in ("law_summary", "focal_point"):
        palermo.ok("case", "advance", "ECU", step, "--effective", "2002-01-07")
    palermo.ok("case", "advance", "ECU", "gap_list", "--item", "convention.art5", "--effective", "2002-01-21")
    palermo.ok("case", "advance", "ECU", "assistance", "--effective", "2002-02-04")
    # As the README records a bill: what it addresses is named once, when it is first recorded.
    palermo.ok("case", "bill", "ECU", BILL, "--stage", "submitted", "--addresses", "convention.art5")
    palermo.ok("case", "bill", "ECU", BILL, "--stage", "enacted")

    [bill] = palermo.json("case", "show", "ECU")["bills"]

    assert (bill["stage"], bill["addresses"]) == ("enacted", ["convention.art5"])


def test_a_step_without_a_date_says_it_was_dated_today(palermo: Palermo) -> None:
    today = datetime.now(UTC).date().isoformat()

    opened = _one_line(palermo, "case", "open", "GUY", "--instruments", "convention")
    summary = _one_line(palermo, "case", "advance", "GUY", "law_summary", "--effective", today)

    assert f"dated today, {today} (no --received given)" in opened
    assert "dated today" not in summary
