"""Online single-pass story clustering (after Miranda et al. 2018).

Each article, in publication order, is scored against the centroids of a few candidate stories and
joins the best one when the score reaches `StorySettings.threshold`; otherwise it opens a new story.
Candidates come from an inverted index (slot → stories that ever held it among their heaviest
slots), read from the most recent end, filtered by the time window: no article is ever compared with
the whole corpus. A story's centroid is the sum of its members' unit vectors, pruned to its heaviest
slots; members of one copy family join together and count once. A story and an article that each
keep naming a participant the other never mentions score lower (`StorySettings.conflict_weight`).

Merges (optional, `merge_threshold` < 1) fold a story into an older one whose centroid it matches;
each is recorded as a `StoryEvent` and the absorbed id stays resolvable.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from storyline.stories import sparse
from storyline.stories.features import Features
from storyline.stories.records import StoryEvent, StorySettings
from storyline.stories.sparse import F32, F64, I32, I64, Vec, array_b64, b64_array


def story_id(index: int) -> str:
    return f"s{index + 1:06d}"


@dataclass(slots=True, eq=False)
class StoryState:
    """A story while the index holds it: centroids, members, dates and a representative headline."""

    index: int
    text: Vec
    title: Vec
    names: Vec
    dense: F32 | None
    members: list[str]
    families: int
    first: float | None
    last: float | None
    headline: str
    headline_score: float
    mentions: Vec = field(default_factory=Vec.empty)
    """Sum of the members' name-head saliences (see `features.salience`)."""
    storyline: int = -1
    merged_into: int = -1
    family_ids: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return story_id(self.index)

    def salience(self) -> Vec:
        """The members' mean salience of each name head: the story's main participants."""
        if self.families <= 1:
            return self.mentions
        return Vec.of(self.mentions.keys, self.mentions.vals / np.float32(self.families))

    def to_plain(self) -> dict[str, Any]:
        return {
            "text": self.text.to_plain(),
            "title": self.title.to_plain(),
            "names": self.names.to_plain(),
            "mentions": self.mentions.to_plain(),
            "dense": None if self.dense is None else b64_array(self.dense),
            "members": self.members,
            "families": self.families,
            "first": self.first,
            "last": self.last,
            "headline": self.headline,
            "headline_score": self.headline_score,
            "storyline": self.storyline,
            "merged_into": self.merged_into,
        }

    @staticmethod
    def from_plain(index: int, data: dict[str, Any]) -> StoryState:
        dense = data.get("dense")
        return StoryState(
            index=index,
            text=Vec.from_plain(data["text"]),
            title=Vec.from_plain(data["title"]),
            names=Vec.from_plain(data["names"]),
            # states saved before name heads were kept: such a story never conflicts
            mentions=Vec.from_plain(data["mentions"]) if "mentions" in data else Vec.empty(),
            dense=None if dense is None else array_b64(str(dense), "float32").astype(np.float32),
            members=list(data["members"]),
            families=int(data["families"]),
            first=data["first"],
            last=data["last"],
            headline=str(data["headline"]),
            headline_score=float(data["headline_score"]),
            storyline=int(data["storyline"]),
            merged_into=int(data["merged_into"]),
        )


@dataclass(frozen=True, slots=True)
class Scored:
    """The score of one article against one story, with its parts."""

    story: int
    score: float
    text: float | None
    title: float | None
    names: float | None
    dense: float | None
    time_factor: float


