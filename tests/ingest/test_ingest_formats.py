"""Each format read on good input: what a RawArticle carries, and where it came from."""

from __future__ import annotations

import bz2
import csv
import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import xxhash
from ingest_fixtures import ARTICLE, PARAGRAPHS, articles, html_page, read_all, write_warc
from warcio.archiveiterator import ArchiveIterator

from storyline.api import Storyline
from storyline.article import RawArticle
from storyline.ingest import ReadOptions
from storyline.pipeline import BuildSettings

Compress = Callable[[bytes], bytes]
HEADLINE = "Harbor bridge reopens after storm repairs"
ROWS = [
    {
        "id": "gz-1",
        "title": HEADLINE,
        "text": ARTICLE,
        "url": "https://gazette.example/bridge",
        "outlet": "Northport Gazette",
        "byline": "Mara Quill",
        "published": "2021-03-04T08:30:00",
        "section": "local",
    },
    {"title": "Ferry service ends", "text": PARAGRAPHS[2], "byline": ["Ada Pell", "Tom Reed"]},
]


def _jsonl(rows: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def test_text_file_is_one_article_with_the_headline_left_in(tmp_path: Path) -> None:
    data = f"{HEADLINE}\n\n{ARTICLE}\n".encode()
    (tmp_path / "story.txt").write_bytes(data)
    [article] = articles(read_all([tmp_path / "story.txt"]))
    assert article.id == "story.txt"
    assert article.text == data.decode()
    assert article.headline_in_text and article.title is None
    assert article.origin.source == str(tmp_path / "story.txt")
    assert article.origin.locator == ""
    assert article.origin.raw_hash == xxhash.xxh3_128_hexdigest(data)


@pytest.mark.parametrize("name", ["notes.md", "notes.TEXT", "NOTES", "notes.story"])
def test_markdown_and_unknown_text_files_are_read_as_text(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(ARTICLE)
    [article] = articles(read_all([tmp_path / name]))
    assert article.text == ARTICLE and article.id == name


def test_jsonl_maps_fields_and_keeps_the_rest_as_metadata(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(_jsonl(ROWS[:1]) + b"\n  \n" + _jsonl(ROWS[1:]).replace(b"\n", b"\r\n"))
    first, second = read_all([path])
    assert isinstance(first, RawArticle) and isinstance(second, RawArticle)
    assert (first.id, first.title, first.url, first.outlet, first.byline) == (
        "gz-1",
        HEADLINE,
        "https://gazette.example/bridge",
        "Northport Gazette",
        "Mara Quill",
    )
    assert first.published == "2021-03-04T08:30:00"  # kept as given
    assert first.text == ARTICLE and not first.headline_in_text
    assert first.metadata == {"section": "local"}
    assert first.origin.locator == "line 1"
    assert first.origin.raw_hash == xxhash.xxh3_128_hexdigest(json.dumps(ROWS[0]).encode())
    # no id: name and line number (blank lines are counted, not read); line breaks not hashed
    assert second.id == "feed.jsonl:4" and second.origin.locator == "line 4"
    assert second.origin.raw_hash == xxhash.xxh3_128_hexdigest(json.dumps(ROWS[1]).encode())
    assert second.byline == "Ada Pell, Tom Reed"


def test_field_names_come_from_read_options(tmp_path: Path) -> None:
    path = tmp_path / "feed.ndjson"
    row = {"doc": "n-7", "body": ARTICLE, "headline": HEADLINE, "date": "2021-03-04", "id": 3}
    path.write_bytes(_jsonl([row]))
    options = ReadOptions(
        id_field="doc", text_field="body", title_field="headline", published_field="date"
    )
    [article] = articles(read_all([path], options))
    assert (article.id, article.title, article.published) == ("n-7", HEADLINE, "2021-03-04")
    assert article.metadata == {"id": 3}


def test_json_array_file_is_read_item_by_item(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(ROWS, indent=2))
    first, second = articles(read_all([path]))
    assert first.id == "gz-1" and first.origin.locator == "item 1"
    assert second.id == "export.json:2" and second.origin.locator == "item 2"


def test_json_file_of_lines_is_read_as_json_lines(tmp_path: Path) -> None:
    (tmp_path / "export.json").write_bytes(_jsonl(ROWS))
    assert [a.origin.locator for a in articles(read_all([tmp_path]))] == ["line 1", "line 2"]


@pytest.mark.parametrize(
    ("name", "compress"),
    [
        ("feed.jsonl.gz", gzip.compress),
        ("feed.jsonl.bz2", bz2.compress),
        ("feed.JSONL.GZ", gzip.compress),
        ("feed.jsonl", gzip.compress),  # found by its magic bytes
    ],
)
def test_compressed_jsonl(tmp_path: Path, name: str, compress: Compress) -> None:
    (tmp_path / name).write_bytes(compress(_jsonl(ROWS)))
    found = articles(read_all([tmp_path / name]))
    assert [a.id for a in found] == ["gz-1", f"{name}:2"]
    assert found[0].text == ARTICLE


@pytest.mark.parametrize(
    ("name", "compress"), [("s.txt.gz", gzip.compress), ("s.txt.bz2", bz2.compress)]
)
def test_compressed_text(tmp_path: Path, name: str, compress: Compress) -> None:
    (tmp_path / name).write_bytes(compress(ARTICLE.encode()))
    [article] = articles(read_all([tmp_path / name]))
    assert article.text == ARTICLE and article.id == name
    assert article.origin.raw_hash == xxhash.xxh3_128_hexdigest(ARTICLE.encode())


def test_csv_rows_with_quoted_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "wire.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["id", "title", "text", "desk"])
        writer.writeheader()
        writer.writerow({"id": "w-1", "title": HEADLINE, "text": ARTICLE, "desk": "metro"})
        writer.writerow({"id": "", "title": "", "text": PARAGRAPHS[0], "desk": ""})
        f.write("w-3,Short row,only three columns\n")  # the missing column is just missing
    first, second, third = articles(read_all([path]))
    assert (first.id, first.title, first.text, first.metadata) == (
        "w-1",
        HEADLINE,
        ARTICLE,
        {"desk": "metro"},
    )
    assert first.origin.locator == "row 1"
    assert second.id == "wire.csv:2" and second.title is None
    assert third.text == "only three columns" and third.metadata == {}


def test_tsv(tmp_path: Path) -> None:
    path = tmp_path / "wire.tsv"
    path.write_text(f"text\ttitle\n{PARAGRAPHS[0]}\t{HEADLINE}\n")
    [article] = articles(read_all([path]))
    assert (article.id, article.text, article.title) == ("wire.tsv:1", PARAGRAPHS[0], HEADLINE)


def test_html_page_text_and_metadata(tmp_path: Path) -> None:
    head = (
        '<meta charset="utf-8"><meta name="author" content="Mara Quill">'
        '<meta property="og:site_name" content="Northport Gazette">'
        '<meta property="article:published_time" content="2021-03-04T08:30:00Z">'
        '<link rel="canonical" href="https://gazette.example/2021/03/04/bridge">'
    )
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "bridge.html"
    path.write_text(html_page(HEADLINE, head=head))
    [article] = articles(read_all([tmp_path]))
    assert article.id == "sub/bridge.html"
    assert article.title == HEADLINE and article.headline_in_text
    assert all(p in article.text for p in PARAGRAPHS)
    assert "Home" not in article.text and "Northport Gazette" not in article.text
    assert (article.byline, article.outlet, article.published) == (
        "Mara Quill",
        "Northport Gazette",
        "2021-03-04",
    )
    assert article.url == "https://gazette.example/2021/03/04/bridge"


def test_html_by_its_first_bytes_when_the_name_says_nothing(tmp_path: Path) -> None:
    (tmp_path / "index").write_text(html_page(HEADLINE))
    [article] = articles(read_all([tmp_path / "index"]))
    assert article.title == HEADLINE and "<p>" not in article.text


@pytest.mark.parametrize(("name", "gz"), [("crawl.warc.gz", True), ("crawl.warc", False)])
def test_warc_html_responses_are_articles(tmp_path: Path, name: str, gz: bool) -> None:
    pages = [
        ("https://gazette.example/bridge", html_page(HEADLINE)),
        ("https://gazette.example/ferry", html_page("Ferry service ends", PARAGRAPHS[::-1])),
    ]
    write_warc(tmp_path / name, pages, gzip=gz)
    records = read_all([tmp_path / name])
    found = articles(records)
    assert len(records) == len(found) == 2  # requests, image, redirect, metadata: not records
    assert [a.id for a in found] == [uri for uri, _ in pages]
    assert [a.url for a in found] == [uri for uri, _ in pages]
    assert found[1].title == "Ferry service ends"
    assert all(p in found[0].text for p in PARAGRAPHS)
    assert found[0].metadata["warc_record_id"].startswith("<urn:uuid:")
    assert found[0].metadata["warc_date"].startswith("20")
    offsets = [int(a.origin.locator.removeprefix("record at byte ")) for a in found]
    assert 0 < offsets[0] < offsets[1]  # each response follows its request
    html = pages[0][1].encode()
    assert found[0].origin.raw_hash == xxhash.xxh3_128_hexdigest(html)


def test_warc_offsets_point_at_the_records(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, [("https://gazette.example/bridge", html_page(HEADLINE))])
    [article] = articles(read_all([path]))
    offset = int(article.origin.locator.removeprefix("record at byte "))
    with path.open("rb") as f:
        f.seek(offset)
        record = next(iter(ArchiveIterator(f)))
        assert record.rec_headers.get_header("WARC-Target-URI") == article.id
        assert record.rec_type == "response"


def test_a_build_extracts_pages_in_its_workers_as_in_one_process(tmp_path: Path) -> None:
    pages = [
        (f"https://gazette.example/{n}", html_page(f"Item {n}", [f"Notice {n}.", *PARAGRAPHS]))
        for n in range(450)  # five chunks of records: a pool of workers starts
    ]
    write_warc(tmp_path / "crawl.warc.gz", pages)
    stored = []
    for workers in (1, 2):
        with Storyline(tmp_path / f"{workers}.db") as sl:
            summary = sl.build(
                [tmp_path / "crawl.warc.gz"],
                stages=["ingest"],
                settings=BuildSettings(workers=workers),
            )
            assert summary.ingested == 450
            stored.append(list(sl.store.iter_articles()))
    assert stored[0] == stored[1]
    assert stored[0][7].title == "Item 7" and stored[0][7].text.startswith("Notice 7.")


def test_a_page_whose_extraction_fails_is_quarantined_not_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parser state lost")

    pages = [("https://gazette.example/1", html_page("Item 1"))]
    write_warc(tmp_path / "crawl.warc.gz", pages)
    monkeypatch.setattr("storyline.ingest.html.fix_text", failing)  # past the parser
    with Storyline(tmp_path / "s.db") as sl:
        summary = sl.build(
            [tmp_path / "crawl.warc.gz"], stages=["ingest"], settings=BuildSettings(workers=1)
        )
        reasons = [r.reason for r in sl.quarantine()]
    assert summary.quarantined == 1 and summary.ingested == 0
    assert reasons[0].endswith("HTML extraction failed: RuntimeError: parser state lost")
