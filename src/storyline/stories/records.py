"""The records the stories stage produces, and the settings that drive it.

`StorySettings` names every threshold and weight, validated at once; one default serves all corpora.
`Assignment` says where one article went and why (`Evidence`); `Story` is an event with its members
and `StoryLabel`; `Storyline` links stories over a longer span; `StoryEvent` records a merge, so a
story id that disappears is never unaccounted for.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Literal


class SettingsError(ValueError):
    """A `StorySettings` value out of range; the message names the field and what is allowed."""


@dataclass(frozen=True, slots=True)
class StorySettings:
    """Every parameter of story clustering and storyline linking.

    Scores are in [0, 1]. The same-story score of an article and a story is a weighted mean of the
    cosines of their text (title and body), heading (title, else lead) and name vectors, over the
    parts both sides have, times a conflict factor (see `conflict_weight`), times a time factor
    that is 1 within `time_grace_days` of the story's dates and decays exponentially (scale
    `time_scale_days`) beyond; with a date missing on either side it is 1.
    """

    # --- features -----------------------------------------------------------------------------
    hash_bits: int = 22
    """Words and names are hashed into 2**hash_bits slots (xxh3, unsalted)."""
    title_boost: float = 2.0
    """A title word counts this many times in the text vector."""
    lead_words: int = 50
    """The first `lead_words` body words count `lead_boost` times (0: no lead boost): a news
    lead says what happened."""
    lead_boost: float = 2.0
    lead_title_words: int = 12
    """An untitled article's first `lead_title_words` body words stand in for its title (0: it has
    none): a lead, like a headline, says what happened, so two leads agree on the event where two
    bodies share only the topic."""
    surname_weight: float = 0.5
    """Count of the bare surname ("trump") added for each two- or three-word name mention."""
    max_article_terms: int = 200
    """Heaviest slots kept in an article's text and title vectors."""
    max_article_names: int = 40
    max_centroid_terms: int = 300
    """Heaviest slots kept in a story centroid (bounds memory per story)."""
    max_centroid_names: int = 80

    # --- same-story score ---------------------------------------------------------------------
    weight_text: float = 0.5
    weight_title: float = 0.2
    weight_names: float = 0.2
    weight_dense: float = 0.0
    similarity_power: float = 0.5
    """Each cosine is raised to this power before the weighted mean (1: plain cosine). TF-IDF
    cosines of news texts crowd near 0; a power below 1 spreads them out."""
    """Weight of the sentence-embedding cosine (used only when an encoder is given)."""
    threshold: float = 0.45
    """An article opens a new story when its best score is below this."""
    short_text_terms: int = 12
    """Articles with fewer distinct text terms than this (headlines only, briefs) face a lower
    threshold: `threshold * (terms / short_text_terms) ** short_text_power` (0: off). A short
    text can share only a few words with a story, so its cosines run low."""
    short_text_power: float = 0.5
    conflict_weight: float = 0.2
    """How much a conflict of main participants lowers the score: it is multiplied by `1 -
    conflict_weight * conflict` (0: off). Two reports of one kind of event (two earthquakes, two
    title fights) share the event words but each keeps naming someone the other never mentions."""
    conflict_mentions: int = 3
    """A name is a main participant of an article when the article names it this many times."""
    time_grace_days: float = 2.0
    time_scale_days: float = 7.0
    time_window_days: float = 60.0
    """Stories whose dates lie further than this from an article's are not candidates."""

    # --- candidate retrieval ------------------------------------------------------------------
    retrieval_terms: int = 16
    """An article's heaviest text slots used to look up candidate stories."""
    retrieval_names: int = 8
    max_postings: int = 4000
    """Only the most recent entries of a slot's posting list are read."""
    max_candidates: int = 32
    """Candidate stories scored exactly per article."""

    # --- merges -------------------------------------------------------------------------------
    merge_threshold: float = 1.0
    """Two stories whose centroids score at least this are merged (recorded); 1.0 never merges."""

    # --- storylines ---------------------------------------------------------------------------
    storyline_threshold: float = 0.25
    """A new story joins the best storyline scoring at least this, else opens a new one."""
    storyline_weight_names: float = 0.6
    storyline_weight_text: float = 0.4
    storyline_max_terms: int = 300

    # --- processing ---------------------------------------------------------------------------
    chunk_size: int = 4096
    """Articles are read in chunks of this many: document frequencies are updated with a chunk
    before its articles are clustered (IDF of the corpus seen so far, that chunk included)."""

    def __post_init__(self) -> None:
        def check(name: str, ok: bool, allowed: str) -> None:
            if not ok:
                raise SettingsError(
                    f"StorySettings.{name} = {getattr(self, name)!r}: must be {allowed}"
                )

        check("hash_bits", 12 <= self.hash_bits <= 26, "an integer from 12 to 26")
        for name in ("title_boost", "lead_boost", "surname_weight"):
            check(name, 0.0 <= getattr(self, name) <= 10.0, "between 0 and 10")
        for name in (
            "max_article_terms",
            "max_article_names",
            "max_centroid_terms",
            "max_centroid_names",
            "retrieval_terms",
            "max_postings",
            "max_candidates",
            "storyline_max_terms",
            "chunk_size",
        ):
            check(name, getattr(self, name) >= 1, "a positive integer")
        check("lead_words", self.lead_words >= 0, "0 or more")
        check("lead_title_words", self.lead_title_words >= 0, "0 or more")
        check("short_text_terms", self.short_text_terms >= 0, "0 or more")
        check("short_text_power", 0.0 <= self.short_text_power <= 2.0, "between 0 and 2")
        check("conflict_weight", 0.0 <= self.conflict_weight <= 1.0, "between 0 and 1")
        check("conflict_mentions", self.conflict_mentions >= 1, "a positive integer")
        check("similarity_power", 0.1 <= self.similarity_power <= 2.0, "between 0.1 and 2")
        check("retrieval_names", self.retrieval_names >= 0, "0 or more")
        for name in (
            "weight_text",
            "weight_title",
            "weight_names",
            "weight_dense",
            "storyline_weight_names",
            "storyline_weight_text",
        ):
            check(name, 0.0 <= getattr(self, name) <= 1.0, "between 0 and 1")
        check("weight_text", self.weight_text > 0.0, "above 0 (the text is always compared)")
        for name in ("threshold", "merge_threshold", "storyline_threshold"):
            check(name, 0.0 < getattr(self, name) <= 1.0, "in (0, 1]")
        check("merge_threshold", self.merge_threshold >= self.threshold, "at least threshold")
        check("time_grace_days", self.time_grace_days >= 0.0, "0 or more")
        check("time_scale_days", self.time_scale_days > 0.0, "above 0")
        check(
            "time_window_days",
            self.time_window_days >= self.time_grace_days,
            "at least time_grace_days",
        )
        check(
            "storyline_weight_text",
            self.storyline_weight_names + self.storyline_weight_text > 0.0,
            "such that storyline weights are not both 0",
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StorySettings:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SettingsError(f"StorySettings: unknown field(s) {', '.join(unknown)}")
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why an article belongs to its story.

    `score` is the same-story score against the story as it stood when the article arrived, made of
    the cosines `text`, `title` and `names` (None where a side lacked that part), `dense` (sentence
    embeddings, None without an encoder) and `time_factor`. `shared_terms` and `shared_names` are
    what the article and the story share, heaviest first. `family` names the copy family through
    which the article joined (its members count once), else None; `runner_up` is the next best.
    """

    score: float
    text: float | None
    title: float | None
    names: float | None
    dense: float | None
    time_factor: float
    shared_terms: tuple[str, ...]
    shared_names: tuple[str, ...]
    family: str | None = None
    runner_up: str | None = None
    runner_up_score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Assignment:
    """One article's place: its story, whether that story is new, and the evidence."""

    article_id: str
    story_id: str
    new_story: bool
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class StoryLabel:
    """A readable label: representative headline (or opening words), key names and terms, dates."""

    headline: str
    names: tuple[str, ...]
    terms: tuple[str, ...]
    first: str | None
    last: str | None

    def text(self) -> str:
        span = ""
        if self.first:
            span = self.first if self.first == self.last else f"{self.first} – {self.last}"
        keys = ", ".join(self.names[:4] or self.terms[:4])
        return " · ".join(p for p in (self.headline, keys, span) if p)


@dataclass(frozen=True, slots=True)
class Story:
    """An event: the articles that report it (copies included), in the order they arrived.

    `families` counts distinct copy families among the members (the evidence weight of the story);
    `merged_into` is set on a story that was merged away (its members moved to that story).
    """

    id: str
    article_ids: tuple[str, ...]
    families: int
    label: StoryLabel
    storyline_id: str | None
    merged_into: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Storyline:
    """Stories linked over a longer span by shared names and subject, oldest story first."""

    id: str
    story_ids: tuple[str, ...]
    label: StoryLabel

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class StoryEvent:
    """A change to existing stories, recorded: `kind` "merge" moved `absorbed` into `kept`."""

    kind: Literal["merge"]
    kept: str
    absorbed: str
    score: float
    seq: int
    """How many articles the index had seen when it happened."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