class Postings:
    """Inverted index: slot → story indices, appended in time order; duplicates are harmless."""

    def __init__(self) -> None:
        self.lists: dict[int, array[int]] = {}

    def post(self, slots: I32, item: int) -> None:
        for s in slots.tolist():
            lst = self.lists.get(s)
            if lst is None:
                lst = self.lists[s] = array("i")
            if not lst or lst[-1] != item:
                lst.append(item)

    def lookup(self, slots: I32, weights: F64, max_postings: int) -> tuple[I64, F64]:
        """Items under any of `slots`, each with the summed weight of the slots it is under."""
        found: list[np.ndarray[Any, np.dtype[np.int32]]] = []
        wts: list[F64] = []
        for s, w in zip(slots.tolist(), weights.tolist(), strict=True):
            lst = self.lists.get(s)
            if lst is None:
                continue
            items = np.frombuffer(lst, dtype=np.int32)[-max_postings:]
            found.append(items)
            wts.append(np.full(items.shape[0], w))
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        allitems = np.concatenate(found).astype(np.int64)
        allw = np.concatenate(wts)
        uniq, inverse = np.unique(allitems, return_inverse=True)
        acc: F64 = np.bincount(inverse, weights=allw, minlength=uniq.shape[0]).astype(np.float64)
        return uniq, acc

    def to_plain(self) -> dict[str, str]:
        keys = np.array(sorted(self.lists), dtype=np.int32)
        lengths = np.array([len(self.lists[k]) for k in keys.tolist()], dtype=np.int32)
        items = (
            np.concatenate([np.frombuffer(self.lists[k], dtype=np.int32) for k in keys.tolist()])
            if keys.shape[0]
            else np.zeros(0, dtype=np.int32)
        )
        return {"slots": b64_array(keys), "lengths": b64_array(lengths), "items": b64_array(items)}

    @staticmethod
    def from_plain(data: dict[str, str]) -> Postings:
        out = Postings()
        keys = array_b64(data["slots"], "int32").tolist()
        lengths = array_b64(data["lengths"], "int32").tolist()
        items = array_b64(data["items"], "int32")
        at = 0
        for k, n in zip(keys, lengths, strict=True):
            out.lists[int(k)] = array("i", items[at : at + n].tolist())
            at += n
        return out


class DayRanges:
    """First and last publication day per story (NaN when undated), and whether it was merged
    away, as growable arrays."""

    def __init__(self) -> None:
        self.first = np.full(1024, np.nan)
        self.last = np.full(1024, np.nan)
        self.merged = np.zeros(1024, dtype=bool)
        self.size = 0

    def append(self, first: float | None, last: float | None) -> None:
        if self.size == self.first.shape[0]:
            self.first = np.concatenate([self.first, np.full(self.size, np.nan)])
            self.last = np.concatenate([self.last, np.full(self.size, np.nan)])
            self.merged = np.concatenate([self.merged, np.zeros(self.size, dtype=bool)])
        self.set(self.size, first, last)
        self.size += 1

    def set(self, i: int, first: float | None, last: float | None) -> None:
        self.first[i] = np.nan if first is None else first
        self.last[i] = np.nan if last is None else last

    def gaps(self, items: I64, day: float | None) -> F64:
        """Days between `day` and each story's date range (0 inside it, or when undated)."""
        if day is None:
            return np.zeros(items.shape[0])
        lo = self.first[items]
        hi = self.last[items]
        gap = np.maximum(np.maximum(lo - day, day - hi), 0.0)
        return np.where(np.isnan(gap), 0.0, gap)


def combine(
    s: StorySettings,
    text: F64,
    title: F64,
    names: F64,
    dense: F64 | None,
    has_title: npt.NDArray[np.bool_],
    has_names: npt.NDArray[np.bool_],
    has_dense: npt.NDArray[np.bool_],
) -> F64:
    """The content score: weighted mean of the cosines (each raised to `similarity_power`) over
    the parts both sides have."""
    if s.similarity_power != 1.0:
        text = np.power(np.maximum(text, 0.0), s.similarity_power)
        title = np.power(np.maximum(title, 0.0), s.similarity_power)
        names = np.power(np.maximum(names, 0.0), s.similarity_power)
        if dense is not None:
            dense = np.power(np.maximum(dense, 0.0), s.similarity_power)
    num = (
        s.weight_text * text
        + s.weight_title * title * has_title
        + s.weight_names * names * has_names
    )
    den = s.weight_text + s.weight_title * has_title + s.weight_names * has_names
    if dense is not None:
        num = num + s.weight_dense * dense * has_dense
        den = den + s.weight_dense * has_dense
    out: F64 = num / den
    return out


