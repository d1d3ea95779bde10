"""Web archives (.warc, .warc.gz, .arc): each successful HTML response is one article.

Only `response` records with a 2xx status and an HTML content type count as records: requests,
metadata, redirects, error pages, images and the like are not articles and are passed over.
An article's id is its WARC-Target-URI; its hash is that of the HTML payload.

warcio passes over a cut-off archive silently, so two checks find one: a record whose block is
shorter than its Content-Length, and data after the last whole record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import xxhash
from warcio.archiveiterator import ArchiveIterator

from storyline.article import Origin
from storyline.ingest.decode import header_charset
from storyline.ingest.options import ReadOptions
from storyline.ingest.records import Page, Read, rejected
from storyline.ingest.sources import Source
from storyline.ingest.streams import MB, BinaryStream, Oversize, read_record

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TAIL_BYTES = 4096


def read_warc(source: Source, stream: BinaryStream, options: ReadOptions) -> Iterator[Read]:
    path = str(source.path)
    limit = options.max_record_bytes
    archive = ArchiveIterator(stream)
    records = iter(archive)
    end = 0  # where the last whole record ends
    while True:
        try:
            record = next(records, None)
            if record is None:
                break
            body = read_record(record.content_stream(), limit) if _is_page(record) else None
            whole = _read_to_end(record)
            offset = archive.get_record_offset()
            end = offset + archive.get_record_length()
        except Exception as exc:  # warcio reports damaged archives with assorted types
            yield rejected(Origin(path, f"byte {end}", ""), f"unreadable archive: {_one_line(exc)}")
            return
        origin = Origin(path, f"record at byte {offset}", "")
        if not whole:
            yield rejected(origin, "truncated archive: the file ends inside this record")
        elif isinstance(body, Oversize):
            yield rejected(Origin(path, origin.locator, body.raw_hash), body.reason(limit))
        elif body is not None:
            yield _page(record, body, origin, f"{source.name}:{offset}")
    stream.seek(end)
    if stream.read(_TAIL_BYTES).strip():
        yield rejected(
            Origin(path, f"byte {end}", ""),
            "truncated archive: the data after the last whole record cannot be read",
        )


def _is_page(record: Any) -> bool:
    headers = record.http_headers
    if record.rec_type != "response" or headers is None:
        return False
    status = headers.get_statuscode() or ""
    content_type = (headers.get_header("Content-Type") or "").lower()
    return status.startswith("2") and any(kind in content_type for kind in _HTML_TYPES)


def _read_to_end(record: Any) -> bool:
    """Consume what is left of the record's block; False if the file ended before it did."""
    raw = record.raw_stream
    while raw.read(MB):
        pass
    return getattr(raw, "limit", 0) == 0  # warcio's LimitReader counts down Content-Length


def _page(record: Any, body: bytes, origin: Origin, fallback_id: str) -> Page:
    headers = record.rec_headers
    uri = _header(headers, "WARC-Target-URI", "uri")  # the second name is ARC's
    metadata = {
        key: value
        for key, names in (
            ("warc_record_id", ("WARC-Record-ID",)),
            ("warc_date", ("WARC-Date", "archive-date")),
        )
        if (value := _header(headers, *names))
    }
    return Page(
        body,
        Origin(origin.source, origin.locator, xxhash.xxh3_128_hexdigest(body)),
        uri or fallback_id,
        url=uri,
        charset=header_charset(record.http_headers.get_header("Content-Type")),
        metadata=metadata,
    )


def _header(headers: Any, *names: str) -> str | None:
    for name in names:
        if value := headers.get_header(name):
            return str(value)
    return None


def _one_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
