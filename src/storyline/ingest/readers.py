"""`read_source`: pick the reader for a file by its name (or, failing that, its first bytes) and
turn stream failures (a cut-off gzip, a read error) into one last `Rejected`."""

from __future__ import annotations

import csv
import zlib
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath

from storyline.article import Origin, Rejected
from storyline.ingest.decode import looks_binary
from storyline.ingest.html import extracted, read_html
from storyline.ingest.jsonl import read_json, read_json_lines
from storyline.ingest.options import ReadOptions
from storyline.ingest.records import Read, Record, file_rejected
from storyline.ingest.sources import Source
from storyline.ingest.streams import BinaryStream, open_decompressed, read_head
from storyline.ingest.tabular import read_csv, read_tsv
from storyline.ingest.text import read_text
from storyline.ingest.warc import read_warc

Reader = Callable[[Source, BinaryStream, ReadOptions], Iterator[Read]]

_TEXT_READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_text,
    ".jsonl": read_json_lines,
    ".ndjson": read_json_lines,
    ".json": read_json,
    ".csv": read_csv,
    ".tsv": read_tsv,
    ".html": read_html,
    ".htm": read_html,
}
SNIFF_BYTES = 8192  # how much of a file the binary and format sniffs look at
_ARCHIVES = frozenset({".warc", ".arc"})
_COMPRESSED = (".gz", ".bz2")
_ARCHIVE_MAGIC = (b"WARC/", b"filedesc://")
_HTML_MAGIC = (b"<!doctype html", b"<html")


def read_source(source: Source, options: ReadOptions | None = None) -> Iterator[Record]:
    """Every record in `source`, each as one `RawArticle` or one `Rejected`; never raises for
    bad input."""
    for record in read_pages_later(source, options):
        yield extracted(record)


def read_pages_later(source: Source, options: ReadOptions | None = None) -> Iterator[Read]:
    """`read_source`, less the extraction of HTML pages: each comes as a `Page`, for the caller
    to extract (`extracted`) where it likes, as the build does in its workers."""
    try:
        raw = open(source.path, "rb")  # noqa: SIM115 - closed by the with below, in a generator
    except OSError as exc:
        yield file_rejected(str(source.path), f"cannot open: {exc.strerror or exc}")
        return
    with raw:
        yield from _read(source, raw, options or ReadOptions())


def _format_suffix(name: str) -> str:
    """The suffix that names the format: "a.JSONL.gz" -> ".jsonl"."""
    lowered = name.lower()
    for suffix in _COMPRESSED:
        lowered = lowered.removesuffix(suffix)
    return PurePosixPath(lowered).suffix


def _read(source: Source, raw: BinaryStream, options: ReadOptions) -> Iterator[Read]:
    path = str(source.path)
    compression: str | None = None
    last: str | None = None  # the locator of the last record yielded
    try:
        stream, compression = open_decompressed(raw)
        chosen = _choose(source, raw, stream, compression)
        if isinstance(chosen, str):
            yield file_rejected(path, chosen)
            return
        reader, input_stream = chosen
        for record in reader(source, input_stream, options):
            last = record.origin.locator
            yield record
    except (EOFError, OSError, zlib.error, csv.Error) as exc:
        where = " before the first record" if last is None else f" after {last}" if last else ""
        if isinstance(exc, csv.Error):  # not raised with the csv settings tabular uses
            reason = f"bad CSV{where}: {exc}"
        elif isinstance(exc, EOFError):
            reason = f"truncated {compression} stream{where}"
        elif compression is not None:
            reason = f"corrupt {compression} stream{where}: {exc}"
        else:
            reason = f"read error{where}: {exc}"
        yield Rejected(Origin(path, f"after {last}" if last else "", ""), reason)


def _choose(
    source: Source, raw: BinaryStream, stream: BinaryStream, compression: str | None
) -> tuple[Reader, BinaryStream] | str:
    """The reader for `source` and the stream it reads, or why there is none."""
    suffix = _format_suffix(source.name)
    head = read_head(stream, SNIFF_BYTES)
    if len(head) < SNIFF_BYTES and not head.strip():
        return "empty file"
    # warcio undoes per-record gzip itself (and reports offsets in the compressed file).
    archive = (read_warc, stream if compression == "bz2" else raw)
    if suffix in _ARCHIVES:
        return archive if head.startswith(_ARCHIVE_MAGIC) else "not a WARC or ARC archive"
    reader = _TEXT_READERS.get(suffix)
    if reader is not None:
        return "binary file, not text" if looks_binary(head) else (reader, stream)
    if head.startswith(_ARCHIVE_MAGIC):
        return archive
    if looks_binary(head):
        return "unsupported file type: not text, and not a known format by name"
    if head.lstrip().lower().startswith(_HTML_MAGIC):
        return read_html, stream
    return read_text, stream
