"""Evaluate the copies stage on the shared data (../shared); prints figures, writes JSON.

    .venv/bin/python bench/eval_copies.py            # everything
    .venv/bin/python bench/eval_copies.py --quick    # all but impresso (the CI gate, < 1 min)

(a) seeds: 001/002 one family, version or near_duplicate, 002 earlier, seeds.json's additions and
    omissions found in the diff; 000 related to neither.
(b) pairs-dev: each of the 120 gold pairs scored on its own, and all 240 texts run as one corpus
    (so candidate generation is exercised): copy P/R/F1 (gold SAME_SOURCE), partial-reuse P/R,
    confusion matrix gold x predicted, direction agreement; and the families `quick_families`
    makes of the corpus from fingerprints alone (no pair aligned). Texts are used as given (a_text /
    b_text, paragraphs split on blank lines); publication times and outlets are joined from the
    derived JSONL corpora by id (`--no-times` leaves them out).
(c) exact duplicates in bbc_news_2225 and reuters21578 (identical NFKC/casefolded/whitespace-
    collapsed text): recall of every such pair as `exact`, over the whole corpus.
(d) impresso_passim_1900: every passim passage as a document; pairwise P/R of passim clusters
    against our copy families (and against components of all relations, and quick families),
    with the default settings and with the OCR profile (`build --profile ocr`: OCR'd scans).
(e) labelled Reuters copies (bench/labels/): three samples of 80 pairs, each labelled by reading
    both texts and titles: SAME (one article refiled, updated, corrected) or a recurring report
    of another subject or occasion. `reuters_versions.jsonl`: drawn at random from the pairs
    storyline 0.4.0 called `version`; `reuters_copies_2.jsonl`: from those 0.4.1 called
    `version` or `near_duplicate`, the first sample left out; `reuters_copies_3.jsonl`: from
    those 0.4.3 called so, both samples before left out (labelled before any rule was changed
    after it: held out for 0.4.3). Which of them the run puts in one
    copy family: the precision of those calls on each sample, and the SAME pairs kept. (Drawn
    from one version's calls, a sample sees copies dropped, right or wrong, not new ones.)
    The same for the families `quick_families` makes of Reuters.

Results go to bench/results/eval_copies.json.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpora import (
    SHARED,
    load_impresso,
    load_jsonl_corpus,
    load_pairs_dev,
    load_seeds,
    pairs_dev_articles,
)

from storyline.article import Article
from storyline.copies import (
    COPY_RELATIONS,
    PROFILES,
    CopySettings,
    compare,
    find_copies,
    fingerprint,
    quick_families,
)

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results" / "eval_copies.json"
LABELLED = {
    "first": BENCH / "labels" / "reuters_versions.jsonl",
    "second": BENCH / "labels" / "reuters_copies_2.jsonl",
    "third": BENCH / "labels" / "reuters_copies_3.jsonl",
}
GOLD_LABELS = ("SAME_SOURCE", "PARTIAL_REUSE", "SAME_EVENT", "SAME_TOPIC", "UNRELATED")
PRED_LABELS = ("exact", "near_duplicate", "version", "same_family", "partial_reuse", "none")
# "same_family": in one copy family, its pair not aligned itself (CopySettings.skip_joined_pairs)
COPY_LABELS = {*COPY_RELATIONS, "same_family"}


def _norm(s: str) -> str:
    """NFKC, casefolded, one apostrophe and one double quote, whitespace collapsed."""
    s = unicodedata.normalize("NFKC", s).casefold()
    for ch in "’‘`´":
        s = s.replace(ch, "'")
    for ch in "“”„«»＂":
        s = s.replace(ch, '"')
    return re.sub(r"\s+", " ", s).strip()


def _words(s: str) -> str:
    """Lowercased words joined by single spaces (punctuation and quote marks dropped)."""
    return " ".join(re.findall(r"\w+", _norm(s)))


# --- (a) seeds ------------------------------------------------------------------------------------


def eval_seeds(settings: CopySettings) -> dict[str, Any]:
    gold = json.loads((SHARED / "gold" / "seeds.json").read_text(encoding="utf-8"))
    articles = load_seeds()
    by_id = {a.id: a for a in articles}
    report = find_copies(articles, settings)
    checks: dict[str, bool] = {}
    details: dict[str, Any] = {"cleaner": "storyline.clean.clean"}
    g = gold["copies"][0]
    id1, id2 = sorted((g["a"], g["b"]))
    pair = report.pair(id1, id2)
    checks["001_002_related"] = pair is not None
    checks["relation_version_or_near_duplicate"] = bool(
        pair and pair.relation in ("version", "near_duplicate")
    )
    checks["earlier_is_002"] = bool(pair and pair.earlier == g["earlier_version"])
    fam = report.family_of(id1)
    checks["one_family"] = bool(fam and id2 in fam.members)
    lone = "000_d13e49b8a8bc8f81.txt"
    checks["000_unrelated"] = all(lone not in (c.a, c.b) for c in report.copies)
    if pair is not None:
        details["pair"] = pair.to_json()
        d = report.diffs[(pair.a, pair.b)]
        only = {
            pair.a: [_words(by_id[pair.a].text[s.start : s.end]) for s in d.only_a],
            pair.b: [_words(by_id[pair.b].text[s.start : s.end]) for s in d.only_b],
        }
        missing: list[str] = []
        for key, doc in (("only_in_001", "001_ed65664943946bce.txt"), ("only_in_002", id2)):
            for snippet in g[key]:
                probe = _words(snippet)[:60]
                # a lifted note (version note, credit) is outside the text: found if lifted
                lifted = " ".join(_words(str(v)) for v in by_id[doc].metadata.values())
                if not any(probe in span for span in only[doc]) and probe not in lifted:
                    missing.append(f"{key}: {snippet[:60]}")
        checks["additions_and_omissions_found"] = not missing
        details["missing_snippets"] = missing
        edits = [(e.a_text, e.b_text) for e in d.changed]
        details["changed"] = edits
        checks["empty_handed_changed"] = any(
            "empty" in a.lower() and "empty-handed" in b.lower() for a, b in edits
        )
        details["only_a_words"] = sum(len(s.split()) for s in only[pair.a])
        details["only_b_words"] = sum(len(s.split()) for s in only[pair.b])
    return {"pass": all(checks.values()), "checks": checks, "details": details}


# --- (b) pairs-dev --------------------------------------------------------------------------------


def _pred_label(relation: str | None) -> str:
    return relation or "none"


def _scores(rows: list[dict[str, Any]], predicted: dict[str, dict[str, Any]]) -> dict[str, Any]:
    confusion: dict[str, Counter[str]] = {g: Counter() for g in GOLD_LABELS}
    for r in rows:
        confusion[r["relation"]][_pred_label(predicted[r["pair"]]["relation"])] += 1

    def prf(gold_pos: set[str], pred_pos: set[str]) -> dict[str, float]:
        tp = sum(
            1
            for r in rows
            if r["relation"] in gold_pos
            and _pred_label(predicted[r["pair"]]["relation"]) in pred_pos
        )
        gp = sum(1 for r in rows if r["relation"] in gold_pos)
        pp = sum(1 for r in rows if _pred_label(predicted[r["pair"]]["relation"]) in pred_pos)
        p = tp / pp if pp else 0.0
        rec = tp / gp if gp else 0.0
        f = 2 * p * rec / (p + rec) if p + rec else 0.0
        return {
            "tp": tp,
            "gold": gp,
            "predicted": pp,
            "precision": round(p, 4),
            "recall": round(rec, 4),
            "f1": round(f, 4),
        }

    copy = prf({"SAME_SOURCE"}, COPY_LABELS)
    partial = prf({"PARTIAL_REUSE"}, {"partial_reuse"})
    negatives_called = [
        r["pair"]
        for r in rows
        if r["relation"] in ("SAME_EVENT", "SAME_TOPIC", "UNRELATED")
        and predicted[r["pair"]]["relation"] is not None
    ]
    errors = []
    for r in rows:
        p = predicted[r["pair"]]
        gold_copy = r["relation"] == "SAME_SOURCE"
        pred = _pred_label(p["relation"])
        ok = (
            (gold_copy and pred in COPY_LABELS)
            or (r["relation"] == "PARTIAL_REUSE" and pred == "partial_reuse")
            or (r["relation"] not in ("SAME_SOURCE", "PARTIAL_REUSE") and pred == "none")
        )
        if not ok:
            errors.append(
                {
                    "pair": r["pair"],
                    "gold": r["relation"],
                    "confidence": r["confidence"],
                    "predicted": pred,
                    "rule": p["rule"],
                    "figures": p["figures"],
                }
            )
    # direction: gold copies with a gold earlier and a predicted copy
    decided = agree = 0
    undecided = 0
    disagree: list[str] = []
    for r in rows:
        p = predicted[r["pair"]]
        if (
            r["relation"] != "SAME_SOURCE"
            or not r["source_or_earlier"]
            or p["relation"] not in COPY_RELATIONS
        ):
            continue
        if p["earlier"] is None:
            undecided += 1
            continue
        decided += 1
        agree += p["earlier"] == r["source_or_earlier"]
        if p["earlier"] != r["source_or_earlier"]:
            disagree.append(f"{r['pair']} ({p['direction_rule']})")
    return {
        "copy": copy,
        "partial": partial,
        "negatives_called_related": negatives_called,
        "confusion": {g: {k: confusion[g][k] for k in PRED_LABELS} for g in GOLD_LABELS},
        "direction": {
            "decided": decided,
            "agree": agree,
            "undecided": undecided,
            "disagree": disagree,
        },
        "errors": errors,
    }


def _record(copy: Any) -> dict[str, Any]:
    if copy is None:
        return {"relation": None, "earlier": None, "rule": "not_a_candidate", "figures": {}}
    return {
        "relation": copy.relation,
        "earlier": copy.earlier,
        "rule": copy.rule,
        "figures": copy.similarity,
        "direction_rule": copy.evidence["direction"]["rule"],
    }


def eval_pairs_dev(settings: CopySettings, with_times: bool) -> dict[str, Any]:
    rows = load_pairs_dev()
    arts = pairs_dev_articles(rows, with_times)
    started = time.perf_counter()
    pairwise: dict[str, dict[str, Any]] = {}
    for r in rows:
        copy, _ = compare(arts[r["a_id"]], arts[r["b_id"]], settings)
        pairwise[r["pair"]] = _record(copy)
    t_pairwise = time.perf_counter() - started
    started = time.perf_counter()
    report = find_copies(arts.values(), replace(settings, keep_rejected=True))
    t_corpus = time.perf_counter() - started
    rejected = {(c.a, c.b): c for c in report.rejected}
    corpus: dict[str, dict[str, Any]] = {}
    for r in rows:
        a, b = sorted((r["a_id"], r["b_id"]))
        corpus[r["pair"]] = _record(report.pair(a, b) or rejected.get((a, b)))
        family = report.family_of(a)
        if corpus[r["pair"]]["relation"] is None and family and b in family.members:
            corpus[r["pair"]] |= {"relation": "same_family", "rule": "joined_by_other_pairs"}
    quick = _quick_records(rows, arts.values(), settings)
    gold_pairs = {tuple(sorted((r["a_id"], r["b_id"]))) for r in rows}
    extra = Counter(c.relation for c in report.copies if (c.a, c.b) not in gold_pairs)
    return {
        "with_times": with_times,
        "pairwise": _scores(rows, pairwise) | {"seconds": round(t_pairwise, 2)},
        "corpus": _scores(rows, corpus)
        | {
            "seconds": round(t_corpus, 2),
            "documents": len(arts),
            "stats": report.stats,
            "relations_outside_gold_pairs": dict(extra),
        },
        "quick": _scores(rows, quick),
    }


def _quick_records(
    rows: list[dict[str, Any]], articles: Iterable[Article], settings: CopySettings
) -> dict[str, dict[str, Any]]:
    """Each gold pair as `quick_families` calls it: in one family, or not related."""
    family = _quick_family(articles, settings)
    alone = (-1, -2)  # two articles in no family are not joined
    joined = {
        r["pair"]: family.get(r["a_id"], alone[0]) == family.get(r["b_id"], alone[1]) for r in rows
    }
    return {
        pair: {"relation": "same_family" if same else None, "rule": "quick", "figures": {}}
        for pair, same in joined.items()
    }


def _quick_family(articles: Iterable[Article], settings: CopySettings) -> dict[str, int]:
    """Each article's family by `quick_families` (by index; singletons left out)."""
    families = quick_families([fingerprint(a) for a in articles], settings)
    return {m: k for k, f in enumerate(families) for m in f.members}


