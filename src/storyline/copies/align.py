"""Passage alignment of one candidate pair, with character offsets into both clean texts.

1. Seeds: word n-grams present in both texts (n-grams repeated more than `max_seed_repeats`
   times inside one text are ignored), found by merging the two texts' sorted n-grams.
2. Blocks: seeds on the same diagonal at consecutive positions form an exact block of words.
3. Passages: blocks are chained in reading order of A; a block continues a passage when it
   starts at most `max_gap_words` after the passage's end in both texts, so a small edit
   ("said" -> "told", a dropped clause, a changed spelling) stays inside one passage. A longer
   gap (up to `fuzzy_gap_words`, about as long on both sides: within `max_gap_words` and a
   quarter of the longer, as OCR splits and joins words) is bridged when the two gaps read
   alike (rapidfuzz character similarity >= `fuzzy_gap_similarity`, or `long_gap_similarity`
   past `number_slot_words`): OCR noise and respelling, not an inserted paragraph. A block
   that jumps back in B starts a new passage, so reordered paragraphs align as separate
   passages and inserted paragraphs are simply left out.
   A gap where both texts hold numbers and the numbers differ is bridged but counted as a
   number conflict, and the passage's `solid_words` is its longest stretch free of conflicts
   (recurring template reports share their wording, not their figures). A gap longer than
   `number_slot_words` is bridged only where no more of its numbers differ than agree (a
   template's wording reads alike for long stretches around its other figures), and its
   numbers are not compared (which stands for which is anyone's guess that far). Unaligned
   slots of up to `number_slot_words` that correspond in both texts (before the first passage,
   after the last, between consecutive passages) are checked for differing numbers the same way.
4. Overlapping passages are resolved greedily, longest first; passages under
   `min_passage_words` matched words are dropped.
5. Flanks: a seed needs `seed_words` clean words in a row, which OCR noise rarely leaves, so
   each kept passage is extended beyond its ends through shorter runs (two or more equal
   words) on its own diagonal, the nearest first, each within `max_gap_words` of the end
   reached so far and into no other passage. A run is taken only across skipped words that
   are misread, most of those that differ alike in their letters. Words on one side only, or
   other words in their place, are an edit and end the passage: a short run is weaker evidence
   than a seed, and must not carry a passage through an edit. The longest passage grows
   first, and no passage grows into another or its flanks. The runs are chained with the
   seeds' blocks again (steps 3 and 4); where that would lose a passage the seeds gave (a
   flank closing a gap over a paragraph that B has elsewhere), the flanks are not taken.
6. Edges: where OCR garbled a text's first or last words past any run, the first passage
   grows to both texts' start, and the last to their end, when what lies beyond it reads
   alike (`long_gap_similarity`; all of the side with fewer words, more than an edit's
   `max_gap_words` and up to `fuzzy_gap_words`, against as much of the other as is about as
   long: a trimmed copy ends sooner) and no more of its numbers differ than agree.

Normalised tokens (`tokens.py`) make "empty-handed" and "empty handed" the same words, so such
spans align inside one passage; `diff.py` reports them as changed edits.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from storyline.article import Article
from storyline.copies import _kernels
from storyline.copies.arrays import I64, INT64, U64
from storyline.copies.fingerprints import article_tokens, ngram_index
from storyline.copies.metadata import version_notes
from storyline.copies.patterns import NAME_DESIGNATORS
from storyline.copies.records import DEFAULTS, CopySettings, Passage
from storyline.copies.tokens import Tokens
from storyline.records import made

Fetch = Callable[[Sequence[str]], Mapping[str, Article]]
"""Loads articles by id, a batch at a time (the store reads them in one query)."""
Bools = npt.NDArray[np.bool_]
_NO_BOILERPLATE = np.zeros(0, dtype=np.uint64)
_ROW = 12  # int64s in a passage row of `_kernels.passages` (listed in `align_texts`)


@dataclass(frozen=True, slots=True, eq=False)
class Text:
    """An article's tokens and their hashes, ready for alignment: what every pair of a batch
    would otherwise recompute is kept here once per text, as the C kernels read it."""

    article: Article
    tokens: Tokens
    grams: U64  # hashes of the `ngram_words`-grams (anchors, for boilerplate shares)
    distinct_grams: U64  # the distinct ones (Jaccard, containment)
    seeds: U64  # hashes of the `seed_words`-grams (alignment seeds)
    seed_order: I64  # seeds[seed_order] is sorted (stably)
    sorted_seeds: U64
    seed_repeats: I64  # how often each seed occurs in this text
    notes: tuple[str, ...]  # version notes (lifted by the cleaner, or left in the text)

    @classmethod
    def of(cls, article: Article, settings: CopySettings) -> Text:
        tokens = article_tokens(article)
        grams, order, ordered, repeats, distinct = ngram_index(tokens.hashes, settings.ngram_words)
        seeds = grams
        if settings.seed_words != settings.ngram_words:
            seeds, order, ordered, repeats, _ = ngram_index(tokens.hashes, settings.seed_words)
        notes = version_notes(article)
        return made(cls, article, tokens, grams, distinct, seeds, order, ordered, repeats, notes)

    def side(self) -> tuple[U64, Bools, Bools, U64]:
        """What `_kernels.passages` reads of this text."""
        t = self.tokens
        return t.hashes, t.numeric, t.quoted, self.grams


class TokenPassage(NamedTuple):
    """A passage in token positions: tokens [a0, a1) of A align with [b0, b1) of B, `matched`
    of them identical, made of the exact runs `blocks` (int64 rows a0 a1 b0 b1)."""

    a0: int
    a1: int
    b0: int
    b1: int
    matched: int
    blocks: I64


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
    longest: int  # matched words of the longest passage
    uncovered_a: int  # words of A outside every passage (passages never overlap on a side)
    uncovered_b: int

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
    return len(ua), len(ub), _kernels.shared(ua, ub)


def _blocks(a: Text, b: Text, settings: CopySettings) -> bytes:
    """Exact runs of equal seeds as (a0, a1, b0, b1) int64 quads, in (a0, b0) order; seeds
    repeated too often are skipped."""
    return _kernels.blocks(
        a.seeds,
        a.seed_repeats,
        a.sorted_seeds,
        a.seed_order,
        b.seeds,
        b.seed_repeats,
        b.sorted_seeds,
        b.seed_order,
        settings.max_seed_repeats,
        settings.seed_words,
    )


def _merged(*quads: bytes) -> bytes:
    """Blocks given as int64 quads, together in (a0, b0) order, as chaining reads them."""
    q = np.frombuffer(b"".join(quads), INT64).reshape(-1, 4)
    return q[np.lexsort((q[:, 2], q[:, 0]))].tobytes()


def _spans(rows: bytes) -> list[list[int]]:
    """(a0, a1, b0, b1) of each passage row `_kernels.passages` gives."""
    spans: list[list[int]] = np.frombuffer(rows, INT64).reshape(-1, _ROW)[:, :4].tolist()
    return spans


def _contains(grown: bytes, seeded: bytes) -> bool:
    """Whether every seeded passage lies inside a grown one. Chained again, a flank can close
    a gap over a passage that moved (two passages of A on either side of a paragraph that B
    has elsewhere, say) and drop it; then the flanks are not taken."""
    outer = _spans(grown)
    return all(
        any(p[0] <= a0 and a1 <= p[1] and p[2] <= b0 and b1 <= p[3] for p in outer)
        for a0, a1, b0, b1 in _spans(seeded)
    )


def _alike(
    ta: Tokens, tb: Tokens, a0: int, a1: int, b0: int, b1: int, settings: CopySettings
) -> bool:
    """Whether two gaps read alike: character similarity of their words >= the setting, the
    stricter one for a gap longer than a slot (`number_slot_words`)."""
    sa = " ".join(ta.words[a0:a1])
    sb = " ".join(tb.words[b0:b1])
    longer = max(a1 - a0, b1 - b0) > settings.number_slot_words
    cut = settings.long_gap_similarity if longer else settings.fuzzy_gap_similarity
    return bool(fuzz.ratio(sa, sb) >= 100 * cut)


def misread_words(al: Alignment, settings: CopySettings) -> int:
    """Words in the gaps inside passages that differ from a word of the other side's gap only as
    a misreading does: alike in their letters (character similarity >= `fuzzy_gap_similarity`),
    neither a stem of the other ("report"/"reported" is an edit). Counted on the side with
    fewer. OCR'd reprints misread words about as often as figures; template reports differ in
    their figures, not in spelling."""
    ta, tb = al.a.tokens, al.b.tokens
    cut = 100 * settings.fuzzy_gap_similarity
    total = 0
    for end_a, start_a, end_b, start_b in _inner_gaps(al):
        gap_a, gap_b = ta.plain_words(end_a, start_a), tb.plain_words(end_b, start_b)
        if not gap_a or not gap_b:  # most often: the gap held figures only
            continue
        only_a, only_b = gap_a, gap_b  # most often: no word in common
        if not set(gap_a).isdisjoint(gap_b):
            only_a, only_b = _unshared(gap_a, gap_b), _unshared(gap_b, gap_a)
        # each pair of distinct words compared once; most often none is alike
        alike = {(x, y) for x in set(only_a) for y in set(only_b) if _misread(x, y, cut)}
        if alike:
            in_a = sum(any((x, y) in alike for y in only_b) for x in only_a)
            in_b = sum(any((x, y) in alike for x in only_a) for y in only_b)
            total += min(in_a, in_b)
    return total


def _inner_gaps(al: Alignment) -> Iterator[tuple[int, int, int, int]]:
    """(a0, a1, b0, b1) of the gaps between consecutive blocks inside each passage."""
    for p in al.token_passages:
        for (_, end_a, _, end_b), (start_a, _, start_b, _) in itertools.pairwise(p.blocks.tolist()):
            yield end_a, start_a, end_b, start_b


def misread_figures(al: Alignment) -> int:
    """Differing figures inside the passages that OCR made of one figure: in a gap whose figures
    differ, the digits of one side are the other's less some (a digit dropped, or a figure split
    by a misread one: "1548" and "1 s 48", "12" and "122"). A changed figure has other digits in
    their place ("15" and "20"), as a template's has; number words are left alone."""
    ta, tb = al.a.tokens, al.b.tokens
    total = 0
    for end_a, start_a, end_b, start_b in _inner_gaps(al):
        fa, fb = _figures(ta, end_a, start_a), _figures(tb, end_b, start_b)
        da, db = _digits(fa), _digits(fb)
        if not fa or not fb or da is None or db is None:
            continue
        short, long = sorted((da, db), key=len)
        rest = iter(long)
        kept = len(short) >= 2 and 3 * (len(long) - len(short)) <= max(3, len(long))
        if kept and all(c in rest for c in short):  # a subsequence: digits lost, none changed
            xa, xb = Counter(fa), Counter(fb)
            total += max(sum((xa - xb).values()), sum((xb - xa).values()))
    return total


