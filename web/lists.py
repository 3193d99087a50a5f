"""What every list of the web app offers, made from its declaration in web/listings.py: a search (every word
must match), a sort, pages, an address that keeps them, and the whole list as CSV or an Excel workbook."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response
from openpyxl.workbook.workbook import Workbook

from web import config
from web.errors import ApiError

T = TypeVar("T")
PAGE_SIZE = config.PAGE_SIZE
LAST_PAGE = 100_000
LONGEST_SEARCH = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Download(StrEnum):
    """A list as a file: comma-separated values, or an Excel workbook."""

    CSV = "csv"
    XLSX = "xlsx"


def _orderable(value: object) -> tuple[bool, Any]:
    # Blank values last; text without regard to case. Equal blanks are never compared with `<`.
    return value is None, value.casefold() if isinstance(value, str) else value


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column of a list: its header and value in the files, and, if the list sorts by it, the name
    `sort=` gives it and how it orders the rows (by its value unless `order` says otherwise)."""

    header: str
    value: Callable[[T], object]
    sort: str | None = None
    order: Callable[[T], Any] | None = None

    def key(self) -> Callable[[T], Any]:
        return self.order or (lambda row: _orderable(self.value(row)))


@dataclass(frozen=True)
class Listing(Generic[T]):
    """A list as its page shows it and its files hold it. The page's search (`q`) narrows every searchable
    list on it; a second list on a page takes its sort, page and download as `PREFIX_sort`, and so on."""

    name: str  # the files' name
    title: str  # what it lists, in words ("experts")
    columns: tuple[Column[T], ...]
    default: str | None = None  # the sort when none is asked for; None keeps the order the rows come in
    hint: str = ""  # what people search it by
    searched: Callable[[T], str] | None = None  # what a search looks in; None: every column's text
    search: bool = True
    paged: bool = True
    prefix: str = ""

    def param(self, name: str) -> str:
        return f"{self.prefix}_{name}" if self.prefix else name

    @property
    def sorts(self) -> dict[str, Column[T]]:
        return {c.sort: c for c in self.columns if c.sort is not None}

    def text(self, row: T) -> str:
        if self.searched is not None:
            return self.searched(row).casefold()
        return " ".join("" if (v := c.value(row)) is None else str(v) for c in self.columns).casefold()

    def shown(self, request: Request, rows: Iterable[T]) -> Showing[T]:
        """The rows as the request's address asks: searched, sorted, one page of them."""
        asked = request.query_params
        words = _search(asked.get("q")) if self.search else ""
        sort = asked.get(self.param("sort")) or self.default
        wanted = words.casefold().split()
        found = [r for r in rows if not wanted or _has_all(self.text(r), wanted)]
        if sort is not None:
            column = self.sorts.get(sort.removeprefix("-"))
            if column is None:
                choices = ", ".join(self.sorts) or "none"
                raise ApiError(422, f"{self.param('sort')}: the {self.title} sort by {choices} (- reverses).")
            found.sort(key=column.key(), reverse=sort.startswith("-"))
        size = request.app.state.services.web.page_size if self.paged else max(1, len(found))
        page = page_of(found, _number(self.param("page"), asked.get(self.param("page"))), size)
        asked_for = asked.get(self.param("download")) or None
        try:
            kind = None if asked_for is None else Download(asked_for)
        except ValueError:
            raise ApiError(422, f"{self.param('download')}: csv or xlsx.") from None
        query = tuple(asked.multi_items())
        return Showing(self, found, page, words, sort, kind, request.url.path, query)


def _has_all(text: str, words: list[str]) -> bool:
    return all(word in text for word in words)


def _search(words: str | None) -> str:
    if words is not None and len(words) > LONGEST_SEARCH:
        raise ApiError(422, f"q: a search of at most {LONGEST_SEARCH} characters.")
    return words or ""


def _number(name: str, given: str | None) -> int:
    if not given:
        return 1
    if not given.isdigit() or not 1 <= int(given) <= LAST_PAGE:
        raise ApiError(422, f"{name}: a page number from 1 to {LAST_PAGE}.")
    return int(given)


@dataclass(frozen=True)
class SortLink:
    text: str
    url: str
    current: bool
    descending: bool


@dataclass(frozen=True)
class Showing(Generic[T]):
    """What a page shows of a list: the rows found, the page of them, and the addresses that change it."""

    listing: Listing[T]
    found: list[T]
    page: Page
    q: str
    sort: str | None
    download: Download | None
    path: str
    query: tuple[tuple[str, str], ...] = field(repr=False)

    @property
    def rows(self) -> list[Any]:
        return self.page.rows

    def url(self, changed: Mapping[str, str | None] | None = None) -> str:
        """This address with parameters changed (None removes one); a change starts at the first page."""
        changed = {self.listing.param("page"): None, self.listing.param("download"): None, **(changed or {})}
        kept = [(k, v) for k, v in self.query if k not in changed]
        kept += [(k, v) for k, v in changed.items() if v is not None]
        return f"{self.path}?{urlencode(kept)}" if kept else self.path

    @property
    def here(self) -> str:
        """The address of this view: its filter, search, sort and page (a bookmark keeps them)."""
        return self.url({self.listing.param("page"): str(self.page.number)} if self.page.number > 1 else {})

    def page_url(self, number: int) -> str:
        return self.url({self.listing.param("page"): str(number)})

    def download_url(self, kind: str) -> str:
        return self.url({self.listing.param("download"): kind})

    @property
    def sort_links(self) -> list[SortLink]:
        """A link per column the list sorts by; the current one's reverses it."""
        name, descending = (self.sort or "").removeprefix("-"), (self.sort or "").startswith("-")
        links = []
        for key, column in self.listing.sorts.items():
            current = key == name
            wanted = f"-{key}" if current and not descending else key
            url = self.url({self.listing.param("sort"): wanted})
            links.append(SortLink(column.header, url, current, current and descending))
        return links

    def hidden(self, *own: str) -> list[tuple[str, str]]:
        """The address's parameters a search form keeps, besides the search and the form's `own` fields: a
        new search starts every list at its first page."""
        dropped = {"q", *own}
        return [(k, v) for k, v in self.query if k not in dropped and not k.endswith(("page", "download"))]

    def file(self, kind: Download) -> Response:
        columns = self.listing.columns
        rows = [[c.value(r) for c in columns] for r in self.found]
        return download(self.listing.name, [c.header for c in columns], rows, kind)


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


def asked_file(*lists: Showing[Any]) -> Response | None:
    """The file one of the page's lists was asked for, if any."""
    for showing in lists:
        if showing.download is not None:
            return showing.file(showing.download)
    return None


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
