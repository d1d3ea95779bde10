"""Speed and memory of story clustering at scale (no embeddings), and embedding throughput.

    .venv/bin/python bench/stories.py                 # 100,000 articles, then 1,000 more
    .venv/bin/python bench/stories.py --docs 20000    # smaller run
    .venv/bin/python bench/stories.py --embeddings 2000   # also: 2,000 articles clustered with
                                                          # and without the sentence encoder
                                                          # (needs the `embeddings` extra)

The corpus is Reuters-21578 (../shared/corpora/reuters21578.jsonl, 19,043 articles with a body)
replicated to the size asked: each replica shifts every date by a whole number of years plus a
few days, and lightly edits each text (a few words dropped or swapped, seeded), so replicas are
near-copies spread over time, not exact duplicates. Measures: a full build of N articles in one
`add()`, the state's size as JSON, a restore from it, and adding 1,000 further articles (dated
after the rest) to the restored N-article index. Peak RSS is the process's maximum resident set.
Prints every figure and writes bench/results/stories_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from storyline.article import Article, Origin, Paragraph
from storyline.stories import StoryIndex, StorySettings
from storyline.workers import default_workers

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
CORPUS = ROOT.parent / "shared" / "corpora" / "reuters21578.jsonl"
RESULTS = ROOT / "bench" / "results"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def load() -> list[dict[str, Any]]:
    rows = []
    with open(CORPUS, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if (r.get("text") or "").strip() and r.get("published"):
                rows.append(r)
    rows.sort(key=lambda r: (r["published"], r["id"]))
    return rows


def edit(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for _ in range(max(1, len(words) // 40)):
        k = rng.randrange(len(words))
        if rng.random() < 0.5:
            words.pop(k)
        else:
            j = rng.randrange(len(words))
            words[k], words[j] = words[j], words[k]
        if len(words) < 3:
            break
    return " ".join(words)


def replicate(rows: list[dict[str, Any]], n: int, offset: int = 0) -> list[Article]:
    out: list[Article] = []
    k = offset
    while len(out) < n:
        rep, i = divmod(k, len(rows))
        r = rows[i]
        rng = random.Random(k)
        when = datetime.fromisoformat(r["published"]) + timedelta(days=366 * rep + rng.randrange(3))
        text = r["text"] if rep == 0 else edit(r["text"], rng)
        out.append(
            Article(
                id=f"{r['id']}-r{rep}",
                origin=Origin("bench", str(k), ""),
                text=text,
                paragraphs=(Paragraph(0, len(text)),),
                raw_text=text,
                title=r.get("title"),
                outlet=r.get("outlet"),
                published=when.isoformat(),
            )
        )
        k += 1
    return out


def embedding_throughput(sample: list[Article], settings: StorySettings) -> dict[str, Any]:
    """The same articles clustered without and with the sentence encoder (CPU), weighted as
    in `eval_stories.py --embeddings`."""
    from eval_stories import DENSE_WEIGHT

    from storyline.stories.embeddings import SentenceEncoder

    t0 = time.perf_counter()
    StoryIndex(settings).add(sample)
    plain = time.perf_counter() - t0
    t0 = time.perf_counter()
    encoder = SentenceEncoder()
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    StoryIndex(replace(settings, weight_dense=DENSE_WEIGHT), encoder=encoder).add(sample)
    dense = time.perf_counter() - t0
    out = {
        "articles": len(sample),
        "model": encoder.name,
        "model_load_seconds": round(load, 1),
        "without_encoder_seconds": round(plain, 1),
        "with_encoder_seconds": round(dense, 1),
        "articles_per_s_with_encoder": round(len(sample) / dense, 1),
        "articles_per_s_without": round(len(sample) / plain, 1),
    }
    print(
        f"embeddings: {len(sample)} articles in {out['with_encoder_seconds']} s with the encoder"
        f" ({out['articles_per_s_with_encoder']}/s) vs {out['without_encoder_seconds']} s"
        f" without ({out['articles_per_s_without']}/s); model load {out['model_load_seconds']} s"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--extra", type=int, default=1_000)
    ap.add_argument("--embeddings", type=int, default=0, help="articles to time the encoder on")
    ap.add_argument(
        "--workers", type=int, default=default_workers(), help="processes counting words"
    )
    ap.add_argument("--out", type=Path, default=RESULTS / "stories_speed.json")
    args = ap.parse_args(argv)
    if not CORPUS.is_file():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2
    rows = load()
    arts = replicate(rows, args.docs)
    extra = replicate(rows, args.extra, offset=args.docs)
    settings = StorySettings()
    result: dict[str, Any] = {
        "docs": args.docs,
        "extra": args.extra,
        "settings": settings.to_dict(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "workers": args.workers,
        "note": "clustering is sequential by design (online, single pass); workers count words",
    }
    rss0 = peak_rss_mb()
    t0 = time.perf_counter()
    index = StoryIndex(settings)
    index.add(arts, workers=args.workers)
    result["full_build_seconds"] = round(time.perf_counter() - t0, 1)
    result["stories"] = len(index.stories())
    result["storylines"] = len(index.storylines())
    result["peak_rss_mb_after_build"] = round(peak_rss_mb(), 1)
    result["peak_rss_mb_before_build"] = round(rss0, 1)
    print(
        f"full build: {args.docs} articles in {result['full_build_seconds']} s, "
        f"{result['stories']} stories, {result['storylines']} storylines, "
        f"peak RSS {result['peak_rss_mb_after_build']} MB"
    )
    t0 = time.perf_counter()
    state = json.dumps(index.to_dict())
    result["state_json_mb"] = round(len(state) / 1e6, 1)
    result["save_seconds"] = round(time.perf_counter() - t0, 1)
    del index
    t0 = time.perf_counter()
    restored = StoryIndex.from_dict(json.loads(state))
    result["restore_seconds"] = round(time.perf_counter() - t0, 1)
    del state
    print(
        f"state: {result['state_json_mb']} MB JSON, save {result['save_seconds']} s, "
        f"restore {result['restore_seconds']} s"
    )
    t0 = time.perf_counter()
    out = restored.add(extra, workers=args.workers)
    result["add_extra_seconds"] = round(time.perf_counter() - t0, 2)
    result["extra_new_stories"] = sum(a.new_story for a in out)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(
        f"add {args.extra} to {args.docs}: {result['add_extra_seconds']} s "
        f"({result['extra_new_stories']} new stories); peak RSS {result['peak_rss_mb']} MB"
    )
    if args.embeddings:
        result["embeddings"] = embedding_throughput(arts[: args.embeddings], settings)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
