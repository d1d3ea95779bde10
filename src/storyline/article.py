"""The records that flow through storyline.

A reader turns input bytes into `RawArticle`s (or `Rejected` records, which are quarantined);
`clean` turns a `RawArticle` into an `Article`, the one record every later stage reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storyline.records import pickled_by_fields


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record came from, so nothing is ever unaccounted for.

    `source` is the input file's path as given (or found under a folder given); `locator` says where
    in that file ("line 12", "row 3", "record at byte 4096"; empty for one-article files);
    `raw_hash` is the xxh3-128 hex digest of the record's raw input bytes.
    """

    source: str
    locator: str
    raw_hash: str


@dataclass(frozen=True, slots=True)
class RawArticle:
    """What a reader found: `text` is decoded (and mojibake-fixed) but not yet cleaned."""

    id: str
    origin: Origin
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as precise as the input says
    headline_in_text: bool = False  # plain-text files: the first line may be the headline
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input record (or whole file) that could not be ingested, with a reason a user can read."""

    origin: Origin
    reason: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Removal:
    """A span the cleaner took out of the raw text, and the rule that fired.

    Offsets index `RawArticle.text`. `lifted_to` names the metadata field that kept the span's
    content (byline, credits, version_notes, ...) or is None when it was dropped as debris.
    """

    rule: str
    text: str
    start: int
    end: int
    lifted_to: str | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of the clean text: `Article.text[start:end]`."""

    start: int
    end: int


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Article:
    """A clean article: the one record every stage after cleaning reads."""

    id: str
    origin: Origin
    text: str
    paragraphs: tuple[Paragraph, ...]
    raw_text: str
    removals: tuple[Removal, ...] = ()
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def paragraph_texts(self) -> list[str]:
        return [self.text[p.start : p.end] for p in self.paragraphs]
