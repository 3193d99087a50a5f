"""What the report's sections read (the figures, their rows, the recorded details and framing), the words
for names and dates, and the sentences and tables of the introduction's scope and of the status of signature
and ratification, each computed from the figures and their fact rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.editorial import NotePlace
from domain.entry_into_force import FINAL_CLAUSES
from domain.groups import RegionalGroup
from domain.outreach import Headcount, MeetingDetails
from domain.values import DatePrecision, Instrument
from projections.figures import Figures, group_key
from projections.report.blocks import Block, Chart, FigureRef, Inline, Paragraph, Table, superscript
from projections.report.charts import Bar, BarChart, BarGroup
from projections.report.framing import Framing
from projections.store import StoredFact

# Short name in prose, full title in tables, label under a chart's bars.
INSTRUMENTS: dict[str, tuple[str, str, str]] = {
    "convention": (
        "the Convention",
        "United Nations Convention against Transnational Organized Crime",
        "Convention",
    ),
    "trafficking": (
        "the Trafficking in Persons Protocol",
        "Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and Children",
        "Trafficking Protocol",
    ),
    "smuggling": (
        "the Smuggling of Migrants Protocol",
        "Protocol against the Smuggling of Migrants by Land, Sea and Air",
        "Smuggling Protocol",
    ),
    "firearms": (
        "the Firearms Protocol",
        "Protocol against the Illicit Manufacturing of and Trafficking in Firearms, Their Parts and "
        "Components and Ammunition",
        "Firearms Protocol",
    ),
}
# The instruments each of the four needs for its entry into force (Convention art. 38 and the like articles).
FORTY = FINAL_CLAUSES[Instrument.CONVENTION].instruments
FORTY_WORD = "fortieth"
# A stage is the next step due (or the end reached).
STAGES: dict[str, str] = {
    "law_summary": "Summary of criminal law",
    "focal_point": "Focal point",
    "gap_list": "List of gaps",
    "assistance": "Assistance",
    "legislation": "Legislation",
    "training": "Training of officials",
    "completed": "Completed",
    "withdrawn": "Withdrawn",
}
ENDS = ("completed", "withdrawn")


class MeetingSummary(BaseModel):
    """What the caller knows of a meeting beyond the fact rows: its title, place and days."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    kind: str
    place: str
    start: date
    end: date
    participants: tuple[str, ...] = ()
    dated_to: DatePrecision = DatePrecision.DAY
    organizers: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    unnamed_states: Headcount | None = None
    topics: tuple[str, ...] = ()
    outcome: str | None = None

    @classmethod
    def of(cls, meeting: str, details: MeetingDetails) -> MeetingSummary:
        """The summary of the meeting recorded under `meeting`, as its details stand."""
        fields = details.model_dump(include=set(cls.model_fields))
        return cls.model_validate(fields | {"id": meeting, "kind": details.kind.value})


class CooperationSummary(BaseModel):
    """The title of a technical cooperation activity, found by State, kind and date, and its partners."""

    model_config = ConfigDict(frozen=True)

    state: str
    kind: str
    effective_date: date
    title: str
    dated_to: DatePrecision = DatePrecision.DAY
    partners: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sources:
    """Everything the sections read: the figures, each figure's rows, and optional details; `notes` gathers
    the report's notes in the order their marks are set."""

    result: Figures
    values: Mapping[str, int]
    lineage: Mapping[str, Sequence[StoredFact]]
    meetings: Mapping[str, MeetingSummary]
    cooperation: Mapping[tuple[str, str, date], CooperationSummary]
    names: Mapping[str, str]
    framing: Framing = field(default_factory=Framing)
    notes: list[str] = field(default_factory=list)

    def mark(self, note: str) -> str:
        """The mark of a new note of the report (set after the words it explains)."""
        self.notes.append(note)
        return superscript(len(self.notes))

    def noted(self, place: NotePlace) -> tuple[Block, ...]:
        """The editorial note written for `place`, as the paragraph that closes its section."""
        written = self.framing.notes.get(place)
        return (Paragraph(parts=(written,)),) if written else ()

    def ref(self, figure: str) -> FigureRef:
        return FigureRef(name=figure, value=self.values[figure], demo=self.counts_demo(figure))

    def bar(self, figure: str, series: str) -> Bar:
        return Bar(figure=figure, value=self.values[figure], series=series, demo=self.counts_demo(figure))

    def counts_demo(self, figure: str) -> bool:
        """Whether the figure counts demo data (only when demo data is asked for)."""
        return any(row.demo for row in self.rows(figure))

    def rows(self, figure: str) -> Sequence[StoredFact]:
        return self.lineage.get(figure, ())

    def name(self, code: str) -> str:
        return self.names.get(code, code)