# --- (c) exact duplicates -------------------------------------------------------------------------


def eval_exact(name: str, settings: CopySettings) -> tuple[dict[str, Any], dict[str, int]]:
    """The figures, and each article's copy family (by index; singletons left out)."""
    articles = load_jsonl_corpus(name)
    groups: dict[str, list[str]] = defaultdict(list)
    for a in articles:
        key = _norm(a.text)
        if key:
            groups[key].append(a.id)
    gold: set[tuple[str, str]] = {
        (min(x, y), max(x, y))
        for ids in groups.values()
        for i, x in enumerate(ids)
        for y in ids[i + 1 :]
    }
    started = time.perf_counter()
    report = find_copies(articles, settings)
    seconds = time.perf_counter() - started
    pred = {(c.a, c.b): c.relation for c in report.copies}
    as_exact = sum(1 for p in gold if pred.get(p) == "exact")
    as_copy = sum(1 for p in gold if pred.get(p) in COPY_RELATIONS)
    missed = sorted(p for p in gold if pred.get(p) != "exact")[:20]
    family = {m: k for k, f in enumerate(report.families) for m in f.members}
    return {
        "documents": len(articles),
        "gold_exact_pairs": len(gold),
        "found_as_exact": as_exact,
        "recall_exact": round(as_exact / len(gold), 4) if gold else 1.0,
        "recall_any_copy": round(as_copy / len(gold), 4) if gold else 1.0,
        "missed": missed,
        "predicted": report.stats,
        "seconds": round(seconds, 2),
    }, family


