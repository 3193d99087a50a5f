"""The report of 4 March 2002 rendered from the seed history and the Collection's tables states the original's
facts (tests/fixtures/report_2002_facts.py): at least nine in ten of those the data holds, and none wrongly;
each check fails when the value it finds is changed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from activities.collection import shipped_folder
from cli.app import app
from tests.fixtures.report_2002_facts import FACTS, ReportFact

AS_OF = "2002-03-04"
SHARE = 0.9
SECTIONS = ("I", "II", "III", "IV", "V")


@dataclass(frozen=True)
class Found:
    """What the Markdown says of a fact: stated, wrong or missing, and where each right value stands."""

    status: str
    values: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]


def _bounds(markdown: str, where: str) -> tuple[int, int]:
    if where == "heading":
        return 0, markdown.index("## Contents")
    if where == "contents":
        return markdown.index("## Contents"), markdown.index('<a id="section-i">')
    if where == "notes":
        return markdown.index("## Notes"), len(markdown)
    start = markdown.index(f"\n## {where}. ")
    end = markdown.find("\n## ", start + 1)
    return start, end if end >= 0 else len(markdown)


def scopes(markdown: str, where: str) -> Iterator[tuple[int, str]]:
    """The parts of the Markdown a fact is looked for in, each with its offset."""
    if where.startswith("row:"):
        key, offset = where.removeprefix("row:"), 0
        for line in markdown.splitlines(keepends=True):
            if line.startswith("|") and key in line:
                yield offset, line
            offset += len(line)
        return
    start, end = _bounds(markdown, where)
    yield start, markdown[start:end]


def _same(fact: ReportFact, value: str) -> bool:
    if fact.as_set:
        return set(value.split(";", maxsplit=1)[0].split(", ")) == set(fact.value.split("|"))
    return value == fact.value


def check(fact: ReportFact, markdown: str) -> Found:
    found = [
        (offset + match.start(1), offset + match.end(1), match.group(1))
        for offset, text in scopes(markdown, fact.where)
        for match in re.finditer(fact.says, text, flags=re.M)
    ]
    right = tuple((a, b) for a, b, value in found if _same(fact, value))
    status = "stated" if right else "wrong" if found else "missing"
    return Found(status, tuple(value for _, _, value in found), right)


@pytest.fixture(scope="module")
def markdown(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The report as of 4 March 2002, reviewing 2001, from `palermo seed` and the shipped tables."""
    home = tmp_path_factory.mktemp("facts") / "home"
    env = {"PALERMO_HOME": str(home), "PALERMO_STORE": "sqlite", "PALERMO_ACTOR": "registry"}
    runner = CliRunner()
    seeded = runner.invoke(app, ["seed", "--untc", str(shipped_folder())], env=env)
    assert seeded.exit_code == 0, seeded.output
    out = home / "out"
    rendered = runner.invoke(
        app,
        ["report", "render", "--as-of", AS_OF, "--year", "2001", "--format", "md", "--out", str(out)],
        env=env,
    )
    assert rendered.exit_code == 0, rendered.output
    return (out / f"report-{AS_OF}.md").read_text(encoding="utf-8")


def test_the_fixture_names_each_fact_once_with_its_paragraph_and_a_pattern_or_a_reason() -> None:
    assert len({(f.paragraph, f.fact) for f in FACTS}) == len(FACTS)
    for fact in FACTS:
        assert fact.paragraph, fact
        assert fact.fact, fact
        if fact.unheld is None:
            assert re.compile(fact.says).groups == 1, fact
            assert fact.where in {"heading", "contents", "notes", *SECTIONS} or fact.where.startswith("row:")
        else:
            assert fact.unheld.strip(), fact


def test_the_report_of_4_march_2002_states_its_facts_and_none_wrongly(
    markdown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    held = [f for f in FACTS if f.unheld is None]
    results = {f: check(f, markdown) for f in held}
    stated = [f for f, r in results.items() if r.status == "stated"]
    wrong = [
        f"{f.paragraph}: {f.fact} (said {', '.join(r.values)})"
        for f, r in results.items()
        if r.status == "wrong"
    ]
    missing = [f"{f.paragraph}: {f.fact}" for f, r in results.items() if r.status == "missing"]
    with capsys.disabled():
        print(
            f"\nThe report of 4 March 2002 states {len(stated)} of the {len(held)} facts the data holds "
            f"({len(stated) / len(held):.0%}); {len(FACTS)} facts in all, {len(FACTS) - len(held)} the data "
            "cannot hold.",
            *(f"  missing {line}" for line in missing),
            sep="\n",
        )

    assert wrong == []
    assert len(stated) >= SHARE * len(held), missing


def test_every_check_fails_once_the_value_it_found_is_changed(markdown: str) -> None:
    for fact in (f for f in FACTS if f.unheld is None):
        found = check(fact, markdown)
        if found.status != "stated":
            continue
        changed = markdown
        for start, end in sorted(found.spans, reverse=True):
            value = changed[start:end]
            changed = changed[:start] + ("Z" if value[0] != "Z" else "Y") + value[1:] + changed[end:]
        assert check(fact, changed).status != "stated", fact
