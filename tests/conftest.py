"""Shared fixtures: small fictional corpora written on the fly, and the path to ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_fixtures import make_corpus

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "corpus")


@pytest.fixture
def shared() -> Path:
    if not SHARED.exists():
        pytest.skip("../shared is not beside the repository")
    return SHARED
