"""Fixtures for the reader tests: small, fictional, written on the fly."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.article import RawArticle, Rejected
from storyline.ingest import ReadOptions, discover, read_source

Record = RawArticle | Rejected

PARAGRAPHS = (
    "The harbor bridge in Northport reopened to traffic on Thursday after six weeks of "
    "repairs following the February storm, the city council said.",
    "Engineers replaced two damaged expansion joints and inspected every cable, according "
    "to a statement from the council's works department.",
    "The repairs came in slightly under the budget approved in January, and the ferry "
    "service that ran during the closure will end on Sunday.",
)
ARTICLE = "\n\n".join(PARAGRAPHS)


def read_all(paths: Sequence[Path | str], options: ReadOptions | None = None) -> list[Record]:
    """What a build would see: discovery rejections and every record of every source."""
    records: list[Record] = []
    for found in discover(paths):
        if isinstance(found, Rejected):
            records.append(found)
        else:
            records.extend(read_source(found, options or ReadOptions()))
    return records


def articles(records: Sequence[Record]) -> list[RawArticle]:
    return [r for r in records if isinstance(r, RawArticle)]


def rejections(records: Sequence[Record]) -> list[Rejected]:
    return [r for r in records if isinstance(r, Rejected)]


def html_page(title: str, paragraphs: Sequence[str] = PARAGRAPHS, head: str = "") -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>\n{body}</article>"
        "<footer>Northport Gazette</footer></body></html>"
    )


def write_warc(path: Path, pages: Sequence[tuple[str, str]], *, gzip: bool = True) -> None:
    """A WARC with, for each (uri, html) page, a request and a 200 HTML response; plus an
    image, a redirect and a metadata record, none of which are articles."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        for uri, html in pages:
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    "request",
                    payload=io.BytesIO(b""),
                    http_headers=StatusAndHeaders(
                        f"GET {uri} HTTP/1.1", [("Host", "gazette.example")], is_http_request=True
                    ),
                )
            )
            _response(writer, uri, "200 OK", "text/html; charset=utf-8", html.encode())
        _response(writer, "https://gazette.example/logo.png", "200 OK", "image/png", b"\x89PNG")
        _response(writer, "https://gazette.example/old", "301 Moved", "text/html", b"<p>moved</p>")
        writer.write_record(
            writer.create_warc_record(
                "https://gazette.example/", "metadata", payload=io.BytesIO(b"crawl: test")
            )
        )


def _response(writer: WARCWriter, uri: str, status: str, content_type: str, body: bytes) -> None:
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers)
    )
