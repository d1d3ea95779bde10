"""What a build costs when articles arrive in a store already built, against building anew.

The corpus is bench/copies.py's (Reuters-21578, then copies with seeded random word edits),
written for --scale + --add articles and split in two files: the first --scale articles, and
the --add after them (more edited reprints, new ids). Three builds, each `storyline build
--stages ingest,copies --json` in a process of its own:

1. the first file into a new store;
2. the second file added to that store: the copies stage fingerprints only the new articles
   and recalls the verdicts of pairs it checked before;
3. both files into another new store, from scratch: what the second build would cost if the
   copies stage kept nothing.

Then it checks that stores 2 and 3 hold the same copies and families, row for row. Prints
wall time, peak RSS, pairs checked and recalled for each build and the ratio of 3 to 2, and
writes them as JSON.

    .venv/bin/python bench/incremental.py [--scale 100000] [--add 1000]
        [--out bench/results/incremental.json]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from copies import write_corpus  # noqa: E402


def build(db: Path, paths: list[Path]) -> dict[str, Any]:
    """One `storyline build` in a child process: its summary, wall time and peak RSS."""
    command = [sys.executable, "-m", "storyline", "build", *map(str, paths), "--db", str(db)]
    start = time.perf_counter()
    child = subprocess.Popen(
        [*command, "--stages", "ingest,copies", "--json"],
        stdout=subprocess.PIPE,
        env=os.environ | {"PYTHONPATH": str(BENCH.parent / "src")},
    )
    out = child.stdout.read() if child.stdout else b""
    _, status, usage = os.wait4(child.pid, 0)
    if status:
        raise SystemExit(f"storyline build {db.name} failed with status {status}")
    summary: dict[str, Any] = json.loads(out)
    return {
        "wall_s": round(time.perf_counter() - start, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),  # the build's main process
        **{k: summary[k] for k in ("ingested", "copies", "pairs_checked", "pairs_recalled")},
    }


def digest(db: Path) -> str:
    """sha256 over every row of the copies and families tables, in key order."""
    h = hashlib.sha256()
    conn = sqlite3.connect(db)
    for sql in ("SELECT * FROM copies ORDER BY a, b", "SELECT * FROM families ORDER BY id"):
        for row in conn.execute(sql):
            h.update(repr(row).encode())
    conn.close()
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=100_000, help="articles built first")
    ap.add_argument("--add", type=int, default=1_000, help="articles added after")
    ap.add_argument("--out", type=Path, default=BENCH / "results" / "incremental.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="storyline_incremental_") as tmp:
        folder = Path(tmp)
        whole = folder / "whole.jsonl"
        write_corpus(whole, args.scale + args.add)
        first, added = folder / "first.jsonl", folder / "added.jsonl"
        with whole.open(encoding="utf-8") as lines, first.open("w") as a, added.open("w") as b:
            for n, line in enumerate(itertools.islice(lines, args.scale + args.add)):
                (a if n < args.scale else b).write(line)
        whole.unlink()
        grown, fresh = folder / "grown.db", folder / "fresh.db"
        runs = {
            "first": build(grown, [first]),
            "added": build(grown, [first, added]),
            "from_scratch": build(fresh, [first, added]),
        }
        same = digest(grown) == digest(fresh)
    ratio = runs["from_scratch"]["wall_s"] / runs["added"]["wall_s"]
    for name, r in runs.items():
        print(
            f"{name:>12}: {r['ingested']:,} articles ingested in {r['wall_s']:.1f} s, peak RSS "
            f"{r['peak_rss_mb']:,} MB; {r['copies']:,} copies; {r['pairs_checked']:,} pairs "
            f"checked, {r['pairs_recalled']:,} recalled"
        )
    print(f"adding {args.add:,} to {args.scale:,}: {ratio:.1f}x faster than building anew")
    print(f"copies and families identical to the build from scratch: {same}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {"scale": args.scale, "add": args.add, "runs": runs, "speedup": round(ratio, 2)}
    args.out.write_text(json.dumps({**report, "identical": same}, indent=2) + "\n")
    if not same:
        raise SystemExit("the grown store differs from the build from scratch")


if __name__ == "__main__":
    main()
