"""storyline: turn a pile of news articles into the stories behind them."""

import os
from typing import TYPE_CHECKING, Any

# numpy's OpenBLAS keeps its threads spinning for 2**28 cycles after loading and after each
# call before they sleep: a tenth of a second of a core (9% of the CPU samples of a run
# fingerprinting Reuters on 2 cores), taken from storyline's worker processes. 2**4 cycles,
# unless the user has chosen: it only sets how long an idle thread waits. It takes effect
# only when storyline is imported before numpy, and child processes inherit it.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

__version__ = "0.4.11"

__all__ = ["Storyline", "__version__"]

if TYPE_CHECKING:
    from storyline.api import Storyline


def __getattr__(name: str) -> Any:
    """`Storyline` is imported on first use, so that a stage's modules (`storyline.copies`, say)
    import without the whole pipeline and its readers (HTML extraction alone takes 0.14 s)."""
    if name == "Storyline":
        from storyline.api import Storyline

        return Storyline
    raise AttributeError(f"module 'storyline' has no attribute {name!r}")
