"""Copy detection speed and dev-pair F1: storyline end to end vs MinHash LSH peers, as ratios.

The corpus (Reuters-21578, replicated with seeded random word edits up to --scale articles) is
written once to a temporary JSONL file. Each engine then runs in a process of its own, reads
the texts and does the whole job, timed: tokenise, fingerprint, candidates, grouping. storyline
also aligns and relates the candidate pairs it keeps, with its default worker count (one per
CPU); as in a build, where each worker reads its pairs' texts from the store, the workers make
their articles themselves, from the texts they inherit when forked. storyline-quick is
storyline's families from fingerprints alone (`storyline.copies.quick`): the peers' job, the
same steps, no pair aligned, with the same workers. Peers, word 5-gram
shingles, 128 permutations, threshold 0.5, any pair sharing an LSH band counted as a copy:

* datasketch MinHashLSH and rensa (single process; they have no parallel mode);
* text-dedup 0.4 MinHash, its own pipeline with num_proc = CPUs (bench/_text_dedup.py), run by
  the interpreter given with --text-dedup-python (it pins pyspark and datasets: keep it in a
  venv of its own), or by this one if it imports text_dedup.

Every engine also groups the pairs-dev articles: two articles in one group are called copies,
scored against the gold SAME_SOURCE pairs (copy P/R/F1, as bench/eval_copies.py does).

Prints articles/s, MB/s, peak RSS (the main process, and its largest worker process: pages
shared after a fork count in both) and storyline's speed ratio to each peer; writes JSON.
storyline's `steps` say where its time goes: wall and CPU seconds (workers included) of
fingerprints, candidates and align/relate/group, the candidate counts, the pairs aligned by what
they found (`aligned_by_outcome`: copies that joined two families, one per member past a
family's first and so the fewest alignments that could verify them; copies inside a family
joined already; partial reuse; rejections, by the generators that proposed them) and CPU per
aligned pair.

With --repeat N, the engines run in N rounds, one after another in each round, and each
engine's time is the median of its N (all N are kept in `runs_s`; peak RSS is the largest): a
second's run swings by a tenth from one minute to the next on a shared machine.

    .venv/bin/python bench/copies.py [--scale 100000] [--engines storyline,storyline-quick,rensa]
        [--repeat 5] [--text-dedup-python /path/to/venv/bin/python]
        [--out bench/results/copies_speed.json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storyline.article import Article
    from storyline.copies.families import Joins

BENCH = Path(__file__).resolve().parent
ENGINES = ("storyline", "storyline-quick", "datasketch", "rensa", "text-dedup")
OURS = ("storyline", "storyline-quick")
_WORD = re.compile(r"\w+")


# --- the corpora (written once, read by every engine) ---------------------------------------------


def write_corpus(path: Path, scale: int) -> None:
    """Reuters as shipped, then copies with ~5% of words replaced, until `scale` articles."""
    sys.path.insert(0, str(BENCH))
    from _corpora import CORPORA, iter_jsonl

    base = [(r["id"], r.get("text") or "") for r in iter_jsonl(CORPORA / "reuters21578.jsonl")]
    rng = random.Random(1)
    with path.open("w", encoding="utf-8") as out:
        for doc_id, text in _replicated(base, scale, rng):
            out.write(json.dumps({"id": doc_id, "text": text}) + "\n")
        out.flush()  # on disk before any engine is timed: its writeback slows none of them
        os.fsync(out.fileno())


def _replicated(
    base: list[tuple[str, str]], scale: int, rng: random.Random
) -> Iterator[tuple[str, str]]:
    yield from base
    made, copy = len(base), 0
    while made < scale:
        copy += 1
        for doc_id, text in base:
            if made >= scale:
                return
            words = text.split(" ")
            for _ in range(max(1, len(words) // 20)):
                words[rng.randrange(len(words))] = rng.choice(("the", "said", "new", "year"))
            made += 1
            yield f"{doc_id}#{copy}", " ".join(words)


def write_dev(path: Path) -> list[dict[str, str]]:
    """The pairs-dev articles (texts only, as the peers get them); returns the gold rows."""
    sys.path.insert(0, str(BENCH))
    from _corpora import load_pairs_dev, pairs_dev_articles

    rows = load_pairs_dev()
    with path.open("w", encoding="utf-8") as out:
        for a in pairs_dev_articles(rows, with_times=False).values():
            out.write(json.dumps({"id": a.id, "text": a.text}) + "\n")
    return rows


def read_corpus(path: Path) -> tuple[list[str], list[str]]:
    ids, texts = [], []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            ids.append(rec["id"])
            texts.append(rec["text"])
    return ids, texts


# --- the engines: each returns a group label per text ------------------------------------------


def shingles(text: str, n: int = 5) -> list[str]:
    """Word n-grams of the lowercased text (one of all its words when it has fewer)."""
    words = _WORD.findall(text.lower())
    return [" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1))]


def _labels(pairs: Iterable[tuple[int, int]], n: int) -> list[int]:
    """Union-find over candidate pairs: each text's group root."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:
        parent[find(i)] = find(j)
    return [find(i) for i in range(n)]


