"""Families from fingerprints alone (`storyline.copies.quick`), against the copies stage's."""

from __future__ import annotations

import random

import numpy as np
from copies_fixtures import article, filler, reprints_and_reuse

from storyline.copies import (
    DEFAULTS,
    Candidates,
    Prints,
    docs_of,
    find_candidates,
    find_copies,
    fingerprint,
    fingerprint_columns,
    likely_copies,
    quick_families,
)
from storyline.copies.candidates import BY_ANCHORS, BY_EXACT, BY_LSH


def test_likely_copies_takes_identical_similar_and_contained_pairs() -> None:
    rows = [  # by, anchor hits, share of each side's anchors, MinHash estimate, a copy?
        (BY_EXACT, 0, (0.0, 0.0), 1.0, True),
        (BY_LSH, 0, (0.0, 0.0), 0.5, True),  # thin_similarity
        (BY_LSH, 0, (0.0, 0.0), 0.45, False),
        (BY_ANCHORS, 30, (0.85, 0.55), 0.3, True),  # contained, wrapped in a little text
        (BY_ANCHORS, 30, (0.55, 0.85), 0.3, True),  # either side may be the shorter
        (BY_ANCHORS, 30, (0.95, 0.3), 0.25, False),  # a story inside a long roundup
        (BY_ANCHORS, 30, (0.7, 0.6), 0.4, False),  # much shared, but neither contained
        (BY_ANCHORS, 2, (1.0, 1.0), 0.3, False),  # too few anchors to tell
    ]
    candidates = Candidates(
        ids=tuple(f"d{k}" for k in range(2 * len(rows))),
        pairs=np.array([(2 * k, 2 * k + 1) for k in range(len(rows))], dtype=np.int64),
        by=np.array([r[0] for r in rows], dtype=np.uint8),
        anchor_hits=np.array([r[1] for r in rows], dtype=np.int32),
        anchor_share=np.array([r[2] for r in rows], dtype=np.float32),
        jaccard_estimate=np.array([r[3] for r in rows], dtype=np.float32),
        common=np.zeros(0, dtype=np.uint64),
    )
    assert likely_copies(candidates, DEFAULTS).tolist() == [r[4] for r in rows]


def test_quick_families_are_the_copies_stage_families_on_reprints_and_reuse() -> None:
    docs = reprints_and_reuse()
    prints = [fingerprint(d) for d in docs]
    quick = quick_families(prints)
    assert quick == find_copies(docs).families  # the digest's reprint is reuse: no family
    assert quick_families(prints[::-1], workers=2) == quick


def test_a_trimmed_and_edited_reprint_joins_by_its_anchors_where_minhash_falls_short() -> None:
    rng = random.Random(4)
    paragraphs = [filler(rng, 60) for _ in range(6)]
    words = " ".join(paragraphs[:4]).split(" ")  # two thirds of the source, a word in 30 edited
    for k in range(15, len(words), 30):
        words[k] = f"edited{k}"
    docs = [article("source", paragraphs), article("reprint", [" ".join(words)])]
    docs += [article(f"other-{i}", [filler(rng, 80)]) for i in range(5)]
    prints = [fingerprint(d) for d in docs]
    candidates = find_candidates(prints)
    assert candidates.id_pairs() == [("source", "reprint")]
    assert candidates.jaccard_estimate[0] < DEFAULTS.thin_similarity  # LSH alone would not join
    (family,) = quick_families(prints)
    assert family.members == ("reprint", "source")
    assert family.canonical == "source"  # the fullest


def test_candidates_read_columns_as_they_read_prints() -> None:
    docs = reprints_and_reuse()
    prints = [fingerprint(d) for d in docs]
    columns = fingerprint_columns(docs_of(docs), batch=4)  # batches joined into one
    assert columns.ids == tuple(p.id for p in prints)
    for mine, theirs in zip(columns.prints(), prints, strict=True):
        assert (mine.words, mine.text_hash) == (theirs.words, theirs.text_hash)
        assert np.array_equal(mine.anchors, theirs.anchors)
        assert np.array_equal(mine.signature, theirs.signature)
    by_prints, by_columns = find_candidates(prints), find_candidates(columns)
    assert by_prints.id_pairs() == by_columns.id_pairs() and len(by_prints) > 3
    for field in ("by", "anchor_hits", "anchor_share", "jaccard_estimate", "common"):
        assert np.array_equal(getattr(by_prints, field), getattr(by_columns, field)), field


def test_quick_families_find_candidates_among_the_prints_sorted_by_id() -> None:
    """A group too large to pair all its members pairs each with its next ones, so the order
    the prints come in would change the candidates: quick families sort them first."""
    prints = [fingerprint(d) for d in reprints_and_reuse()]
    ordered = Prints.of(sorted(prints, key=lambda p: p.id))
    by_id = Prints.of(random.Random(1).sample(prints, len(prints))).by_id()
    assert by_id.ids == ordered.ids and by_id.published == ordered.published
    for field in ("words", "text_hashes", "signatures", "anchors", "bounds"):
        assert np.array_equal(getattr(by_id, field), getattr(ordered, field)), field
    assert ordered.by_id() is ordered


def test_anchor_shares_stay_with_their_side_for_a_copy_of_an_identical_text() -> None:
    rng = random.Random(2)
    short = filler(rng, 120)
    docs = [  # "c" repeats "a", so its pair with "b" is made from a's
        article("a", [short]),
        article("b", [short, filler(rng, 120)]),
        article("c", [short]),
        *(article(f"other-{i}", [filler(rng, 80)]) for i in range(5)),
    ]
    candidates = find_candidates([fingerprint(d) for d in docs])
    shares = dict(zip(candidates.id_pairs(), candidates.anchor_share.tolist(), strict=True))
    assert shares[("a", "b")][1] < 0.8 <= shares[("a", "b")][0], shares
    assert shares[("b", "c")][0] < 0.8 <= shares[("b", "c")][1], shares  # b's share first
