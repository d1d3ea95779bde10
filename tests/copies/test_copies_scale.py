"""Large reprint groups stay linear, and worker processes do not change any result."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from copies_fixtures import BRIDGE, MUSEUM, article, filler

from storyline.article import Article
from storyline.copies import (
    CopySettings,
    build_families,
    docs_of,
    find_candidates,
    fingerprint_all,
    members_from_prints,
    relate_candidates,
)
from storyline.store.db import CleanArticles, Store
from storyline.workers import WINDOW


def _corpus() -> dict[str, Article]:
    """Fifteen reprints of one story, each with its own small edit, plus unrelated texts."""
    rng = random.Random(11)
    docs = [article("museum-1", MUSEUM), article("museum-2", [filler(rng, 40), *MUSEUM])]
    for k in range(15):
        paras = list(BRIDGE)
        words = paras[k % len(paras)].split(" ")
        words[rng.randrange(len(words))] = f"edit{k}"
        paras[k % len(paras)] = " ".join(words)
        docs.append(article(f"bridge-{k:02d}", paras))
    docs += [article(f"other-{i}", [filler(rng, 90)]) for i in range(6)]
    return {d.id: d for d in docs}


def _run(
    settings: CopySettings, workers: int, store: Path | None = None
) -> tuple[list[dict[str, object]], list[object]]:
    """The corpus's copies and families; with a `store` file, workers read the texts there."""
    docs = _corpus()

    def fetch(ids: Sequence[str]) -> Mapping[str, Article]:
        return {i: docs[i] for i in ids}

    if store is not None:
        with Store(store) as db:
            db.store_batch(db.reset_source("corpus", "corpus", 1, 1), list(docs.values()))

    prints = sorted(
        fingerprint_all(docs_of(docs.values()), settings, workers=workers, batch=2),
        key=lambda p: p.id,
    )
    cands = find_candidates(prints, settings, workers=workers)
    related = list(
        relate_candidates(
            cands,
            fetch if store is None else CleanArticles(store),
            settings,
            workers=workers,
            batch_pairs=2,
            fetch_in_workers=store is not None,
        )
    )
    assert len(related) > 2 * WINDOW  # more batches than the window: workers start
    copies = [c for c, _ in related if c.relation]
    families = build_families(copies, members_from_prints(prints))
    return [c.to_json() for c in copies], families


def test_joined_pairs_are_skipped_and_families_are_unchanged() -> None:
    every = replace(CopySettings(), skip_joined_pairs=False)
    all_pairs, fams_all = _run(every, 1)
    linear, fams_linear = _run(CopySettings(), 1)
    group = 15 * 14 // 2
    assert sum(1 for c in all_pairs if str(c["a"]).startswith("bridge")) == group
    assert sum(1 for c in linear if str(c["a"]).startswith("bridge")) < group // 2
    assert fams_linear == fams_all
    assert sorted(len(f.members) for f in fams_linear) == [2, 15]


def test_workers_give_identical_results() -> None:
    assert _run(CopySettings(), 2) == _run(CopySettings(), 1)


def test_workers_that_read_the_store_themselves_give_identical_results(tmp_path: Path) -> None:
    assert _run(CopySettings(), 2, tmp_path / "s.db") == _run(CopySettings(), 1)


@pytest.mark.parametrize("skip_joined_pairs", [True, False])
def test_candidates_do_not_depend_on_workers(skip_joined_pairs: bool) -> None:
    """The LSH bands and anchor partitions shared among 2 or 3 processes (3: parts of unequal
    size) give the pairs, records, statistics and common anchors of one process."""
    settings = replace(CopySettings(max_df=3), skip_joined_pairs=skip_joined_pairs)
    rng = random.Random(5)
    roundup = article("roundup", [filler(rng, 150), *MUSEUM[:2], filler(rng, 150)])
    docs = [*_corpus().values(), roundup, *_edited(rng, BRIDGE, 12)]
    prints = sorted(fingerprint_all(docs_of(docs), settings), key=lambda p: p.id)
    one = find_candidates(prints, settings, workers=1)
    assert one.stats["pairs_lsh"] > len(one) > 0 if skip_joined_pairs else len(one) > 0
    assert one.stats["common_anchors"] > 0 and one.stats["pairs_anchors"] > 0
    for workers in (2, 3):
        many = find_candidates(prints, settings, workers=workers)
        assert many.stats == one.stats
        for field in ("pairs", "by", "anchor_hits", "jaccard_estimate", "common"):
            assert np.array_equal(getattr(many, field), getattr(one, field)), field


def _edited(rng: random.Random, paragraphs: list[str], n: int) -> list[Article]:
    """`n` versions of a text, each with every 18th word or so replaced: near duplicates whose
    shares of LSH bands differ, so each part of the bands keeps a forest of its own."""
    out = []
    for k in range(n):
        paras = []
        for para in paragraphs:
            words = para.split(" ")
            for _ in range(len(words) // 18):
                words[rng.randrange(len(words))] = f"w{rng.randrange(10**6)}"
            paras.append(" ".join(words))
        out.append(article(f"edited-{k:02d}", paras))
    return out


def test_fingerprints_from_workers_match() -> None:
    docs = list(_corpus().values())
    one = list(fingerprint_all(docs_of(docs), workers=1, batch=2))
    two = list(fingerprint_all(docs_of(docs), workers=2, batch=2))
    assert [p.id for p in one] == [p.id for p in two] == [d.id for d in docs]
    for p, q in zip(one, two, strict=True):
        assert np.array_equal(p.signature, q.signature)
        assert np.array_equal(p.anchors, q.anchors)