def _figures(t: Tokens, start: int, end: int) -> list[str]:
    """The figures (and number words) among tokens [start, end), in order."""
    return [t.words[start + k] for k in np.flatnonzero(t.numeric[start:end]).tolist()]


def _digits(figures: list[str]) -> str | None:
    """The digits of the figures, in order; None if one is a number word."""
    digits = ["".join(filter(str.isdigit, w)) for w in figures]
    return "".join(digits) if all(digits) else None


def _edges(
    ta: Tokens, tb: Tokens, rows: list[list[int]], settings: CopySettings
) -> list[list[int]]:
    """Passage rows (see `align_texts`) with the first grown to the texts' start and the last to
    their end where what lies beyond reads as a misreading of the other side (step 6)."""
    if not rows:
        return rows
    shortest, longest = settings.max_gap_words, settings.fuzzy_gap_words  # past an edit
    first = min(rows, key=lambda r: r[0])
    a0, b0 = first[0], first[2]
    if shortest < min(a0, b0) <= longest and b0 == min(r[2] for r in rows):
        # of the side with more words, as many as can come near the other's characters
        reach = 2 * min(a0, b0) + settings.max_gap_words
        before_a = ta.words[max(0, a0 - reach) : a0][::-1]
        before_b = tb.words[max(0, b0 - reach) : b0][::-1]
        grown = _edge(before_a, before_b, settings)
        if grown and _figures_agree(ta, tb, a0 - grown[0], a0, b0 - grown[1], b0):
            first[0], first[2] = a0 - grown[0], b0 - grown[1]
            first[7] += int(np.count_nonzero(ta.quoted[first[0] : a0]))
            first[8] += int(np.count_nonzero(tb.quoted[first[2] : b0]))
    last = max(rows, key=lambda r: r[1])
    a1, b1 = last[1], last[3]
    rest = min(len(ta) - a1, len(tb) - b1)
    if shortest < rest <= longest and b1 == max(r[3] for r in rows):
        reach = 2 * rest + settings.max_gap_words
        grown = _edge(ta.words[a1 : a1 + reach], tb.words[b1 : b1 + reach], settings)
        if grown and _figures_agree(ta, tb, a1, a1 + grown[0], b1, b1 + grown[1]):
            last[1], last[3] = a1 + grown[0], b1 + grown[1]
            last[7] += int(np.count_nonzero(ta.quoted[a1 : last[1]]))
            last[8] += int(np.count_nonzero(tb.quoted[b1 : last[3]]))
    return rows