def conflict(mentions_a: Vec, text_a: Vec, mentions_b: Vec, text_b: Vec) -> float:
    """How strongly each side keeps naming a participant the other never mentions: the lesser of
    the two sides' strongest such salience, so one side's extra names alone are no conflict."""
    return min(
        _unmatched(mentions_a, mentions_b, text_b), _unmatched(mentions_b, mentions_a, text_a)
    )


def _unmatched(mentions: Vec, other_mentions: Vec, other_text: Vec) -> float:
    """The highest salience among `mentions` that the other side neither names nor has as a word."""
    salient = mentions.vals > 0.0
    keys = mentions.keys[salient]
    lacking = ~(np.isin(keys, other_mentions.keys) | np.isin(keys, other_text.keys))
    return float(mentions.vals[salient][lacking].max(initial=0.0))


def conflict_factor(conflicts: F64, settings: StorySettings) -> F64:
    out: F64 = 1.0 - settings.conflict_weight * conflicts
    return out


def time_factor(gap: F64, settings: StorySettings) -> F64:
    over = np.maximum(gap - settings.time_grace_days, 0.0)
    out: F64 = np.exp(-over / settings.time_scale_days)
    return out


def range_gap(a: tuple[float | None, float | None], b: tuple[float | None, float | None]) -> float:
    if a[0] is None or b[0] is None or a[1] is None or b[1] is None:
        return 0.0
    return max(a[0] - b[1], b[0] - a[1], 0.0)


def _span(
    first: float | None, last: float | None, day: float | None
) -> tuple[float | None, float | None]:
    if day is None:
        return first, last
    return (day if first is None else min(first, day)), (day if last is None else max(last, day))


