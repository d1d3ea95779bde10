"""What clustering compares: hashed TF-IDF of words and of names, and a publication day.

Words are lowercased, stop words dropped and plurals folded ("earthquakes" is "earthquake"). Names
are found without a model: runs of capitalised words (joined by "of", "bin", ...), less sentence
openers that the text also uses in lower case, honorifics and a stop list; "President Donald Trump"
gives the name "donald trump" and the surname "trump", so a later "Trump" still matches.

Every word and name is hashed (xxh3, no salt) into a fixed space of `2**hash_bits` slots, so the
document frequencies (`DocFreq`) are one array that grows with the corpus: IDF is always that of the
corpus seen so far, and the vectors of a new article need nothing refitted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

import numpy as np
import xxhash

from storyline.article import Article
from storyline.stories.patterns import (
    CAP_WORD,
    CONNECTORS,
    CONNECTORS_INNER_ONLY,
    ENTITY_STOP,
    HONORIFICS,
    OPENER_ENDINGS,
    POSSESSIVE,
    SENTENCE_END,
    SOLO_RUN,
    STOP_WORDS,
    WORD,
)
from storyline.stories.records import StorySettings
from storyline.stories.sparse import F32, F64, I32, Vec, array_b64, b64_array, unit

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LETTER = re.compile(r"[^\W\d_]")
_UPPER = re.compile(r"[A-ZÀ-ÖØ-Þ]")


@lru_cache(maxsize=1 << 18)
def stem(word: str) -> str:
    """A light, predictable plural fold: "earthquakes" → "earthquake", "companies" → "company"."""
    if len(word) <= 3 or word[-1] != "s" or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ss", "us", "is", "ous", "ics")):
        return word
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    return word[:-1]


def words(text: str) -> list[str]:
    """Content words: lowercased, stop words and one-letter words dropped, plurals folded; a run
    of Chinese or Japanese gives its character bigrams (the usual terms where words are not
    spaced: "林德大桥" gives "林德", "德大", "大桥"; a single character, itself)."""
    lowered = text.lower()
    runs = [unicodedata.normalize("NFKC", run) for run in SOLO_RUN.findall(lowered)]  # "ｶﾞ": "ガ"
    out = [run[i : i + 2] for run in runs for i in range(max(1, len(run) - 1))]
    if runs:
        lowered = SOLO_RUN.sub(" ", lowered)
    for match in WORD.finditer(lowered):
        w = POSSESSIVE.sub("", match.group(0))
        if len(w) < 2 or w in STOP_WORDS:
            continue
        if w.isdigit() and len(w) < 2:
            continue
        out.append(stem(w))
    return out


def _mostly_upper(text: str) -> bool:
    head = text[:2000]
    letters = len(_LETTER.findall(head))
    if letters < 8:
        return False
    return len(_UPPER.findall(head)) > 0.6 * letters


def _norm_name(parts: list[str]) -> str:
    text = " ".join(parts).lower().replace("’", "'")
    text = POSSESSIVE.sub("", text).replace("-", " ").replace(".", "")
    return " ".join(text.split())


def _is_cap(word: str) -> bool:
    if not word[0].isupper():
        return False
    # shouted words and all-caps headlines are not names; short acronyms (UN, NATO) are
    return not (word.isupper() and len(word.replace(".", "")) > 5)


def names(text: str) -> list[str]:
    """Names in a text (normalised, one entry per mention): capitalised-phrase heuristics."""
    if not text or _mostly_upper(text):
        return []
    lower_seen = {w for w in WORD.findall(text) if w.islower()}
    found: list[str] = []
    start = 0
    bounds = [m.end() for m in SENTENCE_END.finditer(text)] + [len(text)]
    for end in bounds:
        segment = text[start:end]
        start = end
        matches = list(CAP_WORD.finditer(segment))
        if not matches:
            continue
        tokens = [m.group(0) for m in matches]
        # a name never runs across punctuation: "North Korea, Iran" is two names
        joined = [False] + [
            not segment[matches[k - 1].end() : matches[k].start()].strip()
            for k in range(1, len(matches))
        ]
        caps = sum(1 for t in tokens if t[0].isupper())
        if len(tokens) >= 4 and caps >= 0.75 * len(tokens):
            continue  # a title-cased headline: every word is capitalised, names can't be told apart
        i = 0
        while i < len(tokens):
            if not _is_cap(tokens[i]):
                i += 1
                continue
            j = i + 1
            while j < len(tokens) and joined[j]:
                t = tokens[j]
                if _is_cap(t):
                    j += 1
                elif (
                    t in CONNECTORS
                    and j + 1 < len(tokens)
                    and joined[j + 1]
                    and _is_cap(tokens[j + 1])
                    and (t not in CONNECTORS_INNER_ONLY or j - i <= 3)
                ):
                    j += 2
                else:
                    break
            run = tokens[i:j]
            at_start = opener = i == 0
            i = j
            # strip sentence openers, stop words and honorifics from the front
            while run:
                head = POSSESSIVE.sub("", run[0]).lower()
                if head in HONORIFICS or head in ENTITY_STOP or (at_start and head in lower_seen):
                    run = run[1:]
                    at_start = False
                    while run and run[0] in CONNECTORS:
                        run = run[1:]
                    continue
                break
            while run and (run[-1] in CONNECTORS):
                run = run[:-1]
            if not run:
                continue
            key = _norm_name(run)
            if len(run) == 1 and (
                len(key) < 2
                or key in ENTITY_STOP
                or key in STOP_WORDS
                or key.isdigit()
                or (opener and key.endswith(OPENER_ENDINGS))
            ):
                continue
            if not key:
                continue
            found.append(key)
            parts = key.split()
            if 2 <= len(parts) <= 3 and not any(p in CONNECTORS for p in parts):
                last = parts[-1]
                if len(last) >= 3 and last not in STOP_WORDS and last not in ENTITY_STOP:
                    found.append("~" + last)  # the surname alone, as later mentions say it
    return found


def parse_day(published: str | None) -> float | None:
    """Days since 1970-01-01 (UTC) of an ISO 8601 date or datetime, or None."""
    if not published:
        return None
    text = published.strip()
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = datetime.fromisoformat(text[:10])
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - _EPOCH).total_seconds() / 86400.0


@lru_cache(maxsize=1 << 20)
def slot(key: str, bits: int) -> int:
    """The hashing slot of a word ("w" namespace) or name ("e|" prefix): xxh3, never salted."""
    return int(xxhash.xxh3_64_intdigest(key.encode("utf-8")) & ((1 << bits) - 1))


@dataclass(slots=True)
class Counts:
    """An article's raw term counts before IDF: text (title and body), heading (the title, else
    the lead), names."""

    text: dict[int, float] = field(default_factory=dict)
    title: dict[int, float] = field(default_factory=dict)
    names: dict[int, float] = field(default_factory=dict)
    day: float | None = None
    shown: dict[int, str] = field(default_factory=dict)
    titled: bool = False
    mentions: dict[int, float] = field(default_factory=dict)
    """Mentions per name head (see `head_slot`), not part of `slots()`: it has no IDF."""

    def slots(self) -> set[int]:
        return set(self.text) | set(self.title) | set(self.names)


@dataclass(slots=True, eq=False)
class Features:
    """An article's unit TF-IDF vectors: text, heading (`title`: the title, else the lead) and
    names (empty where it has none)."""

    text: Vec
    title: Vec
    names: Vec
    day: float | None
    dense: F32 | None = None
    titled: bool = False
    """Whether `title` holds a real title (not the lead), so its headline may label a story."""
    mentions: Vec = field(default_factory=Vec.empty)
    """Every name head the article mentions, weighted by its salience (see `salience`)."""


def title_of(article: Article) -> str:
    return (article.title or "").strip()


def count(article: Article, settings: StorySettings) -> Counts:
    """Count the words of title and body (the title `title_boost` times, the lead `lead_boost`
    times) and the names in them. An untitled article's heading is its opening words."""
    bits = settings.hash_bits
    out = Counts(day=parse_day(article.published))
    title = title_of(article)
    body = article.text or ""
    title_words = words(title)
    out.titled = bool(title_words)
    body_words = words(body)
    for w in title_words or body_words[: settings.lead_title_words]:
        s = slot(w, bits)
        out.title[s] = out.title.get(s, 0.0) + 1.0
    for w in title_words:
        s = slot(w, bits)
        out.text[s] = out.text.get(s, 0.0) + settings.title_boost
        out.shown.setdefault(s, w)
    for k, w in enumerate(body_words):
        s = slot(w, bits)
        boost = settings.lead_boost if k < settings.lead_words else 1.0
        out.text[s] = out.text.get(s, 0.0) + boost
        out.shown.setdefault(s, w)
    found = names(body)
    if title and not found:
        found = names(title)
    for name in found:
        s = slot("e|" + name, bits)
        weight = settings.surname_weight if name.startswith("~") else 1.0
        out.names[s] = out.names.get(s, 0.0) + weight
        out.shown.setdefault(s, name)
        if not name.startswith("~"):
            h = head_slot(name, bits)
            out.mentions[h] = out.mentions.get(h, 0.0) + 1.0
    return out


