"""HTML pages (.html, .htm, and pages inside WARC files): trafilatura finds the article text and
metadata; the publication date is htmldate's (trafilatura calls it on the parsed page)."""

from __future__ import annotations

from collections.abc import Iterator

import trafilatura
import xxhash
from trafilatura.settings import Document

from storyline.article import Origin, RawArticle
from storyline.ingest.decode import NotText, declared_charset, decode_bytes
from storyline.ingest.mojibake import fix_field, fix_text
from storyline.ingest.options import ReadOptions
from storyline.ingest.records import Page, Read, Record, file_rejected, rejected
from storyline.ingest.sources import Source
from storyline.ingest.streams import BinaryStream, Oversize, read_record

_DECLARATION_BYTES = 4096  # where a page declares its charset, if it does
_EXTRA_METADATA = ("description", "categories", "tags", "language")


def read_html(source: Source, stream: BinaryStream, options: ReadOptions) -> Iterator[Read]:
    path = str(source.path)
    data = read_record(stream, options.max_record_bytes)
    if isinstance(data, Oversize):
        yield file_rejected(path, data.reason(options.max_record_bytes), data.raw_hash)
        return
    origin = Origin(path, "", xxhash.xxh3_128_hexdigest(data))
    yield Page(data, origin, source.name)


def extracted(record: Read) -> Record:
    """`record`, or the article in it when it is an HTML page (`Page`); never raises: a page
    that cannot be read is rejected with the reason."""
    if not isinstance(record, Page):
        return record
    try:
        return _page_article(record)
    except Exception as exc:  # trafilatura, lxml and htmldate fail on odd pages in assorted ways
        return rejected(record.origin, f"HTML extraction failed: {type(exc).__name__}: {exc}")


def _page_article(page: Page) -> Record:
    """The article in one HTML page. The page's `url` (where it was fetched) is kept over any
    the page names; its `charset` (the server's) over the one the page declares."""
    data, origin, url = page.data, page.origin, page.url
    try:
        html, _ = decode_bytes(
            data, prefer=page.charset or declared_charset(data[:_DECLARATION_BYTES])
        )
    except NotText as exc:
        return rejected(origin, str(exc))
    found = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if not isinstance(found, Document) or not found.text or not found.text.strip():
        return rejected(origin, "no article text found in HTML")
    extra = {key: value for key in _EXTRA_METADATA if (value := getattr(found, key))}
    if url is not None and found.url and found.url != url:
        extra["canonical_url"] = found.url
    text = fix_text(found.text)
    title = fix_field(found.title)
    return RawArticle(
        id=page.article_id,
        origin=origin,
        text=text,
        title=title,
        url=url or found.url,
        outlet=fix_field(found.sitename),
        byline=fix_field(found.author),
        published=found.date,
        headline_in_text=title is not None and _first_line_is(text, title),
        metadata={**extra, **(page.metadata or {})},
    )


def _first_line_is(text: str, title: str) -> bool:
    """trafilatura keeps an article's <h1> as its first line; the cleaner then drops it."""
    first = text.lstrip().split("\n", 1)[0]
    return " ".join(first.split()).casefold() == " ".join(title.split()).casefold()
