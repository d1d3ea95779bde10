"""Passage alignment of one candidate pair, with character offsets into both clean texts.

1. Seeds: word n-grams present in both texts (n-grams repeated more than `max_seed_repeats`
   times inside one text are ignored), found by sorting and binary search.
2. Blocks: seeds on the same diagonal at consecutive positions form an exact block of words.
3. Passages: blocks are chained in reading order of A; a block continues a passage when it
   starts at most `max_gap_words` after the passage's end in both texts, so a small edit
   ("said" -> "told", a dropped clause, a changed spelling) stays inside one passage. A longer
   gap (up to `fuzzy_gap_words`, about as long on both sides) is bridged when the two gaps read
   alike (rapidfuzz character similarity >= `fuzzy_gap_similarity`): OCR noise and respelling,
   not an inserted paragraph. A block that jumps back in B starts a new passage, so reordered
   paragraphs align as separate passages and inserted paragraphs are simply left out.
   A gap where both texts hold numbers and the numbers differ is bridged but counted as a
   number conflict, and the passage's `solid_words` is its longest stretch free of conflicts
   (recurring template reports share their wording, not their figures). Short unaligned slots
   that correspond in both texts (before the first passage, after the last, between
   consecutive passages) are checked for differing numbers the same way.
4. Overlapping passages are resolved greedily, longest first; passages under
   `min_passage_words` matched words are dropped.

Normalised tokens (`tokens.py`) make "empty-handed" and "empty handed" the same words, so such
spans align inside one passage; `diff.py` reports them as changed edits.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from storyline.article import Article
from storyline.copies import _kernels
from storyline.copies.arrays import I64, U64, in_sorted
from storyline.copies.fingerprints import anchor_sample, article_tokens, ngram_index
from storyline.copies.metadata import version_notes
from storyline.copies.records import DEFAULTS, CopySettings, Passage
from storyline.copies.tokens import Tokens

Fetch = Callable[[Sequence[str]], Mapping[str, Article]]
"""Loads articles by id, a batch at a time (the store reads them in one query)."""


@dataclass(frozen=True, slots=True, eq=False)
class Text:
    """An article's tokens and their hashes, ready for alignment.

    What every pair of a batch would otherwise recompute is kept here once per text: the seeds
    sorted (with their order and in-text repeats) and running counts of numeric and quoted
    tokens (`numbers[i]`: numeric tokens before token i), as lists for cheap scalar reads.
    """

    article: Article
    tokens: Tokens
    grams: U64  # hashes of the `ngram_words`-grams (Jaccard, containment, anchors)
    distinct_grams: U64
    seeds: U64  # hashes of the `seed_words`-grams (alignment seeds)
    seed_order: I64  # seeds[seed_order] is sorted (stably)
    sorted_seeds: U64
    seed_repeats: I64  # how often each seed occurs in this text
    numbers: list[int]
    quotes: list[int]
    sampled: list[int]  # anchors (sampled n-grams) before gram position i
    boilerplate: list[int]  # of which boilerplate (in more than max_df documents: `common`)
    notes: tuple[str, ...]  # version notes (lifted by the cleaner, or left in the text)

    @classmethod
    def of(cls, article: Article, settings: CopySettings, common: U64 | None = None) -> Text:
        """`common`: the boilerplate anchors of the corpus (sorted), if known."""
        tokens = article_tokens(article)
        grams, order, ordered, repeats, distinct = ngram_index(tokens.hashes, settings.ngram_words)
        seeds = grams
        if settings.seed_words != settings.ngram_words:
            seeds, order, ordered, repeats, _ = ngram_index(tokens.hashes, settings.seed_words)
        return cls(
            article,
            tokens,
            grams,
            distinct,
            seeds,
            order,
            ordered,
            repeats,
            _running_count(tokens.numeric),
            _running_count(tokens.quoted),
            *_anchor_counts(grams, settings.anchor_modulo, common),
            version_notes(article),
        )

    def share(self, counts: list[int], start: int, end: int) -> float:
        """Share of tokens [start, end) counted in `counts` (`numbers` or `quotes`)."""
        return (counts[end] - counts[start]) / (end - start) if end > start else 0.0


def _running_count(flags: npt.NDArray[np.bool_]) -> list[int]:
    return list(itertools.accumulate(flags.tolist(), initial=0))


def _anchor_counts(grams: U64, modulo: int, common: U64 | None) -> tuple[list[int], list[int]]:
    """Running counts of a text's anchors and of its boilerplate anchors, by gram position
    (all zero without boilerplate: no passage then has a boilerplate share to count)."""
    if common is None or len(common) == 0:
        zeros = [0] * (len(grams) + 1)
        return zeros, zeros
    sampled = anchor_sample(grams, modulo)
    return _running_count(sampled), _running_count(sampled & in_sorted(grams, common))


@dataclass(frozen=True, slots=True)
class Block:
    """An exact run of matching words: tokens [a0, a1) of A equal tokens [b0, b1) of B."""

    a0: int
    a1: int
    b0: int
    b1: int

    @property
    def length(self) -> int:
        return self.a1 - self.a0


@dataclass(frozen=True, slots=True)
class TokenPassage:
    """A passage in token positions, with the blocks it is made of and its flags."""

    a0: int
    a1: int
    b0: int
    b1: int
    matched: int
    solid: int
    conflicts: int
    blocks: tuple[Block, ...]
    quote_a: float
    quote_b: float
    common: float


@dataclass(frozen=True, slots=True, eq=False)
class Alignment:
    """The aligned passages of a pair and the figures the relation rules read."""

    a: Text
    b: Text
    passages: tuple[Passage, ...]
    token_passages: tuple[TokenPassage, ...]
    jaccard: float
    containment_a: float
    containment_b: float
    coverage_a: float
    coverage_b: float
    numbers_agree: int
    numbers_conflict: int

    @property
    def longest(self) -> int:
        return max((p.matched for p in self.token_passages), default=0)

    def covered(self, side: str) -> npt.NDArray[np.bool_]:
        """Which tokens of side 'a' or 'b' lie inside a passage."""
        text = self.a if side == "a" else self.b
        mask = np.zeros(len(text.tokens), dtype=np.bool_)
        for p in self.token_passages:
            if side == "a":
                mask[p.a0 : p.a1] = True
            else:
                mask[p.b0 : p.b1] = True
        return mask


def _overlap(a: Text, b: Text) -> tuple[int, int, int]:
    """(distinct in A, distinct in B, distinct in both) of the two texts' n-grams."""
    ua, ub = a.distinct_grams, b.distinct_grams
    return len(ua), len(ub), int(np.count_nonzero(in_sorted(ua, ub)))


