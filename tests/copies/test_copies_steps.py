"""The lower-level steps: tokens, fingerprints, candidates, streaming alignment, diff."""

from __future__ import annotations

import dataclasses
import os
import random
import subprocess
import sys
from collections.abc import Mapping, Sequence

import numpy as np
import pytest
from copies_fixtures import BRIDGE, MUSEUM, QUOTE, article, filler

from storyline.article import Article
from storyline.copies import (
    CopySettings,
    _kernels,
    build_families,
    diff,
    find_candidates,
    find_copies,
    fingerprint,
    members_from_prints,
    relate_candidates,
    tokenize,
)
from storyline.copies.align import Text, _alike, _blocks, align_articles, align_texts, chain_limits
from storyline.copies.arrays import in_sorted
from storyline.copies.candidates import BY_EXACT, BY_LSH, thin
from storyline.copies.families import Member, families_of
from storyline.copies.fingerprints import estimate_jaccard
from storyline.copies.tokens import _normalise


def test_tokens_normalise_case_hyphens_quotes_and_numbers() -> None:
    text = "He came “Empty-handed” — and didn’t pay 5,456,000 or 6-3/16 pct, said O'Neill."
    toks = tokenize(text)
    assert toks.words == (
        "he", "came", "empty", "handed", "and", "didn't", "pay", "5.456.000", "or", "6-3/16",
        "pct", "said", "o'neill",
    )  # fmt: skip
    for w, s, e in zip(toks.words, toks.starts, toks.ends, strict=True):
        assert tokenize(text[s:e]).words[0] == w.split()[0]
    assert [w for w, n in zip(toks.words, toks.numeric, strict=True) if n] == [
        "5.456.000",
        "6-3/16",
    ]
    assert [w for w, q in zip(toks.words, toks.quoted, strict=True) if q] == ["empty", "handed"]
    assert tokenize("empty handed").words == tokenize("Empty–handed").words


def test_a_word_misread_into_a_leading_digit_is_no_figure() -> None:
    # "5csi" is OCR's "scsi"; a unit run into its figure ("3mln") reads the same way
    toks = tokenize("In the 1980s its 10th plant made 45bn 5csi drives, up 3 pct, 2nd of Two")
    figures = [w for w, n in zip(toks.words, toks.numeric, strict=True) if n]
    assert figures == ["1980s", "10th", "45bn", "3", "2nd", "two"]
    assert not tokenize("3mln").numeric.any()


def test_ascii_words_take_a_shortcut_to_the_same_normal_form() -> None:
    # NFKC and casefold leave ASCII as lower() does, and of the apostrophes only "`" is ASCII:
    # a non-ASCII letter appended sends a word the long way, and changes nothing before it
    rng = random.Random(5)
    letters = "aZ1,.-`'_ \n"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    words += ["Don`t", "U.S.", "5,456,000", "Vau-\nclier", "ONE"]
    assert all(_normalise(w) == _normalise(w + "\u00e9")[:-1] for w in words)


def test_quotes_left_open_end_with_their_paragraph() -> None:
    text = "“We will stay,” she said.\n\n“Nothing has changed\n\nOutside the hall it rained."
    toks = tokenize(text)
    quoted = [w for w, q in zip(toks.words, toks.quoted, strict=True) if q]
    assert quoted == ["we", "will", "stay", "nothing", "has", "changed"]


def test_line_break_hyphen_is_joined() -> None:
    assert tokenize("la fran-\nçaise").words == tokenize("la française").words


