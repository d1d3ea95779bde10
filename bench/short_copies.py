"""Short copies: are near-duplicate briefs found when a few words differ? Prints, writes JSON.

A brief of 15 words has 11 word 5-grams; one word changed in its middle leaves 6 of them
shared, a Jaccard of 0.375, so MinHash LSH tuned for articles finds it by chance, and two
changes leave almost nothing. This bench makes such briefs from Reuters-21578 articles
(>= 120 words, a seeded sample): each original is an article's first `--words` words, its copy
the same with `--edits` words replaced by other words of the corpus (a retitled name, a
changed verb, a typo fixed). Originals, copies, 1,000 distractor briefs of the same length
(other articles' leads) and 3,000 whole distractor articles form one corpus.

Per (length, edits): for storyline (`find_copies`, default settings) and the MinHash LSH
peers (word 5-grams, threshold 0.5, as bench/copies.py runs them): recall (copy and original
in one family or LSH group) and strays (a copy grouped with another sampled original), and
storyline's seconds.

    .venv/bin/python bench/short_copies.py [--words 15,25,40] [--edits 1,2,3] [--briefs 200]
        [--peers rensa,datasketch] [--out bench/results/short_copies.json]
    .venv/bin/python bench/short_copies.py --quick   # 15 and 25 words, 2 edited (the CI gate)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpora import long_reuters
from copies import RUNNERS
from noisy_copies import article, scores, scores_line

from storyline.copies import find_copies
from storyline.workers import default_workers

RESULTS = Path(__file__).resolve().parent / "results" / "short_copies.json"


def edited(words: list[str], edits: int, vocabulary: list[str], rng: random.Random) -> str:
    """`words` with `edits` of them (distinct positions) replaced by other vocabulary words."""
    out = list(words)
    for pos in rng.sample(range(len(words)), edits):
        out[pos] = rng.choice([w for w in rng.sample(vocabulary, 3) if w != words[pos]])
    return " ".join(out)


def level(
    base: list[dict[str, Any]], n: int, words: int, edits: int, peers: list[str], seed: int
) -> dict[str, Any]:
    rng = random.Random(seed * 1000 + words * 10 + edits)
    originals, briefs, whole = base[:n], base[n : n + 1000], base[n + 1000 : n + 4000]
    vocabulary = sorted({w for r in whole[:500] for w in r["text"].split()})
    lead = {r["id"]: r["text"].split()[:words] for r in originals + briefs}
    texts = {i: " ".join(w) for i, w in lead.items()}
    texts |= {f"{r['id']}#copy": edited(lead[r["id"]], edits, vocabulary, rng) for r in originals}
    texts |= {r["id"]: r["text"] for r in whole}
    pairs = [(r["id"], f"{r['id']}#copy") for r in originals]
    start = time.perf_counter()
    report = find_copies([article(i, t) for i, t in texts.items()], workers=default_workers())
    group = {m: f.id for f in report.families for m in f.members}
    out: dict[str, Any] = {"words": words, "edits": edits, "pairs": len(pairs)}
    out["storyline"] = scores(pairs, group) | {"seconds": round(time.perf_counter() - start, 2)}
    ids = list(texts)
    for peer in peers:
        labels = RUNNERS[peer](ids, [texts[i] for i in ids])
        out[peer] = scores(pairs, dict(zip(ids, labels, strict=True)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", default="15,25,40")
    ap.add_argument("--edits", default="1,2,3")
    ap.add_argument("--briefs", type=int, default=200)
    ap.add_argument("--peers", default="rensa,datasketch", help="'' for none")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--quick", action="store_true", help="15 and 25 words, 2 edited, no peers")
    args = ap.parse_args()
    if args.quick:
        args.words, args.edits, args.peers = "15,25", "2", ""
    base = long_reuters(args.seed)
    peers = [p for p in args.peers.split(",") if p]
    results = {}
    for words in (int(x) for x in args.words.split(",")):
        for edits in (int(x) for x in args.edits.split(",")):
            r = level(base, args.briefs, words, edits, peers, args.seed)
            results[f"words_{words}_edits_{edits}"] = r
            line = f"{words} words, {edits} edited:" + scores_line(r, ("storyline", *peers))
            print(line + f"  (storyline {r['storyline']['seconds']} s)", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"levels": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
