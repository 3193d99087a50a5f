"""What every list of the web app offers: a search over what people look cases up by, a sort, pages, and the
whole list as CSV or an Excel workbook."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fastapi.responses import Response
from openpyxl.workbook.workbook import Workbook

from domain.views import CaseView

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Download(StrEnum):
    """A list as a file: comma-separated values, or an Excel workbook."""

    CSV = "csv"
    XLSX = "xlsx"


def searched_text(case: CaseView) -> str:
    """Everything a case is looked up by: State code and name, documents, focal point, partners, donors,
    experts, checklist items, bills."""
    parts: list[str] = [case.state, case.state_name, *case.partners, case.law_summary_document or ""]
    if case.focal_point is not None:
        parts += [case.focal_point.name, case.focal_point.office or ""]
    parts += [g.checklist_item for g in case.gap_items]
    for dated in case.activities:
        parts += [dated.activity.donor or "", *dated.activity.experts, dated.activity.kind.value]
    parts += [b.title for b in case.bills]
    return " ".join(parts).casefold()


def matches(case: CaseView, words: str | None) -> bool:
    """Whether every word searched for is found in the case."""
    wanted = (words or "").casefold().split()
    return not wanted or all(word in searched_text(case) for word in wanted)


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, where it is, and how many there are in all."""

    rows: list[Any]
    number: int
    pages: int
    total: int


def page_of(rows: Sequence[Any], number: int, size: int = PAGE_SIZE) -> Page:
    pages = max(1, -(-len(rows) // size))
    number = min(max(1, number), pages)
    return Page(list(rows[(number - 1) * size : number * size]), number, pages, len(rows))


def download(name: str, header: Sequence[str], rows: Sequence[Sequence[object]], kind: Download) -> Response:
    """The rows as a file to save, named `name` with the kind's extension."""
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{kind.value}"'}
    texts = [["" if v is None else str(v) for v in row] for row in rows]
    if kind is Download.CSV:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(texts)
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=disposition)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = name[:31]
    sheet.append(list(header))
    for row in texts:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return Response(data.getvalue(), media_type=XLSX, headers=disposition)
