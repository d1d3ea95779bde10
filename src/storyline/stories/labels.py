"""Readable labels for stories and storylines, and the evidence for each assignment.

A label is the representative headline (the titled member that matched its story best when it
joined; else the founder's headline or opening words), the heaviest names and terms of the centroid
and the date span. Evidence names what an article and its story share, heaviest first.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storyline.stories import sparse
from storyline.stories.cluster import Scored, StoryState, story_id
from storyline.stories.features import Features
from storyline.stories.records import Evidence, StoryLabel
from storyline.stories.sparse import Vec

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HEADLINE_WORDS = 14


def day_text(day: float | None) -> str | None:
    if day is None:
        return None
    return (_EPOCH + timedelta(days=day)).date().isoformat()


def headline_of(title: str | None, text: str) -> str:
    """The title, else the opening words of the text."""
    if title and title.strip():
        return " ".join(title.split())
    opening = text.strip().split()[:HEADLINE_WORDS]
    head = " ".join(opening)
    return head + ("…" if len(text.split()) > HEADLINE_WORDS else "")


def top_strings(vec: Vec, shown: dict[int, str], k: int, names: bool = False) -> tuple[str, ...]:
    out: list[str] = []
    for slot in vec.top(k * 3).tolist():
        text = shown.get(slot)
        if text is None:
            continue
        if names:
            if text.startswith("~"):
                continue  # bare surnames: the full name is listed instead
            text = text.title()
        if text not in out:
            out.append(text)
        if len(out) == k:
            break
    return tuple(out)


def story_label(st: StoryState, shown: dict[int, str]) -> StoryLabel:
    return StoryLabel(
        headline=st.headline,
        names=top_strings(st.names, shown, 5, names=True),
        terms=top_strings(st.text, shown, 6),
        first=day_text(st.first),
        last=day_text(st.last),
    )


def evidence(
    f: Features,
    best: Scored | None,
    story: StoryState | None,
    runner_up: Scored | None,
    shown: dict[int, str],
    family: str | None = None,
) -> Evidence:
    """Evidence for an article joining `story` with score `best` (both None: a new story)."""
    terms: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    if story is not None:
        slots, _ = sparse.shared(f.text, story.text)
        terms = tuple(shown[s] for s in slots[:8].tolist() if s in shown)[:5]
        nslots, _ = sparse.shared(f.names, story.names)
        names = tuple(
            shown[s].title()
            for s in nslots[:8].tolist()
            if s in shown and not shown[s].startswith("~")
        )[:5]
    return Evidence(
        score=round(best.score, 4) if best else 1.0,
        text=_r(best.text) if best else None,
        title=_r(best.title) if best else None,
        names=_r(best.names) if best else None,
        dense=_r(best.dense) if best else None,
        time_factor=round(best.time_factor, 4) if best else 1.0,
        shared_terms=terms,
        shared_names=names,
        family=family,
        runner_up=story_id(runner_up.story) if runner_up else None,
        runner_up_score=round(runner_up.score, 4) if runner_up else None,
    )


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)
