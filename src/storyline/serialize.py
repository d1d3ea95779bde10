"""The stable JSON shapes of storyline's records: what `--json`, the API and JSONL exports emit.

Keys are only ever added, never renamed or removed; the README documents each shape.
"""

from __future__ import annotations

from typing import Any

from storyline.article import Article, Rejected


def article_summary(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "outlet": a.outlet,
        "published": a.published,
        "url": a.url,
        "source": a.origin.source,
        "locator": a.origin.locator,
        "chars": len(a.text),
        "removals": len(a.removals),
    }


def article_full(a: Article) -> dict[str, Any]:
    return {
        **article_summary(a),
        "byline": a.byline,
        "raw_hash": a.origin.raw_hash,
        "text": a.text,
        "paragraphs": [{"start": p.start, "end": p.end} for p in a.paragraphs],
        "metadata": a.metadata,
        "removed": [
            {
                "rule": r.rule,
                "text": r.text,
                "start": r.start,
                "end": r.end,
                "lifted_to": r.lifted_to,
            }
            for r in a.removals
        ],
    }


def rejected(r: Rejected) -> dict[str, Any]:
    return {
        "source": r.origin.source,
        "locator": r.origin.locator,
        "raw_hash": r.origin.raw_hash,
        "reason": r.reason,
    }
