"""The seed articles: two stories ({000}, {001, 002}) in one storyline (shared/gold/seeds.json)."""

from __future__ import annotations

import json

import pytest
from stories_fixtures import SHARED

from storyline.article import Origin, RawArticle
from storyline.stories import StoryIndex

pytestmark = pytest.mark.corpus


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared is absent")
def test_seed_stories_and_storyline() -> None:
    clean = pytest.importorskip("storyline.clean").clean
    gold = json.loads((SHARED / "gold" / "seeds.json").read_text(encoding="utf-8"))
    articles = []
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        raw = RawArticle(
            id=path.name,
            origin=Origin(str(path), "", ""),
            text=path.read_text(encoding="utf-8"),
            headline_in_text=True,
        )
        articles.append(clean(raw))
    index = StoryIndex()
    index.add(articles)
    found = sorted(sorted(s.article_ids) for s in index.stories())
    assert found == sorted(sorted(s["articles"]) for s in gold["stories"])
    assert len(index.storylines()) == gold["storyline"]["stories"] - 1
    assert len(index.storylines()[0].story_ids) == gold["storyline"]["stories"]
