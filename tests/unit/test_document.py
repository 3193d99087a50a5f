"""The report document: every number a linked figure, sections and charts computed, event text escaped."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
from pydantic import ValidationError

from domain.outreach import Headcount
from domain.regions import Region
from projections.figures import (
    STAGES,
    Figures,
    InstrumentFigures,
    QuestionnaireFigures,
    Replies,
    figure_names,
)
from projections.report.blocks import anchor
from projections.report.charts import PLOT_HEIGHT, Bar, BarChart, BarGroup, svg
from projections.report.document import MeetingSummary, ReportDocument, build, figure_values
from projections.report.html import render as to_html
from projections.report.html import render_sources as to_sources_html
from projections.report.markdown import render as to_markdown
from projections.report.markdown import render_sources as to_sources_markdown
from projections.store import StoredFact

AS_OF = date(2002, 3, 4)
SVG = "{http://www.w3.org/2000/svg}"
HEADINGS = (
    "I. Introduction",
    "II. Promotion of signature and ratification of the Convention and the Protocols thereto",
    "III. Interregional, regional and subregional meetings",
    "IV. Technical cooperation activities",
    "V. Conclusions and future action",
    "Where the figures come from",
)


def fact(fact: str, subject: str, obj: str, position: int, application: str = "Engagements") -> StoredFact:
    return StoredFact(
        fact=fact,
        subject=subject,
        object=obj,
        effective_date=date(2002, 1, 1 + position % 28),
        recorded_at=datetime(2002, 2, 1, 8, position % 60, tzinfo=UTC),
        superseded_at=None,
        application=application,
        position=position,
        origin=f"origin-{position}",
        version=1,
        event_type="RequestReceived",
    )


def sample_figures(seed: int = 7) -> Figures:
    """Figures with distinct values, so a number shown under the wrong name is caught."""
    pool = random.Random(seed).sample(range(1, 400), 80)
    return Figures(
        as_of=AS_OF,
        known_at=None,
        year=AS_OF.year,
        instruments={
            name: InstrumentFigures(signatories=pool[2 * i], parties=pool[2 * i + 1])
            for i, name in enumerate(("convention", "trafficking", "smuggling", "firearms"))
        },
        meetings_held=pool[8],
        states_reached=pool[9],
        cooperation_activities=pool[10],
        requests_received=pool[11],
        requesting_states=pool[29],
        engagements_by_stage={stage: pool[12 + i] for i, stage in enumerate(STAGES)},
        common_needs={
            "convention.art16": pool[20],
            "convention.art5": pool[21],
            "trafficking.art5": pool[22],
        },
        questionnaires={
            name: QuestionnaireFigures(
                sendings=pool[23 + 3 * i],
                sent=pool[24 + 3 * i],
                replies=pool[25 + 3 * i],
                by_region={
                    region.value: Replies(sent=pool[30 + 10 * i + 2 * j], replies=pool[31 + 10 * i + 2 * j])
                    for j, region in enumerate(Region)
                },
            )
            for i, name in enumerate(("advisory_council", "prosecutors"))
        },
        regional_groups={
            group: {figure: pool[50 + 6 * g + f] for f, figure in enumerate(GROUP_FIGURES)}
            for g, group in enumerate(
                (
                    "african",
                    "asia_pacific",
                    "eastern_european",
                    "latin_american_caribbean",
                    "western_european_others",
                )
            )
        },
    )


GROUP_FIGURES = (
    "convention.parties",
    "trafficking.parties",
    "smuggling.parties",
    "firearms.parties",
    "states_reached",
    "requests_received",
)


def sample_lineage() -> dict[str, list[StoredFact]]:
    return {
        "convention.parties": [fact("party", "ITA", "convention", 11, "Treaties")],
        "meetings_held": [fact("meeting", "m-1", "subregional_seminar", 21, "Outreach")],
        "states_reached": [
            fact("meeting_participant", "ZAF", "m-1", 22, "Outreach"),
            fact("meeting_participant", "NAM", "m-1", 22, "Outreach"),
        ],
        "cooperation_activities": [fact("cooperation", "HRV", "legal_training", 23, "Outreach")],
        "requests_received": [
            fact("request", "BLR", "convention", 31),
            fact("request", "BOL", "convention", 32),
        ],
    }


class Page(HTMLParser):
    """What the tests read from the HTML: ids (and whether in the appendix), links, headings, script tags."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.ids: dict[str, bool] = {}
        self.links: list[tuple[str, str]] = []
        self.chart_links: list[str] = []
        self.headings: list[str] = []
        self.scripts = 0
        self.section_text: dict[str, list[str]] = {}
        self._link: str | None = None
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if found.get("id"):
            self.ids[str(found["id"])] = any(i == "lineage" for _, i in self.stack)
        href = found.get("href") or ""
        if tag == "a" and "#" in href:
            target = href.split("#", 1)[1]
            if any(t == "svg" for t, _ in self.stack):
                self.chart_links.append(target)
            else:
                self._link = target
        if tag in ("h2", "h3"):
            self._heading = []
        self.stack.append((tag, found.get("id")))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            continue
        if tag in ("h2", "h3") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._link is not None and data.strip():
            self.links.append((self._link, data.strip()))
            self._link = None
        if self._heading is not None:
            self._heading.append(data)
        for _, ident in self.stack:
            if ident and ident.startswith("lineage-"):
                self.section_text.setdefault(ident, []).append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def test_every_figure_is_shown_with_its_value_in_markdown_and_html() -> None:
    result = sample_figures()
    document = build(result, sample_lineage())
    markdown, page = to_markdown(document), parse(to_html(document))
    sources = to_sources_markdown(document)
    values = figure_values(result)
    # Named by pattern (common_needs.<checklist item>, regional_groups.<group>.<figure>): checked below.
    assert set(values) >= {n for n in figure_names() if "<" not in n}
    assert {n for n in values if n.startswith("regional_groups.")} == {
        f"regional_groups.{group}.{figure}"
        for group, counts in result.regional_groups.items()
        for figure in counts
    }
    assert {n for n in values if n.startswith("common_needs.")} == {
        f"common_needs.{item}" for item in result.common_needs
    }
    linked = set(page.links)
    for name, value in values.items():
        assert f"[{value}](report-2002-03-04-sources.md#{anchor(name)})" in markdown, name
        assert (anchor(name), str(value)) in linked, name
    for heading in HEADINGS[:-1]:
        assert f"## {heading}" in markdown
        assert heading in page.headings
    # The lineage is a file of its own, beside the report.
    assert f"# {HEADINGS[-1]}" in sources
    assert f"# {HEADINGS[-1]}" not in markdown
    assert "](report-2002-03-04-sources.md)" in markdown


