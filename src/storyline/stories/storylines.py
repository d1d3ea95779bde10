"""Storylines: stories linked over long spans by shared names and subject.

Each new story, once its add() call is done, is compared with the storylines so far (candidates from
their own inverted index, no time window, no time decay) by a weighted mean of the cosines of their
name vectors and their text vectors; it joins the best one scoring at least `storyline_threshold`,
else opens a new storyline. A storyline's centroid is the sum of its stories' unit centroids, so a
long story counts as one event. Ids never change: a story keeps the storyline it was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from storyline.stories import sparse
from storyline.stories.cluster import Postings, StoryState
from storyline.stories.features import Features
from storyline.stories.records import StorySettings
from storyline.stories.sparse import F64, Vec


def storyline_id(index: int) -> str:
    return f"l{index + 1:06d}"


@dataclass(slots=True, eq=False)
class StorylineState:
    index: int
    text: Vec
    names: Vec
    stories: list[int]

    @property
    def id(self) -> str:
        return storyline_id(self.index)

    def to_plain(self) -> dict[str, Any]:
        return {
            "text": self.text.to_plain(),
            "names": self.names.to_plain(),
            "stories": self.stories,
        }

    @staticmethod
    def from_plain(index: int, data: dict[str, Any]) -> StorylineState:
        return StorylineState(
            index=index,
            text=Vec.from_plain(data["text"]),
            names=Vec.from_plain(data["names"]),
            stories=[int(x) for x in data["stories"]],
        )


class Linker:
    """The storyline state: storylines and their inverted index."""

    def __init__(self, settings: StorySettings) -> None:
        self.settings = settings
        self.lines: list[StorylineState] = []
        self.postings = Postings()
        self._scratch = sparse.Scratch(1 << settings.hash_bits)

    def scores(self, f: Features) -> list[tuple[float, int]]:
        """(score, storyline index) for candidate storylines, best first."""
        s = self.settings
        tk, tw = f.text.top_items(s.retrieval_terms)
        nk, nw = f.names.top_items(s.retrieval_names)
        slots = np.concatenate([tk, nk]).astype(np.int32)
        weights = np.concatenate([tw, nw]).astype(np.float64)
        items, acc = self.postings.lookup(slots, weights, s.max_postings)
        if items.shape[0] == 0:
            return []
        if items.shape[0] > s.max_candidates:
            order = np.lexsort((items, -acc))[: s.max_candidates]
            items = np.sort(items[order])
        cands = [self.lines[i] for i in items.tolist()]
        text = self._scratch.cosines(f.text, [c.text for c in cands])
        names = self._scratch.cosines(f.names, [c.names for c in cands])
        has_names = np.array([len(f.names) > 0 and len(c.names) > 0 for c in cands])
        num: F64 = s.storyline_weight_text * text + s.storyline_weight_names * names * has_names
        den: F64 = s.storyline_weight_text + s.storyline_weight_names * has_names
        den = np.where(den > 0.0, den, 1.0)
        total = num / den
        out = [(float(total[k]), c.index) for k, c in enumerate(cands)]
        out.sort(key=lambda x: (-x[0], x[1]))
        return out

    def link(self, story: StoryState, f: Features) -> tuple[int, float]:
        """Give `story` a storyline (joining or opening one); returns (storyline index, score)."""
        s = self.settings
        best = self.scores(f)
        if best and best[0][0] >= s.storyline_threshold:
            line = self.lines[best[0][1]]
            score = best[0][0]
            old_t = line.text.top(s.retrieval_terms)
            old_n = line.names.top(s.retrieval_names)
            line.text = sparse.add(line.text, f.text, s.storyline_max_terms)
            line.names = sparse.add(line.names, f.names, s.storyline_max_terms)
            line.stories.append(story.index)
            self.postings.post(np.setdiff1d(line.text.top(s.retrieval_terms), old_t), line.index)
            self.postings.post(np.setdiff1d(line.names.top(s.retrieval_names), old_n), line.index)
        else:
            line = StorylineState(len(self.lines), f.text, f.names, [story.index])
            self.lines.append(line)
            self.postings.post(f.text.top(s.retrieval_terms), line.index)
            self.postings.post(f.names.top(s.retrieval_names), line.index)
            score = 1.0
        story.storyline = line.index
        return line.index, score

    def to_plain(self) -> dict[str, Any]:
        return {"lines": [x.to_plain() for x in self.lines], "postings": self.postings.to_plain()}

    @staticmethod
    def from_plain(settings: StorySettings, data: dict[str, Any]) -> Linker:
        out = Linker(settings)
        out.lines = [StorylineState.from_plain(i, x) for i, x in enumerate(data["lines"])]
        out.postings = Postings.from_plain(data["postings"])
        return out