def run_storyline(ids: list[str], texts: list[str]) -> list[int]:
    sys.path.insert(0, str(BENCH))
    import _corpora  # noqa: F401  (`_fetch` reads it: loaded once here, as a build loads its reader)

    from storyline.workers import default_workers, fewer_collections

    with fewer_collections():  # as a build's copies stage runs
        return _run_storyline(ids, texts, default_workers())


def _run_storyline(ids: list[str], texts: list[str], workers: int) -> list[int]:
    from storyline.copies import (
        Edge,
        build_families,
        find_candidates,
        fingerprint_columns,
        members_from_prints,
        relate_candidates,
    )
    from storyline.copies.families import Joins

    index = {doc_id: k for k, doc_id in enumerate(ids)}
    _CORPUS.update(zip(ids, texts, strict=True))
    with _step("fingerprints"):  # as columns sorted by id, as a store gives them
        prints = fingerprint_columns(_by_id(ids, texts), workers=workers)
    with _step("candidates"):
        candidates = find_candidates(prints, workers=workers)
    STEPS.update(candidates.stats)
    edges = []
    joins, outcomes = Joins(), Counter[str]()
    with _step("align_relate_group"):
        related = relate_candidates(candidates, _fetch, workers=workers, fetch_in_workers=True)
        for copy, _ in related:
            outcomes[_outcome(copy, joins, index)] += 1
            if copy.relation:
                edges.append(Edge(copy.a, copy.b, copy.relation))
        labels = list(range(len(ids)))
        for f in build_families(edges, members_from_prints(prints)):
            for m in f.members:
                labels[index[m]] = index[f.canonical]
    aligned = STEPS["aligned"] = sum(outcomes.values())
    STEPS["aligned_by_outcome"] = dict(sorted(outcomes.items()))
    if aligned:
        STEPS["cpu_us_per_aligned_pair"] = 1e6 * STEPS["align_relate_group_cpu_s"] / aligned
    return labels


def run_storyline_quick(ids: list[str], texts: list[str]) -> list[int]:
    """Families from fingerprints alone (`storyline.copies.quick`): no pair aligned."""
    from storyline.copies import fingerprint_columns, quick_families
    from storyline.workers import default_workers, fewer_collections

    index = {doc_id: k for k, doc_id in enumerate(ids)}
    labels = list(range(len(ids)))
    with fewer_collections():
        workers = default_workers()
        prints = fingerprint_columns(_by_id(ids, texts), workers=workers)
        for f in quick_families(prints, workers=workers):
            for m in f.members:
                labels[index[m]] = index[f.canonical]
    return labels


def _by_id(ids: list[str], texts: list[str]) -> Iterator[tuple[str, str, None]]:
    """(id, text, published) in id order, as candidates are found: sorting the texts costs less
    than reordering their fingerprints (a million: 0.2 s against 3.4)."""
    return ((ids[k], texts[k], None) for k in sorted(range(len(ids)), key=ids.__getitem__))


def _outcome(copy: Any, joins: Joins, index: dict[str, int]) -> str:
    """What aligning a pair found: a copy that joined two families, a copy inside a family
    joined already (identical texts are always aligned; a batch in flight did not see the
    join), partial reuse, or a rejection, by the generators that proposed the pair."""
    from storyline.copies import COPY_RELATIONS

    if copy.relation in COPY_RELATIONS:
        joined = joins.join(index[copy.a], index[copy.b])
        return "copy_joined_families" if joined else "copy_inside_a_family"
    if copy.relation:
        return str(copy.relation)
    return "rejected_by_" + "+".join(copy.evidence["candidate"]["by"])


