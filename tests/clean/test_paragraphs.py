"""split_paragraphs: blank lines, indentation, or one paragraph a line; offsets into the text."""

from __future__ import annotations

from storyline.article import Paragraph
from storyline.clean import split_paragraphs


def texts(text: str) -> list[str]:
    return [text[p.start : p.end] for p in split_paragraphs(text)]


def test_blank_lines_separate_paragraphs_and_join_wrapped_lines() -> None:
    text = "\n  The ferry runs hourly.\nIt stops at noon.  \n\n\nThe bridge is closed.\n"
    assert split_paragraphs(text) == (Paragraph(3, 43), Paragraph(48, 69))
    assert texts(text) == ["The ferry runs hourly.\nIt stops at noon.", "The bridge is closed."]


def test_indented_lines_start_paragraphs_in_hard_wrapped_wire_copy() -> None:
    text = (
        "The harbor council said on Monday it\n"
        "would rebuild the north pier.\n"
        "    The work will take two years,\n"
        "the council said.\n"
        "    Tenders close in May.\n"
    )
    assert texts(text) == [
        "The harbor council said on Monday it\nwould rebuild the north pier.",
        "The work will take two years,\nthe council said.",
        "Tenders close in May.",
    ]


def test_without_blank_or_indented_lines_each_line_is_a_paragraph() -> None:
    text = "First line.\nSecond line.\nA subhead\nLast line."
    assert texts(text) == ["First line.", "Second line.", "A subhead", "Last line."]


def test_indentation_is_relative_to_the_texts_own_margin() -> None:
    text = "    One.\n    Two.\n    Three."
    assert texts(text) == ["One.", "Two.", "Three."]
    wrapped = "  One starts\n  and goes on.\n\n  Two."
    assert texts(wrapped) == ["One starts\n  and goes on.", "Two."]


def test_indented_table_rows_split_a_blank_separated_block() -> None:
    text = "Grain prices were as follows:\n Wheat 2.55\n Corn 1.35\n\nThe figures are final."
    assert texts(text) == [
        "Grain prices were as follows:",
        "Wheat 2.55",
        "Corn 1.35",
        "The figures are final.",
    ]


def test_any_line_break_and_offsets_index_the_text_given() -> None:
    text = "One\r\ntwo\r\n\r\nThree\rfour"
    paragraphs = split_paragraphs(text)
    assert [text[p.start : p.end] for p in paragraphs] == ["One\r\ntwo", "Three\rfour"]


def test_blank_text_has_no_paragraphs() -> None:
    assert split_paragraphs("") == ()
    assert split_paragraphs(" \n\t\n  ") == ()
