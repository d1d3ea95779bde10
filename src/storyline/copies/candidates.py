"""Candidate pairs without quadratic work: identical texts, MinHash LSH buckets and rare anchors.

Three generators, each sort-based over numpy arrays:

* exact: documents with the same normalised token sequence hash. Each group of identical texts
  is represented by its first member in the two generators below (so copies of one text neither
  multiply the work nor make their own anchors look like boilerplate); the pairs found for the
  representative are then repeated for the members of groups up to `max_exact_group`;
* LSH: MinHash signatures cut into bands; documents sharing a band key share a bucket
  (catches whole-text near duplicates, Jaccard from about 0.4 with the default 32 x 4);
* anchors (in the spirit of passim): sampled word n-grams found in few documents
  (2 .. `max_df`); two documents sharing at least `min_anchor_hits` of them become a pair. This
  finds long shared passages inside otherwise different texts, which whole-text Jaccard misses.
  Anchors in more than `max_df` documents are boilerplate: they propose nothing, and the
  alignment step gets their hashes (`Candidates.common`) to flag boilerplate passages.

An LSH bucket or anchor shared by more than `group_all_pairs` documents pairs each with its next
`group_window` neighbours only, so a widely reprinted story stays linear in its number of copies.
With `skip_joined_pairs`, the LSH pairs are thinned (`thin`) as soon as they are found, so the
steps after them see about one pair per copy, not every pair whose bands copies share.

Buckets and anchors are grouped by sorting (hash, doc) arrays, and pairs are emitted per group,
so the work grows with the number of candidate pairs, not with the square of the corpus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from storyline.copies import _kernels
from storyline.copies.arrays import (
    FLOAT32,
    I64,
    U64,
    UINT64,
    distinct,
    distinct_counts,
    distinct_inverse,
    distinct_merged,
    forest,
    runs,
    stable_argsort,
)
from storyline.copies.fingerprints import DocPrint, Prints, anchor_sample
from storyline.copies.records import DEFAULTS, CopySettings
from storyline.workers import fork_map

BY_EXACT = 1
BY_LSH = 2
BY_ANCHORS = 4
_BY_NAMES = ((BY_EXACT, "exact_text"), (BY_LSH, "minhash_lsh"), (BY_ANCHORS, "rare_anchors"))
_PARTITIONS = 16  # anchor hash-space partitions processed one at a time (bounds memory)
_BAND_BLOCK = 8  # LSH bands keyed at once (8 bytes a document each)


_NAMES_OF = [[name for bit, name in _BY_NAMES if flags & bit] for flags in range(8)]


def by_names(flags: int) -> list[str]:
    return list(_NAMES_OF[flags])


@dataclass(frozen=True, slots=True, eq=False)
class Candidates:
    """Candidate pairs as index arrays into `ids` (i < j), with how each was found."""

    ids: tuple[str, ...]
    pairs: I64  # shape (k, 2)
    by: npt.NDArray[np.uint8]
    anchor_hits: npt.NDArray[np.int32]
    anchor_share: npt.NDArray[np.float32]
    """(k, 2): of the anchors each side could share with the other (its sampled ones, or all
    when both are dense), the share the pair shares; 0 for pairs not found by anchors or whose
    anchors are too few to propose them."""
    jaccard_estimate: npt.NDArray[np.float32]
    common: U64  # sorted anchor hashes found in more than max_df documents
    stats: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.pairs)

    def id_pairs(self) -> list[tuple[str, str]]:
        return [(self.ids[i], self.ids[j]) for i, j in self.pairs.tolist()]


@lru_cache(maxsize=64)  # a group of L members: L**2 * 8 bytes
def _upper_pairs(length: int) -> tuple[I64, I64]:
    """Positions (i, j), i < j, of every pair in a group of `length`: made once per length, not
    once per length per partition (a tenth of the candidate step on Reuters)."""
    ii, jj = np.triu_indices(length, 1)
    ii.setflags(write=False)
    jj.setflags(write=False)
    return ii, jj


def _pair_codes(
    members: I64,
    starts: I64,
    lengths: I64,
    n_docs: int,
    max_group: int,
    window: int = 0,
    labels: I64 | None = None,
) -> I64:
    """Codes i * n_docs + j (i < j) of the pairs inside each group `members[s : s + l]`.

    Groups up to `max_group` give all their pairs. A larger one gives, with `window` 0, its
    first member paired with the rest (a star); otherwise each member paired with the next
    `window` members (a band: still connected when one member is noisy, and linear).
    Pairs of documents with the same `labels` (one per document), if given, are left out.
    """
    out: list[I64] = []
    keep = lengths >= 2
    starts, lengths = starts[keep], lengths[keep]
    for length in distinct(lengths).tolist():
        sel = starts[lengths == length]
        rows = members[sel[:, None] + np.arange(length)[None, :]]
        if length <= max_group:
            ii, jj = _upper_pairs(length)
            a, b = rows[:, ii].ravel(), rows[:, jj].ravel()
        elif window == 0:
            a, b = np.repeat(rows[:, 0], length - 1), rows[:, 1:].ravel()
        else:
            offsets = range(1, min(window, length - 1) + 1)
            a = np.concatenate([rows[:, :-d].ravel() for d in offsets])
            b = np.concatenate([rows[:, d:].ravel() for d in offsets])
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        apart = lo != hi if labels is None else labels[lo] != labels[hi]
        out.append(lo[apart] * n_docs + hi[apart])
    if not out:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(out)


def exact_groups(
    hashes: U64, nonempty: npt.NDArray[np.bool_], settings: CopySettings
) -> tuple[I64, I64]:
    """(pair codes of identical texts, representative of each document); only the documents
    marked `nonempty` are grouped.

    A document's representative is the first (lowest index) document with the same normalised
    text; only representatives take part in LSH and anchors, so copies of one text neither
    multiply the work nor make their own anchors look like boilerplate.
    """
    n_docs = len(hashes)
    docs = np.flatnonzero(nonempty).astype(np.int64)
    docs = docs[stable_argsort(hashes[docs])]
    starts, lengths = runs(hashes[docs])
    rep_of = np.arange(n_docs, dtype=np.int64)
    rep_of[docs] = np.repeat(docs[starts], lengths)
    codes = distinct(_pair_codes(docs, starts, lengths, n_docs, settings.max_exact_group))
    return codes, rep_of


def _expand(codes: I64, rep_of: I64, n_docs: int, max_group: int) -> I64:
    """Pairs of representatives -> the same pairs for every member of their (small) groups."""
    docs = np.arange(n_docs, dtype=np.int64)
    if len(codes) == 0 or not bool(np.any(rep_of != docs)):
        return codes
    small = np.bincount(rep_of, minlength=n_docs) <= max_group
    owner = np.where(small[rep_of], rep_of, docs)  # a large group's members stand alone
    members = stable_argsort(owner)
    count = np.bincount(owner, minlength=n_docs)
    first = np.cumsum(count) - count
    per = count[codes // n_docs] * count[codes % n_docs]
    alone = per == 1  # neither side has copies: the pair stands for itself
    grouped, per = codes[~alone], per[~alone]
    i, j = grouped // n_docs, grouped % n_docs
    k = np.repeat(np.arange(len(grouped)), per)
    offset = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
    x = members[first[i][k] + offset // count[j][k]]
    y = members[first[j][k] + offset % count[j][k]]
    return distinct(np.concatenate((codes[alone], np.minimum(x, y) * n_docs + np.maximum(x, y))))


def thin(
    pairs: I64, estimate: npt.NDArray[np.float32], by: npt.NDArray[np.uint8], n_docs: int, at: float
) -> tuple[npt.NDArray[np.bool_], I64]:
    """Which candidate pairs to keep when near duplicates (estimated Jaccard >= `at`) are joined
    by more similar pairs: of those, only a maximum spanning forest; of the others, those that
    do not fall inside one of its trees. Identical texts are always kept. Also returns the
    forest's trees, a label per document. `pairs` (i < j) are in code order (i * n_docs + j
    ascending), as `find_candidates` makes them.

    Thinning a part of the pairs first and then the rest with what it kept gives what thinning
    them all at once does (an edge left out of one part's maximum spanning forest closes a
    cycle of more similar pairs, ties in code order, and so is left out of the whole's)."""
    exact = (by & BY_EXACT) != 0
    near = (estimate >= at) & ~exact
    if not bool(near.any()):
        return np.ones(len(pairs), dtype=np.bool_), np.arange(n_docs, dtype=np.int64)
    idx = np.flatnonzero(near)
    # Kruskal: the near pairs by decreasing estimate, ties in candidate order, so the forest is
    # the same whatever the machine. (The bits of a float >= 0 sort as the float does;
    # inverted, they sort it in decreasing order, and the radix argsort is stable.)
    falling = ~estimate[idx].astype(np.float32).view(np.uint32)
    order = idx[stable_argsort(falling.astype(np.uint64))]
    joined, tree = forest(n_docs, pairs[order, 0], pairs[order, 1])
    keep: npt.NDArray[np.bool_] = exact | (~near & (tree[pairs[:, 0]] != tree[pairs[:, 1]]))
    keep[order[joined]] = True
    return keep, tree


def _estimates(signatures: npt.NDArray[np.uint32], pairs: I64) -> npt.NDArray[np.float32]:
    """MinHash Jaccard estimates of index pairs (share of agreeing permutations), in C: numpy
    would copy both rows of every pair first."""
    shares = _kernels.agreement(signatures, np.ascontiguousarray(pairs, dtype=np.int64))
    return np.frombuffer(shares, FLOAT32).copy()


def lsh_pairs(
    signatures: npt.NDArray[np.uint32], usable: I64, settings: CopySettings, bands: range
) -> I64:
    """Pairs sharing at least one key of the LSH `bands` (documents in `usable` only)."""
    n_docs = len(signatures)
    out: list[I64] = []
    all_pairs, window = settings.group_all_pairs, settings.group_window
    for first in range(bands.start, bands.stop, _BAND_BLOCK):  # one read of each row per block
        block = min(_BAND_BLOCK, bands.stop - first)
        keys = _kernels.band_keys(signatures, usable, first, block, settings.lsh_rows)
        for key in np.frombuffer(keys, UINT64).reshape(block, -1):
            order = stable_argsort(key)
            starts, lengths = runs(key[order])
            codes = _pair_codes(usable[order], starts, lengths, n_docs, all_pairs, window)
            out.append(distinct(codes))
    if not out:
        return np.zeros(0, dtype=np.int64)
    return distinct(np.concatenate(out))


def _band_parts(settings: CopySettings, parts: int) -> list[range]:
    """The LSH bands cut into up to `parts` runs of whole blocks."""
    firsts = range(0, settings.lsh_bands, _BAND_BLOCK)
    per = -(-len(firsts) // max(1, min(parts, len(firsts))))
    cuts = [*firsts[::per], settings.lsh_bands]
    return [range(a, b) for a, b in pairwise(cuts)]


_LshPart = tuple[I64, I64, npt.NDArray[np.float32]]


def _lsh_part(
    signatures: npt.NDArray[np.uint32],
    usable: I64,
    rep_of: I64,
    settings: CopySettings,
    bands: range,
) -> _LshPart:
    """(every pair some of the `bands` find, expanded to identical texts; those of them that
    thinning keeps; their estimates). Thinned part by part, then together, the pairs give what
    thinning all of them at once does (`thin`)."""
    n_docs = len(signatures)
    found = lsh_pairs(signatures, usable, settings, bands)
    codes = _expand(found, rep_of, n_docs, settings.max_exact_group)
    index = _index(codes, n_docs)
    estimate = _estimates(signatures, index)
    if not settings.skip_joined_pairs:
        return codes, codes, estimate
    keep, _ = _thin_lsh(index, estimate, n_docs, settings)
    return codes, codes[keep], estimate[keep]


def _index(codes: I64, n_docs: int) -> I64:
    """Pair codes i * n_docs + j as (i, j) rows."""
    return np.stack((codes // n_docs, codes % n_docs), axis=1)


def _thin_lsh(
    index: I64, estimate: npt.NDArray[np.float32], n_docs: int, settings: CopySettings
) -> tuple[npt.NDArray[np.bool_], I64]:
    by_lsh = np.full(len(index), BY_LSH, dtype=np.uint8)
    return thin(index, estimate, by_lsh, n_docs, settings.thin_similarity)


def anchor_pairs(
    prints: Prints,
    settings: CopySettings,
    include: npt.NDArray[np.bool_],
    tree: I64 | None = None,
    workers: int = 1,
) -> tuple[I64, I64, U64]:
    """(pair codes, shared anchor counts, common anchors) from rare anchors.

    Only the documents in `include` contribute. Pairs inside one `tree` of near duplicates (a
    label per document) are left out. The hash space is cut into partitions by the top bits,
    each grouped on its own (`workers` processes share them); the per-partition pair counts
    are then summed.
    """
    n_docs = len(prints)
    anchors = prints.anchor_counts()
    counts = np.where(include, anchors, 0)
    if counts.sum() == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.uint64)
    all_h = prints.anchors[np.repeat(include, anchors)]
    all_d = np.repeat(np.arange(n_docs, dtype=np.int64), counts)
    # each partition's entries, in their order: one stable sort of the small partition
    # numbers (numpy sorts 8-bit keys by radix), not a pass over every entry per partition
    part = (all_h >> np.uint64(60)).astype(np.uint8)
    by_part = np.argsort(part, kind="stable")
    bounds = np.searchsorted(part[by_part], np.arange(_PARTITIONS + 1)).tolist()
    per = -(-_PARTITIONS // max(1, min(workers, _PARTITIONS)))
    tasks = [
        partial(
            _anchor_groups, all_h, all_d, by_part, bounds[k : k + per + 1], tree, settings, n_docs
        )
        for k in range(0, _PARTITIONS, per)
    ]
    found = [group for groups in fork_map(tasks, workers) for group in groups]
    codes = [c for c, _, _ in found if len(c)]
    hits = [n for c, n, _ in found if len(c)]
    common = [h for _, _, h in found]
    common_arr = np.sort(np.concatenate(common)) if common else np.zeros(0, dtype=np.uint64)
    if not codes:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, common_arr
    all_codes = np.concatenate(codes)
    all_hits = np.concatenate(hits)
    order = stable_argsort(all_codes)
    all_codes, all_hits = all_codes[order], all_hits[order]
    starts, _ = runs(all_codes)
    return all_codes[starts], np.add.reduceat(all_hits, starts), common_arr


def _anchor_groups(
    all_h: U64,
    all_d: I64,
    by_part: I64,
    bounds: list[int],
    tree: I64 | None,
    settings: CopySettings,
    n_docs: int,
) -> list[tuple[I64, I64, U64]]:
    """(pair codes, shared anchor counts, common anchors) of each non-empty partition, whose
    entries are `by_part[bounds[k] : bounds[k + 1]]`."""
    out = []
    all_pairs, window = settings.group_all_pairs, settings.group_window
    empty = np.zeros(0, dtype=np.int64)
    for lo, hi in pairwise(bounds):
        if lo == hi:
            continue
        sel = by_part[lo:hi]
        h, d = all_h[sel], all_d[sel]
        order = stable_argsort(h)
        h, d = h[order], d[order]
        starts, lengths = runs(h)
        common = h[starts[lengths > settings.max_df]]
        rare = (lengths >= 2) & (lengths <= settings.max_df)
        if tree is not None:  # an anchor found in one tree only would give no pair: skip it
            label = tree[d]
            rare &= np.minimum.reduceat(label, starts) != np.maximum.reduceat(label, starts)
        c = _pair_codes(d, starts[rare], lengths[rare], n_docs, all_pairs, window, tree)
        u, n = distinct_counts(c) if len(c) else (empty, empty)
        out.append((u, n.astype(np.int64), common))
    return out


def _shareable(codes: I64, anchors: I64, sampled: I64, dense: npt.NDArray[np.bool_]) -> I64:
    """How many anchors each text of each pair (a row per pair) could share with the other.
    `anchors` is each document's anchor count, `sampled` how many of them are sampled: a pair
    can share only those unless both are `dense` (short texts that keep every n-gram)."""
    ij = _index(codes, len(anchors))
    both_dense = dense[ij[:, 0]] & dense[ij[:, 1]]
    shareable: I64 = np.where(both_dense[:, None], anchors[ij], sampled[ij])
    return shareable


def _strong(hits: I64, shorter: I64, settings: CopySettings) -> npt.NDArray[np.bool_]:
    """Which anchor pairs share enough: a possible reused passage, or much of a short text."""
    return (hits >= settings.min_anchor_hits) & (
        (hits >= settings.anchor_passage_hits) | (hits >= settings.anchor_share * shorter)
    )


def _sampled_counts(
    prints: Prints, anchors: I64, settings: CopySettings
) -> tuple[I64, npt.NDArray[np.bool_]]:
    """(how many of each document's `anchors` are sampled, which documents are dense)."""
    dense = prints.words < settings.dense_anchor_words
    sampled = anchors.copy()
    some = np.flatnonzero(dense & (anchors > 0))
    if len(some):
        h = prints.anchors[np.repeat(dense, anchors)]
        owner = np.repeat(some, anchors[some])
        kept = owner[anchor_sample(h, settings.anchor_modulo)]
        sampled[some] = np.bincount(kept, minlength=len(prints))[some]
    return sampled, dense


def find_candidates(
    prints: Sequence[DocPrint] | Prints,
    settings: CopySettings | None = None,
    *,
    workers: int = 1,
) -> Candidates:
    """Candidate pairs of a corpus given as fingerprints, or as their columns (ids distinct).
    Give them sorted by id, as the copies stage does: a bucket or anchor too large to pair all
    its members pairs each with its next ones in this order. `workers` processes share the LSH
    bands and the anchor partitions; the result does not depend on their number."""
    settings = settings or DEFAULTS
    if not isinstance(prints, Prints):
        prints = Prints.of(prints)
    ids = prints.ids
    if len(set(ids)) != len(ids):
        raise ValueError("find_candidates: article ids must be distinct")
    n_docs = len(prints)
    if n_docs < 2:
        return _empty(ids)
    nonempty = prints.words > 0
    exact, rep_of = exact_groups(prints.text_hashes, nonempty, settings)
    signatures = prints.signatures
    is_rep = nonempty & (rep_of == np.arange(n_docs))
    usable = np.flatnonzero(is_rep).astype(np.int64)
    # the bands in parts, one a worker, each thinned at once, so that a story's n copies leave
    # the steps below about n pairs, not the n²/2 their bands share (and the near duplicates
    # joined need no anchor pairs)
    tasks = [
        partial(_lsh_part, signatures, usable, rep_of, settings, bands)
        for bands in _band_parts(settings, workers)
    ]
    parts = fork_map(tasks, workers)
    found_lsh = len(distinct_merged([found for found, _, _ in parts]))
    lsh, at = distinct_inverse(np.concatenate([kept for _, kept, _ in parts]))
    lsh_estimate = np.empty(len(lsh), dtype=np.float32)
    lsh_estimate[at] = np.concatenate([estimate for _, _, estimate in parts])
    del parts
    tree = None
    if settings.skip_joined_pairs:
        keep, tree = _thin_lsh(_index(lsh, n_docs), lsh_estimate, n_docs, settings)
        lsh, lsh_estimate = lsh[keep], lsh_estimate[keep]
    thinned = found_lsh - len(lsh)
    a_codes, a_hits, common = anchor_pairs(prints, settings, is_rep, tree, workers)
    anchors = prints.anchor_counts()
    shareable = _shareable(a_codes, anchors, *_sampled_counts(prints, anchors, settings))
    strong = _strong(a_hits, shareable.min(axis=1), settings)
    anchored = a_codes[strong]
    a_shares = np.zeros(shareable.shape, dtype=np.float32)  # weak pairs share too little anyway
    a_shares[strong] = a_hits[strong, None] / shareable[strong]
    if len(anchored) and bool(np.any(rep_of != np.arange(n_docs))):
        expanded = _expand(anchored, rep_of, n_docs, settings.max_exact_group)
        reps = np.stack((rep_of[expanded // n_docs], rep_of[expanded % n_docs]), axis=1)
        rep_codes = reps.min(axis=1) * n_docs + reps.max(axis=1)
        pos = np.searchsorted(a_codes, rep_codes)
        a_shares = a_shares[pos]
        swapped = reps[:, 0] > reps[:, 1]  # the representatives' pair runs the other way
        a_shares[swapped] = a_shares[swapped, ::-1]
        a_codes, a_hits, anchored = expanded, a_hits[pos], expanded

    codes = np.concatenate((exact, lsh, anchored))
    flags = np.concatenate(
        (
            np.full(len(exact), BY_EXACT, dtype=np.uint8),
            np.full(len(lsh), BY_LSH, dtype=np.uint8),
            np.full(len(anchored), BY_ANCHORS, dtype=np.uint8),
        )
    )
    uniq, inverse = distinct_inverse(codes)
    by = np.zeros(len(uniq), dtype=np.uint8)
    np.bitwise_or.at(by, inverse, flags)
    hits = np.zeros(len(uniq), dtype=np.int32)
    shares = np.zeros((len(uniq), 2), dtype=np.float32)
    pos = np.searchsorted(uniq, a_codes)
    found = pos < len(uniq)
    found[found] = uniq[pos[found]] == a_codes[found]
    hits[pos[found]] = a_hits[found]
    shares[pos[found]] = a_shares[found]
    pairs = _index(uniq, n_docs)
    # their estimates are known: `lsh` is distinct and sorted, so uniq[from_lsh] is `lsh`
    from_lsh = (by & BY_LSH) != 0
    estimate = np.empty(len(pairs), dtype=np.float32)
    estimate[from_lsh] = lsh_estimate
    estimate[~from_lsh] = _estimates(signatures, pairs[~from_lsh])
    stats = {
        "documents": n_docs,
        "pairs_exact": len(exact),
        "pairs_lsh": found_lsh,
        "pairs_anchors": len(anchored),
        "pairs_anchor_weak": int((~strong).sum()),
        "candidates": len(pairs) + thinned,  # LSH pairs thinned inside a tree: nothing else
        "common_anchors": len(common),
    }
    if settings.skip_joined_pairs:
        keep, _ = thin(pairs, estimate, by, n_docs, settings.thin_similarity)
        stats["thinned"] = thinned + int((~keep).sum())
        pairs, by, hits, shares = pairs[keep], by[keep], hits[keep], shares[keep]
        estimate = estimate[keep]
    return Candidates(ids, pairs, by, hits, shares, estimate, common, stats)


def _empty(ids: tuple[str, ...]) -> Candidates:
    return Candidates(
        ids,
        np.zeros((0, 2), dtype=np.int64),
        np.zeros(0, dtype=np.uint8),
        np.zeros(0, dtype=np.int32),
        np.zeros((0, 2), dtype=np.float32),
        np.zeros(0, dtype=np.float32),
        np.zeros(0, dtype=np.uint64),
        {"documents": len(ids), "candidates": 0},
    )
