"""Reservations, declarations and objections read from a status table's text, with the article each names."""

from __future__ import annotations

from activities.untc import parse_table
from domain.reservations import StatementKind, statements_in

HEADER = (
    'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)",'
    "Declarations and Reservations\n"
)
RES, DEC, OBJ = StatementKind.RESERVATION, StatementKind.DECLARATION, StatementKind.OBJECTION


def test_each_paragraph_is_a_statement_of_the_kind_its_first_word_says() -> None:
    text = (
        "Reservation: In accordance with article 35, paragraph 3, the Government does not consider "
        "itself bound by article 35, paragraph 2.\n\n"
        "Declaration: Pursuant to art. 16, paragraph 5 (a), the Convention is the legal basis for "
        "extradition.\n"
        "Objection to the reservation made by another State upon ratification."
    )

    found = statements_in(text)

    assert [(s.kind, s.article) for s in found] == [(RES, "35"), (DEC, "16"), (OBJ, None)]
    assert found[0].text.startswith("Reservation: In accordance")


def test_a_paragraph_without_its_kind_continues_the_statement_before_it() -> None:
    found = statements_in(
        "Declarations:\n\nThe Republic designates the Ministry of Justice (article 18, 13)."
    )

    assert [(s.kind, s.article) for s in found] == [(DEC, "18")]
    assert "Ministry of Justice" in found[0].text


def test_text_with_no_kind_is_a_declaration_and_an_empty_cell_is_none() -> None:
    assert [(s.kind, s.article) for s in statements_in("The Government designates its authority.")] == [
        (DEC, None)
    ]
    assert statements_in("  ") == ()


def test_a_table_with_the_fourth_column_gives_each_rows_statements() -> None:
    table = (
        HEADER + 'Algeria,12 Dec 2000,7 Oct 2002,"Reservation: Algeria does not consider itself bound by '
        'article 35, paragraph 2."\n' + "Peru,14 Dec 2000,23 Jan 2002,\n"
    )

    rows = {row.participant: row for row in parse_table(table)}

    assert [(s.kind, s.article) for s in rows["DZA"].statements] == [(RES, "35")]
    assert rows["PER"].statements == ()