@contextmanager
def _step(name: str) -> Iterator[None]:
    """Record a step's wall time and CPU time (this process and the workers it started and
    ended meanwhile: a pool's workers are counted once they exit) in STEPS."""
    wall, cpu = time.perf_counter(), _cpu()
    yield
    STEPS[f"{name}_s"] = time.perf_counter() - wall
    STEPS[f"{name}_cpu_s"] = _cpu() - cpu


def _cpu() -> float:
    own, ended = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime


_CORPUS: dict[str, str] = {}
"""storyline's texts by id, for `_fetch`: forked workers inherit them."""


def _fetch(wanted: Iterable[str]) -> dict[str, Article]:
    """Articles by id, made where they are read (in a worker, as a store's reader does)."""
    from _corpora import make_article

    return {w: make_article(w, _CORPUS[w], source="bench") for w in wanted}


def run_datasketch(ids: list[str], texts: list[str]) -> list[int]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    hashes = []
    for i, text in enumerate(texts):
        m = MinHash(num_perm=128, seed=1)
        m.update_batch([s.encode() for s in shingles(text)])
        lsh.insert(i, m)
        hashes.append(m)
    pairs = ((i, j) for i, m in enumerate(hashes) for j in lsh.query(m) if j != i)
    return _labels(pairs, len(texts))


def run_rensa(ids: list[str], texts: list[str]) -> list[int]:
    from rensa import RMinHash, RMinHashLSH

    lsh = RMinHashLSH(threshold=0.5, num_perm=128, num_bands=16)
    hashes = []
    for i, text in enumerate(texts):
        m = RMinHash(num_perm=128, seed=1)
        m.update(shingles(text))
        lsh.insert(i, m)
        hashes.append(m)
    pairs = ((i, j) for i, m in enumerate(hashes) for j in lsh.query(m) if j != i)
    return _labels(pairs, len(texts))


def run_text_dedup(ids: list[str], texts: list[str]) -> list[int]:
    sys.path.insert(0, str(BENCH))
    from _text_dedup import text_dedup_labels

    return text_dedup_labels(texts)


STEPS: dict[str, Any] = {}  # storyline's own step timings and counts, reported with its run

RUNNERS: dict[str, Callable[[list[str], list[str]], list[int]]] = {
    "storyline": run_storyline,
    "storyline-quick": run_storyline_quick,
    "datasketch": run_datasketch,
    "rensa": run_rensa,
    "text-dedup": run_text_dedup,
}


def child(engine: str, corpus: Path, labels_out: Path) -> None:
    ids, texts = read_corpus(corpus)
    mb = sum(len(t.encode()) for t in texts) / 1e6
    start = time.perf_counter()
    labels = RUNNERS[engine](ids, texts)
    seconds = time.perf_counter() - start
    labels_out.write_text(json.dumps(labels))
    groups: dict[int, int] = {}
    for label in labels:
        groups[label] = groups.get(label, 0) + 1
    print(
        json.dumps(
            {
                "articles": len(texts),
                "mb": mb,
                "seconds": seconds,
                "groups": sum(1 for size in groups.values() if size > 1),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "worker_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                "steps": STEPS,
            }
        )
    )


# --- the parent: run, score, compare ---------------------------------------------------------


