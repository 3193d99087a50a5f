"""The report's heading, its mandate (paragraphs 1-2) and how the instruments came to be signed (paragraphs 3
and 7), each sentence made from the recorded resolutions, heading and signing conferences."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from domain.editorial import NotePlace
from domain.mandates import ResolutionDetails
from domain.outreach import MeetingDetails
from domain.values import Instrument
from projections.report.blocks import Block, Heading, Inline, Paragraph
from projections.report.framing import ordinal, span
from projections.report.sections import Sources, day, during, instrument, listing

# The marks of the heading's footnotes: the agenda's symbol, then the heading's editorial note.
MARKS = ("*", "**")
SIGNED = "Report of the Secretary-General"


def heading(s: Sources) -> Heading:
    """The original's heading from the docket of the report being prepared; a bare one without it."""
    docket = s.framing.docket
    note = s.framing.notes.get(NotePlace.HEADING)
    marks = list(MARKS)
    agenda_mark = marks.pop(0) if docket is not None and docket.provisional_agenda else ""
    note_mark = marks.pop(0) if note else ""
    footnotes = [f"{note_mark} {note}"] if note else []
    if docket is None:
        return Heading(signed=SIGNED + note_mark, footnotes=tuple(footnotes))
    organ = (docket.organ, f"Distr.: {docket.distribution}", day(docket.report_date))
    organ += (*((docket.symbol,) if docket.symbol else ()), f"Original: {docket.original}")
    session = (
        docket.commission,
        f"{ordinal(docket.session).capitalize()} session",
        f"{docket.session_place}, {span(docket.session_start, docket.session_end)}",
        f"Item {docket.agenda_item} of the provisional agenda{agenda_mark}",
        docket.agenda_title,
    )
    if agenda_mark:
        footnotes.insert(0, f"{agenda_mark} {docket.provisional_agenda}.")
    return Heading(groups=(organ, session), signed=SIGNED + note_mark, footnotes=tuple(footnotes))


def _instruments(keys: Sequence[Instrument]) -> list[list[Inline]]:
    return [[instrument(k.value, 0)] for k in keys]


def _annexes(r: ResolutionDetails) -> str:
    if not r.annexes:
        return ""
    said = listing([[a] for a in r.annexes])
    return f" (annex{'es' if len(r.annexes) > 1 else ''} {''.join(str(p) for p in said)})"


def _resolution(s: Sources, r: ResolutionDetails) -> list[Inline]:
    """One resolution: what it adopted, what else it decided, and the report it asked for."""
    opening = f"resolution {r.number} of {day(r.adopted)}, the {r.body}"
    deeds: list[list[Inline]] = [[p] for p in r.provisions]
    docket = s.framing.docket
    if r.report_to is not None:
        at = f" at its {ordinal(r.report_session)} session" if r.report_session else ""
        deeds.append([f"requested the Secretary-General to report to the {r.report_to}{at}"])
    if r.adopts:
        adopted = ["By its ", opening, " adopted ", *listing(_instruments(r.adopts)), _annexes(r)]
        text = [*adopted, *(["; it also ", *listing(deeds, "; ", "; and ")] if deeds else []), "."]
    else:
        text = ["In its ", opening, " ", *listing(deeds, "; ", "; and "), "."]
    if docket is not None and docket.mandate == r.number:
        text.append(" The present report answers that request.")
    return text


def mandate(s: Sources) -> list[Block]:
    """Paragraphs 1-2: the resolutions adopted by the report's date."""
    return [Paragraph(parts=tuple(_resolution(s, r))) for r in s.framing.resolutions]


def _conference(conference: MeetingDetails) -> list[Inline]:
    """Paragraph 3: which instruments a conference opened for signature, where and when."""
    opened = "".join(str(p) for p in listing(_instruments(conference.instruments))) or "the instruments"
    verb = "was" if len(conference.instruments) == 1 else "were"
    held = during(conference.start, conference.end, conference.dated_to)
    said = (
        f"{opened} {verb} opened for signature at the {conference.title}, held in {conference.place} {held}."
    )
    return [said[0].upper() + said[1:]]


def _negotiated(s: Sources, r: ResolutionDetails, by: str, on: date) -> list[Inline]:
    """Paragraph 7: who negotiated an instrument, when, and, if later than a signing conference, that it was
    not opened for signature there."""
    when = during(on, on, r.negotiations_dated_to)
    several = len(r.adopts) > 1
    text: list[Inline] = [f"The {by} completed the negotiations for "]
    text += [*listing(_instruments(r.adopts)), f" {when}; the {r.body} adopted {'them' if several else 'it'}"]
    text += [f" by its resolution {r.number} of {day(r.adopted)}"]
    earlier = [c for c in s.framing.conferences if c.end < r.adopted]
    if earlier:
        not_opened = "they were" if several else "it was"
        text += [f", after the {earlier[-1].title} at {earlier[-1].place}, where {not_opened} not opened"]
        text += [" for signature"]
    return [*text, "."]


def promotion(s: Sources) -> list[Block]:
    """Paragraphs 3 and 7: the signing conferences held by the report's date, and the instruments negotiated
    and adopted after them."""
    blocks: list[Block] = [Paragraph(parts=tuple(_conference(c))) for c in s.framing.conferences]
    blocks += [
        Paragraph(parts=tuple(_negotiated(s, r, r.negotiated_by, r.negotiations_concluded)))
        for r in s.framing.resolutions
        if r.negotiated_by is not None and r.negotiations_concluded is not None
    ]
    return blocks
