"""Exports: each table as Parquet or JSONL, streamed in batches so memory stays flat."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from storyline import serialize
from storyline.errors import InputError
from storyline.store.db import Store

FORMATS = ("parquet", "jsonl")
_BATCH = 2000


def _tables(store: Store) -> dict[str, Callable[[], Iterable[dict[str, Any]]]]:
    return {
        "articles": lambda: (serialize.article_full(a) for a in store.iter_articles()),
        "quarantine": lambda: (serialize.rejected(r) for r in store.quarantined()),
        "copies": lambda: (c.to_json() for c in store.copies()),
        "families": lambda: (f.to_json() for f in store.families()),
        "stories": lambda: store.story_rows("stories"),
        "storylines": lambda: store.story_rows("storylines"),
    }


# Nested objects whose keys vary (or may be added): JSON text in Parquet, objects in JSONL.
_JSON_COLUMNS = {
    "articles": ("metadata",),
    "copies": ("similarity", "evidence"),
    "stories": ("label",),
    "storylines": ("label",),
}


def export(store: Store, fmt: str, out: Path) -> list[Path]:
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in _tables(store).items():
        target = out / f"{name}.{fmt}"
        tmp = target.with_suffix(target.suffix + ".tmp")  # rename at the end: no half files
        if fmt == "parquet":
            _write_parquet(rows(), tmp, name)
        else:
            _write_jsonl(rows(), tmp)
        tmp.replace(target)
        written.append(target)
    return written


def _write_jsonl(rows: Iterable[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while batch := list(islice(it, _BATCH)):
        yield batch


def _schema(table: str) -> Any:
    """Fixed Parquet schemas, so a column that is empty in the first batch keeps its type."""
    import pyarrow as pa

    text, integer = pa.string(), pa.int64()
    texts = pa.list_(text)
    if table == "quarantine":
        return pa.schema([(k, text) for k in ("source", "locator", "raw_hash", "reason")])
    if table == "copies":
        passage = pa.struct([(k, integer) for k in ("a_start", "a_end", "b_start", "b_end")])
        return pa.schema(
            [(k, text) for k in ("a", "b", "relation", "earlier", "similarity")]
            + [("passages", pa.list_(passage)), ("evidence", text)]
        )
    if table == "families":
        return pa.schema(
            [("id", text), ("canonical", text), ("members", texts), ("canonical_rule", text)]
        )
    if table == "stories":
        fields = [("id", text), ("article_ids", texts), ("families", integer), ("label", text)]
        return pa.schema([*fields, ("storyline_id", text), ("merged_into", text)])
    if table == "storylines":
        return pa.schema([("id", text), ("story_ids", texts), ("label", text)])
    span = pa.struct([("start", integer), ("end", integer)])
    removed = pa.struct(
        [("rule", text), ("text", text), ("start", integer), ("end", integer), ("lifted_to", text)]
    )
    return pa.schema(
        [(k, text) for k in ("id", "title", "outlet", "published", "url", "source", "locator")]
        + [("chars", integer), ("removals", integer), ("byline", text), ("raw_hash", text)]
        + [("text", text), ("paragraphs", pa.list_(span))]
        + [("metadata", text), ("removed", pa.list_(removed))]  # metadata as JSON text
    )


def _write_parquet(rows: Iterable[dict[str, Any]], path: Path, table: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _schema(table)
    with pq.ParquetWriter(path, schema) as writer:
        for batch in _batches(rows):
            for row in batch:
                for column in _JSON_COLUMNS.get(table, ()):
                    row[column] = json.dumps(row[column], ensure_ascii=False, sort_keys=True)
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
