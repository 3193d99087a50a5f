"""The report reads true at any date: rendered as of ten dates from 2000 to 2014 from the Collection's tables,
the seed and a few engagements, no sentence of its conclusions contradicts the figures it links."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from activities.engagements import Engagements
from cli.app import app
from domain.commands import (
    Command,
    ConcludeAssistance,
    ConcludeLegislation,
    DrawUpGapList,
    NameFocalPoint,
    OpenEngagement,
    RecordLawSummary,
    RecordTraining,
)
from domain.values import FocalPoint, GapItem, Instrument
from projections.figures import Figures
from projections.report.document import figure_values
from usecases.settings import Settings

COLLECTION = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "untc"
DATES = (
    "2000-06-01", "2000-12-31", "2001-12-31", "2002-03-04", "2003-07-01",
    "2003-12-31", "2004-12-31", "2006-06-30", "2008-06-30", "2014-12-31",
)  # fmt: skip
TOKEN = re.compile(r"⟨([^=⟩]+)=(\d+)⟩")
INSTRUMENTS = ("convention", "trafficking", "smuggling", "firearms")


def run(home: Path, *args: str) -> Result:
    env = {"PALERMO_HOME": str(home), "PALERMO_STORE": "sqlite", "PALERMO_ACTOR": "registry"}
    return CliRunner().invoke(app, list(args), env=env)


def engagements(home: Path) -> None:
    """Bolivia waits for its assistance from 2002; Peru completes every step in 2006."""
    store = Engagements(Settings(home=home).store_env("Engagements"))
    convention = (Instrument.CONVENTION,)
    gaps = (GapItem(checklist_item="convention.art5"), GapItem(checklist_item="convention.art16"))
    steps: list[Command] = [
        OpenEngagement(state="BOL", instruments=convention, effective_date=date(2001, 9, 3)),
        RecordLawSummary(state="BOL", effective_date=date(2002, 1, 28)),
        NameFocalPoint(state="BOL", effective_date=date(2002, 2, 4), focal_point=FocalPoint(name="A. Q.")),
        DrawUpGapList(state="BOL", effective_date=date(2002, 2, 18), items=gaps),
        OpenEngagement(state="PER", instruments=convention, effective_date=date(2005, 3, 1)),
        RecordLawSummary(state="PER", effective_date=date(2005, 4, 1)),
        NameFocalPoint(state="PER", effective_date=date(2005, 4, 2), focal_point=FocalPoint(name="R. S.")),
        DrawUpGapList(state="PER", effective_date=date(2005, 6, 1), items=gaps[:1]),
        ConcludeAssistance(state="PER", effective_date=date(2005, 9, 1), requested=False),
        ConcludeLegislation(state="PER", effective_date=date(2006, 1, 10)),
        RecordTraining(state="PER", effective_date=date(2006, 3, 1), officials_trained=20),
    ]
    for step in steps:
        store.handle(step)


def conclusions(markdown: str) -> list[str]:
    """The sentences of section V, each figure link as ⟨name=value⟩."""
    part = markdown.split("## V. Conclusions and future action", 1)[1]
    linked = re.sub(r"\[(\d+)\]\([^)#]*#lineage-([^)]+)\)", r"⟨\2=\1⟩", part)
    return [re.sub(r"^\*\*\d+\.\*\* ", "", line) for line in linked.splitlines() if line.startswith("**")]


def ended(figures: Figures) -> int:
    return figures.engagements_by_stage["completed"] + figures.engagements_by_stage["withdrawn"]


def check(sentence: str, figures: Figures) -> str:
    """Which claim the sentence makes, having checked it against the figures; fails on a false one."""
    values = figure_values(figures)
    tokens = [(name.replace("\\_", "_"), int(value)) for name, value in TOKEN.findall(sentence)]
    for name, value in tokens:
        assert values[name] == value, (sentence, name)
    numbers = {k: (v.signatories, v.parties) for k, v in figures.instruments.items()}
    if sentence.startswith("No State had signed"):
        assert all(s == p == 0 for s, p in numbers.values()), sentence
        return "nothing signed"
    if "has the forty instruments" in sentence:
        assert tokens[0][1] >= 40, sentence
        return "forty reached"
    if "it needs forty instruments" in sentence:
        assert tokens[0][1] < 40, sentence
        return "forty needed"
    if sentence.startswith("The distance between signature and ratification is widest"):
        (signed, s), (party, p) = tokens
        key = signed.split(".")[0]
        assert party == f"{key}.parties", sentence
        assert s > p, sentence
        assert s - p == max(a - b for a, b in numbers.values()), sentence
        return "widest gap"
    if sentence.startswith("Parties outnumber signatories"):
        pairs = list(zip(tokens[::2], tokens[1::2], strict=True))
        assert all(p > s and a.split(".")[0] == b.split(".")[0] for (a, p), (b, s) in pairs), sentence
        assert {a.split(".")[0] for (a, _), _ in pairs} == {k for k, (s, p) in numbers.items() if p > s}
        return "accessions"
    if sentence.startswith("No request for pre-ratification assistance"):
        assert figures.requests_received == 0, sentence
        return "no requests"
    if sentence.startswith(("The need most commonly", "The needs most commonly")):
        counts = sorted(figures.common_needs.values(), reverse=True)
        assert all(v >= counts[min(3, len(counts)) - 1] for _, v in tokens), sentence
        return "common needs"
    if sentence.startswith(("Most engagements wait", "The one open engagement waits")):
        assert sentence.startswith("Most") == (
            sum(figures.engagements_by_stage.values()) - ended(figures) > 1
        )
        waiting = [n for k, n in figures.engagements_by_stage.items() if k not in ("completed", "withdrawn")]
        assert all(v == max(waiting) for _, v in tokens), sentence
        return "waiting"
    if "completed every step" in sentence:
        assert figures.engagements_by_stage["completed"] == tokens[0][1] > 0, sentence
        return "completed"
    if sentence.startswith("By ") and "had gone out" in sentence:
        (name, sendings), *_ = tokens
        assert name.endswith(".sendings"), sentence
        assert sendings > 0, sentence
        return "questionnaires"
    if sentence.startswith("The Centre has received"):
        assert [name for name, _ in tokens] == ["requests_received", "requesting_states"], sentence
        return "requests"
    if sentence.startswith("No list of gaps had been drawn up"):
        assert not figures.common_needs, sentence
        return "no gaps"
    if sentence.startswith("Each list of gaps names items"):
        assert figures.common_needs, sentence
        return "gaps"
    if sentence.startswith("No expert had joined the pools"):
        return "no experts"
    if sentence.startswith("No contribution from a donor"):
        return "no donors"
    if sentence.startswith("The Centre has planned"):
        return "plans"
    if sentence.startswith("No seminar, meeting or mission was planned"):
        return "no plans"
    if sentence.startswith("Outlook, a projection rather than a count"):
        return "outlook"
    raise AssertionError(f"a conclusion no rule checks: {sentence}")


@pytest.mark.skipif(not (COLLECTION / "18-12.csv").is_file(), reason=f"no Collection tables at {COLLECTION}")
def test_no_conclusion_contradicts_the_figures_at_any_of_ten_dates(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "seed", "--untc", str(COLLECTION)).exit_code == 0
    engagements(home)
    made: set[str] = set()
    for day in DATES:
        out = tmp_path / day
        rendered = run(home, "report", "render", "--as-of", day, "--format", "md", "--out", str(out))
        assert rendered.exit_code == 0, rendered.output
        asked = run(home, "report", "figures", "--as-of", day, "--json")
        figures = Figures.model_validate_json(asked.stdout)
        markdown = (out / f"report-{day}.md").read_text()
        # A count of one is never followed by a plural, nor another by a singular.
        assert not re.search(r"\[1\]\([^)]*\) (parties|signatories|States|engagements)\b", markdown), day
        sentences = conclusions(markdown)
        assert sentences, day
        made |= {check(sentence, figures) for sentence in sentences}
    # The ten dates reach every kind of conclusion: before anything was signed, early and late in
    # ratification, before and after forty parties, with no request and with requests waiting or completed.
    assert made == {
        "nothing signed", "forty needed", "forty reached", "widest gap", "accessions", "no requests",
        "common needs", "waiting", "completed", "questionnaires", "plans", "no plans", "outlook",
        "requests", "no gaps", "gaps", "no experts", "no donors",
    }  # fmt: skip
