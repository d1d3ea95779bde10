"""Readers: input files in, `RawArticle`s (or `Rejected` records) out.

    discover(paths)               the files under the paths given, as `Source`s, in sorted order
    read_source(source, options)  the records in one file
    read_pages_later(...)         the same, HTML pages left for `extracted` to extract

Formats, by file name (case-insensitive, after a .gz or .bz2 suffix; compression itself is found
by magic bytes, so a gzip file without .gz is read too):

    .txt .md .text       one article a file; id = the source's name; the first line may be the
                         headline (`headline_in_text`)
    .jsonl .ndjson .json one JSON object a line (a .json file may also be one array of objects);
                         fields named by `ReadOptions`, the rest kept as metadata;
                         id missing -> "<name>:<line>"
    .csv .tsv            a header row, then one article a row; id missing -> "<name>:<row>"
    .html .htm           one page a file: trafilatura's text and metadata, htmldate's date
    .warc .warc.gz .arc  each 2xx HTML response is a page; id = its WARC-Target-URI
    anything else        an archive or HTML page by its first bytes, else text if it decodes,
                         else rejected as an unsupported file type

Origins: `locator` is "line N" (JSON Lines, counting every line from 1), "item N" (JSON array),
"row N" (CSV, counting data rows from 1, the header not counted), "record at byte N" (WARC, the
offset in the file as stored), or "" for one-article files; `raw_hash` is the xxh3-128 of the
record's bytes (a line without its line break; for CSV the row's text as UTF-8; for WARC the
HTML payload; for a JSON array item, its canonical serialisation).

Text is decoded (see `decode`) and mojibake-repaired with ftfy (see `mojibake`), not cleaned.

The contract the build relies on: every record a reader meets becomes exactly one `RawArticle` or
one `Rejected`, in a deterministic order, and bad input never raises out of `read_source`.
Blank lines are not records. Memory stays bounded: files are streamed, and a record over
`ReadOptions.max_record_bytes` is read through in chunks and quarantined, never held whole.
"""

from storyline.ingest.html import extracted
from storyline.ingest.options import ReadOptions
from storyline.ingest.readers import read_pages_later, read_source
from storyline.ingest.records import Page
from storyline.ingest.sources import Source, discover

__all__ = [
    "Page",
    "ReadOptions",
    "Source",
    "discover",
    "extracted",
    "read_pages_later",
    "read_source",
]
