"""Records made and unpickled by setting their slots directly (`storyline.records`)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from storyline import _records
from storyline.article import Article, Origin, Paragraph
from storyline.copies.records import Passage
from storyline.records import made


def test_made_gives_the_record_its_constructor_gives_and_it_stays_frozen() -> None:
    values = (3, 9, 4, 12, 5, 5, 1, True, False)
    passage = made(Passage, *values)
    assert passage == Passage(*values) and passage.b_end == 12 and passage.quoted
    with pytest.raises(dataclasses.FrozenInstanceError):
        passage.words = 0  # type: ignore[misc]
    with pytest.raises(TypeError, match="9 slots, got 2 values"):
        made(Passage, 1, 2)
    with pytest.raises(IndexError):
        _records.fill(object.__new__(Passage), values, (9,) * 9)
    with pytest.raises(TypeError, match=r"slice\.start is not a slot"):  # read-only members
        _records.fill(slice(1, 2, 3), (4, 5, 6), (0, 1, 2))


def test_records_pickled_by_fields_come_back_equal_and_frozen() -> None:
    article = Article(
        id="a1",
        origin=Origin("feed.jsonl", "line 3", "ff00"),
        text="One.\n\nTwo.",
        paragraphs=(Paragraph(0, 4), Paragraph(6, 10)),
        raw_text="One.\n\nTwo.",
        title="Title",
        metadata={"version_notes": ["Updated at 5"]},
    )
    back = pickle.loads(pickle.dumps(article))
    assert back == article and back.paragraphs[1].end == 10 and back.origin.locator == "line 3"
    assert back.__getstate__() == tuple(  # type: ignore[attr-defined]
        getattr(article, f.name) for f in dataclasses.fields(Article)
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        back.title = "other"  # type: ignore[misc]