class Clusterer:
    """The story clustering state: stories, their inverted index and date ranges."""

    def __init__(self, settings: StorySettings) -> None:
        self.settings = settings
        self.stories: list[StoryState] = []
        self.postings = Postings()
        self.days = DayRanges()
        self.families: dict[str, int] = {}
        self.events: list[StoryEvent] = []
        self.seq = 0
        self._scratch = sparse.Scratch(1 << settings.hash_bits)

    # --- lookup -----------------------------------------------------------------------------
    def resolve(self, index: int) -> int:
        while self.stories[index].merged_into >= 0:
            index = self.stories[index].merged_into
        return index

    def _query(self, text: Vec, names: Vec) -> tuple[I32, F64]:
        s = self.settings
        tk, tw = text.top_items(s.retrieval_terms)
        nk, nw = names.top_items(s.retrieval_names)
        slots = np.concatenate([tk, nk]).astype(np.int32)
        weights = np.concatenate([tw, nw]).astype(np.float64)
        return slots, weights

    def candidates(self, text: Vec, names: Vec, day: float | None, exclude: int = -1) -> I64:
        """Up to `max_candidates` live stories sharing heavy slots, within the time window."""
        s = self.settings
        slots, weights = self._query(text, names)
        items, acc = self.postings.lookup(slots, weights, s.max_postings)
        if items.shape[0] == 0:
            return items
        alive = ~self.days.merged[items] & (items != exclude)
        items, acc = items[alive], acc[alive]
        gaps = self.days.gaps(items, day)
        keep = gaps <= s.time_window_days
        items, acc = items[keep], acc[keep]
        if items.shape[0] > s.max_candidates:
            order = np.lexsort((items, -acc))[: s.max_candidates]
            items = np.sort(items[order])
        return items

    def score(
        self,
        f: Features,
        items: I64,
        span: tuple[float | None, float | None] | None = None,
        floor: float = 0.0,
    ) -> list[Scored]:
        """Same-story scores of `f` against stories `items` (see `StorySettings`). The conflict
        penalty, which only lowers a score, is worked out only where the score reaches `floor`
        without it: below the join threshold a story is not joined either way."""
        s = self.settings
        if items.shape[0] == 0:
            return []
        cands = [self.stories[i] for i in items.tolist()]
        text = self._scratch.cosines(f.text, [c.text for c in cands])
        title = self._scratch.cosines(f.title, [c.title for c in cands])
        names = self._scratch.cosines(f.names, [c.names for c in cands])
        has_title = _present(f.title, [c.title for c in cands])
        has_names = _present(f.names, [c.names for c in cands])
        dense: F64 | None = None
        has_dense = np.zeros(len(cands), dtype=bool)
        if f.dense is not None and s.weight_dense > 0.0:
            dense = np.array([_dense_cos(f.dense, c.dense) for c in cands])
            has_dense = np.array([c.dense is not None for c in cands])
        content = combine(s, text, title, names, dense, has_title, has_names, has_dense)
        if span is None:
            gaps = self.days.gaps(items, f.day)
        else:
            gaps = np.array([range_gap(span, (c.first, c.last)) for c in cands])
        factor = time_factor(gaps, s)
        total = content * factor
        clash = np.zeros(len(cands))
        for k in np.flatnonzero(total >= floor).tolist():
            clash[k] = conflict(f.mentions, f.text, cands[k].salience(), cands[k].text)
        total = total * conflict_factor(clash, s)
        out: list[Scored] = []
        for k, c in enumerate(cands):
            out.append(
                Scored(
                    story=c.index,
                    score=float(total[k]),
                    text=float(text[k]),
                    title=float(title[k]) if has_title[k] else None,
                    names=float(names[k]) if has_names[k] else None,
                    dense=None if dense is None or c.dense is None else float(dense[k]),
                    time_factor=float(factor[k]),
                )
            )
        out.sort(key=lambda x: (-x.score, x.story))
        return out

    # --- changes ----------------------------------------------------------------------------
    def open(self, f: Features, article_id: str, headline: str, family: str | None) -> StoryState:
        s = self.settings
        st = StoryState(
            index=len(self.stories),
            text=f.text,
            title=f.title,
            names=f.names,
            mentions=f.mentions,
            dense=None if f.dense is None else f.dense.astype(np.float32),
            members=[article_id],
            families=1,
            first=f.day,
            last=f.day,
            headline=headline,
            headline_score=s.threshold if f.titled else 0.0,  # any titled member's headline wins
        )
        self.stories.append(st)
        self.days.append(f.day, f.day)
        self.postings.post(f.text.top(s.retrieval_terms), st.index)
        self.postings.post(f.names.top(s.retrieval_names), st.index)
        if family is not None:
            self.families[family] = st.index
        self.seq += 1
        return st

    def join(
        self,
        st: StoryState,
        f: Features,
        article_id: str,
        headline: str,
        family: str | None,
        score: float,
        counted: bool,
    ) -> None:
        """Add a member. A `counted` member's vectors enter the centroid; a copy of a member
        (not counted) adds only the words and names the story lacks (what a version added), so
        forty reprints weigh as one while an update's new paragraph still informs the story."""
        s = self.settings
        st.members.append(article_id)
        st.first, st.last = _span(st.first, st.last, f.day)
        self.days.set(st.index, st.first, st.last)
        if family is not None:
            self.families.setdefault(family, st.index)
        self.seq += 1
        # a copy's headline only stands in for a story that has no real one yet
        better = score > st.headline_score if counted else st.headline_score == 0.0
        if headline and f.titled and better:
            st.headline, st.headline_score = headline, score
        if counted:
            st.families += 1
        else:
            f = Features(
                sparse.new_in(f.text, st.text),
                sparse.new_in(f.title, st.title),
                sparse.new_in(f.names, st.names),
                f.day,
                mentions=sparse.new_in(f.mentions, st.mentions),
            )
        old_t = st.text.top(s.retrieval_terms)
        old_n = st.names.top(s.retrieval_names)
        st.text = sparse.add(st.text, f.text, s.max_centroid_terms)
        st.title = sparse.add(st.title, f.title, s.max_centroid_terms)
        st.names = sparse.add(st.names, f.names, s.max_centroid_names)
        st.mentions = sparse.add(st.mentions, f.mentions, s.max_centroid_names)
        if f.dense is not None:
            st.dense = f.dense.astype(np.float32) if st.dense is None else st.dense + f.dense
        self.postings.post(np.setdiff1d(st.text.top(s.retrieval_terms), old_t), st.index)
        self.postings.post(np.setdiff1d(st.names.top(s.retrieval_names), old_n), st.index)

    def merge_pass(self, touched: list[int]) -> list[StoryEvent]:
        """Merge each touched story with the live story whose centroid scores best against it,
        when that score is at least `merge_threshold`: the younger story is folded into the older
        (whose id stays). Each merge is recorded."""
        s = self.settings
        out: list[StoryEvent] = []
        if s.merge_threshold >= 1.0:
            return out
        for i in sorted(set(touched)):
            i = self.resolve(i)
            st = self.stories[i]
            f = self.as_features(st)
            items = self.candidates(f.text, f.names, None, exclude=i)
            if items.shape[0] == 0:
                continue
            best = self.score(f, items, span=(st.first, st.last))
            if not best or best[0].score < s.merge_threshold:
                continue
            other = self.stories[best[0].story]
            kept, gone = (other, st) if other.index < st.index else (st, other)
            self._absorb(kept, gone)
            score = round(best[0].score, 4)
            ev = StoryEvent(kind="merge", kept=kept.id, absorbed=gone.id, score=score, seq=self.seq)
            out.append(ev)
        self.events.extend(out)
        return out

    def as_features(self, st: StoryState) -> Features:
        def unit(v: Vec) -> Vec:
            if v.norm <= 0.0:
                return v
            return Vec.of(v.keys, (v.vals / np.float32(v.norm)).astype(np.float32))

        return Features(
            unit(st.text), unit(st.title), unit(st.names), st.last, st.dense, mentions=st.salience()
        )

    def _absorb(self, kept: StoryState, gone: StoryState) -> None:
        s = self.settings
        kept.members.extend(gone.members)
        kept.families += gone.families
        kept.first, kept.last = _span(kept.first, kept.last, gone.first)
        kept.first, kept.last = _span(kept.first, kept.last, gone.last)
        self.days.set(kept.index, kept.first, kept.last)
        kept.text = sparse.add(kept.text, gone.text, s.max_centroid_terms)
        kept.title = sparse.add(kept.title, gone.title, s.max_centroid_terms)
        kept.names = sparse.add(kept.names, gone.names, s.max_centroid_names)
        kept.mentions = sparse.add(kept.mentions, gone.mentions, s.max_centroid_names)
        if gone.dense is not None:
            kept.dense = gone.dense if kept.dense is None else kept.dense + gone.dense
        self.postings.post(kept.text.top(s.retrieval_terms), kept.index)
        self.postings.post(kept.names.top(s.retrieval_names), kept.index)
        gone.merged_into = kept.index
        self.days.merged[gone.index] = True
        for fam, idx in list(self.families.items()):
            if idx == gone.index:
                self.families[fam] = kept.index

    # --- plain data -------------------------------------------------------------------------
    def to_plain(self) -> dict[str, Any]:
        return {
            "stories": [st.to_plain() for st in self.stories],
            "postings": self.postings.to_plain(),
            "families": dict(sorted(self.families.items())),
            "events": [e.to_dict() for e in self.events],
            "seq": self.seq,
        }

    @staticmethod
    def from_plain(settings: StorySettings, data: dict[str, Any]) -> Clusterer:
        out = Clusterer(settings)
        for i, st in enumerate(data["stories"]):
            state = StoryState.from_plain(i, st)
            out.stories.append(state)
            out.days.append(state.first, state.last)
            out.days.merged[i] = state.merged_into >= 0
        out.postings = Postings.from_plain(data["postings"])
        out.families = {str(k): int(v) for k, v in data["families"].items()}
        out.events = [StoryEvent(**e) for e in data["events"]]
        out.seq = int(data["seq"])
        return out


def _dense_cos(a: F32, b: F32 | None) -> float:
    if b is None:
        return 0.0
    na = float(np.linalg.norm(a))
    nb = float(np.linalg.norm(b))
    if na <= 0.0 or nb <= 0.0 or math.isnan(na * nb):
        return 0.0
    return float(np.dot(a, b)) / (na * nb)


def _present(v: Vec, others: list[Vec]) -> npt.NDArray[np.bool_]:
    if v.keys.shape[0] == 0:
        return np.zeros(len(others), dtype=bool)
    return np.fromiter((o.keys.shape[0] > 0 for o in others), dtype=bool, count=len(others))