def _blocks(a: Text, b: Text, settings: CopySettings) -> list[Block]:
    """Exact runs of equal seeds, in (a0, b0) order; seeds repeated too often are skipped."""
    quads = _kernels.blocks(
        a.seeds,
        a.seed_repeats,
        b.seeds,
        b.seed_repeats,
        b.sorted_seeds,
        b.seed_order,
        settings.max_seed_repeats,
        settings.seed_words,
    )
    rows = np.frombuffer(quads, dtype=np.int64).reshape(-1, 4).tolist()
    return [Block(*row) for row in rows]


def _number_conflict(a: Text, b: Text, a0: int, a1: int, b0: int, b1: int) -> int:
    """How many numbers differ in a gap that holds numbers on both sides (0: no conflict)."""
    if a.numbers[a1] == a.numbers[a0] or b.numbers[b1] == b.numbers[b0]:
        return 0
    ta, tb = a.tokens, b.tokens
    na = Counter(ta.words[i] for i in range(a0, a1) if ta.numeric[i])
    nb = Counter(tb.words[j] for j in range(b0, b1) if tb.numeric[j])
    if not na or not nb or na == nb:
        return 0
    return max(sum((na - nb).values()), sum((nb - na).values()))


@dataclass(slots=True)
class _Chain:
    blocks: list[Block]
    a_end: int
    b_end: int
    breaks: list[int]  # indices of blocks preceded by a number conflict
    conflicts: int = 0

    def solid(self) -> int:
        """Matched words of the longest stretch free of number conflicts."""
        edges = [0, *self.breaks, len(self.blocks)]
        return max(sum(b.length for b in self.blocks[s:e]) for s, e in itertools.pairwise(edges))