def _edge(a: Sequence[str], b: Sequence[str], settings: CopySettings) -> tuple[int, int] | None:
    """How many of the words `a` and `b` (each read outward from a passage's end) are that
    passage garbled: all of the side with fewer words, against as many of the other's as come
    closest in characters (a trimmed copy ends sooner), if they read alike at
    `long_gap_similarity`; None if not."""
    flip = len(b) < len(a)
    short, other = (b, a) if flip else (a, b)
    text = " ".join(short)
    target = len(text)
    size = taken = 0
    for word in other:
        if size + len(word) + (taken > 0) - target > target - size:
            break  # one word more would come further from the shorter side's length
        size += len(word) + (taken > 0)
        taken += 1
    cut = 100 * settings.long_gap_similarity
    if not taken or fuzz.ratio(text, " ".join(other[:taken]), score_cutoff=cut) < cut:
        return None
    return (taken, len(short)) if flip else (len(short), taken)


def _figures_agree(ta: Tokens, tb: Tokens, a0: int, a1: int, b0: int, b1: int) -> bool:
    """Whether no more of the numbers of A's [a0, a1) and B's [b0, b1) differ than agree (as
    `_kernels.passages` asks of a long gap: yes when a side has none)."""
    xa, xb = Counter(_figures(ta, a0, a1)), Counter(_figures(tb, b0, b1))
    if not xa or not xb:
        return True
    return max(sum((xa - xb).values()), sum((xb - xa).values())) <= sum((xa & xb).values())


