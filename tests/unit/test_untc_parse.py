"""Reading UN Treaty Collection status tables: names, dates, action letters, and whole-table refusals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from activities.untc import TableAction, TableRefused, TableRow, parse_table
from activities.untc_cells import read_date
from activities.untc_stream import read_table
from domain.errors import DomainError
from domain.treaty import ActionKind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "untc"
HEADER = 'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n'
FIREARMS_HEADER = (
    'Participant,Signature,"Approval(AA), Acceptance(A), Accession(a), Succession(d), Ratification"\n'
)

R, A, AA = ActionKind.RATIFICATION, ActionKind.ACCEPTANCE, ActionKind.APPROVAL
ACC, SUC = ActionKind.ACCESSION, ActionKind.SUCCESSION


def by_code(rows: list[TableRow]) -> dict[str, TableRow]:
    return {row.participant: row for row in rows}


def refusal_of(text: str) -> tuple[str, ...]:
    with pytest.raises(TableRefused) as refused:
        parse_table(text)
    return refused.value.problems


# (code, signature, consent kind, consent date) of every row of convention.csv, in file order.
CONVENTION = [
    ("ARG", date(2000, 12, 12), R, date(2002, 11, 19)),
    ("BHR", None, ACC, date(2004, 6, 7)),
    ("BEL", date(2000, 12, 12), R, date(2004, 8, 11)),
    ("CIV", date(2000, 12, 15), R, date(2012, 10, 25)),
    ("DNK", date(2000, 12, 12), R, date(2003, 9, 30)),
    ("EUU", date(2000, 12, 12), AA, date(2004, 5, 21)),
    ("JPN", date(2000, 12, 12), None, None),
    ("MNE", None, SUC, date(2006, 10, 23)),
    ("ESP", date(2000, 12, 13), R, date(2002, 3, 1)),
    ("LCA", date(2001, 9, 26), R, date(2013, 7, 16)),
    ("VEN", date(2000, 12, 14), R, date(2002, 5, 13)),
]


def test_every_row_of_a_table_gives_its_participant_signature_and_consent() -> None:
    rows = read_table(FIXTURES / "convention.csv")

    read = [
        (
            row.participant,
            row.signature,
            row.consent.kind if row.consent else None,
            row.consent.effective_date if row.consent else None,
        )
        for row in rows
    ]
    assert read == CONVENTION
    assert [row.row for row in rows] == list(range(2, 2 + len(CONVENTION)))


@pytest.mark.parametrize(
    ("letter", "kind"),
    [("", R), (" A", A), (" AA", AA), (" a", ACC), (" d", SUC), ("a", ACC), ("  AA", AA)],
)
def test_the_letter_after_a_consent_date_names_the_kind_of_consent(letter: str, kind: ActionKind) -> None:
    rows = parse_table(f"{HEADER}Chile,13 Dec 2000,29 Nov 2004{letter}\n")

    assert rows[0].consent == TableAction(kind=kind, effective_date=date(2004, 11, 29))


def test_an_accession_without_signature_is_a_consent_alone() -> None:
    bahrain = by_code(read_table(FIXTURES / "convention.csv"))["BHR"]

    assert bahrain.signature is None
    assert bahrain.actions == (TableAction(kind=ACC, effective_date=date(2004, 6, 7)),)
    assert bahrain.actions[0].kind.makes_party


def test_a_succession_makes_a_party_without_signature() -> None:
    montenegro = by_code(read_table(FIXTURES / "convention.csv"))["MNE"]

    assert montenegro.actions == (TableAction(kind=SUC, effective_date=date(2006, 10, 23)),)


def test_a_signatory_without_consent_has_only_its_signature() -> None:
    japan = by_code(read_table(FIXTURES / "convention.csv"))["JPN"]

    assert japan.actions == (TableAction(kind=ActionKind.SIGNATURE, effective_date=date(2000, 12, 12)),)


def test_a_signature_and_a_consent_are_two_actions_signature_first() -> None:
    union = by_code(read_table(FIXTURES / "convention.csv"))["EUU"]

    assert union.actions == (
        TableAction(kind=ActionKind.SIGNATURE, effective_date=date(2000, 12, 12)),
        TableAction(kind=AA, effective_date=date(2004, 5, 21)),
    )


def test_the_european_union_is_read_by_its_collection_name() -> None:
    union = by_code(read_table(FIXTURES / "convention.csv"))["EUU"]

    assert union.name == "European Union"
    assert union.consent is not None
    assert union.consent.kind is AA


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("Belgium 3", "BEL"),
        ('"Denmark4, 5"', "DNK"),
        ("Venezuela (Bolivarian Republic of)¹", "VEN"),
        ("Venezuela (Bolivarian Republic of) 12", "VEN"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("St. Lucia", "LCA"),
        ("Côte d'Ivoire", "CIV"),
        ("The former Yugoslav Republic of Macedonia 7", "MKD"),
        ('"European Union 2, 3"', "EUU"),
    ],
)
def test_names_are_read_as_the_collection_writes_them_footnotes_and_all(cell: str, code: str) -> None:
    rows = parse_table(f"{HEADER}{cell},12 Dec 2000,\n")

    assert rows[0].participant == code
    assert rows[0].name == cell.strip('"')


def test_the_firearms_header_order_is_read_like_the_others() -> None:
    firearms = by_code(read_table(FIXTURES / "firearms.csv"))

    assert firearms["FIN"].consent == TableAction(kind=A, effective_date=date(2011, 5, 17))
    assert firearms["EUU"].consent == TableAction(kind=AA, effective_date=date(2014, 3, 21))
    assert firearms["ALB"].consent == TableAction(kind=ACC, effective_date=date(2008, 2, 8))
    assert firearms["MNE"].consent == TableAction(kind=SUC, effective_date=date(2006, 10, 23))
    assert firearms["ARG"].consent == TableAction(kind=R, effective_date=date(2006, 12, 18))
    assert firearms["CAN"].actions == (
        TableAction(kind=ActionKind.SIGNATURE, effective_date=date(2002, 3, 20)),
    )


def test_both_header_orders_give_the_same_rows() -> None:
    body = "Finland,23 Jan 2002,17 May 2011 A\nAlbania,,8 Feb 2008 a\nArgentina,7 Oct 2002,18 Dec 2006\n"

    assert parse_table(HEADER + body) == parse_table(FIREARMS_HEADER + body)


def test_every_bad_row_is_named_in_one_refusal() -> None:
    with pytest.raises(TableRefused) as refused:
        read_table(FIXTURES / "bad.csv")

    assert refused.value.problems == (
        "row 3 (Narnia): unknown participant",
        "row 4 (France): bad date '31 Feb 2001'",
        "row 5 (Germany): unknown letter 'x' after the date '14 Jun 2006 x' (a, A, AA, d or none)",
        "row 6 (Greece): a signature takes no letter after its date: '13 Dec 2000 a'",
        "row 7 (Italy): 4 cells where the header has 3",
        "row 8: no participant name",
        "row 9 (Japan): neither a signature nor a consent",
        "row 10 (Kenya): bad date '16/06/2004'",
        "row 11 (Atlantis 2): unknown participant; bad date '2000-12-12'",
        "row 12 (Argentina): ARG is listed twice (first on row 2)",
    )
    assert isinstance(refused.value, DomainError)
    assert "row 3 (Narnia): unknown participant; row 4 (France)" in str(refused.value)


def test_rows_are_numbered_by_their_line_in_the_file_blank_lines_included() -> None:
    problems = refusal_of(f"{HEADER}Argentina,12 Dec 2000,\n\n,,\nNarnia,12 Dec 2000,\n")

    assert problems == ("row 5 (Narnia): unknown participant",)


@pytest.mark.parametrize(
    "header",
    [
        "Participant,Signature\n",
        "Participant,Signature,Ratification\n",
        'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a)"\n',
        HEADER.replace("\n", ",Notes\n"),
        'State,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n',
        'Participant,Ratification,"Signature, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n',
        "Argentina,12 Dec 2000,19 Nov 2002\n",
    ],
)
def test_a_table_with_another_header_is_refused_whole(header: str) -> None:
    problems = refusal_of(f"{header}Argentina,12 Dec 2000,19 Nov 2002\n")

    assert len(problems) == 1
    assert problems[0].startswith("the header is not a Treaty Collection status table's")
    assert "Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)" in problems[0]


def test_a_header_with_a_byte_order_mark_and_spaces_is_still_the_collection_s() -> None:
    terms = "Ratification,Acceptance (A),Approval(AA),Accession(a),  Succession(d)"
    text = f'\ufeff Participant , Signature ,"{terms}"'

    assert parse_table(text + "\nArgentina,12 Dec 2000,\n")[0].participant == "ARG"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the table is empty"),
        ("\n\n  \n", "the table is empty"),
        (HEADER, "the table has a header but no rows"),
    ],
)
def test_a_table_without_rows_is_refused(text: str, problem: str) -> None:
    assert refusal_of(text) == (problem,)


@pytest.mark.parametrize(
    ("cell", "day", "letter"),
    [
        ("14 Dec 2000", date(2000, 12, 14), ""),
        ("1 Mar 2002", date(2002, 3, 1), ""),
        ("24 Sep 2003 a", date(2003, 9, 24), "a"),
        (" 21 May 2004 AA ", date(2004, 5, 21), "AA"),
        ("14 December 2000", date(2000, 12, 14), ""),
        ("14 dec 2000", date(2000, 12, 14), ""),
        ("29 Feb 2004", date(2004, 2, 29), ""),
    ],
)
def test_dates_are_read_as_the_collection_writes_them(cell: str, day: date, letter: str) -> None:
    assert read_date(cell) == (day, letter)


@pytest.mark.parametrize(
    "cell",
    ["31 Feb 2001", "29 Feb 2001", "14 Dex 2000", "2000-12-14", "12/14/2000", "Dec 14 2000", "14 Dec 00", ""],
)
def test_what_is_not_a_date_is_not_read_as_one(cell: str) -> None:
    assert read_date(cell) is None


def test_a_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "18-12.csv"

    with pytest.raises(TableRefused) as refused:
        read_table(missing)

    assert refused.value.problems == (f"{missing} cannot be read (No such file or directory)",)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes(f"{HEADER}Côte d'Ivoire,15 Dec 2000,\n".encode("latin-1"))

    with pytest.raises(TableRefused) as refused:
        read_table(latin)

    assert refused.value.problems == ("latin.csv is not UTF-8 text",)


def test_an_over_long_cell_is_refused_naming_its_row() -> None:
    name = "Republic of " + "x" * 288

    problems = refusal_of(f"{HEADER}Chile,13 Dec 2000,\n{name},13 Dec 2000,\nPeru,{'1' * 250},\n")

    assert problems == (
        "row 3: a cell of 300 characters, more than the 200 a name or date may have",
        "row 4 (Peru): a cell of 250 characters, more than the 200 a name or date may have",
    )


def test_a_field_past_the_csv_module_s_limit_is_refused_naming_its_row_and_the_rest_is_not_read() -> None:
    huge = "9" * 200_000

    problems = refusal_of(f"{HEADER}Chile,13 Dec 2000,\nPeru,14 Dec 2000,{huge}\nNarnia,13 Dec 2000,\n")

    assert problems == (
        "row 3: a line longer than 1,000 characters, which no row of a status table is; "
        "the rest was not read",
    )


def test_a_quoted_cell_over_many_lines_is_refused_naming_the_row_it_starts_on() -> None:
    spread = "\n".join(["x" * 900] * 200)

    problems = refusal_of(f'{HEADER}Chile,13 Dec 2000,\nPeru,"{spread}",\nNarnia,13 Dec 2000,\n')

    assert len(problems) == 1
    assert problems[0].startswith("row 3: not CSV (field larger than field limit")
    assert problems[0].endswith("); the rest was not read")


def test_a_table_with_more_than_fifty_bad_rows_is_refused_without_reading_on() -> None:
    rows = "Chile,13 Dec 2000,\n" * 300_000

    problems = refusal_of(HEADER + rows)

    assert len(problems) == 51
    assert problems[0] == "row 3 (Chile): CHL is listed twice (first on row 2)"
    assert problems[49] == "row 52 (Chile): CHL is listed twice (first on row 2)"
    assert problems[50] == "row 53: more than 50 bad rows; the rest was not read"