def _chain(
    blocks: list[Block], a: Text, b: Text, settings: CopySettings
) -> tuple[list[_Chain], int]:
    gap = settings.max_gap_words
    fuzzy = max(gap, settings.fuzzy_gap_words)
    chains: list[_Chain] = []
    active: list[_Chain] = []
    conflicts = 0
    for blk in blocks:
        active = [c for c in active if c.a_end >= blk.a0 - fuzzy]
        best: _Chain | None = None
        best_trimmed = blk
        best_score = 0
        for chain in active:
            ga, gb = blk.a0 - chain.a_end, blk.b0 - chain.b_end
            over = max(0, -ga, -gb)
            if over >= blk.length:
                continue
            ga, gb = ga + over, gb + over
            if ga > gap or gb > gap:
                # a longer gap is bridged only when both sides read alike (OCR noise, spelling)
                if ga > fuzzy or gb > fuzzy or abs(ga - gb) > gap:
                    continue
                if best is not None and ga + gb >= best_score:
                    continue
                if not _alike(
                    a.tokens,
                    b.tokens,
                    chain.a_end,
                    blk.a0 + over,
                    chain.b_end,
                    blk.b0 + over,
                    settings,
                ):
                    continue
            if best is None or ga + gb < best_score:
                best, best_score = chain, ga + gb
                best_trimmed = Block(blk.a0 + over, blk.a1, blk.b0 + over, blk.b1)
        if best is None:
            chain = _Chain([blk], blk.a1, blk.b1, [])
            chains.append(chain)
            active.append(chain)
        else:
            clash = _number_conflict(a, b, best.a_end, best_trimmed.a0, best.b_end, best_trimmed.b0)
            if clash:
                conflicts += clash
                best.conflicts += clash
                best.breaks.append(len(best.blocks))
            best.blocks.append(best_trimmed)
            best.a_end, best.b_end = best_trimmed.a1, best_trimmed.b1
    return chains, conflicts


def _alike(
    ta: Tokens, tb: Tokens, a0: int, a1: int, b0: int, b1: int, settings: CopySettings
) -> bool:
    """Whether two gaps read alike: character similarity of their words >= the setting."""
    sa = " ".join(ta.words[a0:a1])
    sb = " ".join(tb.words[b0:b1])
    return bool(fuzz.ratio(sa, sb) >= 100 * settings.fuzzy_gap_similarity)


def misread_words(al: Alignment, settings: CopySettings) -> int:
    """Words in the gaps inside passages that differ from a word of the other side's gap only as
    a misreading does: alike in their letters (character similarity >= `fuzzy_gap_similarity`),
    neither a stem of the other ("report"/"reported" is an edit). Counted on the side with
    fewer. OCR'd reprints misread words about as often as figures; template reports differ in
    their figures, not in spelling."""
    ta, tb = al.a.tokens, al.b.tokens
    cut = 100 * settings.fuzzy_gap_similarity
    total = 0
    for p in al.token_passages:
        for prev, blk in itertools.pairwise(p.blocks):
            words_a = Counter(ta.words[i] for i in range(prev.a1, blk.a0) if not ta.numeric[i])
            words_b = Counter(tb.words[j] for j in range(prev.b1, blk.b0) if not tb.numeric[j])
            only_a = list((words_a - words_b).elements())
            only_b = list((words_b - words_a).elements())
            if only_a and only_b:
                in_a = sum(any(_misread(x, y, cut) for y in only_b) for x in only_a)
                in_b = sum(any(_misread(x, y, cut) for x in only_a) for y in only_b)
                total += min(in_a, in_b)
    return total


def _misread(x: str, y: str, cut: float) -> bool:
    if x.startswith(y) or y.startswith(x) or x.replace("'", "") == y.replace("'", ""):
        return False
    return bool(fuzz.ratio(x, y) >= cut)


def _slot_conflicts(kept: list[TokenPassage], a: Text, b: Text, settings: CopySettings) -> int:
    """Differing numbers in corresponding slots around the passages: before the first passage,
    after the last, and between passages that follow each other in both texts, where both
    slots are short (<= `fuzzy_gap_words`). A template report shares its wording and differs
    exactly there ("Pay April 15 Record March 23" vs "Pay June 8 Record May 22")."""
    if not kept:
        return 0
    limit = max(settings.max_gap_words, settings.fuzzy_gap_words)
    ordered = sorted(kept, key=lambda p: p.a0)
    slots = [(0, ordered[0].a0, 0, ordered[0].b0)]
    slots += [(p.a1, q.a0, p.b1, q.b0) for p, q in itertools.pairwise(ordered) if q.b0 >= p.b1]
    slots.append((ordered[-1].a1, len(a.tokens), ordered[-1].b1, len(b.tokens)))
    total = 0
    for a0, a1, b0, b1 in slots:
        if 0 < a1 - a0 <= limit and 0 < b1 - b0 <= limit:
            total += _number_conflict(a, b, a0, a1, b0, b1)
    return total


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in taken)