def day(value: date) -> str:
    return f"{value.day} {value:%B} {value.year}"


def dates(start: date, end: date, dated_to: str = DatePrecision.DAY) -> str:
    """Days as precisely as the source dates them: "26 March 2001 to 28 March 2001", "in March 2001",
    "in 2001"; never a day the source does not give."""
    if dated_to == DatePrecision.YEAR:
        return f"in {start.year}" if start.year == end.year else f"from {start.year} to {end.year}"
    if dated_to == DatePrecision.MONTH:
        first, last = f"{start:%B} {start.year}", f"{end:%B} {end.year}"
        return f"in {first}" if first == last else f"from {first} to {last}"
    return day(start) if end == start else f"{day(start)} to {day(end)}"


def during(start: date, end: date, dated_to: str = DatePrecision.DAY) -> str:
    """Days in a sentence, as precisely as the source dates them: "from 12 to 15 December 2000", "on 26
    September 2001", "in March 2001"."""
    if dated_to != DatePrecision.DAY:
        return dates(start, end, dated_to)
    if start == end:
        return f"on {day(start)}"
    if (start.year, start.month) == (end.year, end.month):
        return f"from {start.day} to {day(end)}"
    if start.year == end.year:
        return f"from {start.day} {start:%B} to {day(end)}"
    return f"from {day(start)} to {day(end)}"


def label(value: str) -> str:
    return value.replace("_", " ").capitalize()


def counted(ref: FigureRef, one: str, many: str) -> list[Inline]:
    return [ref, f" {one if ref.value == 1 else many}"]


def listing(items: Sequence[Sequence[Inline]], sep: str = ", ", last: str = " and ") -> list[Inline]:
    out: list[Inline] = []
    for i, item in enumerate(items):
        if i:
            out.append(last if i == len(items) - 1 else sep)
        out += item
    return out


def instrument(key: str, form: int) -> str:
    return INSTRUMENTS[key][form] if key in INSTRUMENTS else key


def introduction(s: Sources) -> tuple[Block, ...]:
    """What the report covers, after its mandate."""
    scope = (
        "The present report gives the status of signature and ratification, the seminars and meetings "
        f"held in {s.result.year}, technical cooperation activities, the requests received and the needs "
        "identified. Every figure is computed from the recorded events, and links to the events it counts."
    )
    return (Paragraph(parts=(scope,)),)


def status(s: Sources) -> tuple[Block, ...]:
    keys = list(s.result.instruments)
    signed = [
        [*counted(s.ref(f"{k}.signatories"), "signatory", "signatories"), f" to {instrument(k, 0)}"]
        for k in keys
    ]
    parties = [[*counted(s.ref(f"{k}.parties"), "party", "parties"), f" to {instrument(k, 0)}"] for k in keys]
    # The verb agrees with the first count of its list: "there was 1 signatory", "there were 140".
    first = "was" if s.values[f"{keys[0]}.signatories"] == 1 else "were"
    then = "was" if s.values[f"{keys[0]}.parties"] == 1 else "were"
    text: list[Inline] = [f"As of {day(s.result.as_of)}, there {first} "]
    text += [*listing(signed, "; ", "; and "), f". There {then} ", *listing(parties), "."]
    table = Table(
        caption=f"Signatories, parties and entry into force as of {day(s.result.as_of)}",
        header=("Instrument", "Signatories", "Parties", "Entry into force", "Still needed", "In force for"),
        rows=tuple(
            (
                instrument(k, 1),
                s.ref(f"{k}.signatories"),
                s.ref(f"{k}.parties"),
                _in_force_on(s.result.instruments[k].entry_into_force),
                s.ref(f"{k}.to_entry_into_force"),
                s.ref(f"{k}.in_force_for"),
            )
            for k in keys
        ),
    )
    chart = BarChart(
        name="signature-and-ratification",
        title=f"Signatories and parties as of {day(s.result.as_of)}",
        series=("Signatories", "Parties"),
        threshold=FORTY,
        threshold_label=f"{FORTY} instruments: entry into force",
        groups=tuple(
            BarGroup(
                label=instrument(k, 2),
                bars=(s.bar(f"{k}.signatories", "Signatories"), s.bar(f"{k}.parties", "Parties")),
            )
            for k in keys
        ),
    )
    force = Paragraph(parts=tuple(_entry_into_force(s, keys)))
    blocks: tuple[Block, ...] = (Paragraph(parts=tuple(text)), force, table, Chart(chart=chart))
    if s.result.regional_groups:
        blocks += (_parties_by_group(s, keys),)
    if s.result.statements:
        blocks += (_statements(s),)
    return blocks


