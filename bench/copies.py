"""Copy detection speed: storyline end to end vs MinHash LSH peers, in the same run, as ratios.

Each engine runs in its own process on the same corpus (Reuters-21578, optionally replicated
with seeded random word edits up to --scale articles) and does the whole job: tokenise,
fingerprint, find candidates, group. storyline also aligns and relates every candidate pair.
Peers: datasketch MinHashLSH and rensa (where installed), word 5-gram shingles, 128 permutations,
threshold 0.5. Prints articles/s, MB/s, peak RSS and each ratio; writes JSON.

    .venv/bin/python bench/copies.py [--scale 100000] [--out bench/results/copies_speed.json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpora import load_jsonl_corpus, make_article

from storyline.article import Article

ENGINES = ("storyline", "datasketch", "rensa")
_WORD = re.compile(r"\w+")


def corpus(scale: int) -> list[Article]:
    """Reuters as shipped, then copies with ~5% of words replaced, until `scale` articles."""
    base = load_jsonl_corpus("reuters21578")
    out = list(base)
    rng = random.Random(1)
    copy = 0
    while len(out) < scale:
        copy += 1
        for a in base:
            if len(out) >= scale:
                break
            words = a.text.split(" ")
            for _ in range(max(1, len(words) // 20)):
                words[rng.randrange(len(words))] = rng.choice(("the", "said", "new", "year"))
            out.append(make_article(f"{a.id}#{copy}", " ".join(words), source="bench"))
    return out


def shingles(text: str) -> list[str]:
    words = _WORD.findall(text.lower())
    return [" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))]


def run_storyline(articles: list[Article]) -> int:
    from storyline.copies import (
        build_families,
        find_candidates,
        fingerprint,
        members_from_prints,
        relate_candidates,
    )

    by_id = {a.id: a for a in articles}
    prints = [fingerprint(a) for a in articles]
    candidates = find_candidates(prints)
    copies = [
        c
        for c, _ in relate_candidates(candidates, lambda ids: {i: by_id[i] for i in ids})
        if c.relation
    ]
    return len(build_families(copies, members_from_prints(prints)))


def _groups(pairs: Iterator[tuple[int, int]], n: int) -> int:
    """Connected groups of two or more articles (union-find over the candidate pairs)."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    touched: set[int] = set()
    for i, j in pairs:
        parent[find(i)] = find(j)
        touched.update((i, j))
    return len({find(i) for i in touched})


def run_datasketch(articles: list[Article]) -> int:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    hashes = []
    for i, a in enumerate(articles):
        m = MinHash(num_perm=128, seed=1)
        m.update_batch([s.encode() for s in shingles(a.text)])
        lsh.insert(i, m)
        hashes.append(m)
    pairs = ((i, j) for i, m in enumerate(hashes) for j in lsh.query(m) if j != i)
    return _groups(pairs, len(articles))


def run_rensa(articles: list[Article]) -> int:
    from rensa import RMinHash, RMinHashLSH

    lsh = RMinHashLSH(threshold=0.5, num_perm=128, num_bands=16)
    hashes = []
    for i, a in enumerate(articles):
        m = RMinHash(num_perm=128, seed=1)
        m.update(shingles(a.text))
        lsh.insert(i, m)
        hashes.append(m)
    pairs = ((i, j) for i, m in enumerate(hashes) for j in lsh.query(m) if j != i)
    return _groups(pairs, len(articles))


def child(engine: str, scale: int) -> None:
    articles = corpus(scale)
    mb = sum(len(a.text.encode()) for a in articles) / 1e6
    start = time.perf_counter()
    groups = {"storyline": run_storyline, "datasketch": run_datasketch, "rensa": run_rensa}[engine](
        articles
    )
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "articles": len(articles),
                "mb": mb,
                "seconds": seconds,
                "groups": groups,
                "peak_rss_mb": rss,
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=0, help="replicate Reuters up to this many")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=Path("bench/results/copies_speed.json"))
    args = ap.parse_args()
    if args.child:
        child(args.child, args.scale)
        return
    results: dict[str, dict[str, float | str]] = {}
    for engine in args.engines.split(","):
        done = subprocess.run(
            [sys.executable, __file__, "--child", engine, "--scale", str(args.scale)],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            results[engine] = {"error": done.stderr.strip().splitlines()[-1]}
            print(f"{engine}: failed: {results[engine]['error']}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        r["articles_per_s"] = r["articles"] / r["seconds"]
        r["mb_per_s"] = r["mb"] / r["seconds"]
        results[engine] = r
    ours = results.get("storyline", {})
    for engine, r in results.items():
        if "error" in r:
            continue
        ratio = float(ours.get("articles_per_s", 0)) / float(r["articles_per_s"])
        r["storyline_speed_ratio"] = round(ratio, 3)
        print(
            f"{engine:>10}: {r['articles']:,} articles in {r['seconds']:.1f} s = "
            f"{r['articles_per_s']:,.0f} articles/s, {r['mb_per_s']:.2f} MB/s, "
            f"peak RSS {r['peak_rss_mb']:.0f} MB; storyline/{engine} = {ratio:.2f}x"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"scale": args.scale, "engines": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
