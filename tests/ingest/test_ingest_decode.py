"""Bytes to text: encodings in order of trust, and ftfy's repairs applied only where they matter
(with exactly ftfy's result)."""

from __future__ import annotations

import codecs
import random

import ftfy
import pytest

from storyline.ingest.decode import (
    NotText,
    declared_charset,
    decode_bytes,
    header_charset,
    looks_binary,
)
from storyline.ingest.mojibake import fix_text

FIXER = ftfy.TextFixerConfig(uncurl_quotes=False, explain=False)

TRICKY = [
    "The deal is worth Â£600m",
    "the councilâ€™s “plan”",
    "â€œquotedâ€\x9d",  # lossy: the closing quote's last byte became a C1 control
    "voilÃ le travail",
    "Ã le début",
    "line one\nÃ  at a line start",
    "sÃ³ and Ã©tÃ©",
    "ГўВЂВ™s",
    "√± and ‚Äôs",
    "Le président a annoncé à Genève « une étape décisive », a-t-il déclaré.",
    "l’école, l’État, qu’à",
    "Президент России заявил в понедельник, что переговоры продолжатся.",
    "東京都は月曜日、新しい予算案を発表した。",
    "café composed by hand: cafe\u0301",
    "ﬁnal ﬂight",
    "ＦＵＬＬ width",
    "tab\there, nbsp\u00a0here, crlf\r\nand cr\r",
    "AT&amp;T and &eacute; and &#233;",
    "a <b>tag</b> with &amp;",
    "&amp; first\nthen a <tag>\nthen &amp; again",
    "Ã© &amp;\n<p>Ã©</p> &amp;",
    "emoji 😀 and a stray \ud83d surrogate",
    "control\x00chars\x07and \x1b[31mcolour\x1b[0m",
    "replacement � char",
    "Zürich’s harbor – “reopened”",
]


@pytest.mark.parametrize("text", TRICKY)
def test_fix_text_gives_ftfys_result(text: str) -> None:
    assert fix_text(text) == ftfy.fix_text(text, FIXER)


def test_fix_text_gives_ftfys_result_on_random_mixtures() -> None:
    rng = random.Random(20240611)
    pool = [*"ÃÂâ€œ™£éèàçü’“”–«»ТтРСВГёі×²ØÙ‚ÄìЂβΞ°µ\u00a0\u0301?\n <", "&amp;", "a", "A", " "]
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 16)))
        assert fix_text(text) == ftfy.fix_text(text, FIXER), repr(text)


def test_fix_text_leaves_quotes_curly() -> None:
    assert fix_text("“Yes,” she said, ‘today’.") == "“Yes,” she said, ‘today’."


def test_decode_prefers_bom_then_utf8_then_the_expected_encoding() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + "é".encode()) == ("é", "utf-8-sig")
    assert decode_bytes("é".encode("utf-16")) == ("é", "utf-16")
    assert decode_bytes("é".encode()) == ("é", "utf-8")
    assert decode_bytes("Ś".encode("cp1250"), prefer="cp1250") == ("Ś", "cp1250")


def test_undecodable_text_names_the_byte() -> None:
    with pytest.raises(NotText, match="byte 4"):
        decode_bytes(codecs.BOM_UTF16_LE + b"a\x00\x00\xd8")  # a lone surrogate half


def test_declared_charsets() -> None:
    assert declared_charset(b'<meta charset="windows-1251">') == "cp1251"
    assert (
        declared_charset(
            b"<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'>"
        )
        == "cp1252"
    )
    assert declared_charset(b'<?xml version="1.0" encoding="Shift_JIS"?>') == "shift_jis"
    assert declared_charset(b'<meta charset="klingon">') is None
    assert header_charset("text/html; charset=UTF-8") == "utf-8"
    assert header_charset("text/html") is None


def test_binary_sniff() -> None:
    assert looks_binary(b"GIF89a\x00\x01")
    assert looks_binary(bytes(range(1, 32)) * 4)
    assert not looks_binary("Zürich\tharbor\r\n".encode("utf-16"))
    assert not looks_binary(b"plain text\x0c with a form feed")
