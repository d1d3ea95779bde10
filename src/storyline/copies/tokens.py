"""Normalised word tokens with character offsets into the text they came from.

Normalisation makes small surface differences disappear: NFKC, case folding, one apostrophe, and
hyphens/dashes as word breaks, so "Empty-handed" and "empty handed" give the same two tokens.
Numbers keep their digits ("1.5", "5.456.000": commas and points are one separator) and are
flagged, as are number words; tokens inside quotation marks are flagged too. Each word also
gets a hash (xxh3 of its normal form: never Python's salted `hash()`, so the same on every run
and machine), which fingerprints and alignment seeds are made of.
Words are found, and looked up in a table of what they stand for (`Token`), by the C scanner in
`_kernels.c` (it matches `patterns.WORD` exactly); only a word's first sighting runs Python.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import xxhash

from storyline.copies import _kernels
from storyline.copies.arrays import I64, U64
from storyline.copies.patterns import (
    APOSTROPHES,
    DOUBLE_QUOTES,
    LINE_BREAK_HYPHEN,
    NUMBER_WORDS,
    QUOTE_CHARS,
    QUOTE_CLOSE,
    QUOTE_OPEN,
)

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True, slots=True, eq=False)
class Tokens:
    """Word tokens of one text: `words[i]` is normalised `text[starts[i]:ends[i]]`."""

    words: tuple[str, ...]
    hashes: U64  # of the normalised words
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    numeric: npt.NDArray[np.bool_]
    quoted: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.words)


def _normalise(raw: str) -> str:
    word = unicodedata.normalize("NFKC", raw).casefold().translate(APOSTROPHES)
    if "-" in word and not word[:1].isdigit():
        word = LINE_BREAK_HYPHEN.sub("", word)
    if word[:1].isdigit():
        word = word.replace(",", ".")
    return word


class Token(NamedTuple):
    """What a word as written stands for."""

    word: str  # its normal form
    hash: int  # xxh3 of the normal form
    numeric: bool  # a figure or a number word


def _token(raw: str) -> Token:
    word = _normalise(raw)
    numeric = word[:1].isdigit() or word in NUMBER_WORDS
    return Token(word, xxhash.xxh3_64_intdigest(word.encode("utf-8")), numeric)


class _Words:
    """The tokens of the words seen so far, by their characters (a table in C: the scanner looks
    each word up there, and `_token` runs only on a word's first sight). Started afresh when it
    holds more than `limit` words, so memory stays bounded on an endless stream."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.table = _kernels.word_table(_token)

    def bound(self) -> None:
        if _kernels.table_size(self.table) > self.limit:
            self.table = _kernels.word_table(_token)


_WORDS = _Words(limit=1 << 20)


def text_hashes(texts: Sequence[str]) -> tuple[U64, I64]:
    """The word hashes of many texts, concatenated, and each text's word count."""
    values, counts = _kernels.hashes(texts, _WORDS.table)
    _WORDS.bound()
    return np.frombuffer(values, dtype=np.uint64), np.frombuffer(counts, dtype=np.int64)


_SPACE = re.compile(r"\s+")


def surface_key(text: str) -> str:
    """The text up to Unicode form, case, quote style and whitespace (equal keys: exact copies)."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(APOSTROPHES)
    return _SPACE.sub(" ", folded.translate(DOUBLE_QUOTES)).strip()


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """Paragraphs as blank-line separated blocks, for texts given without paragraph offsets."""
    bounds: list[tuple[int, int]] = []
    pos = 0
    for m in _BLANK_LINE.finditer(text):
        bounds.append((pos, m.start()))
        pos = m.end()
    bounds.append((pos, len(text)))
    return bounds


def quote_intervals(text: str, paragraphs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans inside quotation marks; a quote left open ends with its paragraph (news style)."""
    out: list[tuple[int, int]] = []
    for p_start, p_end in paragraphs:
        opened = -1
        for m in QUOTE_CHARS.finditer(text, p_start, p_end):
            ch = m.group()
            if ch in QUOTE_OPEN:
                if opened < 0:
                    opened = m.end()
            elif ch in QUOTE_CLOSE:
                if opened >= 0:
                    out.append((opened, m.start()))
                    opened = -1
            elif opened < 0:  # a straight quote: toggles
                opened = m.end()
            else:
                out.append((opened, m.start()))
                opened = -1
        if opened >= 0:
            out.append((opened, p_end))
    return out


def tokenize(text: str, paragraphs: Sequence[tuple[int, int]] | None = None) -> Tokens:
    """Tokens of `text`; `paragraphs` (start, end) bound quotations (default: blank-line blocks)."""
    words, hashes, flags, starts, ends = _kernels.tokens(text, _WORDS.table)
    _WORDS.bound()
    start_arr = np.frombuffer(starts, dtype=np.int64)
    end_arr = np.frombuffer(ends, dtype=np.int64)
    numeric = np.frombuffer(flags, dtype=np.bool_)
    quoted = np.zeros(len(words), dtype=np.bool_)
    if words and QUOTE_CHARS.search(text):
        bounds = list(paragraphs) if paragraphs is not None else paragraph_bounds(text)
        spans = quote_intervals(text, bounds)
        if spans:
            q_start = np.asarray([s for s, _ in spans], dtype=np.int64)
            q_end = np.asarray([e for _, e in spans], dtype=np.int64)
            k = np.searchsorted(q_start, start_arr, side="right") - 1
            inside = k >= 0
            quoted[inside] = start_arr[inside] < q_end[k[inside]]
    return Tokens(
        tuple(words), np.frombuffer(hashes, dtype=np.uint64), start_arr, end_arr, numeric, quoted
    )