def test_every_count_in_the_text_is_a_linked_figure() -> None:
    html = to_html(build(sample_figures(), sample_lineage()))
    body = html.split("</nav>", 1)[1].split('<section id="lineage"', 1)[0]
    body = re.sub(r"<svg.*?</svg>", "", body, flags=re.S)
    body = re.sub(r'<a class="figure" href="[^"]+">\d+</a>', "", body)
    body = re.sub(r'<span class="number">\d+\.</span>', "", body)
    text = re.sub(r"<[^>]+>", " ", body)
    # What may remain: dates, the year, checklist item ids, articles and the name of the sources file.
    text = re.sub(r"\b\d{1,2} [A-Z][a-z]+ \d{4}\b|\b[Ii]n \d{4}\b|\b[a-z]+\.art\d+\b", "", text)
    text = re.sub(r"\(article \d+\)", "", text)
    text = re.sub(r"report-\d{4}-\d{2}-\d{2}-sources\.html", "", text)
    assert re.findall(r"\d+", text) == []


def test_changing_one_figure_changes_every_place_it_is_shown_and_nothing_else() -> None:
    result = sample_figures()
    before = build(result, sample_lineage())
    for name in figure_values(result):
        changed = bump(result, name)
        after = build(changed, sample_lineage())
        new = str(figure_values(changed)[name])
        shown = {text for target, text in parse(to_html(after)).links if target == anchor(name)}
        assert shown == {new}, name
        assert f"[{new}](report-2002-03-04-sources.md#{anchor(name)})" in to_markdown(after), name
        old_lines = set(to_markdown(before).splitlines())
        changed_lines = [line for line in to_markdown(after).splitlines() if line not in old_lines]
        assert changed_lines, name
        heading = f"### {name.replace('_', chr(92) + '_')}: {new}"
        assert all(anchor(name) in line or line == heading for line in changed_lines), (name, changed_lines)
        drawn = {
            b.get("data-figure"): b.get("data-value")
            for chart in after.chart_files().values()
            for series in ("Signatories", "Parties", "Engagements")
            for b in bars(chart, series)
        }
        if name in drawn:
            assert drawn[name] == new, name