def misread_slots(al: Alignment, settings: CopySettings) -> tuple[int, int]:
    """Words of A and of B in unaligned slots that correspond (before the first passage, between
    two that follow each other in both texts, after the last) and read alike as bridged gaps do
    (up to `fuzzy_gap_words`, about as long, character similarity): text OCR garbled past
    aligning, not an edit."""
    ta, tb = al.a.tokens, al.b.tokens
    spans = sorted(p[:4] for p in al.token_passages)
    ends = [(0, 0, 0, 0), *spans, (len(ta), len(ta), len(tb), len(tb))]
    in_a = in_b = 0
    for (_, a0, _, b0), (a1, _, b1, _) in itertools.pairwise(ends):
        la, lb = a1 - a0, b1 - b0
        if (
            0 < la <= settings.fuzzy_gap_words
            and 0 < lb <= settings.fuzzy_gap_words
            and abs(la - lb) <= settings.max_gap_words + max(la, lb) // 4
            and _alike(ta, tb, a0, a1, b0, b1, settings)
        ):
            in_a, in_b = in_a + la, in_b + lb
    return in_a, in_b


def other_subjects(al: Alignment, settings: CopySettings) -> tuple[str, str] | None:
    """The names two texts open with, when they differ and all else starts alike: the first
    passage begins a few words (up to `lead_slack_words`) into both texts, mid-sentence (its
    first word lower-case as written, or a company designator: the words before it are the
    sentence's subject, not a headline or a dateline), and those words hold a name of two or
    more capitalised words on each side, with no word in common and unalike in their letters
    (a corrected spelling reads alike). One template about two subjects: "First Wisconsin
    National Bank said it has raised its prime rate..." and "Meridian Bancorp Inc said it has
    raised...". None otherwise."""
    if not al.token_passages:
        return None
    first = min(al.token_passages, key=lambda p: p.a0)
    a0, b0 = first.a0, first.b0
    slack = settings.lead_slack_words
    if not (0 < a0 <= slack and 0 < b0 <= slack) or b0 != min(p.b0 for p in al.token_passages):
        return None
    ta, tb = al.a.tokens, al.b.tokens
    lead_a, lead_b = _written(al.a, 0, a0 + 1), _written(al.b, 0, b0 + 1)
    if not (_goes_on(lead_a[-1]) and _goes_on(lead_b[-1])):
        return None
    if sum(w[:1].isupper() for w in lead_a) < 2 or sum(w[:1].isupper() for w in lead_b) < 2:
        return None
    if not set(ta.words[:a0]).isdisjoint(tb.words[:b0]) or _alike(ta, tb, 0, a0, 0, b0, settings):
        return None
    return " ".join(lead_a[:-1]), " ".join(lead_b[:-1])


