"""Compact per-document fingerprints: token and n-gram hashes, MinHash signature, rare anchors.

Word hashes are xxh3 (never Python's salted `hash()`), so fingerprints are identical across runs
and machines. N-gram hashes (`_kernels.c`) are a polynomial over the word hashes finished with
the splitmix64 mixer, so their low bits are uniform: `hash % anchor_modulo == 0` then samples
n-grams the same way in every document. (numpy's uint64 arithmetic, used below, wraps modulo
2**64 silently: it warns only for scalars.)
A `DocPrint` keeps only numpy arrays and counts, never the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import xxhash

from storyline.article import Article
from storyline.copies import _kernels
from storyline.copies.arrays import I64, INT64, U64, UINT64, distinct, run_bounds
from storyline.copies.records import DEFAULTS, CopySettings
from storyline.copies.tokens import Tokens, text_hashes, tokenize
from storyline.records import made

U32 = npt.NDArray[np.uint32]

_EMPTY_SIGNATURE = np.uint32(0xFFFFFFFF)


def ngram_hashes(hashes: U64, n: int) -> U64:
    """Hash of every run of `n` consecutive tokens (position i covers tokens i .. i+n-1)."""
    grams = _kernels.ngrams(np.ascontiguousarray(hashes, UINT64), n)
    return np.frombuffer(grams, UINT64)


def ngram_index(hashes: U64, n: int) -> tuple[U64, I64, U64, I64, U64]:
    """The n-gram hashes of a text and what aligning it needs of them: the order that sorts them
    (stable), the sorted hashes, how often each position's hash occurs, the distinct hashes."""
    grams, order, ordered, repeats, distinct = _kernels.ngram_index(
        np.ascontiguousarray(hashes, UINT64), n
    )
    return (
        np.frombuffer(grams, UINT64),
        np.frombuffer(order, INT64),
        np.frombuffer(ordered, UINT64),
        np.frombuffer(repeats, INT64),
        np.frombuffer(distinct, UINT64),
    )


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
    (the last runs to the end). Every set must be non-empty. The loop over shingles and
    permutations runs in C (`_kernels.minhash`): numpy would need an m x num_perm temporary."""
    out = np.empty((len(starts), num_perm), dtype=np.uint32)
    a, b = permutations(num_perm, seed)
    _kernels.minhash(
        np.ascontiguousarray(shingles, dtype=np.uint64),
        np.ascontiguousarray(starts, dtype=np.int64),
        a,
        b,
        out,
    )
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
    return distinct(grams if len(grams) or not len(hashes) else _short(hashes))


Doc = tuple[str, str, str | None]
"""What fingerprinting reads of an article: (id, text, published)."""


def docs_of(articles: Iterable[Article]) -> Iterator[Doc]:
    return ((a.id, a.text, a.published) for a in articles)


@dataclass(frozen=True, slots=True, eq=False)
class Prints:
    """Fingerprints as columns: what a worker sends back for a batch (a few arrays pickle far
    faster than an object and two small arrays per document), and what the candidate step
    reads of a corpus (one array per field, not a million small ones to concatenate)."""

    ids: tuple[str, ...]
    published: tuple[str | None, ...]
    words: I64
    text_hashes: U64
    signatures: U32  # one row per document
    anchors: U64  # every document's anchors, concatenated
    bounds: I64  # document k's anchors: anchors[bounds[k] : bounds[k + 1]]

    def __len__(self) -> int:
        return len(self.ids)

    def anchor_counts(self) -> I64:
        counts: I64 = np.diff(self.bounds)
        return counts

    def prints(self) -> list[DocPrint]:
        bounds = self.bounds.tolist()
        return [
            made(DocPrint, doc_id, words, text_hash, signature, self.anchors[lo:hi], published)
            for doc_id, words, text_hash, signature, published, lo, hi in zip(
                self.ids,
                self.words.tolist(),
                self.text_hashes.tolist(),
                self.signatures,
                self.published,
                bounds[:-1],
                bounds[1:],
                strict=True,
            )
        ]

    def by_id(self) -> Prints:
        """The same fingerprints sorted by id, as the copies stage gives them to
        `find_candidates` (a group too large to pair all its members pairs each with its next
        ones, in this order)."""
        order = sorted(range(len(self.ids)), key=self.ids.__getitem__)
        if all(k == i for i, k in enumerate(order)):
            return self
        rows = np.array(order, dtype=np.int64)
        counts = self.anchor_counts()[rows]
        starts = run_bounds(counts)
        at = np.repeat(self.bounds[rows] - starts[:-1], counts) + np.arange(starts[-1])
        return Prints(
            tuple(self.ids[k] for k in order),
            tuple(self.published[k] for k in order),
            self.words[rows],
            self.text_hashes[rows],
            self.signatures[rows],
            self.anchors[at],
            starts,
        )

    @staticmethod
    def of(prints: Sequence[DocPrint]) -> Prints:
        n = len(prints)
        counts = np.fromiter((len(p.anchors) for p in prints), dtype=np.int64, count=n)
        return Prints(
            tuple(p.id for p in prints),
            tuple(p.published for p in prints),
            np.fromiter((p.words for p in prints), dtype=np.int64, count=n),
            np.fromiter((p.text_hash for p in prints), dtype=np.uint64, count=n),
            # concatenated, then shaped: stacking a million rows costs more
            np.concatenate([p.signature for p in prints]).reshape(n, -1)
            if n
            else np.zeros((0, 0), dtype=np.uint32),
            np.concatenate([p.anchors for p in prints]) if n else np.zeros(0, dtype=np.uint64),
            run_bounds(counts),
        )

    @staticmethod
    def joined(parts: Sequence[Prints]) -> Prints:
        """The parts one after another (the parts' ids must be distinct)."""
        parts = [p for p in parts if len(p)]  # an empty part has no signature width
        if not parts:
            return Prints.of([])
        return Prints(
            tuple(x for p in parts for x in p.ids),
            tuple(x for p in parts for x in p.published),
            np.concatenate([p.words for p in parts]),
            np.concatenate([p.text_hashes for p in parts]),
            np.concatenate([p.signatures for p in parts]),
            np.concatenate([p.anchors for p in parts]),
            run_bounds(np.concatenate([p.anchor_counts() for p in parts])),
        )


def fingerprint_batch(docs: Sequence[Doc], settings: CopySettings) -> Prints:
    """Fingerprints of many articles at once: words, n-gram hashes, MinHash and anchors each take
    one pass (C or numpy) over the whole batch, so their per-call cost is paid per batch."""
    n = settings.ngram_words
    flat, sizes = text_hashes([text for _, text, _ in docs])
    bounds = list(zip((np.cumsum(sizes) - sizes).tolist(), sizes.tolist(), strict=True))
    grams = ngram_hashes(flat, n)
    sets = [  # each text's n-grams (with repeats: MinHash and anchors do not mind)
        grams[start : start + size - n + 1] if size >= n else _short(flat[start : start + size])
        for start, size in bounds
    ]
    counts = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
    shingles = np.concatenate(sets) if sets else np.zeros(0, dtype=np.uint64)
    filled = np.flatnonzero(counts)
    starts = (np.cumsum(counts) - counts)[filled]
    signatures = np.full((len(sets), settings.num_perm), _EMPTY_SIGNATURE, dtype=np.uint32)
    signatures[filled] = minhash_rows(shingles, starts, settings.num_perm, settings.seed)
    dense = sizes < settings.dense_anchor_words
    anchors, anchor_bounds = _anchors(shingles, counts, settings.anchor_modulo, dense)
    hashes = [
        xxhash.xxh3_64_intdigest(flat[start : start + size].tobytes()) for start, size in bounds
    ]
    return Prints(
        ids=tuple(doc_id for doc_id, _, _ in docs),
        published=tuple(published for _, _, published in docs),
        words=sizes.astype(np.int64),
        text_hashes=np.array(hashes, dtype=np.uint64),
        signatures=signatures,
        anchors=anchors,
        bounds=anchor_bounds,
    )


def _short(hashes: U64) -> U64:
    """The one shingle of a text shorter than n words (none for an empty text)."""
    return ngram_hashes(hashes, len(hashes)) if len(hashes) else hashes


def anchor_sample(grams: U64, modulo: int) -> npt.NDArray[np.bool_]:
    """Which n-grams are anchor candidates: those with `hash % modulo == 0` (all for 1)."""
    if modulo <= 1:
        return np.ones(len(grams), dtype=np.bool_)
    sampled: npt.NDArray[np.bool_] = grams % np.uint64(modulo) == 0
    return sampled


def _anchors(
    shingles: U64, counts: npt.NDArray[np.int64], modulo: int, dense: npt.NDArray[np.bool_]
) -> tuple[U64, I64]:
    """Each set's distinct sampled n-grams (`hash % modulo == 0`; all of them for a `dense`
    set), sorted, concatenated, and where each set's begin (one bound more than sets); the
    sets are consecutive runs of `counts` shingles."""
    doc = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    if modulo > 1:
        keep = anchor_sample(shingles, modulo) | dense[doc]
        shingles, doc = shingles[keep], doc[keep]
    # by document, then hash: the hashes sorted (numpy's vectorised sort: equal hashes need no
    # order, being one anchor of a document or of others), then stably by document, whose small
    # numbers numpy sorts by radix (lexsort merge sorts both keys: 2.3 against 5.3 us a text)
    order = np.argsort(shingles)
    small = doc[order].astype(np.int16 if len(counts) <= 2**15 else np.int64)
    order = order[np.argsort(small, kind="stable")]
    shingles, doc = shingles[order], doc[order]
    new = np.ones(len(shingles), dtype=np.bool_)
    new[1:] = (shingles[1:] != shingles[:-1]) | (doc[1:] != doc[:-1])
    shingles, doc = shingles[new], doc[new]
    bounds: I64 = np.searchsorted(doc, np.arange(len(counts) + 1)).astype(np.int64)
    return shingles, bounds


def article_tokens(article: Article) -> Tokens:
    bounds = [(p.start, p.end) for p in article.paragraphs] or None
    return tokenize(article.text, bounds)


def fingerprint(article: Article, settings: CopySettings | None = None) -> DocPrint:
    """The compact fingerprint of one clean article."""
    return fingerprint_batch(list(docs_of([article])), settings or DEFAULTS).prints()[0]
