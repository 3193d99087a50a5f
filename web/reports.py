"""The report's figures as of a date, the rendered report, and what a query may ask them for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from pydantic import AfterValidator, BeforeValidator

from activities.participants import directory
from projections.figures import Figures, figures
from projections.report.document import ReportDocument, build, lineage
from usecases.outreach_book import OutreachBook
from usecases.reports import framing, plan_summaries, state_names
from usecases.settings import Settings
from usecases.shared_read_model import SharedReadModel
from web.errors import ApiError


@dataclass(frozen=True)
class Reading:
    """Everything read from the read model for one as-of date: the figures and the report."""

    result: Figures
    document: ReportDocument


ISO_DAY = re.compile(r"\s*\d{4}-\d{2}-\d{2}")


def _written_out(value: object) -> object:
    """A day or moment in a query as ISO 8601 text: a number would otherwise be read as seconds since 1970."""
    if isinstance(value, str) and value.strip() and not ISO_DAY.match(value):
        raise ValueError("must be an ISO 8601 date (2002-03-04) or date and time (2002-03-04T12:00:00Z)")
    return value


# The days a report may be asked about: the first requests came in 2000; past 2999 a zone shift overflows.
EARLIEST, LATEST = date(1990, 1, 1), date(2999, 12, 31)


def _in_range(value: object) -> object:
    day = value.date() if isinstance(value, datetime) else value
    if isinstance(day, date) and not EARLIEST <= day <= LATEST:
        raise ValueError(f"must be a day from {EARLIEST} to {LATEST}")
    return value


WrittenOut = BeforeValidator(_written_out)
InRange = AfterValidator(_in_range)


def reviewed_year(as_of: date, year: int | None) -> int:
    """The year whose meetings and cooperation are counted: `year`, at most that of `as_of` (its default)."""
    if year is None:
        return as_of.year
    if not EARLIEST.year <= year <= as_of.year:
        raise ApiError(
            422, f"year must be a year from {EARLIEST.year} to that of as_of ({as_of.year}), not {year}."
        )
    return year


def aware(moment: datetime | None) -> datetime | None:
    """A known-at time without a zone is read as local time, as the command line reads it."""
    return moment if moment is None or moment.tzinfo else moment.astimezone()


def asked_at(moment: datetime | None) -> str | None:
    """A known-at time as a kept answer is asked under: as written, offset too, since the figures repeat it
    (two offsets of one instant count alike, but are answered each as asked)."""
    return None if moment is None else moment.isoformat()


def read_figures(
    model: SharedReadModel, as_of: date, known_at: datetime | None, year: int, include_demo: bool = False
) -> Figures:
    """The figures (meetings and cooperation of `year`), computed once per read model version and question,
    however many users ask for them."""
    moment = aware(known_at)
    question = ("figures", as_of, asked_at(moment), year, include_demo)
    return model.kept(question, lambda store: figures(store, as_of, moment, year, include_demo))


def _json_question(as_of: date, moment: datetime | None, year: int, include_demo: bool) -> tuple[object, ...]:
    return ("figures.json", as_of, asked_at(moment), year, include_demo)


def figures_json_at_hand(
    model: SharedReadModel, as_of: date, known_at: datetime | None, year: int, include_demo: bool = False
) -> bytes | None:
    """What `figures_json` gives, when it is kept under the read model's version as it now stands; None when
    it must be made (web.at_hand)."""
    at = model.ready_version()
    if at is None:
        return None
    return model.kept_answer(_json_question(as_of, aware(known_at), year, include_demo), at, bytes)


def figures_json(
    model: SharedReadModel, as_of: date, known_at: datetime | None, year: int, include_demo: bool = False
) -> bytes:
    """The figures as the API answers them, written out once per read model version and question: most of
    an answer kept as figures was its serializing, request after request."""
    moment = aware(known_at)
    question = _json_question(as_of, moment, year, include_demo)

    def written(_: object) -> bytes:
        return read_figures(model, as_of, moment, year, include_demo).model_dump_json(by_alias=True).encode()

    return model.kept(question, written)


def read(
    settings: Settings,
    model: SharedReadModel,
    outreach: OutreachBook,
    as_of: date,
    known_at: datetime | None,
    outlook: str | None = None,
    *,
    year: int | None = None,
    include_demo: bool = False,
) -> Reading:
    """The figures (meetings and cooperation of `year`, by default that of `as_of`) and the report document
    (as `palermo report render` writes it); the meetings', activities' and plans' details from `outreach`, the
    mandate, heading, notes, pools and donors from the deployment's logs (`settings`)."""
    moment = aware(known_at)
    result = read_figures(model, as_of, moment, reviewed_year(as_of, year), include_demo)
    rows = lineage(model.caught_up(), result)
    meetings_known, cooperation_known = outreach.details(rows)
    document = build(
        result,
        rows,
        meetings_known=meetings_known,
        cooperation_known=cooperation_known,
        names=state_names(directory(), rows, as_of),
        plans_known=plan_summaries(outreach.plans_after(as_of)),
        outlook=outlook,
        framing=framing(settings, as_of),
    )
    return Reading(result=result, document=document)


def figure_link(figure: str, as_of: date, known_at: datetime | None, include_demo: bool = False) -> str:
    """Where a bar leads: a region's cases, or the events behind a report figure."""
    if figure.startswith("region."):
        return "/cases?" + urlencode({"region": figure.split(".")[1]})
    query = {"as_of": as_of.isoformat()} | ({"known_at": known_at.isoformat()} if known_at else {})
    query |= {"include_demo": "true"} if include_demo else {}
    return f"/report/figures/{figure}?{urlencode(query)}"
