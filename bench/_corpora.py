"""Loaders for the shared evaluation data (../shared), as storyline `Article`s.

Nothing here is copied into the repository: every text is read from ../shared at run time.
The seeds go through `storyline.clean.clean`, as in a build.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import xxhash

from storyline.article import Article, Origin, Paragraph, RawArticle
from storyline.clean import clean
from storyline.records import made

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"


def paragraphs_of(text: str, split: str = r"\n[ \t]*\n") -> tuple[Paragraph, ...]:
    """Paragraph offsets of `text`, blocks separated by `split` (blank lines by default)."""
    out: list[Paragraph] = []
    pos = 0
    for m in _compiled(split).finditer(text):
        _add_paragraph(out, text, pos, m.start())
        pos = m.end()
    _add_paragraph(out, text, pos, len(text))
    return tuple(out)


_compiled = lru_cache(maxsize=8)(re.compile)


def _add_paragraph(out: list[Paragraph], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.lstrip()
    if stripped:
        out.append(made(Paragraph, end - len(stripped), start + len(chunk.rstrip())))


def make_article(
    doc_id: str,
    text: str,
    *,
    source: str,
    locator: str = "",
    title: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    metadata: dict[str, Any] | None = None,
    split: str = r"\n[ \t]*\n",
) -> Article:
    """An Article straight from a text (no cleaning): paragraphs are `split`-separated blocks.
    Made as the store reads one back (`records.made`): the speed bench makes its articles here."""
    origin = made(Origin, source, locator, xxhash.xxh3_128_hexdigest(text.encode("utf-8")))
    paragraphs = paragraphs_of(text, split)
    metadata = dict(metadata or {})
    return made(
        Article,
        doc_id,
        origin,
        text,
        paragraphs,
        text,  # raw_text
        (),  # removals
        title,
        None,  # url
        outlet,
        None,  # byline
        published,
        metadata,
    )


# --- the seeds ----------------------------------------------------------------------------------


def load_seeds() -> list[Article]:
    """The three seed articles, read as the build reads a text file and cleaned by storyline."""
    out = []
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        origin = Origin(str(path), "", xxhash.xxh3_128_hexdigest(text.encode("utf-8")))
        raw = RawArticle(id=path.name, origin=origin, text=text, headline_in_text=True)
        out.append(clean(raw))
    return out


# --- pairs-dev ------------------------------------------------------------------------------------


def load_pairs_dev() -> list[dict[str, Any]]:
    path = SHARED / "gold" / "pairs-dev.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def pairs_dev_articles(rows: list[dict[str, Any]], with_times: bool) -> dict[str, Article]:
    """The articles of pairs-dev rows by id; `with_times` joins publication times and outlets."""
    meta = corpus_meta() if with_times else {}
    arts: dict[str, Article] = {}
    for r in rows:
        for side in ("a", "b"):
            doc_id = r[f"{side}_id"]
            if doc_id in arts:
                continue
            m = meta.get(doc_id, {})
            arts[doc_id] = make_article(
                doc_id,
                r[f"{side}_text"],
                source="gold/pairs-dev.jsonl",
                locator=r["pair"],
                title=r[f"{side}_title"],
                published=m.get("published"),
                outlet=m.get("outlet"),
            )
    return arts


def corpus_meta(
    names: tuple[str, ...] = ("reuters21578", "bbc_news_2225"),
) -> dict[str, dict[str, Any]]:
    """id -> {published, outlet} from the derived JSONL corpora (for publication times)."""
    meta: dict[str, dict[str, Any]] = {}
    for name in names:
        for rec in iter_jsonl(CORPORA / f"{name}.jsonl"):
            meta[rec["id"]] = {"published": rec.get("published"), "outlet": rec.get("outlet")}
    return meta


# --- JSONL corpora and impresso -------------------------------------------------------------------


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def long_reuters(seed: int, min_words: int = 120) -> list[dict[str, Any]]:
    """Reuters-21578 records of at least `min_words` words, in a seeded random order."""
    rows = [
        r
        for r in iter_jsonl(CORPORA / "reuters21578.jsonl")
        if len((r.get("text") or "").split()) >= min_words
    ]
    random.Random(seed).shuffle(rows)
    return rows


def load_jsonl_corpus(name: str) -> list[Article]:
    path = CORPORA / f"{name}.jsonl"
    out = []
    for n, rec in enumerate(iter_jsonl(path), 1):
        out.append(
            make_article(
                rec["id"],
                rec.get("text") or "",
                source=str(path),
                locator=f"line {n}",
                title=rec.get("title"),
                published=rec.get("published"),
                outlet=rec.get("outlet"),
            )
        )
    return out


def load_impresso() -> tuple[list[Article], dict[str, int]]:
    """Each passim passage as a document (id: article uid + begin offset), and its cluster."""
    folder = CORPORA / "impresso_passim_1900" / "passim-output" / "out.json"
    docs: list[Article] = []
    cluster: dict[str, int] = {}
    for path in sorted(folder.glob("*.json")):
        for n, rec in enumerate(iter_jsonl(path), 1):
            uid = f"passim-{rec['uid']}-{rec['begin']}"
            if uid in cluster:
                continue
            cluster[uid] = int(rec["cluster"])
            docs.append(
                make_article(
                    uid,
                    rec.get("text") or "",
                    source=str(path),
                    locator=f"line {n}",
                    published=rec.get("date"),
                    outlet=rec.get("series"),
                    metadata={"article": rec.get("id")},
                )
            )
    return docs, cluster