def bump(result: Figures, name: str) -> Figures:
    """The same figures with `name` one higher."""
    data = result.model_dump()
    head, _, tail = name.partition(".")
    if head in data["instruments"]:
        data["instruments"][head][tail] += 1
    elif head in ("engagements_by_stage", "common_needs"):
        data[head][tail] += 1
    elif head == "questionnaires":
        questionnaire, what, *region = tail.split(".")
        counts = data[head][questionnaire]
        (counts["by_region"][region[0]] if region else counts)[what] += 1
    elif head == "regional_groups":
        group, _, figure = tail.partition(".")
        data[head][group][figure] += 1
    else:
        data[name] += 1
    return Figures.model_validate(data)


def bars(chart_svg: str, series: str) -> list[ET.Element]:
    root = ET.fromstring(chart_svg)
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar" and r.get("data-series") == series]


def test_signature_chart_draws_one_bar_per_instrument_in_proportion() -> None:
    result = sample_figures()
    document = build(result, sample_lineage())
    files = document.chart_files()
    chart = files["report-2002-03-04-signature-and-ratification.svg"]
    highest = max(max(n.signatories, n.parties) for n in result.instruments.values())
    for series, attribute in (("Signatories", "signatories"), ("Parties", "parties")):
        drawn = bars(chart, series)
        assert [b.get("data-figure") for b in drawn] == [f"{k}.{attribute}" for k in result.instruments]
        for bar, numbers in zip(drawn, result.instruments.values(), strict=True):
            value = getattr(numbers, attribute)
            assert int(bar.get("data-value", "-1")) == value
            assert float(bar.get("height", "-1")) == pytest.approx(PLOT_HEIGHT * value / highest, abs=0.01)
    lefts = [float(b.get("x", "0")) for b in bars(chart, "Signatories")]
    assert lefts == sorted(lefts)
    assert len(set(lefts)) == len(lefts)


def test_stage_chart_has_a_bar_per_stage_and_the_markdown_points_at_the_chart_files() -> None:
    result = sample_figures()
    document = build(result, sample_lineage())
    files = document.chart_files()
    drawn = bars(files["report-2002-03-04-engagements-by-stage.svg"], "Engagements")
    assert [int(b.get("data-value", "-1")) for b in drawn] == list(result.engagements_by_stage.values())
    referenced = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", to_markdown(document))
    assert sorted(referenced) == sorted(files)


def test_a_chart_of_zeros_draws_flat_bars() -> None:
    chart = BarChart(
        name="empty",
        title="Nothing yet",
        series=("Parties",),
        groups=(
            BarGroup(label="Convention", bars=(Bar(figure="convention.parties", value=0, series="Parties"),)),
        ),
    )
    assert [float(b.get("height", "-1")) for b in bars(svg(chart), "Parties")] == [0.0]


def test_every_figure_link_points_to_its_events_in_the_sources_file() -> None:
    document = build(sample_figures(), sample_lineage())
    html = to_html(document)
    hrefs = re.findall(r'<a class="figure" href="([^"#]*)#', html)
    assert set(hrefs) == {"report-2002-03-04-sources.html"}
    page = parse(html + to_sources_html(document))
    figure_links = [target for target, _ in page.links if target.startswith("lineage-")]
    assert len(figure_links) > len(figure_values(sample_figures()))  # text and tables
    bar_links = page.chart_links
    assert len(bar_links) == 2 * len(sample_figures().instruments) + len(STAGES)
    figure_links += bar_links
    for target in figure_links:
        assert page.ids.get(target) is True, target
    for target, _ in page.links:
        assert target in page.ids, target
    listed = "".join(page.section_text[anchor("convention.parties")])
    for expected in (
        "ITA",
        "convention",
        "2002-01-12",
        "2002-02-01 08:11:00 UTC",
        "RequestReceived",
        "Treaties",
    ):
        assert expected in listed
    assert "palermo report explain convention.parties --as-of 2002-03-04" in listed
    assert "No events." in "".join(page.section_text[anchor("convention.signatories")])
    markdown = to_sources_markdown(document)
    appendix = markdown.split(f'<a id="{anchor("convention.parties")}"></a>', 1)[1].split("<a id=", 1)[0]
    assert "Listed by `palermo report explain convention.parties --as-of 2002-03-04`" in appendix
    assert (
        "| ITA | convention | 2002-01-12 | 2002-02-01 08:11:00 UTC | RequestReceived | Treaties | 11 |"
        in appendix
    )


