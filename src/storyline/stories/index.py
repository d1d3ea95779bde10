"""`StoryIndex`: the stories stage as one object that grows with the corpus.

Create it empty, `add()` articles (in publication order; each call sorts its own batch by date, then
id), read `stories()` and `storylines()`, and persist it with `to_dict()` / `from_dict()` (plain,
JSON-ready data) to resume later: an incremental build assigns new articles to existing stories or
opens new ones, and never renumbers what it gave before.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from contextlib import closing
from functools import partial
from typing import Any, Protocol

import numpy as np

from storyline.article import Article
from storyline.stories import sparse
from storyline.stories.cluster import (
    Clusterer,
    Scored,
    StoryState,
    combine,
    conflict,
    conflict_factor,
    time_factor,
)
from storyline.stories.features import Counts, DocFreq, Features, count, parse_day, vectorise
from storyline.stories.labels import evidence, headline_of, story_label, top_strings
from storyline.stories.records import (
    Assignment,
    Story,
    StoryEvent,
    StoryLabel,
    Storyline,
    StorySettings,
)
from storyline.stories.sparse import F32, array_b64, b64_array
from storyline.stories.storylines import Linker
from storyline.workers import batched, fewer_collections, ordered_map

FORMAT = "storyline.stories/1"
COUNT_BATCH = 512  # articles a worker counts at a time


class Encoder(Protocol):
    """Turns texts into dense vectors (one row each), e.g. `embeddings.SentenceEncoder`."""

    name: str

    def encode(self, texts: Sequence[str]) -> F32: ...


class StateError(ValueError):
    """Plain data given to `StoryIndex.from_dict` that it cannot read, with what was expected."""


def _counts(articles: list[Article], settings: StorySettings) -> list[Counts]:
    return [count(a, settings) for a in articles]


def _sort_key(article: Article, day: float | None) -> tuple[bool, float, str]:
    return (day is None, 0.0 if day is None else day, article.id)


class StoryIndex:
    """Stories and storylines of the articles added so far (see the module docstring)."""

    def __init__(
        self, settings: StorySettings | None = None, encoder: Encoder | None = None
    ) -> None:
        self.settings = settings or StorySettings()
        self.encoder = encoder
        self.df = DocFreq(self.settings.hash_bits)
        self.clusters = Clusterer(self.settings)
        self.linker = Linker(self.settings)
        self.shown: dict[int, str] = {}
        self._story_of: dict[str, int] = {}

    # --- building ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._story_of)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._story_of

    def add(
        self,
        articles: Iterable[Article],
        families: Mapping[str, str] | None = None,
        *,
        workers: int = 1,
    ) -> list[Assignment]:
        """Assign new articles to stories, in (published, id) order; ids already added are skipped.

        `families` maps an article id to its copy family's canonical id: the first member seen is
        clustered, later members join its story and count once (in document frequencies and in
        the centroid, where they add only what the story lacks). Returns one `Assignment` per
        new article, in processing order; a story id in an assignment may later be merged away
        (see `events()`), `story_of()` resolves it. `workers` processes count the articles' words
        and names ahead of the clustering, which is sequential; the result does not depend on it.
        """
        with fewer_collections():  # the index holds an object or more per article and story
            return self._add(articles, families or {}, workers)

    def _add(
        self, articles: Iterable[Article], families: Mapping[str, str], workers: int
    ) -> list[Assignment]:
        s = self.settings
        batch: list[tuple[tuple[bool, float, str], Article]] = []
        seen: set[str] = set()
        for a in articles:
            if a.id in self._story_of or a.id in seen:
                continue
            seen.add(a.id)
            batch.append((_sort_key(a, parse_day(a.published)), a))
        batch.sort(key=lambda x: x[0])
        out: list[Assignment] = []
        opened: list[int] = []
        ordered = [a for _, a in batch]
        del batch
        counts = ordered_map(partial(_counts, settings=s), batched(ordered, COUNT_BATCH), workers)
        with closing(counts):  # its workers end here, even when a chunk fails
            counted = zip(ordered, itertools.chain.from_iterable(counts), strict=True)
            for chunk in batched(counted, s.chunk_size):
                out.extend(self._add_chunk(chunk, families, opened))
        for i in opened:
            st = self.clusters.stories[i]
            if st.merged_into < 0 and st.storyline < 0:
                self.linker.link(st, self.clusters.as_features(st))
        return out

    def withdraw(self, article_ids: Iterable[str]) -> None:
        """Take articles out of their stories (deleted from the store, or changed: add them
        again). Their words stay in the story's centroid, so stories keep their ids and their
        shape; a story left empty keeps its id, never reused."""
        for article_id in article_ids:
            i = self._story_of.pop(article_id, None)
            if i is not None:
                self.clusters.stories[self.clusters.resolve(i)].members.remove(article_id)

    def article_ids(self) -> list[str]:
        """Every article the index holds."""
        return list(self._story_of)

    def _add_chunk(
        self, chunk: list[tuple[Article, Counts]], families: Mapping[str, str], opened: list[int]
    ) -> list[Assignment]:
        s = self.settings
        cl = self.clusters
        fams = [families.get(a.id) for a, _ in chunk]
        repeat: list[bool] = []
        fresh: set[str] = set()
        for fam in fams:
            rep = fam is not None and (fam in cl.families or fam in fresh)
            repeat.append(rep)
            if fam is not None:
                fresh.add(fam)
        for (_, c), rep in zip(chunk, repeat, strict=True):
            if not rep:
                self.df.observe(c)
            for k, v in c.shown.items():
                self.shown.setdefault(k, v)
        feats = [vectorise(c, self.df, s) for _, c in chunk]
        if self.encoder is not None and s.weight_dense > 0.0:
            todo = [i for i, rep in enumerate(repeat) if not rep]
            if todo:
                dense = self.encoder.encode([_dense_text(chunk[i][0]) for i in todo])
                for row, i in enumerate(todo):
                    feats[i].dense = dense[row]
        out: list[Assignment] = []
        touched: list[int] = []
        for (a, _), f, fam, rep in zip(chunk, feats, fams, repeat, strict=True):
            headline = headline_of(a.title, a.text)
            if rep and fam is not None and fam in cl.families:
                st = cl.stories[cl.resolve(cl.families[fam])]
                scored = cl.score(f, np.array([st.index], dtype=np.int64))
                cl.join(st, f, a.id, headline, fam, scored[0].score, counted=False)
                ev = evidence(f, scored[0], st, None, self.shown, family=fam)
                out.append(Assignment(a.id, st.id, False, ev))
                self._story_of[a.id] = st.index
                continue
            items = cl.candidates(f.text, f.names, f.day)
            scored = cl.score(f, items, floor=self.threshold_for(f))
            best = scored[0] if scored else None
            runner = scored[1] if len(scored) > 1 else None
            if best is not None and best.score >= self.threshold_for(f):
                st = cl.stories[best.story]
                ev = evidence(f, best, st, runner, self.shown)
                cl.join(st, f, a.id, headline, fam, best.score, counted=True)
                out.append(Assignment(a.id, st.id, False, ev))
            else:
                st = cl.open(f, a.id, headline, fam)
                opened.append(st.index)
                ev = evidence(f, None, None, best, self.shown)
                out.append(Assignment(a.id, st.id, True, ev))
            touched.append(st.index)
            self._story_of[a.id] = st.index
        cl.merge_pass(touched)
        return out

    def threshold_for(self, f: Features) -> float:
        """The join threshold for an article: lower for short texts (see `StorySettings`)."""
        s = self.settings
        n = f.text.keys.shape[0]
        if s.short_text_terms <= 0 or n >= s.short_text_terms:
            return s.threshold
        return float(s.threshold * (max(n, 1) / s.short_text_terms) ** s.short_text_power)

    # --- reading ----------------------------------------------------------------------------
    def story_of(self, article_id: str) -> str | None:
        """The (live) story id of an article, or None when it was never added."""
        i = self._story_of.get(article_id)
        return None if i is None else self.clusters.stories[self.clusters.resolve(i)].id

    def stories(self, include_merged: bool = False) -> list[Story]:
        """Stories in id order, without emptied ones (see `withdraw`); merged-away stories only
        with `include_merged` (members moved)."""
        out: list[Story] = []
        for st in self.clusters.stories:
            merged = st.merged_into >= 0
            if (merged and not include_merged) or (not merged and not st.members):
                continue
            out.append(self._story(st))
        return out

    def story(self, story_id: str) -> Story:
        index = int(story_id[1:]) - 1
        if not story_id.startswith("s") or not 0 <= index < len(self.clusters.stories):
            raise KeyError(story_id)
        return self._story(self.clusters.stories[index])

    def _story(self, st: StoryState) -> Story:
        merged = None
        members: tuple[str, ...] = tuple(st.members)
        if st.merged_into >= 0:
            merged = self.clusters.stories[self.clusters.resolve(st.index)].id
            members = ()
        line = self.linker.lines[st.storyline].id if st.storyline >= 0 else None
        return Story(
            id=st.id,
            article_ids=members,
            families=st.families,
            label=story_label(st, self.shown),
            storyline_id=line,
            merged_into=merged,
        )

    def storylines(self) -> list[Storyline]:
        out: list[Storyline] = []
        for line in self.linker.lines:
            members = [self.clusters.stories[i] for i in line.stories]
            live = [st for st in members if st.merged_into < 0 and st.members]
            if not live:
                continue
            firsts = [st.first for st in live if st.first is not None]
            lasts = [st.last for st in live if st.last is not None]
            biggest = max(live, key=lambda st: (st.families, -st.index))
            base = story_label(biggest, self.shown)
            label = StoryLabel(
                headline=base.headline,
                names=top_strings(line.names, self.shown, 6, names=True),
                terms=top_strings(line.text, self.shown, 6),
                first=story_label(min(live, key=lambda st: st.first or 0.0), self.shown).first
                if firsts
                else None,
                last=story_label(max(live, key=lambda st: st.last or 0.0), self.shown).last
                if lasts
                else None,
            )
            out.append(Storyline(id=line.id, story_ids=tuple(st.id for st in live), label=label))
        return out

    def events(self) -> list[StoryEvent]:
        return list(self.clusters.events)

    def features(self, article: Article) -> Features:
        """An article's vectors under the current document frequencies (the index is unchanged)."""
        f = vectorise(count(article, self.settings), self.df, self.settings)
        if self.encoder is not None and self.settings.weight_dense > 0.0:
            f.dense = self.encoder.encode([_dense_text(article)])[0]
        return f

    # --- plain data -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Everything needed to resume, as JSON-ready data (arrays as base64 little-endian)."""
        slots = np.array(sorted(self.shown), dtype=np.int32)
        return {
            "format": FORMAT,
            "settings": self.settings.to_dict(),
            "encoder": None if self.encoder is None else self.encoder.name,
            "df": self.df.to_plain(),
            "clusters": self.clusters.to_plain(),
            "linker": self.linker.to_plain(),
            "shown": {"slots": b64_array(slots), "text": [self.shown[k] for k in slots.tolist()]},
            "articles": {k: int(v) for k, v in self._story_of.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], encoder: Encoder | None = None) -> StoryIndex:
        if data.get("format") != FORMAT:
            raise StateError(
                f"story index state: expected format {FORMAT!r}, got {data.get('format')!r}"
            )
        settings = StorySettings.from_dict(dict(data["settings"]))
        if data.get("encoder") is not None and encoder is None and settings.weight_dense > 0.0:
            raise StateError(
                f"story index state was built with encoder {data['encoder']!r}: pass that encoder"
            )
        out = cls(settings, encoder)
        out.df = DocFreq.from_plain(dict(data["df"]))
        out.clusters = Clusterer.from_plain(settings, dict(data["clusters"]))
        out.linker = Linker.from_plain(settings, dict(data["linker"]))
        slots = array_b64(str(data["shown"]["slots"]), "int32").tolist()
        out.shown = dict(zip((int(x) for x in slots), data["shown"]["text"], strict=True))
        out._story_of = {str(k): int(v) for k, v in data["articles"].items()}
        return out


