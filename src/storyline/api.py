"""The Python API. The CLI (and later the web page) are thin layers over `Storyline`.

>>> from storyline import Storyline
>>> with Storyline("news.db") as sl:
...     summary = sl.build(["articles/"])
...     first = next(sl.articles())
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from storyline.article import Article, Rejected
from storyline.copies import (
    RELATIONS,
    Copy,
    CopySettings,
    Diff,
    Family,
    Prints,
    compare,
    fingerprint_columns,
    quick_families,
)
from storyline.errors import InputError, NotFoundError
from storyline.export import FORMATS, export
from storyline.pipeline import BuildSettings, BuildSummary, Progress, build, copy_record
from storyline.store.db import Store
from storyline.workers import default_workers


class Storyline:
    """A storyline store and everything one can ask of it."""

    def __init__(self, db: str | Path = "storyline.db", *, create: bool = True) -> None:
        self.store = Store(db, create=create)

    def __enter__(self) -> Storyline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def build(
        self,
        paths: Sequence[str | Path],
        *,
        stages: Sequence[str] | None = None,
        settings: BuildSettings | None = None,
        progress: Progress | None = None,
    ) -> BuildSummary:
        """Ingest and clean `paths` (files or folders), then run the later stages. Without
        `settings`, copies are found as the store's last build found them (`copy_settings`)."""
        if settings is None:
            settings = BuildSettings(copies=self.copy_settings())
        return build(self.store, paths, stages=stages, settings=settings, progress=progress)

    def articles(self) -> Iterator[Article]:
        return self.store.iter_articles()

    def article(self, article_id: str) -> Article:
        return self.store.article(article_id)

    def quarantine(self) -> list[Rejected]:
        return list(self.store.quarantined())

    def copies(self, min_relation: str | None = None, article: str | None = None) -> list[Copy]:
        """Related pairs, by (a, b); `min_relation` keeps that relation and the stronger ones in
        RELATIONS order (e.g. "version": exact, near_duplicate, version); `article` keeps the
        pairs of that article."""
        return list(self.iter_copies(min_relation, article))

    def iter_copies(
        self, min_relation: str | None = None, article: str | None = None
    ) -> Iterator[Copy]:
        """`copies`, streamed from the store (read them before the store closes); a bad
        relation or an unknown article raises at once, not on the first read."""
        relations = None
        if min_relation is not None:
            if min_relation not in RELATIONS:
                raise InputError(
                    f"unknown relation {min_relation!r}; choose from {', '.join(RELATIONS)}"
                )
            relations = RELATIONS[: RELATIONS.index(min_relation) + 1]
        if article is not None:
            self.store.require_article(article)
        return self.store.copies(relations, article)

    def families(self, article: str | None = None) -> list[Family]:
        """Copy families by id, or the one `article` belongs to (none: it has no copies)."""
        if article is not None:
            self.store.require_article(article)
        return list(self.store.families(article))

    def quick_families(
        self,
        article: str | None = None,
        settings: CopySettings | None = None,
        *,
        workers: int | None = None,
    ) -> list[Family]:
        """Copy families from fingerprints alone, no pair aligned (`storyline.copies.quick`):
        faster than the copies stage and needing only ingested articles, but blind to template
        reports and to a copy's relation, passages and direction. By the store's copy settings
        unless others are given. Computed, not stored: the fingerprints the copies stage stored
        are reused when the same settings and version made them, the others made and dropped.
        `workers`: processes (default: one per CPU)."""
        workers = workers or default_workers()
        if article is not None:
            self.store.require_article(article)
        settings = settings or self.copy_settings()
        fresh = self.store.stage_state("copy_prints") != copy_record(settings)
        docs = self.store.unprinted_docs(every=fresh)
        made = fingerprint_columns(docs, settings, workers=workers)
        prints = made if fresh else Prints.joined([self.store.copy_prints(), made])
        families = quick_families(prints, settings, workers=workers)
        return [f for f in families if article is None or article in f.members]

    def copy_settings(self) -> CopySettings:
        """The settings the store's copies were found with (the defaults before any build)."""
        state = self.store.stage_state("copies")
        if state is None:
            return CopySettings()
        known = {f.name for f in fields(CopySettings)}  # an older store's may lack or add some
        return CopySettings(**{k: v for k, v in state["settings"].items() if k in known})

    def diff(self, a: str, b: str, settings: CopySettings | None = None) -> tuple[Copy, Diff]:
        """Align two articles and say what they share and where they differ (any two ids), by
        the settings the store was built with unless others are given."""
        first, second = self.store.article(a), self.store.article(b)
        return compare(first, second, settings or self.copy_settings())

    def stories(self) -> list[dict[str, Any]]:
        """Every story (an event), as stable JSON: id, article_ids, families, label, storyline_id,
        merged_into (set when it was merged into another story: recorded, never silent)."""
        return list(self.store.story_rows("stories"))

    def story(self, story_id: str) -> dict[str, Any]:
        """One story with each member's evidence (why it belongs: shared terms, names, score)."""
        for story in self.stories():
            if story["id"] == story_id:
                return {**story, "evidence": self.store.story_evidence(story["article_ids"])}
        raise NotFoundError(f"no story with id {story_id!r} in {self.store.path}")

    def storylines(self) -> list[dict[str, Any]]:
        return list(self.store.story_rows("storylines"))

    def search(self, query: str, limit: int = 20) -> list[str]:
        """Article ids matching an FTS5 query over titles and clean texts, best first."""
        return self.store.search(query, limit)

    def export(self, fmt: str, out: str | Path) -> list[Path]:
        """Write every table as `fmt` (one of FORMATS) files under `out`; returns their paths."""
        return export(self.store, fmt, Path(out))


__all__ = ["FORMATS", "BuildSettings", "BuildSummary", "Storyline"]