def align_texts(a: Text, b: Text, settings: CopySettings) -> Alignment:
    """Align two texts (see the module docstring); boilerplate is as the texts were made with."""
    ta, tb = a.tokens, b.tokens
    n = settings.ngram_words
    chains, conflicts = _chain(_blocks(a, b, settings), a, b, settings)
    chains.sort(key=lambda c: (-sum(x.length for x in c.blocks), c.blocks[0].a0, c.blocks[0].b0))
    taken_a: list[tuple[int, int]] = []
    taken_b: list[tuple[int, int]] = []
    kept: list[TokenPassage] = []
    agree = 0
    for chain in chains:
        a0, a1 = chain.blocks[0].a0, chain.a_end
        b0, b1 = chain.blocks[0].b0, chain.b_end
        matched = sum(x.length for x in chain.blocks)
        if matched < settings.min_passage_words:
            continue
        if _overlaps(a0, a1, taken_a) or _overlaps(b0, b1, taken_b):
            continue
        taken_a.append((a0, a1))
        taken_b.append((b0, b1))
        agree += sum(a.numbers[x.a1] - a.numbers[x.a0] for x in chain.blocks)
        kept.append(
            TokenPassage(
                a0,
                a1,
                b0,
                b1,
                matched,
                chain.solid(),
                chain.conflicts,
                tuple(chain.blocks),
                a.share(a.quotes, a0, a1),
                b.share(b.quotes, b0, b1),
                _boilerplate_share(a, a0, max(a0, a1 - n + 1)),
            )
        )
    if not kept and 0 < len(ta) < n and ta.words == tb.words:
        # too short for an n-gram seed, but word for word the same: one whole-text passage
        whole = Block(0, len(ta), 0, len(tb))
        kept.append(
            TokenPassage(
                0,
                len(ta),
                0,
                len(tb),
                len(ta),
                len(ta),
                0,
                (whole,),
                a.share(a.quotes, 0, len(ta)),
                b.share(b.quotes, 0, len(tb)),
                0.0,
            )
        )
    kept.sort(key=lambda p: (p.a0, p.b0))
    passages = tuple(
        Passage(
            int(ta.starts[p.a0]),
            int(ta.ends[p.a1 - 1]),
            int(tb.starts[p.b0]),
            int(tb.ends[p.b1 - 1]),
            p.matched,
            p.solid,
            conflicts=p.conflicts,
            quoted=p.quote_a >= settings.quote_share and p.quote_b >= settings.quote_share,
            boilerplate=p.common >= settings.boilerplate_share,
        )
        for p in kept
    )
    n_a, n_b, inter = _overlap(a, b)
    union = n_a + n_b - inter
    cov_a = sum(p.a1 - p.a0 for p in kept) / len(ta) if len(ta) else 0.0
    cov_b = sum(p.b1 - p.b0 for p in kept) / len(tb) if len(tb) else 0.0
    return Alignment(
        a,
        b,
        passages,
        tuple(kept),
        jaccard=inter / union if union else 0.0,
        containment_a=inter / n_a if n_a else 0.0,
        containment_b=inter / n_b if n_b else 0.0,
        coverage_a=cov_a,
        coverage_b=cov_b,
        numbers_agree=agree,
        numbers_conflict=conflicts + _slot_conflicts(kept, a, b, settings),
    )


def _boilerplate_share(text: Text, start: int, end: int) -> float:
    """Share of the anchors among grams [start, end) that are boilerplate."""
    anchors = text.sampled[end] - text.sampled[start]
    return (text.boilerplate[end] - text.boilerplate[start]) / anchors if anchors else 0.0


def align_articles(
    a: Article, b: Article, settings: CopySettings | None = None, common: U64 | None = None
) -> Alignment:
    settings = settings or DEFAULTS
    return align_texts(Text.of(a, settings, common), Text.of(b, settings, common), settings)
