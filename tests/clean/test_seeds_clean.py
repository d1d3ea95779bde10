"""The three seed articles clean as the hand-checked gold (../shared/gold/seeds.json) says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storyline.article import Article, Origin, RawArticle
from storyline.clean import clean, split_paragraphs

SHARED = Path(__file__).resolve().parents[2].parent / "shared"

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def gold() -> dict[str, Any]:
    path = SHARED / "gold" / "seeds.json"
    if not path.is_file():
        pytest.skip(f"{SHARED} is absent")
    articles: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["articles"]
    return articles


@pytest.fixture(scope="module")
def cleaned(gold: dict[str, Any]) -> dict[str, Article]:
    out = {}
    for name in gold:
        path = SHARED / "seeds" / name
        raw = RawArticle(
            id=name,
            origin=Origin(str(path), "", ""),
            text=path.read_bytes().decode("utf-8"),
            headline_in_text=True,
        )
        out[name] = clean(raw)
    return out


def boilerplate_text(item: str) -> str:
    """The debris a gold boilerplate item names: the text before its parenthetical description,
    or, for "photo caption ending (AP Photo/...)", the parenthetical itself."""
    if item.startswith("photo caption ending "):
        return item.removeprefix("photo caption ending ")
    return item.split(" (", 1)[0]


def test_titles(gold: dict[str, Any], cleaned: dict[str, Article]) -> None:
    for name, expected in gold.items():
        assert cleaned[name].title == expected["title"], name


def test_boilerplate_is_removed(gold: dict[str, Any], cleaned: dict[str, Article]) -> None:
    for name, expected in gold.items():
        article = cleaned[name]
        removed = {r.text.strip() for r in article.removals}
        for item in expected["boilerplate"]:
            text = boilerplate_text(item)
            assert text in removed, (name, text)
            assert text not in article.text, (name, text)


def test_removal_offsets_index_the_raw_text(cleaned: dict[str, Article]) -> None:
    for article in cleaned.values():
        for removal in article.removals:
            assert article.raw_text[removal.start : removal.end] == removal.text
        assert article.paragraphs == split_paragraphs(article.text)


def test_lifted_metadata(gold: dict[str, Any], cleaned: dict[str, Article]) -> None:
    wire = cleaned["002_d43474c0729a89d1.txt"]
    assert wire.byline == gold["002_d43474c0729a89d1.txt"]["byline"]
    assert any("The-CNN-Wire™" in credit for credit in wire.metadata["wire_credits"])
    updated = cleaned["001_ed65664943946bce.txt"]
    assert updated.metadata["version_notes"] == gold["001_ed65664943946bce.txt"]["version_notes"]
    assert updated.metadata["credits"] == gold["001_ed65664943946bce.txt"]["credits"]
    assert "This story has been updated" not in updated.text


@pytest.mark.parametrize(
    ("name", "passage"),
    [
        ("000_d13e49b8a8bc8f81.txt", "The meeting was nothing short of historic"),
        ("000_d13e49b8a8bc8f81.txt", "According to White House Press Secretary"),
        ("001_ed65664943946bce.txt", "“On North Korea, Iran, and others"),
        ("001_ed65664943946bce.txt", "US-North Korea relations"),
        ("002_d43474c0729a89d1.txt", "US-North Korea relations"),
        ("002_d43474c0729a89d1.txt", "CNN has reached out to both the White House"),
        ("002_d43474c0729a89d1.txt", "Last year, he used the address"),
    ],
)
def test_story_paragraphs_are_kept(cleaned: dict[str, Article], name: str, passage: str) -> None:
    assert any(passage in p for p in cleaned[name].paragraph_texts())


def test_subheads_are_paragraphs_of_their_own(cleaned: dict[str, Article]) -> None:
    for name in ("001_ed65664943946bce.txt", "002_d43474c0729a89d1.txt"):
        assert "US-North Korea relations" in cleaned[name].paragraph_texts()