def _parties_by_group(s: Sources, keys: Sequence[str]) -> Table:
    """Parties, States reached and requests per United Nations regional group, each State in its group on
    the report's date."""
    figures = [f"{k}.parties" for k in keys] + ["states_reached", "requests_received"]
    heads = [f"Parties: {instrument(k, 2)}" for k in keys] + [
        f"States reached in {s.result.year}",
        "Requests",
    ]
    return Table(
        caption=f"By United Nations regional group as of {day(s.result.as_of)}",
        header=("Regional group", *heads),
        rows=tuple(
            (group.value, *(s.ref(f"regional_groups.{group_key(group)}.{f}") for f in figures))
            for group in RegionalGroup
        ),
    )


def _statements(s: Sources) -> Table:
    """States that made reservations, declarations or objections, per instrument and article."""
    rows: list[tuple[Inline, ...]] = []
    for key in s.result.statements:
        name, article, kind = key.split(".")
        where = f"article {article.removeprefix('art')}" if article.startswith("art") else "the instrument"
        rows.append((instrument(name, 2), where, kind.capitalize(), s.ref(f"statements.{key}")))
    return Table(
        caption=f"Reservations, declarations and objections as of {day(s.result.as_of)}",
        header=("Instrument", "Article", "Kind", "States"),
        rows=tuple(rows),
    )


def groups_reached(s: Sources) -> list[Inline]:
    """Which regional groups the States reached belong to, and how many of each."""
    reached: list[list[Inline]] = [
        [s.ref(f"regional_groups.{group_key(g)}.states_reached"), f" of the {g.value}"]
        for g in RegionalGroup
        if s.result.regional_groups.get(group_key(g), {}).get("states_reached")
    ]
    if not reached:
        return []
    return [" By United Nations regional group, they were ", *listing(reached), "."]


def _in_force_on(found: date | None) -> str:
    return day(found) if found is not None else "not yet"


def _entry_into_force(s: Sources, keys: Sequence[str]) -> list[Inline]:
    """Paragraphs 1, 2 and 22: since when each instrument is in force, or how many more it needs."""
    text: list[Inline] = []
    waiting: list[list[Inline]] = []
    for k in keys:
        numbers = s.result.instruments[k]
        if numbers.entry_into_force is None:
            waiting.append([f"{instrument(k, 0)} needs ", s.ref(f"{k}.to_entry_into_force"), " more"])
        else:
            name = instrument(k, 0)
            since = (
                f"{name[0].upper()}{name[1:]} has been in force since {day(numbers.entry_into_force)}, for "
            )
            text += [since, *counted(s.ref(f"{k}.in_force_for"), "party", "parties"), ". "]
    if waiting:
        text += [
            f"Each instrument enters into force on the ninetieth day after the deposit of the {FORTY_WORD} "
            "instrument of ratification, acceptance, approval or accession (not counting those of regional "
            f"economic integration organizations). As of {day(s.result.as_of)}, ",
            *listing(waiting, "; ", "; and "),
            ".",
        ]
    return text
