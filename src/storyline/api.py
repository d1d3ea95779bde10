"""The Python API. The CLI (and later the web page) are thin layers over `Storyline`.

>>> from storyline import Storyline
>>> with Storyline("news.db") as sl:
...     summary = sl.build(["articles/"])
...     first = next(sl.articles())
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from storyline.article import Article, Rejected
from storyline.export import FORMATS, export
from storyline.pipeline import BuildSettings, BuildSummary, Progress, build
from storyline.store.db import Store


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
        """Ingest and clean `paths` (files or folders), then run the later stages."""
        return build(self.store, paths, stages=stages, settings=settings, progress=progress)

    def articles(self) -> Iterator[Article]:
        return self.store.iter_articles()

    def article(self, article_id: str) -> Article:
        return self.store.article(article_id)

    def quarantine(self) -> list[Rejected]:
        return self.store.quarantined()

    def search(self, query: str, limit: int = 20) -> list[str]:
        """Article ids matching an FTS5 query over titles and clean texts, best first."""
        return self.store.search(query, limit)

    def export(self, fmt: str, out: str | Path) -> list[Path]:
        """Write every table as `fmt` (one of FORMATS) files under `out`; returns their paths."""
        return export(self.store, fmt, Path(out))


__all__ = ["FORMATS", "BuildSettings", "BuildSummary", "Storyline"]
