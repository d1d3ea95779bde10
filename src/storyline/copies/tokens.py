"""Normalised word tokens with character offsets into the text they came from.

Normalisation makes small surface differences disappear: NFKC, case folding, one apostrophe, and
hyphens/dashes as word breaks, so "Empty-handed" and "empty handed" give the same two tokens.
Numbers keep their digits ("1.5", "5.456.000": commas and points are one separator) and are
flagged as figures, as are number words (a word OCR misread into a leading digit, "5csi", is
not a figure); tokens inside quotation marks are flagged too. Each word also
gets a hash (xxh3 of its normal form: never Python's salted `hash()`, so the same on every run
and machine), which fingerprints and alignment seeds are made of.
Words are found, and looked up in a table of what they stand for (`Token`), by the C scanner in
`_kernels.c` (it matches `patterns.WORD` exactly); only a word's first sighting makes its token,
in C for a short ASCII word (as `_token` does: tests compare them), else by `_token`.
Quotations are found in C too (`_kernels.quoted`, by the marks in `patterns`): a quote left open
ends with its paragraph, as news style leaves it open across paragraphs.
"""

from __future__ import annotations

import array
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import xxhash

from storyline.copies import _kernels
from storyline.copies.arrays import BOOL, I64, INT64, U64, UINT64
from storyline.copies.patterns import (
    APOSTROPHES,
    DOUBLE_QUOTES,
    LINE_BREAK_HYPHEN,
    NUMBER_WORDS,
    QUOTE_CLOSE,
    QUOTE_EITHER,
    QUOTE_OPEN,
)
from storyline.records import made

_OPENING, _CLOSING, _EITHER = ("".join(sorted(m)) for m in (QUOTE_OPEN, QUOTE_CLOSE, QUOTE_EITHER))


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

    def plain_words(self, start: int = 0, end: int | None = None) -> list[str]:
        """The words of tokens [start, end) that are not figures."""
        end = len(self.words) if end is None else end
        if start >= end:
            return []
        figures = self.numeric[start:end].tolist()
        return [w for w, figure in zip(self.words[start:end], figures, strict=True) if not figure]


_ASCII_APOSTROPHES = tuple(chr(c) for c in APOSTROPHES if c < 128)  # "`"


def _normalise(raw: str) -> str:
    if raw.isascii():  # most words: NFKC leaves them as they are, and casefold is lower()
        word = raw.lower()
        for mark in _ASCII_APOSTROPHES:  # str.translate would cost more than all the rest
            word = word.replace(mark, "'")
    else:
        word = unicodedata.normalize("NFKC", raw).casefold().translate(APOSTROPHES)
    if "-" in word and not word[:1].isdigit():
        word = LINE_BREAK_HYPHEN.sub("", word)
    if word[:1].isdigit():
        word = word.replace(",", ".")
    return word


Token = tuple[str, int, bool]
"""What a word as written stands for: its normal form, the xxh3 hash of that form, and whether
it is a figure or a number word (a plain tuple, made for each word at its first sight: a
NamedTuple took a third of that time)."""


def _is_figure(word: str) -> bool:
    """A normal form starting with a digit, unless more of it is letters than digits and than
    a suffix's two: "10th", "1980s", "45bn" are figures; OCR's "5csi" for "scsi" is a word, and
    so is "3mln" (scans misread letters as digits more often than news runs a unit into its
    figure, and the word still differs from "4mln")."""
    if not word[:1].isdigit():
        return False
    letters = sum(c.isalpha() for c in word)
    return letters <= max(2, sum(c.isdigit() for c in word))


def _token(raw: str) -> Token:
    word = _normalise(raw)
    numeric = _is_figure(word) or word in NUMBER_WORDS
    return word, xxhash.xxh3_64_intdigest(word.encode("utf-8")), numeric


class _Words:
    """The tokens of the words seen so far, by their characters (a table in C: the scanner looks
    each word up there, and `_token` runs only on a word's first sight). Started afresh when it
    holds more than `limit` words, so memory stays bounded on an endless stream."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.table = self._new()

    @staticmethod
    def _new() -> _kernels.Table:
        return _kernels.word_table(_token, NUMBER_WORDS)  # short ASCII words made in C

    def bound(self) -> None:
        if _kernels.table_size(self.table) > self.limit:
            self.table = self._new()


_WORDS = _Words(limit=1 << 20)


def text_hashes(texts: Sequence[str]) -> tuple[U64, I64]:
    """The word hashes of many texts, concatenated, and each text's word count."""
    values, counts = _kernels.hashes(texts, _WORDS.table)
    _WORDS.bound()
    return np.frombuffer(values, UINT64), np.frombuffer(counts, INT64)


_SPACE = re.compile(r"\s+")


def surface_key(text: str) -> str:
    """The text up to Unicode form, case, quote style and whitespace (equal keys: exact copies)."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(APOSTROPHES)
    return _SPACE.sub(" ", folded.translate(DOUBLE_QUOTES)).strip()


def tokenize(text: str, paragraphs: Sequence[tuple[int, int]] | None = None) -> Tokens:
    """Tokens of `text`; `paragraphs` (start, end) bound quotations (default: blank-line blocks,
    split at a line holding nothing but spaces)."""
    words, hashes, flags, starts, ends = _kernels.tokens(text, _WORDS.table)
    _WORDS.bound()
    start_arr = np.frombuffer(starts, INT64)
    # int64 bounds, flat: an array.array of them is made at a third of numpy's cost
    bounds = (
        None if paragraphs is None else array.array("q", itertools.chain.from_iterable(paragraphs))
    )
    quoted = _kernels.quoted(text, start_arr, bounds, _OPENING, _CLOSING, _EITHER)
    return made(
        Tokens,
        words,
        np.frombuffer(hashes, UINT64),
        start_arr,
        np.frombuffer(ends, INT64),
        np.frombuffer(flags, BOOL),
        np.frombuffer(quoted, BOOL),
    )
