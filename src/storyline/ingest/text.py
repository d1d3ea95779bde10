"""Plain-text files (.txt, .md, .text and unknown text): one article a file."""

from __future__ import annotations

from collections.abc import Iterator

import xxhash

from storyline.article import Origin, RawArticle
from storyline.ingest.decode import NotText, decode_bytes
from storyline.ingest.mojibake import fix_text
from storyline.ingest.options import ReadOptions
from storyline.ingest.records import Record, file_rejected
from storyline.ingest.sources import Source
from storyline.ingest.streams import BinaryStream, Oversize, read_record


def read_text(source: Source, stream: BinaryStream, options: ReadOptions) -> Iterator[Record]:
    path = str(source.path)
    data = read_record(stream, options.max_record_bytes)
    if isinstance(data, Oversize):
        yield file_rejected(path, data.reason(options.max_record_bytes), data.raw_hash)
        return
    try:
        text, _ = decode_bytes(data)
    except NotText as exc:
        yield file_rejected(path, str(exc))
        return
    if not text.strip():
        yield file_rejected(path, "empty file")
        return
    origin = Origin(path, "", xxhash.xxh3_128_hexdigest(data))
    # The first line may be a headline; the cleaner decides, so no title here.
    yield RawArticle(id=source.name, origin=origin, text=fix_text(text), headline_in_text=True)
