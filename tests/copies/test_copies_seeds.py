"""The three seed articles in ../shared/seeds (skipped when ../shared is absent)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import xxhash

from storyline.article import Article, Origin, RawArticle
from storyline.clean import clean
from storyline.copies import find_copies

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold().replace("’", "'")))


@pytest.fixture(scope="module")
def seeds() -> list[Article]:
    if not (SHARED / "seeds").is_dir():
        pytest.skip("../shared/seeds is not beside the repository")
    out = []
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        origin = Origin(str(path), "", xxhash.xxh3_128_hexdigest(text.encode("utf-8")))
        raw = RawArticle(id=path.name, origin=origin, text=text, headline_in_text=True)
        out.append(clean(raw))
    return out


@pytest.mark.corpus
def test_seeds_001_002_are_versions_with_002_earlier(seeds: list[Article]) -> None:
    gold = json.loads((SHARED / "gold" / "seeds.json").read_text(encoding="utf-8"))["copies"][0]
    report = find_copies(seeds)
    by_id = {a.id: a for a in seeds}
    first, second = sorted((gold["a"], gold["b"]))
    assert [(c.a, c.b) for c in report.copies] == [(first, second)]  # 000 related to neither
    copy = report.copies[0]
    assert copy.relation in ("version", "near_duplicate")
    assert copy.earlier == gold["earlier_version"]
    assert copy.similarity["jaccard"] < 0.6  # below the usual near-duplicate thresholds
    assert [f.members for f in report.families] == [(first, second)]
    d = report.diffs[(first, second)]
    only = {
        first: [_words(by_id[first].text[s.start : s.end]) for s in d.only_a],
        second: [_words(by_id[second].text[s.start : s.end]) for s in d.only_b],
    }
    for key, doc in (("only_in_001", "001_ed65664943946bce.txt"), ("only_in_002", second)):
        for snippet in gold[key]:
            probe = _words(snippet.replace("...", ""))[:60]
            lifted = " ".join(_words(str(v)) for v in by_id[doc].metadata.values())
            assert any(probe in span for span in only[doc]) or probe in lifted, snippet
    assert any("empty" in e.a_text and "empty-handed" in e.b_text for e in d.changed)
