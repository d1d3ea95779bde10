"""Copies: exact duplicates, reprints, versions and passage-level reuse, with direction and diffs.

One call for a corpus in memory::

    report = find_copies(articles)   # CopyReport
    report.copies[0].to_json()       # {a, b, relation, earlier, similarity, passages, evidence}
    report.families                  # connected copy groups with a canonical member
    report.diffs[(a, b)]             # only_a / only_b / shared / changed

The steps, for a store that streams (texts are never held for the whole corpus)::

    prints = list(fingerprint_all(docs, settings, workers=2))  # (id, text, published) docs
    cands = find_candidates(prints, settings)                    # exact + LSH + rare anchors
    for copy, _ in relate_candidates(cands, fetch, settings, workers=2):  # fetch(ids) -> Articles
        ...                                                      # store the copy
    families = build_families(copies, members_from_prints(prints))

Or families from the fingerprints alone, no pair aligned (`quick`: what MinHash dedup does)::

    families = quick_families(fingerprint_columns(docs, settings, workers=2), settings, workers=2)

Pipeline: tokens -> fingerprints -> candidates -> align -> relate -> diff -> families; each
module's docstring explains its step, and `stream` runs them over a corpus in worker processes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from storyline.article import Article
from storyline.copies.align import (
    Alignment,
    Fetch,
    Text,
    align_articles,
    align_texts,
)
from storyline.copies.candidates import Candidates, find_candidates
from storyline.copies.diff import diff
from storyline.copies.families import Edge, Member, build_families, members_from_prints
from storyline.copies.fingerprints import Doc, DocPrint, Prints, docs_of, fingerprint
from storyline.copies.quick import likely_copies, quick_families
from storyline.copies.records import (
    COPY_RELATIONS,
    DEFAULTS,
    OCR,
    PROFILES,
    RELATIONS,
    Copy,
    CopyReport,
    CopySettings,
    Diff,
    Edit,
    Family,
    Passage,
    Recalled,
    Relation,
    Span,
)
from storyline.copies.relate import relate
from storyline.copies.stream import fingerprint_all, fingerprint_columns, relate_candidates
from storyline.copies.tokens import Tokens, tokenize

__all__ = [
    "COPY_RELATIONS",
    "OCR",
    "PROFILES",
    "RELATIONS",
    "Alignment",
    "Candidates",
    "Copy",
    "CopyReport",
    "CopySettings",
    "Diff",
    "Doc",
    "DocPrint",
    "Edge",
    "Edit",
    "Family",
    "Fetch",
    "Member",
    "Passage",
    "Prints",
    "Recalled",
    "Relation",
    "Span",
    "Text",
    "Tokens",
    "align_articles",
    "align_texts",
    "build_families",
    "compare",
    "diff",
    "docs_of",
    "find_candidates",
    "find_copies",
    "fingerprint",
    "fingerprint_all",
    "fingerprint_columns",
    "likely_copies",
    "members_from_prints",
    "quick_families",
    "relate",
    "relate_candidates",
    "tokenize",
]


def compare(a: Article, b: Article, settings: CopySettings | None = None) -> tuple[Copy, Diff]:
    """Relate one pair directly, without candidate generation (relation None when unrelated)."""
    settings = settings or DEFAULTS
    first, second = (a, b) if a.id < b.id else (b, a)
    al = align_articles(first, second, settings)
    return relate(al, settings), diff(al, settings.max_gap_words)


def find_copies(
    articles: Iterable[Article], settings: CopySettings | None = None, *, workers: int = 1
) -> CopyReport:
    """Every related pair of a corpus held in memory, its families and diffs.

    Relations are sorted by (a, b) with a < b by id; families by id. Article ids must be distinct.
    """
    settings = settings or DEFAULTS
    by_id: dict[str, Article] = {}
    for article in articles:
        if article.id in by_id:
            raise ValueError(f"find_copies: duplicate article id {article.id!r}")
        by_id[article.id] = article
    ordered = (by_id[i] for i in sorted(by_id))
    prints = list(fingerprint_all(docs_of(ordered), settings, workers=workers))
    candidates = find_candidates(prints, settings, workers=workers)

    def fetch(ids: Sequence[str]) -> Mapping[str, Article]:
        return {i: by_id[i] for i in ids}

    copies: list[Copy] = []
    rejected: list[Copy] = []
    diffs: dict[tuple[str, str], Diff] = {}
    aligned = 0
    for copy, d in relate_candidates(candidates, fetch, settings, diffs=True, workers=workers):
        aligned += 1
        if copy.relation is None:
            if settings.keep_rejected:
                rejected.append(copy)
            continue
        copies.append(copy)
        if d is not None:
            diffs[(copy.a, copy.b)] = d
    copies.sort(key=lambda c: (c.a, c.b))
    rejected.sort(key=lambda c: (c.a, c.b))
    families = build_families(copies, members_from_prints(prints))
    stats = dict(candidates.stats)
    stats["aligned"] = aligned
    stats["related"] = len(copies)
    for rel in RELATIONS:
        stats[rel] = sum(1 for c in copies if c.relation == rel)
    stats["families"] = len(families)
    return CopyReport(tuple(copies), families, diffs, tuple(rejected), stats, settings)
