"""Small fictional corpora written on the fly (deterministic for a seed)."""

from __future__ import annotations

import json
import random
from pathlib import Path

_WORDS = [
    "council",
    "harbor",
    "bridge",
    "ferry",
    "budget",
    "mayor",
    "engineers",
    "inspection",
    "storm",
    "port",
    "vote",
    "tariff",
    "schools",
    "hospital",
    "minister",
    "union",
    "strike",
    "election",
    "court",
    "ruling",
    "river",
    "flood",
    "police",
    "market",
    "farmers",
    "drought",
    "festival",
    "museum",
    "library",
    "airport",
    "runway",
    "contract",
    "shipyard",
]


def _paragraph(rng: random.Random, words: int) -> str:
    body = " ".join(rng.choice(_WORDS) for _ in range(words))
    return body[0].upper() + body[1:] + "."


def article_text(rng: random.Random, paragraphs: int = 4) -> str:
    return "\n\n".join(_paragraph(rng, rng.randint(20, 60)) for _ in range(paragraphs))


def make_corpus(root: Path, *, txt_files: int = 20, jsonl_lines: int = 200, seed: int = 7) -> Path:
    """A folder of fictional articles: text files, one JSONL (with one broken line) and one
    empty file. Deterministic for a given seed."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for i in range(txt_files):
        (root / f"story-{i:03d}.txt").write_text(
            f"Headline number {i} about the {rng.choice(_WORDS)}\n\n" + article_text(rng),
            encoding="utf-8",
        )
    with (root / "feed.jsonl").open("w", encoding="utf-8") as f:
        for i in range(jsonl_lines):
            row = {"id": f"feed-{i}", "title": f"Feed item {i}", "text": article_text(rng)}
            f.write(json.dumps(row) + "\n")
            if i == jsonl_lines // 2:
                f.write('{"id": "broken", "text": "cut off\n')
    (root / "empty.txt").write_text("", encoding="utf-8")
    return root
