"""storyline: turn a pile of news articles into the stories behind them."""

__version__ = "0.1.0"

from storyline.api import Storyline

__all__ = ["Storyline", "__version__"]
