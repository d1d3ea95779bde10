"""The per-article and per-pair steps over a corpus: in batches, in worker processes, in order.

* `fingerprint_all`: (id, text, published) `Doc`s -> `DocPrint`s, `batch` per task
  (`fingerprint_columns`: the same as one `Prints`).
* `relate_candidates`: candidate pairs -> (`Copy`, `Diff` or None), `batch_pairs` pairs per task.
  A batch's texts are fetched (one store query) by the caller's process, or by the worker
  (`fetch_in_workers`); the worker tokenises, aligns and relates them. With
  `skip_joined_pairs`, a pair whose articles earlier results already joined into one copy
  family is dropped before its batch is fetched, and a pair that earlier pairs of its own
  batch joined is dropped by the worker (identical texts are never dropped), so a group of n
  reprints costs about n alignments, not n²/2. What is skipped depends only on the batch and
  the results consumed before it was made, in order (`workers.ordered_map`), so the output is
  the same for any number of workers.
  A pair that `recall` knows (the caller checked the same texts, found as the same kind of
  candidate, before) is not fetched or aligned; its verdict takes its place, in order, so the
  skips stay the same too.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, overload

from storyline.article import Article
from storyline.copies.align import Fetch, Text, align_texts
from storyline.copies.arrays import U64
from storyline.copies.candidates import BY_EXACT, Candidates, by_names
from storyline.copies.diff import diff
from storyline.copies.families import Joins
from storyline.copies.fingerprints import Doc, DocPrint, Prints, fingerprint_batch
from storyline.copies.records import (
    COPY_RELATIONS,
    DEFAULTS,
    Copy,
    CopySettings,
    Diff,
    Recalled,
    Relation,
)
from storyline.copies.relate import relate
from storyline.records import made
from storyline.workers import batched, ordered_map


def fingerprint_all(
    docs: Iterable[Doc],
    settings: CopySettings | None = None,
    *,
    workers: int = 1,
    batch: int = 500,
) -> Generator[DocPrint, None, None]:
    """Fingerprints of a stream of (id, text, published) tuples (`docs_of(articles)`, or a
    store's `unprinted_docs()`: all that fingerprints read), in stream order. Workers send
    columns back (`Prints`)."""
    for prints in _fingerprint_batches(docs, settings, workers, batch):
        yield from prints.prints()


def fingerprint_columns(
    docs: Iterable[Doc], settings: CopySettings | None = None, *, workers: int = 1, batch: int = 500
) -> Prints:
    """`fingerprint_all`'s fingerprints as columns, for `find_candidates` to read as they are
    (no object per document)."""
    return Prints.joined(list(_fingerprint_batches(docs, settings, workers, batch)))


def _fingerprint_batches(
    docs: Iterable[Doc], settings: CopySettings | None, workers: int, batch: int
) -> Iterator[Prints]:
    job = partial(fingerprint_batch, settings=settings or DEFAULTS)
    return ordered_map(job, batched(docs, batch), workers)


Recall = Callable[
    [Sequence[tuple[str, str, dict[str, Any]]]], Mapping[tuple[str, str], Relation | None]
]
"""(a, b, candidate record) -> the verdicts known for some of those pairs, by (a, b): a
relation, or None for a pair found unrelated, given for the same texts and candidate record."""


_Pair = tuple[int, int, str, str, dict[str, Any], float]  # i, j, a, b, candidate record, estimate


@dataclass(frozen=True, slots=True)
class _PairJob:
    """One batch of candidate pairs (a < b by id), the family roots of both sides when the
    batch was made (-1: never skipped, identical texts), the verdicts recalled, the ids of the
    articles the other pairs name, and those articles when the caller's process fetched them
    (None: the worker fetches them)."""

    pairs: list[_Pair]
    roots: list[tuple[int, int]]
    known: Mapping[tuple[str, str], Relation | None]
    wanted: list[str]
    articles: dict[str, Article] | None


_Related = tuple[int, int, Copy | Recalled, Diff | None]


def _fetch_all(fetch: Fetch, wanted: list[str]) -> dict[str, Article]:
    articles = fetch(wanted) if wanted else {}
    missing = [w for w in wanted if w not in articles]
    if missing:
        raise KeyError(f"fetch did not return articles {missing[:5]}")
    return {w: articles[w] for w in wanted}


def _relate_job(
    job: _PairJob, settings: CopySettings, common: U64, diffs: bool, fetch: Fetch | None
) -> list[_Related]:
    articles = job.articles
    if articles is None:
        assert fetch is not None  # sent with every job that leaves the fetching to it
        articles = _fetch_all(fetch, job.wanted)
    texts = {i: Text.of(a, settings) for i, a in articles.items()}
    out: list[_Related] = []
    # the walk asks for a pair's relation right after it is yielded: the result appended last
    for k in _unskipped(job.roots, lambda _: out[-1][2].relation):
        i, j, a, b, info, estimate = job.pairs[k]
        result: Copy | Recalled
        d = None
        if (a, b) in job.known:
            result = Recalled(a, b, info, job.known[(a, b)])
        else:
            al = align_texts(texts[a], texts[b], settings, common)
            result = relate(al, settings, jaccard_est=estimate, candidate=info)
            d = diff(al, settings.max_gap_words) if diffs and result.relation else None
            if result.relation is None and not settings.keep_rejected:
                result = _verdict(result)
        out.append((i, j, result, d))
    return out


def _verdict(rejected: Copy) -> Copy:
    """A rejected pair with only its verdict: the rule, why, and the candidate record. Its
    figures and passages are sent back only when `keep_rejected` asks for them; a tenth of a
    pair's cost went into moving them between processes."""
    evidence = {k: rejected.evidence[k] for k in ("rule", "why", "candidate")}
    return made(Copy, rejected.a, rejected.b, None, None, {}, (), evidence)


def _unskipped(
    roots: list[tuple[int, int]], relation: Callable[[int], Relation | None]
) -> Iterator[int]:
    """Indexes of a batch's pairs (given by their family `roots`) in order, less those that
    copies earlier in the batch have joined already (a reprint group often fills a batch);
    `relation(k)` is asked, once pair k has been yielded, what it was found to be."""
    joined = Joins()
    for k, (ri, rj) in enumerate(roots):
        if ri >= 0 and joined.root(ri) == joined.root(rj):
            continue
        yield k
        if ri >= 0 and relation(k) in COPY_RELATIONS:
            joined.join(ri, rj)


def _pair_batch(candidates: int) -> int:
    """Pairs per task: 2000, or fewer when there are few candidates, so that they still make
    enough batches to keep a pool of workers busy (`ordered_map` runs a handful in-process).
    It depends on the candidates alone, never on the workers: what is skipped depends on it."""
    return min(2000, max(250, candidates // 16))


@overload
def relate_candidates(
    candidates: Candidates,
    fetch: Fetch,
    settings: CopySettings | None = None,
    *,
    diffs: bool = False,
    recall: None = None,
    workers: int = 1,
    batch_pairs: int | None = None,
    fetch_in_workers: bool = False,
) -> Iterator[tuple[Copy, Diff | None]]: ...


@overload
def relate_candidates(
    candidates: Candidates,
    fetch: Fetch,
    settings: CopySettings | None = None,
    *,
    diffs: bool = False,
    recall: Recall,
    workers: int = 1,
    batch_pairs: int | None = None,
    fetch_in_workers: bool = False,
) -> Iterator[tuple[Copy | Recalled, Diff | None]]: ...


def relate_candidates(
    candidates: Candidates,
    fetch: Fetch,
    settings: CopySettings | None = None,
    *,
    diffs: bool = False,
    recall: Recall | None = None,
    workers: int = 1,
    batch_pairs: int | None = None,
    fetch_in_workers: bool = False,
) -> Iterator[tuple[Copy | Recalled, Diff | None]]:
    """Align and relate the candidate pairs, in candidate order; yields (copy, diff), rejected
    pairs included (`relation` None, diff None; with only their rule and candidate record unless
    `settings.keep_rejected`). Diffs are computed for related pairs only when
    `diffs` is set (then nothing is recalled). Texts are fetched `batch_pairs` pairs at a time.
    A pair whose verdict `recall` knows is yielded as `Recalled` (diff None), not aligned.
    `fetch_in_workers`: `fetch` pickles small and works in any process (a store reader with a
    connection of its own), so each batch's worker fetches its texts itself: they never pass
    through this process, which leaves it less serial work than the workers."""
    settings = settings or DEFAULTS
    size = batch_pairs or _pair_batch(len(candidates))
    if diffs:
        recall = None
    families = Joins()

    def jobs() -> Iterator[_PairJob]:
        ids = candidates.ids
        for start in range(0, len(candidates), size):
            end = start + size
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
                info = {"by": by_names(by), "anchor_hits": hits}
                pairs.append((i, j, a, b, info, estimate))
                roots.append((ri, rj))
            if not pairs:
                continue
            known = recall([p[2:5] for p in pairs]) if recall else {}
            if known:  # the worker would skip what recalled copies join: fetch none of it
                recalled = [known.get((p[2], p[3])) for p in pairs]
                keep = list(_unskipped(roots, recalled.__getitem__))
                pairs, roots = [pairs[k] for k in keep], [roots[k] for k in keep]
            wanted = sorted({x for p in pairs if (p[2], p[3]) not in known for x in p[2:4]})
            articles = None if fetch_in_workers else _fetch_all(fetch, wanted)
            yield _PairJob(pairs, roots, known, wanted, articles)

    job = partial(
        _relate_job,
        settings=settings,
        common=candidates.common,
        diffs=diffs,
        fetch=fetch if fetch_in_workers else None,
    )
    for results in ordered_map(job, jobs(), workers):
        for i, j, copy, d in results:
            if copy.relation in COPY_RELATIONS:
                families.join(i, j)
            yield copy, d
