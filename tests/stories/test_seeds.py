"""The seed articles built as a user builds them (ingest, copies, stories): two stories
({000}, {001, 002}) in one storyline, the copy pair counted once (shared/gold/seeds.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stories_fixtures import SHARED

from storyline.api import BuildSettings, Storyline

pytestmark = pytest.mark.corpus


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared is absent")
def test_seed_stories_and_storyline(tmp_path: Path) -> None:
    gold = json.loads((SHARED / "gold" / "seeds.json").read_text(encoding="utf-8"))
    with Storyline(tmp_path / "seeds.db") as sl:
        sl.build([SHARED / "seeds"], settings=BuildSettings(workers=1))
        families = sl.families()
        stories = sl.stories()
        storylines = sl.storylines()
    assert [sorted(f.members) for f in families] == [sorted(gold["copies"][0][k] for k in "ab")]
    found = sorted(sorted(s["article_ids"]) for s in stories)
    assert found == sorted(sorted(s["articles"]) for s in gold["stories"])
    assert [len(line["story_ids"]) for line in storylines] == [gold["storyline"]["stories"]]
    pair = next(s for s in stories if len(s["article_ids"]) == 2)
    assert pair["label"]["headline"] == gold["articles"]["002_d43474c0729a89d1.txt"]["title"]
