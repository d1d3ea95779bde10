"""storyline: turn a pile of news articles into the stories behind them."""

__version__ = "0.1.0"
