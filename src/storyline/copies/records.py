"""The records the copies stage produces, and the settings that drive it.

`CopySettings` names every threshold the stage uses; `Copy` is one related pair with its evidence
(`Copy.to_json()` is the pair format the store and the CLI emit); `Family` is a connected group of
copies with a canonical member; `Diff` says what a related pair shares and where the two differ.

All character offsets index the clean `Article.text` of the article named.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Literal, NamedTuple

from storyline.records import pickled_by_fields

Relation = Literal["exact", "near_duplicate", "version", "partial_reuse"]
RELATIONS: tuple[Relation, ...] = ("exact", "near_duplicate", "version", "partial_reuse")
COPY_RELATIONS: frozenset[str] = frozenset({"exact", "near_duplicate", "version"})
"""Relations that make two articles one copy family (partial reuse does not)."""


@dataclass(frozen=True, slots=True)
class CopySettings:
    """Every threshold of the copies stage, explicit, typed and seeded.

    One default serves every corpus. Word counts are counts of normalised word tokens
    (`tokens.tokenize`); shares and coverages are fractions in [0, 1].
    """

    # --- fingerprints -----------------------------------------------------------------------
    ngram_words: int = 5
    """Words per n-gram: the shingle for MinHash, the rare anchor and the alignment seed."""
    num_perm: int = 128
    """MinHash permutations per document."""
    seed: int = 1
    """Seed of the MinHash permutations (results are identical across runs and machines)."""

    # --- candidates -------------------------------------------------------------------------
    lsh_bands: int = 32
    """LSH bands; `num_perm / lsh_bands` rows each (32 x 4 catches Jaccard from about 0.4)."""
    anchor_modulo: int = 4
    """Keep an n-gram as an anchor only when its hash is 0 modulo this (1 keeps them all)."""
    dense_anchor_words: int = 50
    """A text of fewer words keeps every n-gram as an anchor: sampled, a brief has too few to
    share `min_anchor_hits` (15 words make 11 n-grams, about 3 sampled), and LSH misses its
    copies after an edit or two (one in the middle of 15 words leaves Jaccard 0.375). Shared
    with a longer text, only its sampled anchors count. 0: every text is sampled (`OCR`)."""
    max_df: int = 100
    """Anchors in more documents than this are boilerplate and propose no pairs (passim's maxDF)."""
    min_anchor_hits: int = 3
    """Rare anchors two documents must share to become a candidate pair, and beyond that..."""
    anchor_passage_hits: int = 4
    """...either this many (room for a reused passage: 40 words hold about 9 sampled anchors;
    fewer and the pair is mostly shared stock phrases)..."""
    anchor_share: float = 0.3
    """...or this share of the shorter document's anchors (most of a short text)."""
    group_all_pairs: int = 20
    """An LSH bucket or anchor shared by up to this many documents pairs them all; a larger
    group pairs each document with its next `group_window` (in id order), so a story reprinted
    a thousand times costs a few thousand candidate pairs, not half a million."""
    group_window: int = 8
    """Neighbours each document of a large group is paired with (see `group_all_pairs`)."""
    max_exact_group: int = 50
    """Identical texts are grouped and only a group's first member takes part in LSH and
    anchors; the pairs found for it are repeated for every member of a group up to this size.
    A larger group gets exact pairs from its first member only, and no repeated pairs."""

    skip_joined_pairs: bool = True
    """Do not align a candidate pair whose articles are already joined: near duplicates
    (estimated Jaccard >= `thin_similarity`) keep only a maximum spanning forest of their pairs,
    and other pairs inside one of its trees are dropped (anchors do not even propose them); a
    pair whose articles earlier alignments joined into one copy family is skipped. Identical
    texts are always aligned. The family says the rest are copies, and the work stays linear in
    a large reprint group; `storyline diff` aligns any pair on demand."""
    thin_similarity: float = 0.5
    """Estimated Jaccard from which candidate pairs count as near duplicates for thinning (and
    as copies in `quick_families`)."""

    # --- alignment --------------------------------------------------------------------------
    seed_words: int = 5
    """Words per alignment seed (shorter seeds find more matches between noisy texts)."""
    max_gap_words: int = 8
    """Seeds this close in both texts are merged into one passage across the small edit between;
    a passage's flank skips at most this many misread words to its next run of equal words."""
    fuzzy_gap_words: int = 96
    """Longer gaps (up to this many words) are bridged when both sides read alike (OCR noise
    leaves few seeds: gaps of 50 words are common where a quarter of the words are misread)."""
    fuzzy_gap_similarity: float = 0.7
    """Character similarity (rapidfuzz ratio / 100) at which two gaps read alike."""
    long_gap_similarity: float = 0.85
    """...and at which gaps longer than `number_slot_words` do: OCR misreading a letter in 20
    leaves them at 0.9 and more, a paragraph reworded by an editor mostly under 0.85."""
    number_slot_words: int = 24
    """Unaligned slots up to this many words on both sides, in the same place in both texts
    (before the first passage, between two, after the last), are checked for differing numbers."""
    max_seed_repeats: int = 4
    """An n-gram occurring more often than this within one text is not used as a seed."""
    min_passage_words: int = 8
    """Matched words a passage needs to be kept."""

    # --- relations --------------------------------------------------------------------------
    contained_coverage: float = 0.8
    """Share of the shorter text that must be aligned for it to count as contained (of its
    anchors, shared, in `quick_families`)."""
    wrapped_coverage: float = 0.5
    """Share of the longer text that must be aligned when the shorter one is contained (of its
    anchors, shared, in `quick_families`)."""
    mostly_shared_coverage: float = 0.6
    """Share of each text that must be aligned for a copy when neither contains the other."""
    lead_slack_words: int = 15
    """A contained text starting within this many words of the longer text's start is its lead."""
    partial_min_words: int = 40
    """Matched words of one passage that make a substantial shared passage (partial reuse)."""
    sentence_words: int = 15
    """Matched words of a passage that make it a shared sentence (for `min_shared_sentences`)."""
    min_shared_sentences: int = 3
    """Shared sentences that together make partial reuse when no single passage is long enough."""
    quote_share: float = 0.5
    """A passage with this share of words in quotation marks in both texts is a quotation."""
    boilerplate_share: float = 0.5
    """A passage with at least this share of anchors beyond `max_df` is boilerplate."""
    template_conflict_share: float = 0.25
    """Share of differing numbers among the aligned numbers that marks a template, not a copy."""
    template_min_conflicts: int = 1
    """...and at least this many of them differ (2 for OCR'd text: one digit misread is common)."""
    template_misread_ratio: float = 1.0
    """...when the differing numbers are also at least this many per misread word inside the
    passages: a template differs in its figures, an OCR'd reprint misreads words as often."""
    figures_misread: bool = False
    """Count a differing figure whose digits the other side has, less some ("1548" and
    "1 s 48"), as misread, not changed (`align.misread_figures`): OCR drops and splits digits.
    Off for born-digital news, where "12" and "122" are two figures."""
    version_unique_words: int = 20
    """Unaligned words each side needs for an edit on both sides (a version, not a reprint)."""
    containment_additions: float = 0.1
    """Share of extra words a containing text needs: 'one contains the other plus additions'."""
    notice_words: int = 40
    """A copy whose shorter text has fewer words than this is a notice, which may name its
    subject in its headline alone ("Qtly div 40 cts vs 40 cts prior"): headlines that open on
    other names make it two subjects' notices, not a copy (`metadata.headline_subjects`)."""
    refile_hours: int = 72
    """An outlet refiles, updates and corrects an article within this many hours of the first
    take; its own copies further apart are the text run again (near_duplicate) or, with
    other figures and no version note, its recurring report (no relation)."""
    recurring_notices: bool = True
    """A notice (shorter than `notice_words`) that its outlet ran again past `refile_hours`,
    in other words and with no version note, is its recurring notice (no relation): the same
    form filled in again. Off for OCR'd text, where a notice run again differs by misreadings."""

    # --- output -----------------------------------------------------------------------------
    keep_rejected: bool = False
    """Also return candidate pairs that were judged unrelated, with the rule that rejected them
    and all the evidence (figures, passages) it read."""

    def __post_init__(self) -> None:
        positive = (
            "ngram_words",
            "num_perm",
            "lsh_bands",
            "anchor_modulo",
            "max_df",
            "min_anchor_hits",
            "anchor_passage_hits",
            "group_all_pairs",
            "group_window",
            "max_exact_group",
            "max_seed_repeats",
            "seed_words",
            "template_min_conflicts",
            "min_passage_words",
            "partial_min_words",
            "sentence_words",
            "min_shared_sentences",
        )
        for name in positive:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"CopySettings.{name} must be a positive integer, got {value!r}")
        for name in (
            "dense_anchor_words",
            "max_gap_words",
            "fuzzy_gap_words",
            "number_slot_words",
            "lead_slack_words",
            "notice_words",
            "refile_hours",
            "version_unique_words",
            "seed",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"CopySettings.{name} must be an integer >= 0, got {value!r}")
        shares = (
            "anchor_share",
            "thin_similarity",
            "contained_coverage",
            "wrapped_coverage",
            "mostly_shared_coverage",
            "fuzzy_gap_similarity",
            "long_gap_similarity",
            "quote_share",
            "boilerplate_share",
            "template_conflict_share",
            "containment_additions",
        )
        for name in shares:
            value = getattr(self, name)
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ValueError(f"CopySettings.{name} must be a number, got {value!r}")
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"CopySettings.{name} must lie in [0, 1], got {value!r}")
        if not isinstance(self.template_misread_ratio, int | float) or not (
            self.template_misread_ratio >= 0
        ):
            raise ValueError(
                "CopySettings.template_misread_ratio must be a number >= 0,"
                f" got {self.template_misread_ratio!r}"
            )
        if self.num_perm % self.lsh_bands:
            raise ValueError(
                f"CopySettings.num_perm ({self.num_perm}) must be a multiple of"
                f" lsh_bands ({self.lsh_bands})"
            )
        if self.max_df < 2:
            raise ValueError("CopySettings.max_df must be at least 2 (an anchor pairs 2 documents)")
        if self.min_passage_words < self.seed_words:
            raise ValueError(
                "CopySettings.min_passage_words must be at least seed_words"
                f" ({self.min_passage_words} < {self.seed_words})"
            )

    @property
    def lsh_rows(self) -> int:
        return self.num_perm // self.lsh_bands

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


