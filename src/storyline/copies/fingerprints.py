"""Compact per-document fingerprints: token and n-gram hashes, MinHash signature, rare anchors.

Hashes are xxh3 (never Python's salted `hash()`), so fingerprints are identical across runs and
machines. N-gram hashes are computed for all n-grams of a text at once with numpy (uint64
arithmetic wraps modulo 2**64) and finished with the splitmix64 mixer, so their low bits are
uniform: `hash % anchor_modulo == 0` then samples n-grams the same way in every document.
A `DocPrint` keeps only numpy arrays and counts, never the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import xxhash

from storyline.article import Article
from storyline.copies.arrays import distinct
from storyline.copies.records import DEFAULTS, CopySettings
from storyline.copies.tokens import Tokens, tokenize, words_of

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd: the polynomial base of n-gram hashes
_EMPTY_SIGNATURE = np.uint32(0xFFFFFFFF)
_CHUNK = 256  # shingles per MinHash block (bounds the temporary m x num_perm matrix)


class _HashMemo(dict[str, int]):
    """word -> xxh3_64 of its UTF-8 bytes; looked up from C through `map`, emptied when big."""

    limit = 1 << 21

    def __missing__(self, word: str) -> int:
        h = self[word] = xxhash.xxh3_64_intdigest(word.encode("utf-8"))
        return h


_HASHES = _HashMemo()


def word_hash(word: str) -> int:
    return _HASHES[word]


def token_hashes(words: tuple[str, ...] | list[str]) -> U64:
    out = np.fromiter(map(_HASHES.__getitem__, words), dtype=np.uint64, count=len(words))
    if len(_HASHES) > _HashMemo.limit:
        _HASHES.clear()
    return out


def mix64(x: U64) -> U64:
    """splitmix64's finaliser, vectorised: spreads every input bit over the output."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def ngram_hashes(hashes: U64, n: int) -> U64:
    """Hash of every run of `n` consecutive tokens (position i covers tokens i .. i+n-1)."""
    count = len(hashes) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    out = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            out = out * _MULT + hashes[k : k + count]
    return mix64(out)


def sequence_hash(words: tuple[str, ...] | list[str]) -> int:
    """Hash of a whole normalised token sequence (identical texts after normalisation)."""
    return xxhash.xxh3_64_intdigest("\x1f".join(words).encode("utf-8"))


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[U64, U64]:
    """Seeded multiply-shift hash family: h_k(x) = (a_k * x + b_k) >> 32, a_k odd."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def minhash_rows(shingles: U64, starts: npt.NDArray[np.int64], num_perm: int, seed: int) -> U32:
    """MinHash signatures of consecutive sets: set k is `shingles[starts[k] : starts[k + 1]]`
    (the last runs to the end). Every set must be non-empty."""
    out = np.empty((len(starts), num_perm), dtype=np.uint32)
    if len(starts) == 0:
        return out
    a, b = permutations(num_perm, seed)
    ends = np.append(starts[1:], len(shingles))
    first = 0
    with np.errstate(over="ignore"):
        while first < len(starts):
            # whole sets, about _CHUNK shingles at a time (bounds the m x num_perm temporary)
            last = max(first + 1, int(np.searchsorted(ends, starts[first] + _CHUNK, "right")))
            lo, hi = int(starts[first]), int(ends[last - 1])
            block = shingles[lo:hi, None]
            values = ((block * a[None, :] + b[None, :]) >> np.uint64(32)).astype(np.uint32)
            out[first:last] = np.minimum.reduceat(values, starts[first:last] - lo, axis=0)
            first = last
    return out


def minhash(shingles: U64, num_perm: int, seed: int) -> U32:
    """MinHash signature of a set of 64-bit shingle hashes (all 0xFFFFFFFF for an empty set)."""
    if len(shingles) == 0:
        return np.full(num_perm, _EMPTY_SIGNATURE, dtype=np.uint32)
    signature: U32 = minhash_rows(shingles, np.zeros(1, dtype=np.int64), num_perm, seed)[0]
    return signature


def estimate_jaccard(sig_a: U32, sig_b: U32) -> float:
    if len(sig_a) == 0 or bool(np.all(sig_a == _EMPTY_SIGNATURE)):
        return 0.0
    return float(np.mean(sig_a == sig_b))


@dataclass(frozen=True, slots=True, eq=False)
class DocPrint:
    """What the candidate step keeps per document: a few counts and compact arrays, no text.

    `anchors` are the document's distinct sampled n-gram hashes, sorted. `published` is kept so
    families can pick the earliest member without reading the article again.
    """

    id: str
    words: int
    text_hash: int
    signature: U32
    anchors: U64
    published: str | None = None

    @property
    def nbytes(self) -> int:
        return int(self.signature.nbytes + self.anchors.nbytes) + 64


def shingles_of(hashes: U64, n: int) -> U64:
    """Distinct n-gram hashes; a text shorter than n words is one shingle of all its words."""
    grams = ngram_hashes(hashes, n)
    if len(grams) == 0 and len(hashes) > 0:
        grams = ngram_hashes(hashes, len(hashes))
    return distinct(grams)


def fingerprint_batch(articles: Sequence[Article], settings: CopySettings) -> list[DocPrint]:
    """Fingerprints of many articles at once: one MinHash pass over all their shingles, so its
    numpy per-call cost is paid per batch, not per article."""
    n = settings.ngram_words
    words = [words_of(a.text) for a in articles]
    sets: list[U64] = []
    for doc_words in words:  # per text: distinct n-gram hashes, sorted
        sets.append(shingles_of(token_hashes(doc_words), n))
    sizes = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
    shingles = np.concatenate(sets) if sets else np.zeros(0, dtype=np.uint64)
    filled = np.flatnonzero(sizes)
    starts = (np.cumsum(sizes) - sizes)[filled]
    signatures = np.full((len(sets), settings.num_perm), _EMPTY_SIGNATURE, dtype=np.uint32)
    signatures[filled] = minhash_rows(shingles, starts, settings.num_perm, settings.seed)
    return [
        DocPrint(
            id=article.id,
            words=len(doc_words),
            text_hash=sequence_hash(doc_words),
            signature=signature,
            anchors=_anchors(doc_set, settings.anchor_modulo),
            published=article.published,
        )
        for article, doc_words, doc_set, signature in zip(
            articles, words, sets, signatures, strict=True
        )
    ]


def _anchors(shingles: U64, modulo: int) -> U64:
    if modulo > 1:
        return np.ascontiguousarray(shingles[shingles % np.uint64(modulo) == 0])
    return shingles


def article_tokens(article: Article) -> Tokens:
    bounds = [(p.start, p.end) for p in article.paragraphs] or None
    return tokenize(article.text, bounds)


def fingerprint(article: Article, settings: CopySettings | None = None) -> DocPrint:
    """The compact fingerprint of one clean article."""
    return fingerprint_batch([article], settings or DEFAULTS)[0]