def _dense_text(article: Article) -> str:
    title = (article.title or "").strip()
    body = " ".join(article.text.split()[:200])
    return f"{title}. {body}" if title else body


def pair_scores(fa: Features, fb: Features, settings: StorySettings) -> Scored:
    """The same-story score of two articles (as `add()` scores a, with b a one-article story)."""
    text = np.array([sparse.cosine(fa.text, fb.text)])
    title = np.array([sparse.cosine(fa.title, fb.title)])
    names = np.array([sparse.cosine(fa.names, fb.names)])
    has_title = np.array([len(fa.title) > 0 and len(fb.title) > 0])
    has_names = np.array([len(fa.names) > 0 and len(fb.names) > 0])
    dense = None
    has_dense = np.array([False])
    if fa.dense is not None and fb.dense is not None and settings.weight_dense > 0.0:
        na = float(np.linalg.norm(fa.dense)) or 1.0
        nb = float(np.linalg.norm(fb.dense)) or 1.0
        dense = np.array([float(np.dot(fa.dense, fb.dense)) / (na * nb)])
        has_dense = np.array([True])
    content = combine(settings, text, title, names, dense, has_title, has_names, has_dense)
    clash = conflict(fa.mentions, fa.text, fb.mentions, fb.text)
    content = content * conflict_factor(np.array([clash]), settings)
    gap = 0.0 if fa.day is None or fb.day is None else abs(fa.day - fb.day)
    factor = time_factor(np.array([gap]), settings)
    return Scored(
        story=-1,
        score=float(content[0] * factor[0]),
        text=float(text[0]),
        title=float(title[0]) if has_title[0] else None,
        names=float(names[0]) if has_names[0] else None,
        dense=None if dense is None else float(dense[0]),
        time_factor=float(factor[0]),
    )


def pair_score(a: Article, b: Article, index: StoryIndex | None = None) -> float:
    """How much `a` and `b` look like one story, in [0, 1] (the score clustering thresholds).

    Document frequencies come from `index` (articles it has seen); without one, from a and b alone.
    """
    if index is None:
        index = StoryIndex()
        for art in (a, b):
            index.df.observe(count(art, index.settings))
    return pair_scores(index.features(a), index.features(b), index.settings).score