def test_event_text_is_escaped_in_html_and_markdown() -> None:
    hostile = "<script>alert('x')</script>"
    result = sample_figures().model_copy(update={"common_needs": {hostile: 2}})
    rows = sample_lineage() | {f"common_needs.{hostile}": [fact("gap_item", "BLR", hostile, 41)]}
    summary = MeetingSummary(
        id="m-1",
        title=f"Seminar {hostile}",
        kind="subregional_seminar",
        place="Pretoria & <b>",
        start=AS_OF,
        end=AS_OF,
    )
    document = build(result, rows, meetings_known=[summary], names={"ZAF": hostile})
    html = to_html(document) + to_sources_html(document)
    markdown = to_markdown(document) + to_sources_markdown(document)
    page = parse(html)
    assert page.scripts == 0
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "Pretoria &amp; &lt;b&gt;" in html
    assert "<script>" not in markdown
    assert "&lt;script&gt;" in markdown
    assert (anchor(f"common_needs.{hostile}"), "2") in page.links
    assert page.ids.get(anchor(f"common_needs.{hostile}")) is True


def test_a_pipe_in_event_text_does_not_split_a_markdown_table_cell() -> None:
    rows = sample_lineage() | {"convention.parties": [fact("party", "A|B", "convention", 11, "Treaties")]}
    markdown = to_sources_markdown(build(sample_figures(), rows))
    line = next(x for x in markdown.splitlines() if x.startswith("| A\\|B"))
    assert line.count(" | ") == 6


def test_meetings_show_their_title_place_and_the_states_that_took_part() -> None:
    summary = MeetingSummary(
        id="m-1",
        title="Seminar of the Southern African Development Community",
        kind="subregional_seminar",
        place="Pretoria",
        start=date(2002, 1, 22),
        end=date(2002, 1, 24),
    )
    names = {"ZAF": "South Africa", "NAM": "Namibia"}
    with_details = to_markdown(
        build(sample_figures(), sample_lineage(), meetings_known=[summary], names=names)
    )
    assert (
        "| 22 January 2002 to 24 January 2002 | Seminar of the Southern African Development Community "
        "(subregional seminar) | Pretoria | — | Namibia, South Africa |" in with_details
    )
    bare = to_markdown(build(sample_figures(), sample_lineage()))
    assert "| 22 January 2002 | Subregional seminar | — | — | NAM, ZAF |" in bare


def test_a_meeting_shows_who_organized_it_its_unnamed_states_and_its_outcome_as_a_note() -> None:
    summary = MeetingSummary(
        id="m-1",
        title="Interregional seminar",
        kind="subregional_seminar",
        place="Courmayeur",
        start=date(2001, 9, 13),
        end=date(2001, 9, 16),
        organizers=("Advisory Council",),
        partners=("Italy",),
        unnamed_states=Headcount(count=30, approximate=True),
        outcome="A questionnaire was tested.",
    )
    document = build(
        sample_figures(), sample_lineage(), meetings_known=[summary], names={"ZAF": "South Africa"}
    )
    markdown = to_markdown(document)

    assert (
        "| Interregional seminar (subregional seminar)¹ | Courmayeur | Advisory Council; with Italy | "
        "NAM, South Africa; approximately 30 other States, not named |" in markdown
    )
    assert document.notes == ("Interregional seminar: A questionnaire was tested.",)
    assert "## Notes\n\n¹ Interregional seminar: A questionnaire was tested." in markdown
    assert "in which at least [" in markdown
    assert "took part: those named; approximately 30 States at Courmayeur were not named." in markdown
    assert "at least" not in to_markdown(build(sample_figures(), sample_lineage()))


def test_conclusions_name_the_most_common_needs_and_where_most_engagements_wait() -> None:
    result = sample_figures().model_copy(
        update={
            "common_needs": {"convention.art16": 9, "convention.art5": 4, "firearms.art8": 1},
            "engagements_by_stage": dict.fromkeys(STAGES, 1) | {"gap_list": 6, "completed": 50},
        }
    )
    markdown = to_markdown(build(result, sample_lineage()))
    conclusions = markdown.split("## V. Conclusions and future action", 1)[1].split(
        "## Where the figures", 1
    )[0]
    assert (
        "extradition (convention.art16), named by "
        "[9](report-2002-03-04-sources.md#lineage-common_needs.convention.art16) States" in conclusions
    )
    assert conclusions.index("convention.art16") < conclusions.index("convention.art5")
    assert (
        "wait for the next step: list of gaps "
        "([6](report-2002-03-04-sources.md#lineage-engagements_by_stage.gap_list) engagements)"
        in (conclusions)
    )
    swapped = result.model_copy(
        update={
            "common_needs": {"convention.art16": 1, "convention.art5": 9},
            "engagements_by_stage": dict.fromkeys(STAGES, 1) | {"legislation": 6},
        }
    )
    other = to_markdown(build(swapped, sample_lineage())).split("## V. Conclusions and future action", 1)[1]
    assert "The needs most commonly identified are criminalization of participation" in other
    assert "wait for the next step: legislation (" in other


