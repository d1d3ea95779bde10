"""JSON Lines (.jsonl, .ndjson, .json): one object a line. A .json file that is an array of
objects is read as a whole, so it must fit within the record size limit."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any

import xxhash

from storyline.article import Origin
from storyline.ingest.decode import WIDE_ENCODINGS, NotText, bom_encoding, decode_bytes
from storyline.ingest.options import ReadOptions
from storyline.ingest.records import FieldMap, Record, file_rejected, rejected, type_name
from storyline.ingest.sources import Source
from storyline.ingest.streams import (
    BinaryStream,
    Oversize,
    describe_limit,
    describe_size,
    read_line,
    read_record,
)


def read_json_lines(source: Source, stream: BinaryStream, options: ReadOptions) -> Iterator[Record]:
    """One record per non-blank line; blank lines are not records."""
    path = str(source.path)
    head = stream.read(4)
    encoding = bom_encoding(head)
    if encoding in WIDE_ENCODINGS:
        yield file_rejected(path, f"JSON Lines must be UTF-8, this file is {encoding}")
        return
    stream.seek(len(codecs.BOM_UTF8) if encoding else 0)
    fields = FieldMap(options)
    limit = options.max_record_bytes
    fallback: str | None = None  # the encoding of an earlier non-UTF-8 line: tried first next time
    lineno = records = 0
    while line := read_line(stream, limit):
        lineno += 1
        locator = f"line {lineno}"
        if isinstance(line, Oversize):
            records += 1
            yield rejected(Origin(path, locator, line.raw_hash), line.reason(limit))
            continue
        raw = line.rstrip(b"\r\n")
        if not raw.strip():
            continue
        records += 1
        origin = Origin(path, locator, xxhash.xxh3_128_hexdigest(raw))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text, fallback = decode_bytes(raw, prefer=fallback)
            except NotText as exc:
                yield rejected(origin, str(exc))
                continue
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as exc:
            yield rejected(origin, _json_error(exc))
            continue
        yield _article(fields, value, origin, f"{source.name}:{lineno}")
    if records == 0:
        yield file_rejected(path, "empty file")


def read_json(source: Source, stream: BinaryStream, options: ReadOptions) -> Iterator[Record]:
    """A JSON array of objects, or else JSON Lines."""
    if not stream.read(1024).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        stream.seek(0)
        yield from read_json_lines(source, stream, options)
        return
    stream.seek(0)
    path = str(source.path)
    limit = options.max_record_bytes
    data = read_record(stream, limit)
    if isinstance(data, Oversize):
        yield file_rejected(
            path,
            f"a JSON array file is read whole, and this one is {describe_size(data.size)},"
            f" over the {describe_limit(limit)} limit; write it as JSON Lines instead",
            data.raw_hash,
        )
        return
    try:
        items = json.loads(decode_bytes(data)[0])
    except NotText as exc:
        yield file_rejected(path, str(exc))
        return
    except (ValueError, RecursionError) as exc:
        yield file_rejected(path, _json_error(exc, with_line=True))
        return
    if not items:
        yield file_rejected(path, "empty file: the JSON array has no items")
        return
    fields = FieldMap(options)
    for n, item in enumerate(items, 1):
        # The item's own bytes are gone once parsed; hash its canonical serialisation.
        canonical = json.dumps(item, ensure_ascii=False, sort_keys=True)
        origin = Origin(path, f"item {n}", xxhash.xxh3_128_hexdigest(canonical.encode()))
        yield _article(fields, item, origin, f"{source.name}:{n}")


def _article(fields: FieldMap, value: Any, origin: Origin, default_id: str) -> Record:
    if not isinstance(value, dict):
        return rejected(origin, f"expected a JSON object, found {type_name(value)}")
    return fields.article(value, origin, default_id)


def _json_error(exc: ValueError | RecursionError, *, with_line: bool = False) -> str:
    if isinstance(exc, json.JSONDecodeError):
        where = f"line {exc.lineno} column {exc.colno}" if with_line else f"column {exc.colno}"
        return f"invalid JSON: {exc.msg} at {where}"
    if isinstance(exc, RecursionError):
        return "invalid JSON: nested too deeply"
    return f"invalid JSON: {exc}"
