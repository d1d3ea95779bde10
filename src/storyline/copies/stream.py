"""The per-article and per-pair steps over a corpus: in batches, in worker processes, in order.

* `fingerprint_all`: articles -> `DocPrint`s, `batch` articles per task.
* `relate_candidates`: candidate pairs -> (`Copy`, `Diff` or None), `batch_pairs` pairs per task.
  The caller's process fetches a batch's texts (one store query); a worker tokenises, aligns
  and relates them. With `skip_joined_pairs`, a pair whose articles earlier results already
  joined into one copy family is dropped before its batch is fetched, and a pair that earlier
  pairs of its own batch joined is dropped by the worker (identical texts are never dropped),
  so a group of n reprints costs about n alignments, not n²/2. What is skipped depends only on
  the batch and the results consumed before it was made, in order (`workers.ordered_map`), so
  the output is the same for any number of workers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from storyline.article import Article
from storyline.copies.align import Fetch, Text, align_texts
from storyline.copies.candidates import BY_EXACT, Candidates, by_names
from storyline.copies.diff import diff
from storyline.copies.fingerprints import U64, DocPrint, fingerprint_batch
from storyline.copies.records import COPY_RELATIONS, DEFAULTS, Copy, CopySettings, Diff
from storyline.copies.relate import relate
from storyline.workers import batched, ordered_map


def fingerprint_all(
    articles: Iterable[Article],
    settings: CopySettings | None = None,
    *,
    workers: int = 1,
    batch: int = 500,
) -> Iterator[DocPrint]:
    """Fingerprints of a stream of articles, in stream order."""
    job = partial(fingerprint_batch, settings=settings or DEFAULTS)
    for prints in ordered_map(job, batched(articles, batch), workers):
        yield from prints


@dataclass(frozen=True, slots=True)
class _PairJob:
    """One batch of candidate pairs (a < b by id), the articles they name, and the family
    roots of both sides when the batch was made (-1: never skipped, identical texts)."""

    pairs: list[tuple[int, int, str, str, int, int, float]]  # i, j, a, b, by, hits, estimate
    roots: list[tuple[int, int]]
    articles: dict[str, Article]


_Related = tuple[int, int, Copy, Diff | None]


def _relate_job(job: _PairJob, settings: CopySettings, common: U64, diffs: bool) -> list[_Related]:
    texts = {i: Text.of(a, settings) for i, a in job.articles.items()}
    joined = _Families()  # joins made inside this batch (a reprint group often fills one)
    out: list[_Related] = []
    for (i, j, a, b, by, hits, estimate), (ri, rj) in zip(job.pairs, job.roots, strict=True):
        if ri >= 0 and joined.root(ri) == joined.root(rj):
            continue
        al = align_texts(texts[a], texts[b], settings, common)
        info = {"by": by_names(by), "anchor_hits": hits}
        copy = relate(al, settings, jaccard_est=estimate, candidate=info)
        d = diff(al, settings.max_gap_words) if diffs and copy.relation else None
        out.append((i, j, copy, d))
        if ri >= 0 and copy.relation in COPY_RELATIONS:
            joined.join(ri, rj)
    return out


class _Families:
    """Union-find over document indexes: which candidates are already joined as copies."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def root(self, x: int) -> int:
        parent = self.parent
        while (up := parent.get(x, x)) != x:
            parent[x] = parent.get(up, up)
            x = up
        return x

    def join(self, x: int, y: int) -> None:
        rx, ry = self.root(x), self.root(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)


def relate_candidates(
    candidates: Candidates,
    fetch: Fetch,
    settings: CopySettings | None = None,
    *,
    diffs: bool = False,
    workers: int = 1,
    batch_pairs: int = 2000,
) -> Iterator[tuple[Copy, Diff | None]]:
    """Align and relate the candidate pairs, in candidate order; yields (copy, diff), rejected
    pairs included (`relation` None, diff None). Diffs are computed for related pairs only when
    `diffs` is set. Texts are fetched `batch_pairs` pairs at a time."""
    settings = settings or DEFAULTS
    families = _Families()

    def jobs() -> Iterator[_PairJob]:
        ids = candidates.ids
        for start in range(0, len(candidates), batch_pairs):
            end = start + batch_pairs
            rows = zip(
                candidates.pairs[start:end].tolist(),
                candidates.by[start:end].tolist(),
                candidates.anchor_hits[start:end].tolist(),
                candidates.jaccard_estimate[start:end].tolist(),
                strict=True,
            )
            pairs, roots = [], []
            for (i, j), by, hits, estimate in rows:
                ri, rj = (-1, -1)
                if settings.skip_joined_pairs and not by & BY_EXACT:
                    ri, rj = families.root(i), families.root(j)
                    if ri == rj:
                        continue
                a, b = (ids[i], ids[j]) if ids[i] < ids[j] else (ids[j], ids[i])
                pairs.append((i, j, a, b, by, hits, estimate))
                roots.append((ri, rj))
            if not pairs:
                continue
            wanted = sorted({x for p in pairs for x in p[2:4]})
            articles = fetch(wanted)
            missing = [w for w in wanted if w not in articles]
            if missing:
                raise KeyError(f"fetch did not return articles {missing[:5]}")
            yield _PairJob(pairs, roots, {w: articles[w] for w in wanted})

    job = partial(_relate_job, settings=settings, common=candidates.common, diffs=diffs)
    for results in ordered_map(job, jobs(), workers):
        for i, j, copy, d in results:
            if copy.relation in COPY_RELATIONS:
                families.join(i, j)
            yield copy, d