def test_fingerprints_are_compact_and_identical_across_processes() -> None:
    doc = article("a", BRIDGE)
    fp = fingerprint(doc)
    assert fp.signature.dtype == np.uint32 and len(fp.signature) == 128
    assert fp.anchors.dtype == np.uint64
    assert np.all(np.diff(fp.anchors.astype(np.float64)) > 0)  # sorted, distinct
    assert not hasattr(fp, "text")
    code = (
        "from storyline.copies import fingerprint\n"
        "from copies_fixtures import BRIDGE, article\n"
        "fp = fingerprint(article('a', BRIDGE))\n"
        "print(fp.text_hash, fp.signature.tolist()[:8], fp.anchors.tolist()[:4])\n"
    )
    here = os.path.dirname(__file__)
    outs = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [here, env.get("PYTHONPATH", "")]))
        run = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        outs.add(run.stdout)
    assert outs == {f"{fp.text_hash} {fp.signature.tolist()[:8]} {fp.anchors.tolist()[:4]}\n"}


def test_minhash_estimates_jaccard() -> None:
    rng = random.Random(1)
    base = [filler(rng, 60) for _ in range(4)]
    doc_a = article("a", base)
    doc_b = article("b", [*base[:2], filler(rng, 60), filler(rng, 60)])
    est = estimate_jaccard(fingerprint(doc_a).signature, fingerprint(doc_b).signature)
    exact = align_articles(doc_a, doc_b).jaccard
    assert 0.2 < exact < 0.45
    assert abs(est - exact) < 0.12


def test_rare_anchors_find_a_long_shared_passage_with_low_jaccard() -> None:
    rng = random.Random(4)
    museum = article("museum", MUSEUM)
    digest = article("digest", [filler(rng, 150), *MUSEUM, filler(rng, 200), filler(rng, 150)])
    others = [article(f"o{i}", [filler(rng, 100)]) for i in range(30)]
    settings = CopySettings()
    prints = [fingerprint(d, settings) for d in [museum, digest, *others]]
    cands = find_candidates(prints, settings)
    pairs = cands.id_pairs()
    assert ("museum", "digest") in pairs or ("digest", "museum") in pairs
    k = next(i for i, p in enumerate(pairs) if set(p) == {"museum", "digest"})
    assert cands.jaccard_estimate[k] < 0.3  # MinHash LSH alone would not propose it
    assert cands.anchor_hits[k] >= settings.min_anchor_hits
    assert len(pairs) < 10  # unrelated documents are not paired


def test_short_texts_keep_every_anchor_so_a_brief_edited_in_its_middle_is_a_candidate() -> None:
    """15 words, one changed in the middle: 6 of 11 five-grams shared, Jaccard 0.375, which
    LSH finds by chance; with a quarter of them sampled, too few anchors to pair."""
    rng = random.Random(5)
    briefs = [filler(rng, 15).split() for _ in range(40)]
    docs = [article(f"b{k}", [" ".join(w)]) for k, w in enumerate(briefs)]
    docs += [
        article(f"c{k}", [" ".join([*w[:7], "zorblat", *w[8:]])]) for k, w in enumerate(briefs)
    ]
    docs += [article(f"o{k}", [filler(rng, 100)]) for k in range(20)]
    wanted = {(f"b{k}", f"c{k}") for k in range(len(briefs))}

    def found(settings: CopySettings) -> set[tuple[str, str]]:
        cands = find_candidates([fingerprint(d, settings) for d in docs], settings)
        return {(a, b) for a, b in cands.id_pairs() if a[0] == "b"} | {
            (b, a) for a, b in cands.id_pairs() if b[0] == "b"
        }

    assert found(CopySettings()) == wanted  # every copy, and no other pair
    assert len(found(CopySettings(dense_anchor_words=0))) < len(wanted) * 0.9


def test_an_alignment_and_its_texts_cannot_be_changed() -> None:
    # they are public: relate() trusts them, and a batch's pairs share one Text per article
    al = align_articles(article("m1", MUSEUM), article("m2", MUSEUM))
    for record, field in ((al, "coverage_a"), (al.a, "notes"), (al.a.tokens, "words")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, field, None)