DEFAULTS = CopySettings()
"""The default settings, built (and validated) once."""

OCR = replace(
    DEFAULTS,
    ngram_words=4,
    seed_words=4,
    anchor_modulo=2,
    dense_anchor_words=0,
    template_min_conflicts=2,
    fuzzy_gap_words=200,
    figures_misread=True,
    recurring_notices=False,
)
"""For OCR'd text (scanned newspapers), where a misread character breaks every n-gram over
its word: 4-grams survive where 5-grams do not (a word misread in ten leaves 66% of 4-grams
against 59% of 5-grams), every other n-gram is an anchor candidate, not one in four, one
differing figure is no template (a misread digit is common), a figure that lost digits is
misread, not changed, gaps of up to 200 words are bridged when they read alike (with one
letter in 12 misread, seeds can lie 100 words apart), and a notice run again in other words
is the notice reprinted (`recurring_notices` off: its words differ by misreadings). Short
texts are sampled like the rest (`dense_anchor_words` 0): scanned pages' short texts are
mostly formulas (death notices, shareholder notices) that misreadings leave indistinguishable
from reprints, and keeping all their anchors joined 127 families on impresso, 50 of them
across passim's clusters (pairwise precision 0.793 -> 0.750, recall 0.424 -> 0.431).
Not for born-digital news: its template reports (dividend notices, rate changes) differ in one
figure, and on Reuters this profile calls a hundred of them versions."""

