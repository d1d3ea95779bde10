"""storyline: turn a pile of news articles into the stories behind them."""

from typing import TYPE_CHECKING, Any

__version__ = "0.4.10"

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