def run_child(python: str, engine: str, corpus: Path, labels: Path) -> dict[str, Any]:
    done = subprocess.run(
        [python, __file__, "--child", engine, "--corpus", str(corpus), "--labels", str(labels)],
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(BENCH.parent / "src")},
    )
    if done.returncode:
        return {"error": "failed: " + (done.stderr.strip().splitlines() or [""])[-1]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """An engine's runs as one: the run of median time (the lower middle one of an even count),
    every run's time, and the largest peak RSS of any."""
    if "error" in runs[-1]:
        return runs[-1]
    r = dict(sorted(runs, key=lambda run: run["seconds"])[(len(runs) - 1) // 2])
    r["runs_s"] = [round(run["seconds"], 3) for run in runs]
    for key in ("peak_rss_mb", "worker_peak_rss_mb"):
        r[key] = max(run[key] for run in runs)
    r["articles_per_s"] = r["articles"] / r["seconds"]
    r["mb_per_s"] = r["mb"] / r["seconds"]
    return r


def dev_scores(rows: list[dict[str, str]], ids: list[str], labels: list[int]) -> dict[str, float]:
    """Copy P/R/F1 on the gold pairs: same group = copy; gold copy = SAME_SOURCE."""
    group = dict(zip(ids, labels, strict=True))
    tp = fp = fn = 0
    for r in rows:
        predicted = group[r["a_id"]] == group[r["b_id"]]
        gold = r["relation"] == "SAME_SOURCE"
        tp += predicted and gold
        fp += predicted and not gold
        fn += gold and not predicted
    p = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
    return {"precision": round(p, 4), "recall": round(rec, 4), "f1": round(f1, 4)}


def interpreter(engine: str, text_dedup_python: str | None) -> str | None:
    """The Python that runs `engine`, or None when it is not installed anywhere we know."""
    if engine == "text-dedup" and text_dedup_python:
        return text_dedup_python
    module = {"storyline-quick": "storyline", "text-dedup": "text_dedup"}.get(engine, engine)
    return sys.executable if importlib.util.find_spec(module) else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=0, help="replicate Reuters up to this many")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--repeat", type=int, default=1, help="rounds; each time is the median")
    ap.add_argument("--text-dedup-python", help="interpreter that has text-dedup installed")
    ap.add_argument("--out", type=Path, default=BENCH / "results" / "copies_speed.json")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--labels", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if args.child:
        child(args.child, args.corpus, args.labels)
        return

    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="storyline_bench_") as tmp:
        corpus, dev, labels = Path(tmp, "corpus.jsonl"), Path(tmp, "dev.jsonl"), Path(tmp, "l")
        write_corpus(corpus, args.scale)
        rows = write_dev(dev)
        dev_ids, _ = read_corpus(dev)
        engines = {e: interpreter(e, args.text_dedup_python) for e in args.engines.split(",")}
        runs: dict[str, list[dict[str, Any]]] = {e: [] for e in engines}
        for _ in range(args.repeat):
            for engine, python in engines.items():
                if python and "error" not in (runs[engine] or [{}])[-1]:
                    runs[engine].append(run_child(python, engine, corpus, labels))
        for engine, python in engines.items():
            if python is None:
                results[engine] = {"error": "not installed"}
                continue
            r = _median_run(runs[engine])
            if "error" not in r:
                d = run_child(python, engine, dev, labels)
                if "error" not in d:
                    d = dev_scores(rows, dev_ids, json.loads(labels.read_text()))
                r["dev_copy"] = d
            results[engine] = r
    report(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"scale": args.scale, "engines": results}, indent=2) + "\n")


def report(results: dict[str, dict[str, Any]]) -> None:
    ours = {e: results[e] for e in OURS if "articles_per_s" in results.get(e, {})}
    for engine, r in results.items():
        if "error" in r:
            print(f"{engine:>15}: {r['error']}")
            continue
        median = f" (median of {len(r['runs_s'])}: {r['runs_s']})" if len(r["runs_s"]) > 1 else ""
        line = (
            f"{engine:>15}: {r['articles']:,} articles in {r['seconds']:.2f} s{median} = "
            f"{r['articles_per_s']:,.0f} articles/s, {r['mb_per_s']:.2f} MB/s, peak RSS "
            f"{r['peak_rss_mb']:,.0f} MB (largest worker {r['worker_peak_rss_mb']:,.0f} MB)"
        )
        for name, mine in ours.items():
            if name != engine:
                ratio = mine["articles_per_s"] / r["articles_per_s"]
                r[f"{name}_speed_ratio".replace("-", "_")] = round(ratio, 3)
                line += f"; {name}/{engine} = {ratio:.2f}x"
        print(line)
        if r["steps"]:
            steps = {k: round(v, 1) if isinstance(v, float) else v for k, v in r["steps"].items()}
            print(f"{'':>17}steps: {steps}")
        print(f"{'':>17}dev pairs copy: {r['dev_copy']}")


if __name__ == "__main__":
    main()