def _goes_on(word: str) -> bool:
    """Whether a word as written goes on a sentence: lower-case, or a company designator that
    ends the name before it ("NMR Centers Inc said")."""
    return word[:1].islower() or word.casefold().rstrip(".") in NAME_DESIGNATORS


def _written(text: Text, start: int, end: int) -> list[str]:
    """Tokens [start, end) as the text writes them."""
    t, raw = text.tokens, text.article.text
    spans = zip(t.starts[start:end].tolist(), t.ends[start:end].tolist(), strict=True)
    return [raw[i:j] for i, j in spans]


def _unshared(words: list[str], other: list[str]) -> list[str]:
    """`words` less as many of each as `other` holds (gaps are a few words long)."""
    rest = list(other)
    out = []
    for w in words:
        if w in rest:
            rest.remove(w)
        else:
            out.append(w)
    return out


def _variant(x: str, y: str) -> bool:
    """One word a stem of the other ("report"/"reported") or the same but for apostrophes:
    an edit or a spelling, never a misreading."""
    return x.startswith(y) or y.startswith(x) or x.replace("'", "") == y.replace("'", "")


def _misread(x: str, y: str, cut: float) -> bool:
    return fuzz.ratio(x, y, score_cutoff=cut) >= cut and not _variant(x, y)  # most: not alike


def _misread_gap(a: Sequence[str], b: Sequence[str], settings: CopySettings) -> bool:
    """Whether the words a flank skips (as many on both sides) are OCR noise, not an edit: most
    of those that differ misread (`_misread`, or one character apart as in "do" and "de", which
    short words cannot be by similarity). "did not borrow" for "had no borrowings" is an edit,
    however alike the letters."""
    cut = 100 * settings.fuzzy_gap_similarity
    differ = misread = 0
    for x, y in zip(a, b, strict=True):
        if x != y:
            differ += 1
            misread += (
                fuzz.ratio(x, y, score_cutoff=cut) >= cut
                or Levenshtein.distance(x, y, score_cutoff=1) == 1
            ) and not _variant(x, y)
    return 2 * misread > differ


def chain_limits(settings: CopySettings) -> tuple[int, int, int, int, int, int]:
    """The settings `_kernels.passages` chains blocks by, in its order."""
    return (
        settings.max_gap_words,
        settings.fuzzy_gap_words,
        settings.number_slot_words,
        settings.min_passage_words,
        settings.ngram_words,
        settings.anchor_modulo,
    )