PROFILES: dict[str, CopySettings] = {"news": DEFAULTS, "ocr": OCR}
"""Named settings (`storyline build --profile`)."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Passage:
    """One aligned passage: `a.text[a_start:a_end]` corresponds to `b.text[b_start:b_end]`.

    `words` counts the matched words (the words identical in both after normalisation);
    `solid_words` those of its longest stretch without a differing figure, `conflicts` how many
    figures differ inside it; `quoted` says most of it lies inside quotation marks in both texts;
    `boilerplate` that most of its anchors occur in more than `max_df` documents.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    words: int
    solid_words: int
    conflicts: int = 0
    quoted: bool = False
    boilerplate: bool = False

    def offsets(self) -> dict[str, int]:
        return {
            "a_start": self.a_start,
            "a_end": self.a_end,
            "b_start": self.b_start,
            "b_end": self.b_end,
        }


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Copy:
    """A related pair (`a < b` by id) with the figures, the passages and the rules that decided.

    `relation` is None only for rejected candidates (kept when `CopySettings.keep_rejected`).
    `earlier` is `a`, `b` or None when the evidence does not decide (`evidence["direction"]`
    says why).
    """

    a: str
    b: str
    relation: Relation | None
    earlier: str | None
    similarity: dict[str, float | int]
    passages: tuple[Passage, ...]
    evidence: dict[str, Any]

    @property
    def rule(self) -> str:
        return str(self.evidence.get("rule", ""))

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "relation": self.relation,
            "earlier": self.earlier,
            "similarity": dict(self.similarity),
            "passages": [asdict(p) for p in self.passages],
            "evidence": self.evidence,
        }