def head_slot(name: str, bits: int) -> int:
    """The slot of a name's last word, as a text word: "Hasim Rahman" and a later "Rahman" count
    as one participant, and a name can be looked for among another text's words."""
    return slot(stem(name.split()[-1]), bits)


def salience(mentions: dict[int, float], settings: StorySettings) -> Vec:
    """Each name head with its salience: mentions over the most mentioned head's, for heads named
    at least `conflict_mentions` times (the article's main participants), else 0 (merely named)."""
    if not mentions:
        return Vec.empty()
    keys = np.array(sorted(mentions), dtype=np.int32)
    counts = np.array([mentions[k] for k in keys.tolist()], dtype=np.float64)
    vals = np.where(counts >= settings.conflict_mentions, counts / counts.max(), 0.0)
    return Vec.of(keys, vals.astype(np.float32))


class DocFreq:
    """Document frequencies over the hashing space: IDF of the corpus seen so far."""

    def __init__(self, bits: int) -> None:
        self.bits = bits
        self.df = np.zeros(1 << bits, dtype=np.int32)
        self.n_docs = 0

    def observe(self, counts: Counts) -> None:
        keys = np.fromiter(counts.slots(), dtype=np.int64)
        self.df[keys] += 1
        self.n_docs += 1

    def idf(self, keys: I32) -> F64:
        n = float(self.n_docs)
        return np.log((1.0 + n) / (1.0 + self.df[keys].astype(np.float64))) + 1.0

    def to_plain(self) -> dict[str, object]:
        nz = np.flatnonzero(self.df).astype(np.int32)
        return {
            "bits": self.bits,
            "n_docs": self.n_docs,
            "slots": b64_array(nz),
            "counts": b64_array(self.df[nz]),
        }

    @staticmethod
    def from_plain(data: dict[str, object]) -> DocFreq:
        out = DocFreq(int(str(data["bits"])))
        out.n_docs = int(str(data["n_docs"]))
        keys = array_b64(str(data["slots"]), "int32").astype(np.int64)
        out.df[keys] = array_b64(str(data["counts"]), "int32")
        return out


def _vec(counts: dict[int, float], df: DocFreq, max_terms: int) -> Vec:
    if not counts:
        return Vec.empty()
    keys = np.fromiter(counts.keys(), dtype=np.int32, count=len(counts))
    tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    weights = (1.0 + np.log(np.maximum(tf, 1e-9))) * df.idf(keys)
    weights = np.maximum(weights, 0.0)
    return unit(keys, weights, max_terms)


def vectorise(counts: Counts, df: DocFreq, settings: StorySettings) -> Features:
    return Features(
        text=_vec(counts.text, df, settings.max_article_terms),
        title=_vec(counts.title, df, settings.max_article_terms),
        names=_vec(counts.names, df, settings.max_article_names),
        day=counts.day,
        titled=counts.titled,
        mentions=salience(counts.mentions, settings),
    )
