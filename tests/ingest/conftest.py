"""The reader tests' marker; their fixtures are in ingest_fixtures.py."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes seconds (large generated inputs)")
