"""The package imports its parts on demand: a stage's modules come without the whole pipeline."""

from __future__ import annotations

import subprocess
import sys

import pytest

import storyline


def test_the_copies_stage_imports_without_the_readers() -> None:
    heavy = "{'storyline.ingest', 'trafilatura'}"
    code = f"import sys, storyline.copies; print(sorted({heavy} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_storyline_is_there_on_first_use() -> None:
    from storyline import Storyline
    from storyline.api import Storyline as Defined

    assert Storyline is Defined
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        _ = storyline.Nothing  # type: ignore[attr-defined]
