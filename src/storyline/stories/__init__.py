"""Stories and storylines: which articles report the same event, and which events make one story.

    from storyline.stories import StoryIndex, StorySettings

    index = StoryIndex()                      # or StoryIndex(StorySettings(threshold=...))
    assignments = index.add(articles, families={"reprint-id": "original-id"})
    index.stories(); index.storylines(); index.events()
    state = index.to_dict()                   # JSON-ready; StoryIndex.from_dict(state) resumes

`pair_score(a, b, index)` is the same-story score of two articles. Modules: `features` (hashed
TF-IDF of words and names, publication day), `cluster` (online single-pass clustering with an
inverted index), `storylines` (linking stories), `labels` (labels and evidence), `records`
(settings and output records), `embeddings` (optional sentence encoder).
"""

from storyline.stories.index import Encoder, StateError, StoryIndex, pair_score
from storyline.stories.records import (
    Assignment,
    Evidence,
    SettingsError,
    Story,
    StoryEvent,
    StoryLabel,
    Storyline,
    StorySettings,
)

__all__ = [
    "Assignment",
    "Encoder",
    "Evidence",
    "SettingsError",
    "StateError",
    "Story",
    "StoryEvent",
    "StoryIndex",
    "StoryLabel",
    "StorySettings",
    "Storyline",
    "pair_score",
]
