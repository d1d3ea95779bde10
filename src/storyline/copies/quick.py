"""Copy families from fingerprints alone, no pair aligned: the job MinHash dedup tools do.

For a first pass over a corpus too large to align, or wherever a reprinted story need only be
counted once. Two candidates (`find_candidates`) are taken for copies when their texts are
identical, when their MinHash Jaccard estimate is at least `thin_similarity` (the similarity at
which candidates already count as near duplicates), or when they share at least
`min_anchor_hits` rare anchors making up `contained_coverage` of those one text could share
and `wrapped_coverage` of the other's (a reprint trimmed, or wrapped in a little other text,
which whole-text Jaccard misses: the `contained` rule of `relate`, on anchors).

What it gives up, against the copies stage: no relation, passages, direction or diff for a
pair, and nothing tells a template report from a copy (two dividend notices in the same words
are one family here, two once aligned) or a copy from a version of the same article.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from storyline.copies.arrays import distinct
from storyline.copies.candidates import BY_EXACT, Candidates, find_candidates
from storyline.copies.families import Member, families_of
from storyline.copies.fingerprints import DocPrint, Prints
from storyline.copies.records import DEFAULTS, CopySettings, Family


def likely_copies(candidates: Candidates, settings: CopySettings) -> npt.NDArray[np.bool_]:
    """Which candidate pairs their fingerprints alone call copies."""
    copies: npt.NDArray[np.bool_] = (
        ((candidates.by & BY_EXACT) != 0)
        | (candidates.jaccard_estimate >= settings.thin_similarity)
        | (
            (candidates.anchor_hits >= settings.min_anchor_hits)
            & (candidates.anchor_share.max(axis=1) >= settings.contained_coverage)
            & (candidates.anchor_share.min(axis=1) >= settings.wrapped_coverage)
        )
    )
    return copies


def quick_families(
    prints: Sequence[DocPrint] | Prints, settings: CopySettings | None = None, *, workers: int = 1
) -> tuple[Family, ...]:
    """Families of the fingerprinted articles (ids distinct, any order; or their columns,
    `fingerprint_columns`) that `likely_copies` joins, sorted by id, each with its canonical
    member as `build_families` chooses it. The candidates are found among the articles
    sorted by id, as the copies stage finds them, so the order given changes nothing."""
    settings = settings or DEFAULTS
    prints = (prints if isinstance(prints, Prints) else Prints.of(prints)).by_id()
    candidates = find_candidates(prints, settings, workers=workers)
    pairs = candidates.pairs[likely_copies(candidates, settings)]
    joined = distinct(pairs.ravel())
    members = {
        prints.ids[k]: Member(words, prints.published[k])
        for k, words in zip(joined.tolist(), prints.words[joined].tolist(), strict=True)
    }
    return families_of(candidates.ids, pairs, members)
