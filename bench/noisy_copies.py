"""Noisy reprints: are copies found when OCR and scraping have garbled them? Prints, writes JSON.

NEWS-COPY's reprinted wire stories average only 30% word 3-gram Jaccard with each other; no
such set is shared here, so this one is made the same way for every noise level: Reuters-21578
articles (>= 120 words, a seeded sample) each get one reprint that is

* OCR'd at a character error rate: a letter misread (as a look-alike glyph where one exists:
  l/1, O/0, rn/m, e/c, h/b, u/n ...; any letter otherwise), two words run together, a word
  split, a word broken across a line with a hyphen;
* trimmed (every other reprint keeps its first 60-90% of words, as papers cut wire copy);
* wrapped in scraper debris (a line before, one after), as scraped pages are.

Originals, reprints and 3,000 other Reuters articles (distractors) form one corpus. Figures per
level: the pairs' mean word 3-gram Jaccard (to place the level against NEWS-COPY's 0.30), and
for storyline (`find_copies`, the texts cleaned as a build cleans them; `storyline_ocr`: with
the OCR profile, `build --profile ocr`) and for MinHash LSH peers (word 5-grams, threshold 0.5,
as bench/copies.py runs them):

* recall: reprints in one copy family (storyline) or LSH group (peers) with their original;
* strays: reprints grouped with another of the sampled originals (a reprint of one story called
  a copy of another);
* storyline's relation for each (original, reprint) pair: `near_duplicate` is right (noise is
  no edit), `version` says an edit was seen where only noise was.

    .venv/bin/python bench/noisy_copies.py [--rates 0,0.01,0.02,0.03,0.05] [--originals 300]
        [--out bench/results/noisy_copies.json]
    .venv/bin/python bench/noisy_copies.py --quick   # 0.03 only, no peers (the CI gate)

Levels are keyed `rate_<percent>pct` in the JSON; `reprints_as_near_duplicate` is the share
of pairs storyline calls `near_duplicate`.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpora import long_reuters
from copies import RUNNERS, shingles

from storyline.article import Article, Origin, RawArticle
from storyline.clean import clean
from storyline.copies import PROFILES, find_copies
from storyline.workers import default_workers

RESULTS = Path(__file__).resolve().parent / "results" / "noisy_copies.json"
LOOK_ALIKE = {"l": "1", "i": "l", "o": "0", "e": "c", "c": "e", "h": "b", "u": "n", "n": "u"}
LOOK_ALIKE |= {"s": "a", "a": "s", "t": "f", "f": "t", "m": "rn", "O": "0", "I": "l", "S": "5"}
DEBRIS = (
    ("ADVERTISEMENT", "Share this article: Facebook Twitter Email"),
    ("Skip to main content", "Copyright 2026. All rights reserved."),
)


def ocr(text: str, rate: float, rng: random.Random) -> str:
    """`text` misread at about `rate` errors per letter (see the module docstring)."""
    out = []
    for ch in text:
        r = rng.random()
        if ch.isalpha() and r < rate:
            out.append(LOOK_ALIKE.get(ch) or rng.choice("aeinorstu"))
        elif ch == " " and r < 1.3 * rate:
            continue  # two words run together
        elif ch.isalpha() and r < 1.5 * rate:
            out.append(ch + " ")  # a word split
        elif ch.isalpha() and r < 1.6 * rate:
            out.append(ch + "-\n")  # broken across a line
        else:
            out.append(ch)
    return "".join(out)


def reprint(text: str, rate: float, trim: bool, rng: random.Random) -> str:
    words = text.split()
    if trim:
        words = words[: max(40, int(len(words) * rng.uniform(0.6, 0.9)))]
    before, after = rng.choice(DEBRIS)
    return f"{before}\n\n{ocr(' '.join(words), rate, rng)}\n\n{after}\n"


def article(doc_id: str, text: str) -> Article:
    origin = Origin("bench/noisy_copies", doc_id, "")
    return clean(RawArticle(id=doc_id, origin=origin, text=text))


def trigram_jaccard(a: str, b: str) -> float:
    ga, gb = set(shingles(a, 3)), set(shingles(b, 3))
    return len(ga & gb) / len(ga | gb)


def level(
    base: list[dict[str, Any]], n: int, rate: float, peers: list[str], seed: int
) -> dict[str, Any]:
    rng = random.Random(seed)
    originals, distractors = base[:n], base[n : n + 3000]
    reprints = {
        f"{r['id']}#reprint": reprint(r["text"], rate, k % 2 == 1, rng)
        for k, r in enumerate(originals)
    }
    texts = {r["id"]: r["text"] for r in originals + distractors} | reprints
    pairs = [(r["id"], f"{r['id']}#reprint") for r in originals]
    out: dict[str, Any] = {
        "rate": rate,
        "pairs": len(pairs),
        "trigram_jaccard": round(sum(trigram_jaccard(texts[a], texts[b]) for a, b in pairs) / n, 3),
    }
    articles = [article(i, t) for i, t in texts.items()]
    for engine, profile in (("storyline", "news"), ("storyline_ocr", "ocr")):
        start = time.perf_counter()
        report = find_copies(articles, PROFILES[profile], workers=default_workers())
        group = {m: f.id for f in report.families for m in f.members}
        relation = {(c.a, c.b): c.relation for c in report.copies}
        relations = Counter(_relation(relation, group, p) for p in pairs)
        out[engine] = scores(pairs, group) | {
            "seconds": round(time.perf_counter() - start, 2),
            "relations": dict(relations.most_common()),
            "reprints_as_near_duplicate": round(relations["near_duplicate"] / n, 3),
        }
    ids = list(texts)
    for peer in peers:
        labels = RUNNERS[peer](ids, [texts[i] for i in ids])
        out[peer] = scores(pairs, dict(zip(ids, labels, strict=True)))
    return out


def _relation(
    relation: dict[tuple[str, str], Any], group: dict[str, str], p: tuple[str, str]
) -> str:
    """The pair's relation; `same_family` when it was not aligned itself (its family joined
    it first: `CopySettings.skip_joined_pairs`), `none` when unrelated."""
    a, b = sorted(p)
    if relation.get((a, b)):
        return str(relation[(a, b)])
    return "same_family" if a in group and group.get(a) == group.get(b) else "none"


def scores(pairs: list[tuple[str, str]], group: dict[str, Any]) -> dict[str, Any]:
    """Recall of the pairs as one group, and reprints grouped with another sampled original."""
    found = sum(1 for a, b in pairs if b in group and group.get(a) == group[b])
    with_original = {group[a] for a, _ in pairs if a in group}
    strays = sum(
        1 for a, b in pairs if b in group and group.get(a) != group[b] and group[b] in with_original
    )
    return {"recall": round(found / len(pairs), 3), "strays": strays}


def scores_line(level: dict[str, Any], engines: Iterable[str]) -> str:
    """Each engine's `scores` of one level, on one line."""
    return "".join(
        f"  {e} recall {level[e]['recall']:.3f} strays {level[e]['strays']}" for e in engines
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rates", default="0,0.01,0.02,0.03,0.05")
    ap.add_argument("--originals", type=int, default=300)
    ap.add_argument("--peers", default="rensa,datasketch", help="'' for none")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--quick", action="store_true", help="0.03 only, no peers")
    args = ap.parse_args()
    if args.quick:
        args.rates, args.peers = "0.03", ""
    base = long_reuters(args.seed)
    peers = [p for p in args.peers.split(",") if p]
    results = {}
    for rate in (float(x) for x in args.rates.split(",")):
        r = level(base, args.originals, rate, peers, args.seed)
        results[f"rate_{rate * 100:g}pct"] = r
        line = f"rate {rate:.2f} (3-gram Jaccard {r['trigram_jaccard']:.2f}):"
        print(line + scores_line(r, ("storyline", "storyline_ocr", *peers)))
        for engine in ("storyline", "storyline_ocr"):
            print(f"{'':>10}{engine} relations {r[engine]['relations']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"levels": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
