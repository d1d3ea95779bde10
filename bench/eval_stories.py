"""Evaluate story clustering and same-story scoring on the shared corpora (one default setting).

    .venv/bin/python bench/eval_stories.py            # everything (a few minutes)
    .venv/bin/python bench/eval_stories.py --quick    # seeds + ECB+ + a SemEval subset (< 2 min)
    .venv/bin/python bench/eval_stories.py --sweep    # also: other thresholds (report only)
    .venv/bin/python bench/eval_stories.py --embeddings   # also: with the sentence encoder

Prints every figure and writes bench/results/eval_stories.json. Corpora are read from ../shared
(never copied into the repository).

- seeds: the three seed articles, two stories ({000}, {001, 002}) in one storyline (seeds.json).
  They are cleaned with `storyline.clean.clean`, as in a build.
- ECB+ (535 docs; story = topic + subtopic; no publication dates): B-cubed P/R/F1, ARI, NMI.
- GoogleNews-T (11,109 lowercased headlines, 152 stories; no dates): B-cubed P/R/F1, NMI, ARI.
- SemEval-2022 Task 8 (English-English pairs): Pearson r between `pair_score` and the human Overall
  score. Overall 1 means "same story" and 4 "different", so r is negative; |r| is reported.
  Also |r| within each other language of its pairs (report only): Chinese, written without
  spaces, checks the character bigrams; the stop words are English only.
- agreement: Reuters-21578 clustered in one build and in ten incremental builds (with a save and
  restore between them): B-cubed F1 and ARI of the two partitions, and of their storylines.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
RESULTS = ROOT / "bench" / "results"

from _corpora import load_seeds  # noqa: E402

from storyline.article import Article, Origin  # noqa: E402
from storyline.copies import find_copies  # noqa: E402
from storyline.stories import StoryIndex, StorySettings, pair_score  # noqa: E402
from storyline.stories.index import Encoder  # noqa: E402

# --- metrics ----------------------------------------------------------------------------------


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    """B-cubed precision, recall and F1 over the items both partitions hold."""
    items = sorted(set(pred) & set(gold))
    pc: dict[str, set[str]] = defaultdict(set)
    gc: dict[str, set[str]] = defaultdict(set)
    for i in items:
        pc[pred[i]].add(i)
        gc[gold[i]].add(i)
    p = r = 0.0
    for i in items:
        a, b = pc[pred[i]], gc[gold[i]]
        both = len(a & b)
        p += both / len(a)
        r += both / len(b)
    n = len(items) or 1
    p, r = p / n, r / n
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _contingency(
    pred: dict[str, str], gold: dict[str, str]
) -> tuple[Counter[tuple[str, str]], Counter[str], Counter[str], int]:
    """Cells (predicted, gold) with their row and column sums, over the ids both label."""
    items = sorted(set(pred) & set(gold))
    cells = Counter((pred[i], gold[i]) for i in items)
    rows: Counter[str] = Counter()
    cols: Counter[str] = Counter()
    for (a, b), v in cells.items():
        rows[a] += v
        cols[b] += v
    return cells, rows, cols, len(items)


def ari(pred: dict[str, str], gold: dict[str, str]) -> float:
    cells, rows, cols, n = _contingency(pred, gold)

    def c2(x: int) -> float:
        return x * (x - 1) / 2

    index = sum(c2(v) for v in cells.values())
    sa = sum(c2(v) for v in rows.values())
    sb = sum(c2(v) for v in cols.values())
    expected = sa * sb / c2(n) if n > 1 else 0.0
    top = (sa + sb) / 2
    return round((index - expected) / (top - expected), 4) if top != expected else 1.0


def nmi(pred: dict[str, str], gold: dict[str, str]) -> float:
    """Normalised mutual information (arithmetic-mean normalisation, as scikit-learn's default)."""
    cells, rows, cols, n = _contingency(pred, gold)
    mi = sum(v / n * math.log(n * v / (rows[a] * cols[b])) for (a, b), v in cells.items())
    ha = -sum(v / n * math.log(v / n) for v in rows.values())
    hb = -sum(v / n * math.log(v / n) for v in cols.values())
    return round(mi / ((ha + hb) / 2), 4) if ha + hb > 0 else 1.0


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else 0.0


def partition(index: StoryIndex) -> dict[str, str]:
    return {a: s.id for s in index.stories() for a in s.article_ids}


def scores(pred: dict[str, str], gold: dict[str, str]) -> dict[str, Any]:
    return {
        "bcubed": bcubed(pred, gold),
        "ari": ari(pred, gold),
        "nmi": nmi(pred, gold),
        "clusters": len(set(pred.values())),
        "gold_clusters": len(set(gold.values())),
        "docs": len(pred),
    }


# --- corpora ----------------------------------------------------------------------------------


def article(id_: str, text: str, title: str | None = None, published: str | None = None) -> Article:
    from storyline.article import Paragraph

    return Article(
        id=id_,
        origin=Origin(source="bench", locator=id_, raw_hash=""),
        text=text,
        paragraphs=(Paragraph(0, len(text)),),
        raw_text=text,
        title=title,
        published=published,
    )


def eval_seeds(settings: StorySettings) -> dict[str, Any]:
    gold = json.loads((SHARED / "gold" / "seeds.json").read_text())
    arts = load_seeds()
    index = StoryIndex(settings)
    families = {m: f.canonical for f in find_copies(arts).families for m in f.members}
    index.add(arts, families=families)  # as the build does: a copy family counts once
    pred = partition(index)
    gold_part = {a: str(k) for k, st in enumerate(gold["stories"]) for a in st["articles"]}
    lines = {s.id: s.storyline_id for s in index.stories()}
    one_line = len({lines[pred[a]] for a in pred}) == 1
    exact = sorted(sorted(g) for g in _groups(pred).values()) == sorted(
        sorted(st["articles"]) for st in gold["stories"]
    )
    s01 = pair_score(arts[0], arts[1], index)
    s12 = pair_score(arts[1], arts[2], index)
    return {
        "cleaner": "storyline.clean.clean",
        "stories_exact": exact,
        "one_storyline": one_line,
        "bcubed": bcubed(pred, gold_part),
        "pair_score_000_001": round(s01, 4),
        "pair_score_001_002": round(s12, 4),
        "labels": [s.label.text() for s in index.stories()],
        "storylines": [sl.label.text() for sl in index.storylines()],
    }


def _groups(pred: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for a, s in pred.items():
        out[s].append(a)
    return out


def load_ecb() -> tuple[list[Article], dict[str, str]]:
    arts, gold = [], {}
    with open(CORPORA / "ecbplus" / "ecbplus_docs.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            arts.append(article(r["doc"], r["text"]))
            gold[r["doc"]] = r["story"]
    return arts, gold


def load_gnt() -> tuple[list[Article], dict[str, str]]:
    arts, gold = [], {}
    with open(CORPORA / "googlenews_t_11109" / "News-T_Labels.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            arts.append(article("gn" + r["Id"], "", title=r["textCleaned"]))
            gold["gn" + r["Id"]] = str(r["clusterNo"])
    return arts, gold


def eval_clustering(
    arts: list[Article], gold: dict[str, str], settings: StorySettings, encoder: Encoder | None
) -> dict[str, Any]:
    t0 = time.perf_counter()
    index = StoryIndex(settings, encoder)
    index.add(arts)
    out = scores(partition(index), gold)
    out["seconds"] = round(time.perf_counter() - t0, 2)
    out["storylines"] = len(index.storylines())
    out["merges"] = len(index.events())
    return out


DENSE_WEIGHT = 0.4
"""Weight of the embedding cosine in the --embeddings runs (the text weight is 0.5)."""

SEMEVAL_OTHER_LANGUAGES = ("ar", "de", "es", "fr", "it", "pl", "ru", "tr", "zh")
"""SemEval's pairs within one language other than English (report only; zh: no spaces)."""
_PAIR = re.compile(r"^\d+(?:[a-z]{2})?_\d+(?:[a-z]{2})?$")  # "1484037032zh_1483931345zh"


def load_semeval(limit: int | None, lang: str = "en") -> list[tuple[Article, Article, float]]:
    csv.field_size_limit(1 << 30)
    out = []
    with open(CORPORA / "semeval2022_task8" / "training_set.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["lang1"] != lang or row["lang2"] != lang or not _PAIR.match(row["pair_id"]):
                continue
            a_id, b_id = row["pair_id"].split("_")
            out.append(
                (
                    article(a_id, row["text1"].strip()),
                    article(b_id, row["text2"].strip()),
                    float(row["Overall"]),
                )
            )
    out.sort(key=lambda x: (x[0].id, x[1].id))
    return out[:limit] if limit else out


def eval_semeval(
    pairs: list[tuple[Article, Article, float]], settings: StorySettings, encoder: Encoder | None
) -> dict[str, Any]:
    index = StoryIndex(settings, encoder)
    seen: dict[str, Article] = {}
    for a, b, _ in pairs:
        seen.setdefault(a.id, a)
        seen.setdefault(b.id, b)
    index.add(list(seen.values()))
    ys = [y for _, _, y in pairs]
    ours = [pair_score(a, b, index) for a, b, _ in pairs]
    text_only = replace(
        settings,
        weight_title=0.0,
        weight_names=0.0,
        weight_dense=0.0,
        similarity_power=1.0,
        lead_words=0,
        conflict_weight=0.0,
    )
    base_index = StoryIndex(text_only)
    base_index.add(list(seen.values()))
    base = [pair_score(a, b, base_index) for a, b, _ in pairs]
    r = pearson(ours, ys)
    rb = pearson(base, ys)
    return {
        "pairs": len(pairs),
        "pearson": round(r, 4),
        "abs_pearson": round(abs(r), 4),
        "plain_tfidf_cosine_pearson": round(rb, 4),
        "note": "Overall 1 = same story, 4 = different: the correlation is negative by design",
    }


def load_reuters() -> list[Article]:
    arts = []
    with open(CORPORA / "reuters21578.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if not (r.get("text") or "").strip():
                continue
            arts.append(article(r["id"], r["text"], r.get("title"), r.get("published")))
    return arts


def eval_agreement(settings: StorySettings, batches: int = 10) -> dict[str, Any]:
    arts = load_reuters()
    arts.sort(key=lambda a: (a.published or "", a.id))
    t0 = time.perf_counter()
    full = StoryIndex(settings)
    full.add(arts)
    t_full = time.perf_counter() - t0
    inc = StoryIndex(settings)
    size = math.ceil(len(arts) / batches)
    t0 = time.perf_counter()
    for k in range(batches):
        before = {s.id: s.article_ids for s in inc.stories()}
        inc = StoryIndex.from_dict(json.loads(json.dumps(inc.to_dict())))
        inc.add(arts[k * size : (k + 1) * size])
        after = {s.id: s.article_ids for s in inc.stories(include_merged=True)}
        for sid, members in before.items():
            assert after[sid][: len(members)] == members or not after[sid], "story ids moved"
    t_inc = time.perf_counter() - t0
    pf, pi = partition(full), partition(inc)
    lf = {a: s.storyline_id or "" for s in full.stories() for a in s.article_ids}
    li = {a: s.storyline_id or "" for s in inc.stories() for a in s.article_ids}
    return {
        "docs": len(arts),
        "batches": batches,
        "stories_full": len(set(pf.values())),
        "stories_incremental": len(set(pi.values())),
        "story_agreement": {"bcubed": bcubed(pi, pf), "ari": ari(pi, pf)},
        "storyline_agreement": {"bcubed": bcubed(li, lf), "ari": ari(li, lf)},
        "seconds_full": round(t_full, 2),
        "seconds_incremental_with_save_restore": round(t_inc, 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="seeds, ECB+ and 60 SemEval pairs only")
    ap.add_argument("--sweep", action="store_true", help="also report other thresholds")
    ap.add_argument("--embeddings", action="store_true", help="also run with the sentence encoder")
    ap.add_argument("--out", type=Path, default=RESULTS / "eval_stories.json")
    args = ap.parse_args(argv)
    if not CORPORA.is_dir():
        print(f"no shared corpora at {CORPORA}", file=sys.stderr)
        return 2
    settings = StorySettings()
    result: dict[str, Any] = {"settings": settings.to_dict(), "quick": args.quick}
    t0 = time.perf_counter()

    result["seeds"] = eval_seeds(settings)
    print("seeds:", json.dumps(result["seeds"], ensure_ascii=False))
    ecb, ecb_gold = load_ecb()
    result["ecbplus"] = eval_clustering(ecb, ecb_gold, settings, None)
    print("ECB+:", json.dumps(result["ecbplus"]))
    sem = load_semeval(60 if args.quick else None)
    result["semeval"] = eval_semeval(sem, settings, None)
    print("SemEval en-en:", json.dumps(result["semeval"]))
    result["semeval_other_languages"] = {
        lang: eval_semeval(load_semeval(None, lang), settings, None)["abs_pearson"]
        for lang in SEMEVAL_OTHER_LANGUAGES
    }
    print("SemEval |r| within other languages (report only):", result["semeval_other_languages"])
    if not args.quick:
        gnt, gnt_gold = load_gnt()
        result["googlenews_t"] = eval_clustering(gnt, gnt_gold, settings, None)
        print("GoogleNews-T:", json.dumps(result["googlenews_t"]))
        result["agreement"] = eval_agreement(settings)
        print("full vs incremental (Reuters):", json.dumps(result["agreement"]))
    if args.sweep:
        sweep: dict[str, Any] = {}
        corpora = [("ecbplus", ecb, ecb_gold)]
        if not args.quick:
            corpora.append(("googlenews_t", gnt, gnt_gold))
        for th in (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
            s = replace(settings, threshold=th, merge_threshold=max(th, settings.merge_threshold))
            row = {name: eval_clustering(a, g, s, None)["bcubed"]["f1"] for name, a, g in corpora}
            sweep[str(th)] = row
            print(f"sweep threshold={th}: {row}")
        result["sweep"] = sweep
    if args.embeddings:
        from storyline.stories.embeddings import SentenceEncoder

        enc = SentenceEncoder()
        dense = replace(settings, weight_dense=settings.weight_dense or DENSE_WEIGHT)
        emb: dict[str, Any] = {"model": enc.name, "settings": dense.to_dict()}
        emb["ecbplus"] = eval_clustering(ecb, ecb_gold, dense, enc)
        print("ECB+ (+embeddings):", json.dumps(emb["ecbplus"]))
        emb["semeval"] = eval_semeval(sem, dense, enc)
        print("SemEval (+embeddings):", json.dumps(emb["semeval"]))
        if not args.quick:
            emb["googlenews_t"] = eval_clustering(gnt, gnt_gold, dense, enc)
            print("GoogleNews-T (+embeddings):", json.dumps(emb["googlenews_t"]))
        result["embeddings"] = emb
    result["seconds"] = round(time.perf_counter() - t0, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out} ({result['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
