"""The report in the formats people use: the PDF (read back by pdftotext), the Word file (by python-docx), the
tables as CSV and as an Excel workbook, each saying what the Markdown says; and the web report's downloads."""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from domain.user import Role, Scope
from tests.integration.test_report_render import AS_OF, build_home, run
from tests.integration.web_app import app_alone, client_at, sign_in, users_of

STEM = f"report-{AS_OF}"
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def plain(markdown: str) -> str:
    """Markdown text as read: links as their text, escapes undone."""
    return html.unescape(re.sub(r"\\(.)", r"\1", LINK.sub(r"\1", markdown))).strip()


def paragraphs(markdown: str) -> list[str]:
    """The numbered paragraphs of the report, as read ("3. In 2002, …")."""
    found = re.findall(r"^\*\*(\d+)\.\*\* (.*)$", markdown, flags=re.M)
    return [f"{number}. {plain(text)}" for number, text in found]


def tables(markdown: str) -> dict[str, list[list[str]]]:
    """Each table of the report by caption: its header and rows, cell by cell as read."""
    found: dict[str, list[list[str]]] = {}
    caption = None
    for line in markdown.splitlines():
        if line.startswith("*") and line.endswith("*") and not line.startswith("**"):
            caption = plain(line.strip("*"))
        elif line.startswith("| ") and caption is not None:
            cells = re.split(r"(?<!\\)\|", line.strip()[1:-1])
            found.setdefault(caption, []).append([plain(c) for c in cells])
        elif line.startswith("|---"):
            continue
        elif not line.strip() and caption in found:
            caption = None
    return found


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return build_home(tmp_path)


def squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) reads the PDF back")
def test_the_pdf_and_the_word_file_state_the_markdowns_figures(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    rendered = run(home, "report", "render", "--as-of", AS_OF, "--year", "2001", "--out", str(out))
    assert rendered.exit_code == 0, rendered.output
    markdown = (out / f"{STEM}.md").read_text()
    said, tabled = paragraphs(markdown), tables(markdown)
    assert len(said) >= 8
    assert any(re.search(r"\d", p) for p in said)
    assert len(tabled) >= 4

    word = Document(str(out / f"{STEM}.docx"))
    word_paragraphs = [p.text for p in word.paragraphs if re.match(r"^\d+\. ", p.text)]
    assert word_paragraphs == said
    # The Word file opens with its contents, a table of sections and their paragraphs; the report's follow.
    contents, *word_tables = [[[c.text for c in row.cells] for row in t.rows] for t in word.tables]
    assert contents[0] == ["Section", "Paragraphs"]
    assert word_tables == [rows for rows in tabled.values() if len(rows) > 1]

    text = subprocess.run(
        ["pdftotext", "-layout", str(out / f"{STEM}.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    flowing = squeezed(subprocess.run(
        ["pdftotext", str(out / f"{STEM}.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout)  # fmt: skip
    laid_out = squeezed(text)
    for paragraph in said:
        # Read in flowing order, a short paragraph right under a table may come out with the table's
        # header between its number and its text; read as laid out, it is whole.
        assert squeezed(paragraph) in flowing or squeezed(paragraph) in laid_out, paragraph
    for caption, rows in tabled.items():
        assert squeezed(caption) in flowing, caption
        for row in rows[1:]:
            # A row's figures end the line of the laid-out page where its first cell begins (a long first
            # cell wraps in its column, so the line begins with the cell's first word).
            numbers = [c for c in row if re.fullmatch(r"\d+", c)]
            if numbers:
                first = row[0].split()[0] if row[0].strip() else row[0]
                lines = [ln for ln in text.splitlines() if ln.strip().startswith(first)]
                assert any(re.findall(r"\b\d+\b", ln)[-len(numbers) :] == numbers for ln in lines), row


def test_every_table_is_a_csv_file_and_a_sheet_of_the_workbook(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    rendered = run(
        home, "report", "render", "--as-of", AS_OF, "--format", "md", "--format", "csv", "--format", "xlsx",
        "--out", str(out),
    )  # fmt: skip
    assert rendered.exit_code == 0, rendered.output
    tabled = tables((out / f"{STEM}.md").read_text())
    files = sorted(out.glob(f"{STEM}-table-*.csv"), key=lambda p: int(p.name.split("-")[5]))
    assert [list(csv.reader(io.StringIO(f.read_text()))) for f in files] == list(tabled.values())
    book = load_workbook(out / f"{STEM}-tables.xlsx")
    assert len(book.worksheets) == len(tabled)
    for sheet, (caption, rows) in zip(book.worksheets, tabled.items(), strict=True):
        values = [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)]
        assert values[0][0] == caption
        assert [row[: len(rows[0])] for row in values[2:]] == rows
    assert not (out / f"{STEM}.pdf").exists()
    assert not (out / f"{STEM}.docx").exists()


def test_an_unknown_format_is_refused_in_one_sentence_and_nothing_is_written(
    home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    refused = run(home, "report", "render", "--as-of", AS_OF, "--format", "odt", "--out", str(out))
    assert refused.exit_code == 1
    assert "--format must be one of md, html, pdf, docx, csv, xlsx, not 'odt'." in refused.stderr
    assert not out.exists()


def test_without_chromium_the_pdf_alone_is_left_out_and_asked_by_name_it_is_refused(
    home: Path, tmp_path: Path
) -> None:
    env = {"PALERMO_CHROMIUM": str(tmp_path / "no-chromium")}
    out = tmp_path / "out"
    every = run(home, "report", "render", "--as-of", AS_OF, "--out", str(out), env=env)
    assert every.exit_code == 0, every.output
    assert "The PDF is left out." in every.stderr
    assert (out / f"{STEM}.docx").is_file()
    assert not (out / f"{STEM}.pdf").exists()
    named = run(
        home, "report", "render", "--as-of", AS_OF, "--format", "pdf", "--out", str(tmp_path / "b"), env=env
    )
    assert named.exit_code == 1
    assert "No Chromium at" in named.stderr


async def test_the_web_report_offers_its_downloads_a_year_and_an_as_known_at_control(home: Path) -> None:
    _, token = users_of(home).add("reader", Role.MANAGER, Scope(), actor="test")
    asked = {"as_of": AS_OF, "year": "2001", "known_at": "2002-02-01T00:00"}
    async with client_at(app_alone(home)) as browser:
        assert (await sign_in(browser, token)).status_code == 303
        page = (await browser.get("/report", params=asked)).text
        word = await browser.get("/report/download/docx", params=asked)
        zipped = await browser.get("/report/download/csv", params=asked)
        sheets = await browser.get("/report/download/xlsx", params=asked)
        markdown = await browser.get("/report/download/md", params=asked)
        unknown = await browser.get("/report/download/odt", params=asked)
        too_late = await browser.get("/report", params=asked | {"year": "2003"})
    assert 'name="year" value="2001"' in page
    assert 'name="known_at" value="2002-02-01T00:00"' in page
    assert "In 2001, the Centre organized or participated in" in page
    for name in ("pdf", "docx", "html", "md", "sources.html", "sources.md", "xlsx", "csv"):
        assert f'href="/report/download/{name}?as_of={AS_OF}&amp;year=2001&amp;known_at=' in page, name
    assert word.headers["content-disposition"] == f'attachment; filename="{STEM}.docx"'
    said = paragraphs(markdown.text)
    assert [
        p.text for p in Document(io.BytesIO(word.content)).paragraphs if re.match(r"^\d+\. ", p.text)
    ] == said
    assert "as known at 2002-02-01" in markdown.text
    assert all(name.endswith(".csv") for name in zipfile.ZipFile(io.BytesIO(zipped.content)).namelist())
    assert load_workbook(io.BytesIO(sheets.content)).worksheets
    assert unknown.status_code == 404
    assert too_late.status_code == 422
