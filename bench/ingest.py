"""Ingest + clean throughput on Reuters-21578: articles/s, MB/s and peak RSS.

Runs `storyline build --stages ingest` into a fresh store, once on the corpus as shipped and once
on a copy replicated N times (ids suffixed), each in its own process so peak RSS is the build's own
(the main process's, and its largest worker's: they clean).
Memory independent of corpus size shows as equal peak RSS for 1x and Nx. Then the same for
web pages: the first `--pages` Reuters articles as HTML pages (navigation, related links and a
footer around the text), in one gzipped WARC as a crawl delivers them, and as a folder of files.

    .venv/bin/python bench/ingest.py [--copies 3] [--pages 3000] [--out bench/results/ingest.json]
"""

from __future__ import annotations

import argparse
import html
import io
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpora" / "reuters21578.jsonl"

_CHILD = """
import resource, sys, time
from storyline.api import Storyline
from storyline.pipeline import parse_stages
start = time.perf_counter()
with Storyline(sys.argv[2]) as sl:
    s = sl.build([sys.argv[1]], stages=parse_stages("ingest"))
elapsed = time.perf_counter() - start
rss, worker = (resource.getrusage(w).ru_maxrss / 1024
               for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(s.read, s.ingested, s.quarantined, elapsed, rss, worker)
"""


def replicate(src: Path, copies: int, dest: Path) -> Path:
    with dest.open("w", encoding="utf-8") as out:
        for n in range(copies):
            with src.open(encoding="utf-8") as f:
                for line in f:
                    row = json.loads(line)
                    row["id"] = f"{row['id']}#{n}"
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return dest


def pages(src: Path, n: int) -> Iterator[tuple[str, str]]:
    """The first `n` articles of `src` as (id, HTML page) with a site's furniture around them."""
    with src.open(encoding="utf-8") as f:
        for _, line in zip(range(n), f, strict=False):
            row = json.loads(line)
            title = html.escape(row.get("title") or "")
            body = "".join(f"<p>{html.escape(p)}</p>" for p in row["text"].split("\n\n"))
            yield (
                row["id"],
                (
                    f"<!doctype html><html><head><title>{title} | Wire</title></head><body>"
                    "<nav><a href='/'>Home</a> <a href='/markets'>Markets</a></nav>"
                    f"<article><h1>{title}</h1>{body}</article>"
                    "<aside><a href='/more'>More from Markets</a></aside>"
                    "<footer>Copyright 1987. All rights reserved.</footer></body></html>"
                ),
            )


def crawl(site: Iterable[tuple[str, str]], dest: Path) -> Path:
    """The pages as one gzipped WARC of 200 responses, as a crawler writes them."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with dest.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for page_id, page in site:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    f"https://wire.example/{page_id}",
                    "response",
                    payload=io.BytesIO(page.encode()),
                    http_headers=headers,
                )
            )
    return dest


def folder(site: Iterable[tuple[str, str]], dest: Path) -> Path:
    """The pages as a folder of .html files, as a site's dump holds them."""
    dest.mkdir()
    for page_id, page in site:
        (dest / f"{page_id}.html").write_text(page, encoding="utf-8")
    return dest


def run(corpus: Path, workdir: Path) -> dict[str, float]:
    db = workdir / f"{corpus.stem}.db"
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(corpus), str(db)],
        check=True,
        capture_output=True,
        text=True,
    )
    read, ingested, quarantined, seconds, rss, worker = done.stdout.split()
    files = sorted(corpus.iterdir()) if corpus.is_dir() else [corpus]
    mb = sum(f.stat().st_size for f in files) / 1e6
    return {
        "articles": int(read),
        "ingested": int(ingested),
        "quarantined": int(quarantined),
        "seconds": round(float(seconds), 3),
        "articles_per_s": round(int(read) / float(seconds), 1),
        "mb_per_s": round(mb / float(seconds), 2),
        "input_mb": round(mb, 2),
        "peak_rss_mb": round(float(rss), 1),
        "worker_peak_rss_mb": round(float(worker), 1),  # the processes that clean
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--copies", type=int, default=3, help="replication factor for the memory check"
    )
    parser.add_argument("--pages", type=int, default=3000, help="HTML pages for the web runs")
    parser.add_argument("--out", type=Path, default=Path("bench/results/ingest.json"))
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"missing {CORPUS}: this benchmark reads ../shared/corpora")
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        single = run(CORPUS, workdir)
        big = run(
            replicate(CORPUS, args.copies, workdir / f"reuters_x{args.copies}.jsonl"), workdir
        )
        web = run(crawl(pages(CORPUS, args.pages), workdir / "crawl.warc.gz"), workdir)
        site = run(folder(pages(CORPUS, args.pages), workdir / "site"), workdir)
    result = {
        "benchmark": "ingest+clean (storyline build --stages ingest)",
        "corpus": str(CORPUS.name),
        "x1": single,
        f"x{args.copies}": big,
        "rss_growth_ratio": round(big["peak_rss_mb"] / single["peak_rss_mb"], 3),
        "warc_pages": web,
        "html_files": site,
        "ran_at": started,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"ingest reuters21578: {single['articles_per_s']:,.0f} articles/s, "
        f"{single['mb_per_s']:.2f} MB/s, peak RSS {single['peak_rss_mb']:.0f} MB "
        f"(largest worker {single['worker_peak_rss_mb']:.0f} MB); "
        f"x{args.copies}: {big['articles_per_s']:,.0f} articles/s, "
        f"peak RSS {big['peak_rss_mb']:.0f} MB (largest worker {big['worker_peak_rss_mb']:.0f} MB)"
        f" (ratio {result['rss_growth_ratio']})\n"
        f"ingest {web['articles']:,} HTML pages in a WARC: {web['articles_per_s']:,.0f} pages/s, "
        f"peak RSS {web['peak_rss_mb']:.0f} MB "
        f"(largest worker {web['worker_peak_rss_mb']:.0f} MB)\n"
        f"ingest them as a folder of {site['articles']:,} .html files: "
        f"{site['articles_per_s']:,.0f} pages/s → {args.out}"
    )


if __name__ == "__main__":
    main()
