"""CSV and TSV: a header row, then one article a row, read as a stream with the csv module.

A row over the size limit stops the file: where that row ends cannot be known without reading
it (its quoted fields may hold line breaks), so the rest of the file is quarantined in one record.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from functools import partial
from typing import BinaryIO, TextIO, cast

import xxhash

from storyline.article import Origin
from storyline.ingest.decode import NotText, decode_bytes, stream_encoding
from storyline.ingest.options import ReadOptions
from storyline.ingest.records import FieldMap, Record, file_rejected, rejected
from storyline.ingest.sources import Source
from storyline.ingest.streams import BinaryStream, describe_limit

_HEAD_BYTES = 64 * 1024  # enough text to judge a file's encoding
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes the codec refused, kept by surrogateescape


class _RowTooBig(Exception):
    pass


class _Lines:
    """Feeds the csv module one line at a time, keeping the current row's lines (to hash them)
    and stopping a row that grows over the limit, so no row is ever held whole."""

    def __init__(self, text: TextIO, limit: int) -> None:
        self._text = text
        self._limit = limit
        self._lines: list[str] = []
        self._size = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._text.readline(self._limit + 1)
        if not line:
            raise StopIteration
        self._size += len(line)
        if self._size > self._limit:
            raise _RowTooBig
        self._lines.append(line)
        return line

    def take(self) -> str:
        """The text of the row just parsed, and start the next one."""
        row = "".join(self._lines).rstrip("\r\n")
        self._lines.clear()
        self._size = 0
        return row


def read_delimited(
    source: Source, stream: BinaryStream, options: ReadOptions, *, delimiter: str
) -> Iterator[Record]:
    path = str(source.path)
    limit = options.max_record_bytes
    encoding = stream_encoding(stream.read(_HEAD_BYTES))
    stream.seek(0)
    # csv's own field limit (128 KiB by default, process-wide) must not undercut ours.
    csv.field_size_limit(max(csv.field_size_limit(), limit))
    # typeshed's TextIOWrapper wants a BinaryIO; gzip and bz2 streams are BufferedIOBase.
    binary = cast(BinaryIO, stream)
    text = io.TextIOWrapper(binary, encoding=encoding, errors="surrogateescape", newline="")
    lines = _Lines(text, limit)
    reader = csv.reader(lines, delimiter=delimiter)
    fields = FieldMap(options)
    header: list[str] | None = None
    rowno = 0
    while True:
        where = f"row {rowno + 1}" if header is not None else "the header"
        try:
            values = next(reader)
        except StopIteration:
            break
        except _RowTooBig:
            yield rejected(
                Origin(path, where, ""),
                f"over the {describe_limit(limit)} limit; the rest of the file was not read",
            )
            return
        except UnicodeDecodeError as exc:
            yield rejected(Origin(path, where, ""), f"undecodable {encoding} text: {exc.reason}")
            return
        row = lines.take()
        if not values:
            continue  # a blank line is not a record
        if header is None:
            header = [name.strip() for name in values]
            if options.text_field not in header:
                found = ", ".join(header)
                yield file_rejected(path, f"no '{options.text_field}' column; found: {found}")
                return
            continue
        rowno += 1
        origin = Origin(path, f"row {rowno}", _hash(row))
        if _UNDECODABLE.search(row):
            try:
                values = [_redecode(value, encoding) for value in values]
            except (NotText, UnicodeError) as exc:
                yield rejected(origin, str(exc))
                continue
        if len(values) > len(header):
            yield rejected(origin, f"{len(values)} fields, but the header has {len(header)}")
        else:
            # a short row leaves its last columns missing
            row_fields = dict(zip(header, values, strict=False))
            yield fields.article(row_fields, origin, f"{source.name}:{rowno}")
    if header is None:
        yield file_rejected(path, "empty file")
    elif rowno == 0:
        yield file_rejected(path, "empty file: a header and no rows")


def _redecode(value: str, encoding: str) -> str:
    """A field with bytes the file's encoding refused, decoded on its own."""
    if not _UNDECODABLE.search(value):
        return value
    return decode_bytes(value.encode(encoding, "surrogateescape"))[0]


def _hash(row: str) -> str:
    # The row's text re-encoded: the file's own bytes when it is UTF-8.
    return xxhash.xxh3_128_hexdigest(row.encode("utf-8", "surrogateescape"))


read_csv = partial(read_delimited, delimiter=",")
read_tsv = partial(read_delimited, delimiter="\t")
