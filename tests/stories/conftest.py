"""Fixtures for the stories tests."""

from __future__ import annotations

import pytest
from stories_fixtures import CORPUS

from storyline.article import Article


@pytest.fixture
def corpus() -> list[Article]:
    return list(CORPUS)