class Recalled(NamedTuple):  # a tuple: a million of them cross back from worker processes
    """A candidate pair whose verdict an earlier run gave for the same texts and the same
    `candidate` record (how the candidate step paired them): its stored copy stands."""

    a: str
    b: str
    candidate: dict[str, Any]
    relation: Relation | None


@dataclass(frozen=True, slots=True)
class Family:
    """Articles connected by exact / near-duplicate / version relations, counted once downstream.

    `id` is stable: it is derived from the sorted member ids. `canonical` is the earliest published
    member, else the fullest (most words), ties broken by id; `canonical_rule` says which applied.
    """

    id: str
    canonical: str
    members: tuple[str, ...]
    canonical_rule: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Span:
    """A span of one text: `text[start:end]`."""

    start: int
    end: int


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Edit:
    """A small edit in an aligned passage: `a.text[a_start:a_end]` became `b.text[b_start:b_end]`.

    One side is empty (`start == end`) for a pure insertion or deletion.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    a_text: str
    b_text: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Diff:
    """What two related articles share and where they differ."""

    a: str
    b: str
    only_a: tuple[Span, ...]
    only_b: tuple[Span, ...]
    shared: tuple[Passage, ...]
    changed: tuple[Edit, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "only_a": [asdict(s) for s in self.only_a],
            "only_b": [asdict(s) for s in self.only_b],
            "shared": [p.offsets() for p in self.shared],
            "changed": [asdict(e) for e in self.changed],
        }


@dataclass(frozen=True, slots=True)
class CopyReport:
    """What `find_copies` returns: relations sorted by (a, b), families sorted by id."""

    copies: tuple[Copy, ...]
    families: tuple[Family, ...]
    diffs: dict[tuple[str, str], Diff] = field(default_factory=dict)
    rejected: tuple[Copy, ...] = ()
    stats: dict[str, int] = field(default_factory=dict)
    settings: CopySettings = field(default_factory=CopySettings)

    def family_of(self, article_id: str) -> Family | None:
        for fam in self.families:
            if article_id in fam.members:
                return fam
        return None

    def pair(self, a: str, b: str) -> Copy | None:
        lo, hi = (a, b) if a < b else (b, a)
        for c in self.copies:
            if c.a == lo and c.b == hi:
                return c
        return None
