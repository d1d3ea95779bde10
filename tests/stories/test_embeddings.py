"""The optional encoder path with a tiny fake encoder (no model), and the missing-extra error."""

from __future__ import annotations

import importlib
import json
from collections.abc import Sequence

import numpy as np
import pytest

from storyline.article import Article
from storyline.stories import StateError, StoryIndex, StorySettings, pair_score
from storyline.stories.sparse import F32


class FakeEncoder:
    """Hashes words into 64 dimensions: enough to exercise the dense part of the score."""

    name = "fake-64"

    def encode(self, texts: Sequence[str]) -> F32:
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, text in enumerate(texts):
            for w in text.lower().split():
                out[i, sum(map(ord, w)) % 64] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


def test_dense_part_is_used_and_persisted(corpus: list[Article]) -> None:
    settings = StorySettings(weight_dense=0.4)
    index = StoryIndex(settings, FakeEncoder())
    out = index.add(corpus)
    joined = [a for a in out if not a.new_story]
    assert joined and all(a.evidence.dense is not None for a in joined)
    assert index.story_of("q1a") != index.story_of("q2a")
    state = json.loads(json.dumps(index.to_dict()))
    with pytest.raises(StateError, match="encoder"):
        StoryIndex.from_dict(state)
    restored = StoryIndex.from_dict(state, FakeEncoder())
    assert restored.to_dict() == index.to_dict()
    assert 0.0 <= pair_score(corpus[0], corpus[1], index) <= 1.0


def test_missing_extra_fails_politely(monkeypatch: pytest.MonkeyPatch) -> None:
    from storyline.stories import embeddings

    real = importlib.import_module

    def fake(name: str, package: str | None = None) -> object:
        if name == "sentence_transformers":
            raise ImportError("No module named 'sentence_transformers'")
        return real(name, package)

    monkeypatch.setattr(embeddings.importlib, "import_module", fake)
    with pytest.raises(embeddings.EmbeddingsUnavailable, match=r"storyline\[embeddings\]"):
        embeddings.SentenceEncoder()