def test_relate_candidates_fetches_texts_in_batches() -> None:
    rng = random.Random(8)
    docs = {
        d.id: d
        for d in [
            article("g1", BRIDGE),
            article("g2", BRIDGE[:4]),
            article("g3", BRIDGE[1:]),
            article("m1", MUSEUM),
            article("m2", [filler(rng, 50), *MUSEUM]),
            *[article(f"x{i}", [filler(rng, 80)]) for i in range(5)],
        ]
    }
    every = CopySettings(skip_joined_pairs=False)  # align every pair, joined or not
    prints = [fingerprint(d) for d in docs.values()]
    cands = find_candidates(prints, every)
    batches: list[list[str]] = []

    def fetch(ids: Sequence[str]) -> Mapping[str, Article]:
        batches.append(list(ids))
        return {i: docs[i] for i in ids}

    results = list(relate_candidates(cands, fetch, every, batch_pairs=2))
    assert len(results) == len(cands)
    assert all(len(b) <= 4 for b in batches) and len(batches) == -(-len(cands) // 2)
    copies = [c for c, _ in results if c.relation]
    assert {(c.a, c.b) for c in copies} >= {("g1", "g2"), ("g1", "g3"), ("g2", "g3"), ("m1", "m2")}
    fams = build_families(copies, members_from_prints(prints))
    assert sorted(f.members for f in fams) == [("g1", "g2", "g3"), ("m1", "m2")]
    assert [f.canonical for f in fams if "g1" in f.members] == ["g1"]  # the fullest


def test_rejected_pairs_carry_their_evidence_only_when_kept() -> None:
    rng = random.Random(9)
    said = f"“{QUOTE},” said union leader Tomas Brevik."
    docs = {
        d.id: d
        for d in [
            article("g1", BRIDGE),
            article("g2", BRIDGE[1:]),
            article("q1", [filler(rng, 50), said, filler(rng, 40)]),
            article("q2", [filler(rng, 60), said]),
        ]
    }
    prints = [fingerprint(d) for d in docs.values()]
    runs = {}
    for keep in (False, True):
        settings = CopySettings(keep_rejected=keep)
        cands = find_candidates(prints, settings)
        found = relate_candidates(cands, lambda ids: {i: docs[i] for i in ids}, settings)
        runs[keep] = [c for c, _ in found]
    lean, kept = runs[False], runs[True]
    assert [(c.a, c.b, c.relation, c.rule) for c in lean] == [
        (c.a, c.b, c.relation, c.rule) for c in kept
    ]
    assert ("q1", "q2", None, "only_quotations") in [(c.a, c.b, c.relation, c.rule) for c in lean]
    for short, full in zip(lean, kept, strict=True):
        if full.relation:  # copies are the same either way
            assert short == full
        else:  # a rejected pair: its verdict and candidate record; the figures only when kept
            assert full.similarity and full.passages and "checks" in full.evidence
            assert (short.similarity, short.passages) == ({}, ())
            assert short.evidence == {k: full.evidence[k] for k in ("rule", "why", "candidate")}


def test_diff_lists_only_a_only_b_shared_and_changed() -> None:
    a = article("a", BRIDGE[:3])
    b = article("b", [BRIDGE[0].replace("eight weeks", "nine weeks"), BRIDGE[1], MUSEUM[0]])
    al = align_articles(a, b)
    d = diff(al)
    assert d.shared == al.passages
    only_a = " ".join(a.text[s.start : s.end] for s in d.only_a)
    only_b = " ".join(b.text[s.start : s.end] for s in d.only_b)
    assert "Ferries will run" in only_a
    assert "logbook of the schooner" in only_b
    assert [(e.a_text, e.b_text) for e in d.changed] == [("eight", "nine")]
    assert d.to_json()["changed"][0]["a_text"] == "eight"
    for side in "ab":  # passages never overlap on a side: what they leave is what is not covered
        uncovered = al.uncovered_a if side == "a" else al.uncovered_b
        assert uncovered == np.count_nonzero(~al.covered(side)) > 0


def test_exact_copies_share_their_relations_and_do_not_become_boilerplate() -> None:
    rng = random.Random(12)
    digest = article("digest", ["Coast news.", filler(rng, 80), *MUSEUM, filler(rng, 90)])
    few = [article(f"m{i}", MUSEUM) for i in range(3)]  # a small group: pairs repeated
    report = find_copies([digest, *few])
    rel = {(c.a, c.b): c.relation for c in report.copies}
    assert rel[("m0", "m1")] == rel[("m0", "m2")] == rel[("m1", "m2")] == "exact"
    assert {rel[("digest", f"m{i}")] for i in range(3)} == {"partial_reuse"}

    many = [article(f"n{i:03d}", MUSEUM) for i in range(120)]  # > max_df copies of one text
    report = find_copies([digest, *many])
    assert report.stats["common_anchors"] == 0
    assert report.stats["pairs_exact"] == 119  # a group over max_exact_group: a star
    assert ("digest", "n000") in {
        (c.a, c.b) for c in report.copies if c.relation == "partial_reuse"
    }
    assert [len(f.members) for f in report.families] == [120]


def test_empty_and_very_short_texts() -> None:
    docs = [
        article("empty-1", [""]),
        article("empty-2", [""]),
        article("short-1", ["Talks resume."]),
        article("short-2", ["Talks  resume."]),
        article("short-3", ["Talks resume!"]),
    ]
    report = find_copies(docs)
    rel = {(c.a, c.b): c for c in report.copies}
    assert ("empty-1", "empty-2") not in rel  # nothing to compare
    exact = rel[("short-1", "short-2")]
    assert exact.relation == "exact"
    assert [p.offsets() for p in exact.passages] == [
        {"a_start": 0, "a_end": 12, "b_start": 0, "b_end": 13}
    ]
    assert rel[("short-1", "short-3")].relation == "near_duplicate"  # same words, other mark


def test_thin_keeps_a_maximum_spanning_forest_of_near_duplicates() -> None:
    pairs = np.array([(0, 1), (0, 2), (0, 4), (1, 2), (2, 3), (2, 4), (3, 5)], dtype=np.int64)
    estimate = np.array([0.9, 0.7, 0.6, 0.8, 0.3, 0.4, 1.0], dtype=np.float32)
    by = np.array([BY_LSH] * 6 + [BY_EXACT], dtype=np.uint8)
    keep, tree = thin(pairs, estimate, by, 6, at=0.5)
    # 0.7 closes a cycle of more similar pairs; 0.4 falls inside the tree {0, 1, 2, 4}; 0.3
    # joins two trees; identical texts stay
    assert pairs[keep].tolist() == [[0, 1], [0, 4], [1, 2], [2, 3], [3, 5]]
    assert tree.tolist() == [0, 0, 0, 3, 0, 5]  # the forest of the near pairs only


def test_thinning_part_of_the_pairs_first_keeps_the_same_pairs() -> None:
    # find_candidates thins the LSH pairs before the others join them: the same pairs are left
    rng = np.random.default_rng(7)
    i, j = rng.integers(0, 40, 600), rng.integers(0, 40, 600)
    codes = np.unique(np.minimum(i, j) * 40 + np.maximum(i, j))
    codes = codes[codes // 40 != codes % 40]
    pairs = np.stack((codes // 40, codes % 40), axis=1)
    estimate = (rng.integers(0, 9, len(codes)) / 8).astype(np.float32)  # many ties
    by = np.full(len(codes), BY_LSH, dtype=np.uint8)
    whole, _ = thin(pairs, estimate, by, 40, at=0.5)
    part = rng.random(len(codes)) < 0.6
    first, _ = thin(pairs[part], estimate[part], by[part], 40, at=0.5)
    rest = ~part
    rest[np.flatnonzero(part)[first]] = True
    second, _ = thin(pairs[rest], estimate[rest], by[rest], 40, at=0.5)
    assert pairs[rest][second].tolist() == pairs[whole].tolist()


def test_in_sorted_finds_members_by_binary_search() -> None:
    values = np.array([5, 1, 9, 4, 12], dtype=np.uint64)
    assert in_sorted(values, np.array([1, 4, 9], dtype=np.uint64)).tolist() == [
        False, True, True, True, False,
    ]  # fmt: skip
    assert not in_sorted(values, np.zeros(0, dtype=np.uint64)).any()


def test_flanks_only_grow_the_passages_the_seeds_give() -> None:
    # random texts over a small vocabulary, B edited and misread from A: every passage chained
    # from the seeds alone lies inside a passage of the final alignment
    settings = CopySettings()
    limits = chain_limits(settings)
    rng = random.Random(5)
    vocabulary = [f"w{k}" for k in range(20)]
    none = np.zeros(0, dtype=np.uint64)
    grown = 0
    for trial in range(300):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(60, 250))]
        other = list(words)
        for _ in range(rng.randint(0, 60)):
            at = rng.randrange(len(other))
            edit = rng.random()
            if edit < 0.5:
                other[at] = "v" + other[at][1:]  # a misread: one character other
            elif edit < 0.7:
                other.insert(at, rng.choice(vocabulary))
            elif edit < 0.9:
                del other[at]
            else:  # a stretch moved elsewhere: passages that neighbour in A only
                stretch = other[at : at + rng.randint(5, 20)]
                del other[at : at + len(stretch)]
                to = rng.randint(0, len(other))
                other[to:to] = stretch
        a = Text.of(article(f"a{trial}", [" ".join(words)]), settings)
        b = Text.of(article(f"b{trial}", [" ".join(other)]), settings)

        def alike(a0: int, a1: int, b0: int, b1: int, ta=a.tokens, tb=b.tokens) -> bool:
            return _alike(ta, tb, a0, a1, b0, b1, settings)

        rows, *_ = _kernels.passages(
            _blocks(a, b, settings), a.side(), b.side(), none, limits, alike
        )
        seeded = np.frombuffer(rows, dtype=np.int64).reshape(-1, 12)[:, :4].tolist()
        final = align_texts(a, b, settings).token_passages
        for a0, a1, b0, b1 in seeded:
            assert any(p.a0 <= a0 and a1 <= p.a1 and p.b0 <= b0 and b1 <= p.b1 for p in final), (
                trial,
                (a0, a1, b0, b1),
                [(p.a0, p.a1, p.b0, p.b1) for p in final],
            )
        grown += sum(p.a1 - p.a0 for p in final) > sum(r[1] - r[0] for r in seeded)
    assert grown > 100


def test_families_pick_the_earliest_when_all_are_dated_else_the_fullest_ties_by_id() -> None:
    rng = random.Random(5)
    ids = [f"doc-{k:03d}" for k in rng.sample(range(1000), 300)]
    info = {
        doc: Member(rng.choice((80, 120, 120)), rng.choice((None, f"2024-03-0{rng.randint(1, 3)}")))
        for doc in ids[:290]  # the last ten unknown: no words, no time
    }
    pairs = np.array([rng.sample(range(300), 2) for _ in range(200)], dtype=np.int64)
    families = families_of(ids, pairs, info)
    groups: dict[str, set[str]] = {}
    for a, b in pairs.tolist():  # the components, by merging
        merged = groups.get(ids[a], {ids[a]}) | groups.get(ids[b], {ids[b]})
        for doc in merged:
            groups[doc] = merged
    assert sorted(f.members for f in families) == sorted(
        {tuple(sorted(g)) for g in groups.values()}
    )
    for f in families:
        known = [info.get(m) for m in f.members]
        if all(m is not None and m.published for m in known):
            expected = min(f.members, key=lambda m: (info[m].published, m))
            assert (f.canonical, f.canonical_rule) == (expected, "earliest_published")
        else:
            expected = min(f.members, key=lambda m: (-(info[m].words if m in info else 0), m))
            assert (f.canonical, f.canonical_rule) == (expected, "fullest")
    assert any(f.canonical_rule == "earliest_published" for f in families)