def align_texts(a: Text, b: Text, settings: CopySettings, common: U64 | None = None) -> Alignment:
    """Align two texts (see the module docstring). `common`: the boilerplate anchors of the
    corpus (sorted), if known. Steps 3 to 5 run in C (`_kernels.passages`, `_kernels.flanks`),
    calling `_alike` for the longer gaps and `_misread_gap` for the flanks' gaps."""
    ta, tb = a.tokens, b.tokens

    def alike(a0: int, a1: int, b0: int, b1: int) -> bool:
        return _alike(ta, tb, a0, a1, b0, b1, settings)

    def misread(a0: int, a1: int, b0: int, b1: int) -> bool:
        return _misread_gap(ta.words[a0:a1], tb.words[b0:b1], settings)

    limits = chain_limits(settings)
    boilerplate = _NO_BOILERPLATE if common is None else common
    seeded = _blocks(a, b, settings)
    rows, quads, conflicts, agree = _kernels.passages(
        seeded, a.side(), b.side(), boilerplate, limits, alike
    )
    flanks = _kernels.flanks(rows, ta.hashes, tb.hashes, settings.max_gap_words, misread)
    if flanks:  # chained again with the seeds: the flanks join their passages
        grown = _kernels.passages(
            _merged(seeded, flanks), a.side(), b.side(), boilerplate, limits, alike
        )
        if _contains(grown[0], rows):
            rows, quads, conflicts, agree = grown
    table = np.frombuffer(rows, INT64).reshape(-1, _ROW)
    blocks = np.frombuffer(quads, INT64).reshape(-1, 4)
    if not len(table) and 0 < len(ta) < settings.ngram_words and ta.words == tb.words:
        # too short for an n-gram seed, but word for word the same: one whole-text passage
        na, nb = len(ta), len(tb)
        quotes_a, quotes_b = int(ta.quoted.sum()), int(tb.quoted.sum())
        table = np.array([[0, na, 0, nb, na, na, 0, quotes_a, quotes_b, 0, 0, 1]])
        blocks = table[:, :4]
    # per passage: a0 a1 b0 b1 matched solid conflicts quotes_a quotes_b anchors commons blocks
    found = _edges(ta, tb, table.tolist(), settings)
    kept: list[TokenPassage] = []
    passages: list[Passage] = []
    first = covered_a = covered_b = longest = 0
    quote_share, boilerplate_share = settings.quote_share, settings.boilerplate_share
    for a0, a1, b0, b1, matched, solid, clashes, quotes_a, quotes_b, anchors, shared, n in found:
        kept.append(TokenPassage(a0, a1, b0, b1, matched, blocks[first : first + n]))
        first += n
        covered_a += a1 - a0
        covered_b += b1 - b0
        longest = max(longest, matched)
        common_share = shared / anchors if anchors else 0.0  # anchors shared by too many texts
        passages.append(
            made(
                Passage,
                ta.starts.item(a0),
                ta.ends.item(a1 - 1),
                tb.starts.item(b0),
                tb.ends.item(b1 - 1),
                matched,
                solid,
                clashes,
                quotes_a / (a1 - a0) >= quote_share and quotes_b / (b1 - b0) >= quote_share,
                common_share >= boilerplate_share,
            )
        )
    n_a, n_b, inter = _overlap(a, b)
    union = n_a + n_b - inter
    cov_a = covered_a / len(ta) if len(ta) else 0.0
    cov_b = covered_b / len(tb) if len(tb) else 0.0
    return made(
        Alignment,
        a,
        b,
        tuple(passages),
        tuple(kept),
        inter / union if union else 0.0,  # jaccard
        inter / n_a if n_a else 0.0,  # containment_a
        inter / n_b if n_b else 0.0,  # containment_b
        cov_a,  # coverage_a
        cov_b,  # coverage_b
        agree,  # numbers_agree
        conflicts,  # numbers_conflict
        longest,
        len(ta) - covered_a,  # uncovered_a
        len(tb) - covered_b,  # uncovered_b
    )


def align_articles(
    a: Article, b: Article, settings: CopySettings | None = None, common: U64 | None = None
) -> Alignment:
    settings = settings or DEFAULTS
    return align_texts(Text.of(a, settings), Text.of(b, settings), settings, common)
