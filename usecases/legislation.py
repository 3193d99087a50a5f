"""The knowledge of legislation (paragraph 20): laws on record and bills enacted in engagements, searchable
across States by checklist item, instrument, region or words, and exported for dissemination."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from activities.legislation import EnactmentRecord, Legislation
from activities.participants import ParticipantDirectory
from activities.store.logs import EventLog
from domain.checklist import CHECKLIST_BY_ID
from domain.regions import Region, region_of
from domain.values import BillStage, Instrument
from domain.views import CaseView
from projections.casebook import CaseBook
from usecases.settings import Settings


class Origin(StrEnum):
    """Where a law comes from: recorded as such, or a bill enacted in an engagement."""

    RECORDED = "recorded"
    ENGAGEMENT = "engagement"


class KnownLaw(BaseModel):
    """One State's law for one checklist item, and how it meets it."""

    model_config = ConfigDict(frozen=True)

    state: str
    region: Region | None
    checklist_item: str
    instrument: Instrument | None
    requirement: str
    law: str
    provision: str | None = None
    how: str | None = None
    enacted: date | None
    origin: Origin
    source: str | None
    recorded_by: str | None


class Search(BaseModel):
    """What a search is narrowed to; None lets everything through. `text` matches any of the words given."""

    model_config = ConfigDict(frozen=True)

    checklist_item: str | None = None
    instrument: Instrument | None = None
    region: Region | None = None
    state: str | None = None
    text: str | None = None


def _known(state: str, item: str, law: str, **fields: object) -> KnownLaw:
    checklist = CHECKLIST_BY_ID[item]
    return KnownLaw.model_validate(
        {
            "state": state,
            "region": region_of(state),
            "checklist_item": item,
            "instrument": checklist.instrument,
            "requirement": checklist.title,
            "law": law,
        }
        | fields
    )


def knowledge(recorded: Iterable[EnactmentRecord], cases: Iterable[CaseView]) -> list[KnownLaw]:
    """Every law known: those recorded, then enacted bills of engagements not recorded under their title."""
    found = [
        _known(
            r.enactment.state,
            r.enactment.checklist_item,
            r.enactment.law,
            provision=r.enactment.provision,
            how=r.enactment.how,
            enacted=r.enacted,
            origin=Origin.RECORDED,
            source=r.source,
            recorded_by=r.actor,
        )
        for r in recorded
    ]
    seen = {(k.state, k.checklist_item, k.law.casefold()) for k in found}
    for case in cases:
        for bill in case.bills:
            if bill.stage is not BillStage.ENACTED:
                continue
            for item in bill.addresses:
                if item in CHECKLIST_BY_ID and (case.state, item, bill.title.casefold()) not in seen:
                    found.append(
                        _known(
                            case.state,
                            item,
                            bill.title,
                            enacted=bill.stage_date,
                            origin=Origin.ENGAGEMENT,
                            source=f"engagement of {case.state}",
                            recorded_by=None,
                        )
                    )
    return sorted(found, key=lambda k: (k.checklist_item, k.state, k.law.casefold()))


def search(laws: Iterable[KnownLaw], wanted: Search) -> list[KnownLaw]:
    words = [w.casefold() for w in (wanted.text or "").split()]
    chosen = []
    for law in laws:
        if wanted.checklist_item is not None and law.checklist_item != wanted.checklist_item:
            continue
        if wanted.instrument is not None and law.instrument is not wanted.instrument:
            continue
        if wanted.region is not None and law.region is not wanted.region:
            continue
        if wanted.state is not None and law.state != wanted.state:
            continue
        haystack = " ".join(filter(None, (law.law, law.provision, law.how, law.requirement))).casefold()
        if words and not any(w in haystack for w in words):
            continue
        chosen.append(law)
    return chosen


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    MARKDOWN = "markdown"


COLUMNS = ("checklist_item", "requirement", "state", "region", "law", "provision", "how", "enacted", "origin")


def export(laws: list[KnownLaw], form: ExportFormat) -> str:
    """The laws as CSV, JSON, or a Markdown document grouped by checklist item, for dissemination."""
    if form is ExportFormat.JSON:
        return json.dumps([law.model_dump(mode="json") for law in laws], indent=2, ensure_ascii=False) + "\n"
    if form is ExportFormat.CSV:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for law in laws:
            row = law.model_dump(mode="json")
            writer.writerow(["" if row[c] is None else row[c] for c in COLUMNS])
        return out.getvalue()
    lines = ["# Legislation enacted in line with the Convention and its Protocols", ""]
    lines.append(f"{len(laws)} laws of {len({law.state for law in laws})} States.")
    current = None
    for law in laws:
        if law.checklist_item != current:
            current = law.checklist_item
            lines += [
                "",
                f"## {law.requirement} ({current})",
                "",
                "| State | law | provision | how | enacted |",
            ]
            lines.append("|---|---|---|---|---|")
        cells = [law.state, law.law, law.provision or "", law.how or "", str(law.enacted or "")]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def laws_known(settings: Settings, participants: ParticipantDirectory | None = None) -> list[KnownLaw]:
    """Every law known to the deployment's stores: the Legislation store's and the engagements' bills."""
    store = Legislation(settings.store_env("Legislation"), participants=participants)
    log = EventLog("Engagements", settings.store_env("Engagements"))
    try:
        return knowledge(store.laws(), CaseBook(log).cases())
    finally:
        store.close()
        log.close()