# --- (d) impresso ---------------------------------------------------------------------------------


def _pairwise_pr(gold: dict[str, int], pred: dict[str, int]) -> dict[str, Any]:
    """Pairwise P/R/F1 of two partitions (ids absent from `pred` are singletons)."""

    def pairs(sizes: Counter[Any]) -> int:
        return sum(n * (n - 1) // 2 for n in sizes.values())

    gold_pairs = pairs(Counter(gold.values()))
    pred_pairs = pairs(Counter(pred.values()))
    cells = Counter((gold[i], pred[i]) for i in gold if i in pred)
    tp = pairs(cells)
    p = tp / pred_pairs if pred_pairs else 0.0
    r = tp / gold_pairs if gold_pairs else 0.0
    return {
        "gold_pairs": gold_pairs,
        "predicted_pairs": pred_pairs,
        "true_pairs": tp,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
    }


def _components(copies: list[Any], relations: set[str]) -> dict[str, int]:
    """Connected components (as a partition) of the given relations."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for c in copies:
        if c.relation in relations:
            ra, rb = find(c.a), find(c.b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    nodes = sorted({x for c in copies if c.relation in relations for x in (c.a, c.b)})
    roots = {r: k for k, r in enumerate(sorted({find(n) for n in nodes}))}
    return {n: roots[find(n)] for n in nodes}


def eval_impresso(settings: CopySettings) -> dict[str, Any]:
    docs, cluster = load_impresso()
    article_of = {d.id: d.metadata.get("article") for d in docs}
    started = time.perf_counter()
    report = find_copies(docs, settings)
    seconds = time.perf_counter() - started
    copy_rel = set(COPY_RELATIONS)
    all_rel = copy_rel | {"partial_reuse"}
    fam = {m: k for k, f in enumerate(report.families) for m in f.members}
    # passim aligns only across newspapers, so two passages of one article are never a direct
    # passim pair; links between them (overlapping passages of one article) are left out here
    across = [c for c in report.copies if article_of[c.a] != article_of[c.b]]
    sizes = Counter(cluster.values())
    big = max(sizes, key=lambda c: sizes[c])
    without_big = {i: c for i, c in cluster.items() if c != big}
    return {
        "documents": len(docs),
        "passim_clusters": len(sizes),
        "families_vs_clusters": _pairwise_pr(cluster, fam),
        "families_across_articles_vs_clusters": _pairwise_pr(
            cluster, _components(across, copy_rel)
        ),
        "all_relations_vs_clusters": _pairwise_pr(cluster, _components(report.copies, all_rel)),
        "largest_cluster": {"id": big, "size": sizes[big]},
        "families_vs_clusters_without_largest": _pairwise_pr(without_big, fam),
        "quick_families_vs_clusters": _pairwise_pr(cluster, _quick_family(docs, settings)),
        "predicted": report.stats,
        "seconds": round(seconds, 2),
    }


# --- (e) labelled Reuters copies -----------------------------------------------------------------


def eval_labelled(path: Path, family: dict[str, int]) -> dict[str, Any]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    joined = [r for r in rows if r["a"] in family and family[r["a"]] == family.get(r["b"])]
    right = [r for r in joined if r["label"] == "SAME"]
    same = sum(1 for r in rows if r["label"] == "SAME")
    return {
        "pairs": len(rows),
        "labels": dict(Counter(r["label"] for r in rows)),
        "in_one_family": len(joined),
        "precision": round(len(right) / len(joined), 4) if joined else 0.0,
        "same_kept": len(right),
        "same_kept_share": round(len(right) / same, 4) if same else 1.0,
        "same": same,
        "wrongly_joined": [f"{r['a']} {r['b']} {r['label']}" for r in joined if r not in right],
    }


# --- output ---------------------------------------------------------------------------------------


def _pr(d: dict[str, Any]) -> str:
    return f"P={d['precision']:.3f} R={d['recall']:.3f} F1={d['f1']:.3f}"


def _print_scores(title: str, s: dict[str, Any]) -> None:
    c, p = s["copy"], s["partial"]
    print(f"  {title}:")
    print(f"    copy {_pr(c)} (tp {c['tp']}/{c['gold']}, predicted {c['predicted']})")
    print(f"    partial {_pr(p)} (tp {p['tp']}/{p['gold']}, predicted {p['predicted']})")
    print(f"    negatives called related: {len(s['negatives_called_related'])}")
    print("    gold \\ predicted   " + " ".join(f"{k[:9]:>9}" for k in PRED_LABELS))
    for g in GOLD_LABELS:
        print(f"    {g:<18}" + " ".join(f"{s['confusion'][g][k]:>9}" for k in PRED_LABELS))
    d = s["direction"]
    print(
        f"    direction on gold copies: {d['agree']}/{d['decided']} agree,"
        f" {d['undecided']} left unknown; disagree: {', '.join(d['disagree']) or 'none'}"
    )
    for e in s["errors"]:
        f = e["figures"]
        print(
            f"    miss {e['pair']} gold={e['gold']}({e['confidence']}) pred={e['predicted']}"
            f" rule={e['rule']} cov={f.get('coverage_a')}/{f.get('coverage_b')}"
            f" longest={f.get('longest_passage_words')} J={f.get('jaccard')}"
        )


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="all but impresso")
    ap.add_argument("--no-times", action="store_true", help="pairs-dev without publication times")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    if not SHARED.exists():
        print(f"no shared data at {SHARED}", file=sys.stderr)
        return 2
    settings = CopySettings()
    out: dict[str, Any] = {"settings": settings.as_dict(), "quick": args.quick}
    started = time.perf_counter()

    seeds = eval_seeds(settings)
    out["seeds"] = seeds
    print(f"(a) seeds: {'PASS' if seeds['pass'] else 'FAIL'}  ({seeds['details']['cleaner']})")
    for k, v in seeds["checks"].items():
        print(f"    {'ok ' if v else 'FAIL'} {k}")
    for m in seeds["details"].get("missing_snippets", []):
        print(f"    missing {m}")

    pd = eval_pairs_dev(settings, with_times=not args.no_times)
    out["pairs_dev"] = pd
    print(f"(b) pairs-dev (publication times {'joined' if pd['with_times'] else 'left out'}):")
    _print_scores("pairwise", pd["pairwise"])
    _print_scores(f"as one corpus of {pd['corpus']['documents']} texts", pd["corpus"])
    print(f"    corpus candidates: {pd['corpus']['stats']}")
    print(f"    relations outside the gold pairs: {pd['corpus']['relations_outside_gold_pairs']}")
    q = pd["quick"]
    print(f"  quick families (no pair aligned): copy {_pr(q['copy'])}", end="")
    print(f" (tp {q['copy']['tp']}/{q['copy']['gold']}, predicted {q['copy']['predicted']})")

    out["exact"] = {}
    families: dict[str, dict[str, int]] = {}
    for name in ("bbc_news_2225", "reuters21578"):
        r, families[name] = eval_exact(name, settings)
        out["exact"][name] = r
        print(
            f"(c) exact duplicates {name}: recall {r['recall_exact']:.4f}"
            f" ({r['found_as_exact']}/{r['gold_exact_pairs']} pairs as exact;"
            f" as any copy {r['recall_any_copy']:.4f}); {r['documents']} docs"
            f" in {r['seconds']} s"
        )
        print(f"    predicted {r['predicted']}")
    reuters_quick = _quick_family(load_jsonl_corpus("reuters21578"), settings)
    for sample, path in LABELLED.items():
        key = "labelled_reuters" if sample == "first" else f"labelled_reuters_{sample}"
        lab = out[key] = eval_labelled(path, families["reuters21578"])
        print(
            f"(e) labelled Reuters copies, {sample} sample: precision {lab['precision']:.3f}"
            f" ({lab['in_one_family']} of {lab['pairs']} pairs in one family; SAME kept"
            f" {lab['same_kept']}/{lab['same']})"
        )
        print(f"    wrongly joined: {', '.join(lab['wrongly_joined']) or 'none'}")
        quick = out[f"{key}_quick"] = eval_labelled(path, reuters_quick)
        print(
            f"    quick families: precision {quick['precision']:.3f} ({quick['in_one_family']}"
            f" in one family; SAME kept {quick['same_kept']}/{quick['same']})"
        )

    for profile in () if args.quick else ("news", "ocr"):
        imp = eval_impresso(PROFILES[profile])
        out["impresso" if profile == "news" else f"impresso_{profile}"] = imp
        print(
            f"(d) impresso, profile {profile}: {imp['documents']} passages,"
            f" {imp['passim_clusters']} passim clusters, {imp['seconds']} s"
        )
        size = imp["largest_cluster"]["size"]
        print(f"    families vs passim clusters, pairwise: {_pr(imp['families_vs_clusters'])}")
        print(f"    quick families vs passim clusters: {_pr(imp['quick_families_vs_clusters'])}")
        print(
            f"    without the largest cluster ({size} passages):"
            f" {_pr(imp['families_vs_clusters_without_largest'])}"
        )
        print(
            "    families from links across articles only:"
            f" {_pr(imp['families_across_articles_vs_clusters'])}"
        )
        print(
            "    all relations (incl. partial reuse) vs clusters:"
            f" {_pr(imp['all_relations_vs_clusters'])}"
        )
        print(f"    predicted {imp['predicted']}")

    out["seconds"] = round(time.perf_counter() - started, 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(out, indent=1, ensure_ascii=False, default=str), encoding="utf-8"
    )
    print(f"total {out['seconds']} s; results in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