def test_a_tie_for_the_most_waiting_stage_names_both() -> None:
    result = sample_figures().model_copy(
        update={"engagements_by_stage": dict.fromkeys(STAGES, 0) | {"focal_point": 3, "assistance": 3}}
    )
    markdown = to_markdown(build(result, sample_lineage()))
    assert (
        "focal point ([3](report-2002-03-04-sources.md#lineage-engagements_by_stage.focal_point) "
        "engagements) and equally assistance" in (markdown)
    )


def test_no_common_needs_is_said_in_words_not_an_empty_table() -> None:
    result = sample_figures().model_copy(update={"common_needs": {}})
    markdown = to_markdown(build(result, sample_lineage()))
    assert "No list of gaps had been drawn up by that date." in markdown
    assert "Common needs by checklist item" not in markdown


def test_a_document_whose_figure_has_no_matching_lineage_is_refused() -> None:
    document = build(sample_figures(), sample_lineage())
    wrong = tuple(
        e.model_copy(update={"value": e.value + 1}) if e.figure == "meetings_held" else e
        for e in document.lineage
    )
    with pytest.raises(ValidationError, match="meetings_held"):
        ReportDocument.model_validate(document.model_dump() | {"lineage": wrong})


def test_singular_figures_read_as_singular() -> None:
    result = sample_figures().model_copy(update={"meetings_held": 1, "states_reached": 1})
    markdown = to_markdown(build(result, sample_lineage()))
    assert "in [1](report-2002-03-04-sources.md#lineage-meetings_held) seminar or meeting on" in markdown
    assert "in which [1](report-2002-03-04-sources.md#lineage-states_reached) State took part" in markdown


def test_the_status_chart_draws_a_line_at_forty_above_bars_lower_than_it() -> None:
    result = sample_figures().model_copy(
        update={
            "instruments": {
                name: InstrumentFigures(signatories=20, parties=8, to_entry_into_force=32)
                for name in ("convention", "trafficking", "smuggling", "firearms")
            }
        }
    )
    files = build(result, sample_lineage()).chart_files()
    root = ET.fromstring(files["report-2002-03-04-signature-and-ratification.svg"])
    [line] = [e for e in root.iter(f"{SVG}line") if e.get("class") == "threshold"]
    tallest = max(float(b.get("height", "0")) for b in bars(svg(chart_of(result)), "Signatories"))

    assert line.get("data-value") == "40"
    assert float(line.get("y1", "0")) == pytest.approx(66.0)  # the top of the plot: forty is the highest
    assert tallest == pytest.approx(PLOT_HEIGHT * 20 / 40)


def chart_of(result: Figures) -> BarChart:
    return build(result, sample_lineage()).charts()[0]


def test_the_report_says_how_many_instruments_each_still_needs_or_since_when_it_is_in_force() -> None:
    numbers = {
        "convention": InstrumentFigures(
            signatories=147, parties=45, entry_into_force=date(2003, 9, 29), in_force_for=41
        ),
        "trafficking": InstrumentFigures(signatories=117, parties=37, to_entry_into_force=3),
        "smuggling": InstrumentFigures(signatories=112, parties=35, to_entry_into_force=5),
        "firearms": InstrumentFigures(signatories=52, parties=10, to_entry_into_force=30),
    }
    result = sample_figures().model_copy(update={"as_of": date(2003, 9, 29), "instruments": numbers})

    text = to_markdown(build(result, sample_lineage()))

    assert "As of 29 September 2003, the Trafficking in Persons Protocol needs [3]" in text
    assert (
        "the Firearms Protocol needs "
        "[30](report-2003-09-29-sources.md#lineage-firearms.to_entry_into_force) more." in text
    )
    assert "The Convention has been in force since 29 September 2003, for [41]" in text
