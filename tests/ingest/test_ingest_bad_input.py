"""Bad input: each problem becomes one Rejected with a reason a user can act on, good records
around it are still read, and nothing raises."""

from __future__ import annotations

import bz2
import codecs
import gzip
import json
import os
import resource
import tracemalloc
from pathlib import Path

import pytest
import xxhash
from ingest_fixtures import (
    ARTICLE,
    PARAGRAPHS,
    articles,
    html_page,
    read_all,
    rejections,
    write_warc,
)

from storyline.article import RawArticle, Rejected
from storyline.ingest import ReadOptions, Source, discover, read_source

MB = 1024 * 1024


def _line(n: int, text: str = PARAGRAPHS[0]) -> str:
    return json.dumps({"id": f"a-{n}", "text": text}) + "\n"


def _only_rejection(path: Path, options: ReadOptions | None = None) -> Rejected:
    [record] = read_all([path], options)
    assert isinstance(record, Rejected), record
    return record


@pytest.mark.parametrize("name", ["empty.txt", "empty.jsonl", "empty.csv", "empty.html"])
@pytest.mark.parametrize("content", [b"", b" \n\t\r\n  \n"])
def test_empty_file(tmp_path: Path, name: str, content: bytes) -> None:
    (tmp_path / name).write_bytes(content)
    rejected = _only_rejection(tmp_path / name)
    assert rejected.reason == "empty file"
    assert rejected.origin.source == str(tmp_path / name) and rejected.origin.locator == ""


def test_binary_file(tmp_path: Path) -> None:
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert _only_rejection(tmp_path / "photo.txt").reason == "binary file, not text"


def test_binary_file_of_unknown_type(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(256))
    assert _only_rejection(tmp_path / "photo.png").reason.startswith("unsupported file type")


def test_latin1_file_is_decoded(tmp_path: Path) -> None:
    text = (
        "Le café de la gare est fermé à Zürich depuis lundi. Les élèves naïfs étudient "
        "le théâtre, et la cuisine française reste très appréciée à l'étranger.\n"
    )
    (tmp_path / "gare.txt").write_bytes(text.encode("latin-1"))
    [article] = articles(read_all([tmp_path / "gare.txt"]))
    assert article.text == text


def test_non_utf8_line_in_jsonl_is_decoded_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    french = "Le café est fermé à Zürich, écrit le journal régional."
    path.write_bytes(_line(1).encode() + _line(2, french).encode("cp1252") + _line(3).encode())
    found = articles(read_all([path]))
    assert [a.text for a in found] == [PARAGRAPHS[0], french, PARAGRAPHS[0]]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(tmp_path: Path, encoding: str) -> None:
    text = "Zürich’s “harbor” bridge reopened on Thursday.\n"
    bom = {"utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    (tmp_path / "wide.txt").write_bytes(bom + text.encode(encoding))
    [article] = articles(read_all([tmp_path / "wide.txt"]))
    assert article.text == text


def test_utf16_tsv_as_spreadsheets_save_it(tmp_path: Path) -> None:
    (tmp_path / "sheet.tsv").write_bytes(f"title\ttext\r\nZürich\t{ARTICLE!r}\r\n".encode("utf-16"))
    [article] = articles(read_all([tmp_path / "sheet.tsv"]))
    assert article.title == "Zürich"


def test_utf8_bom_is_not_text(tmp_path: Path) -> None:
    (tmp_path / "bom.jsonl").write_bytes(codecs.BOM_UTF8 + _line(1).encode())
    (tmp_path / "bom.csv").write_bytes(codecs.BOM_UTF8 + b"text,id\nhello there,x\n")
    (tmp_path / "bom.txt").write_bytes(codecs.BOM_UTF8 + b"hello there")
    found = articles(read_all([tmp_path]))
    assert [(a.id, a.text) for a in found] == [
        ("x", "hello there"),
        ("a-1", PARAGRAPHS[0]),
        ("bom.txt", "hello there"),
    ]


def test_utf16_jsonl_is_rejected_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "wide.jsonl").write_bytes(_line(1).encode("utf-16"))
    assert "must be UTF-8" in _only_rejection(tmp_path / "wide.jsonl").reason


def test_mojibake_is_repaired(tmp_path: Path) -> None:
    broken = "The deal is worth Â£600m, the councilâ€™s statement said."
    (tmp_path / "deal.txt").write_text(broken)
    (tmp_path / "deal.jsonl").write_text(json.dumps({"text": broken, "title": "Â£600m deal"}))
    from_jsonl, from_txt = articles(read_all([tmp_path]))
    fixed = "The deal is worth £600m, the council’s statement said."
    assert from_txt.text == fixed and from_jsonl.text == fixed
    assert from_jsonl.title == "£600m deal"


def test_broken_jsonl_line_is_rejected_and_the_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(_line(1) + '{"id": "a-2" "text": "no comma"}\n' + _line(3))
    first, bad, third = read_all([path])
    assert isinstance(first, RawArticle) and isinstance(third, RawArticle)
    assert isinstance(bad, Rejected)
    assert bad.reason == "line 2: invalid JSON: Expecting ',' delimiter at column 14"
    assert bad.origin.locator == "line 2"
    assert bad.origin.raw_hash == xxhash.xxh3_128_hexdigest(b'{"id": "a-2" "text": "no comma"}')


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('["a list"]', "line 1: expected a JSON object, found an array"),
        ('{"title": "no text"}', "line 1: no 'text' field"),
        ('{"text": "  "}', "line 1: 'text' is empty"),
        ('{"text": 42}', "line 1: 'text' is a number, expected a string"),
        ('{"text": null}', "line 1: 'text' is null, expected a string"),
        ("[" * 100_000 + "]" * 100_000, "line 1: invalid JSON: nested too deeply"),
    ],
)
def test_jsonl_records_that_are_not_articles(tmp_path: Path, line: str, reason: str) -> None:
    (tmp_path / "feed.jsonl").write_text(line + "\n")
    assert _only_rejection(tmp_path / "feed.jsonl").reason == reason


def test_csv_without_the_text_column(tmp_path: Path) -> None:
    (tmp_path / "wire.csv").write_text("id,headline,body\n1,Bridge,It reopened.\n")
    rejected = _only_rejection(tmp_path / "wire.csv")
    assert rejected.reason == "no 'text' column; found: id, headline, body"
    assert rejected.origin.locator == ""


def test_csv_row_with_too_many_fields(tmp_path: Path) -> None:
    (tmp_path / "wire.csv").write_text("id,text\n1,fine\n2,one,two\n3,also fine\n")
    records = read_all([tmp_path / "wire.csv"])
    assert [isinstance(r, RawArticle) for r in records] == [True, False, True]
    assert rejections(records)[0].reason == "row 2: 3 fields, but the header has 2"


def test_csv_row_in_another_encoding_is_decoded_on_its_own(tmp_path: Path) -> None:
    good = "".join(f'{n},"{PARAGRAPHS[n % 3]}"\n' for n in range(500))  # past the encoding sniff
    french = "Le café est fermé à Zürich, écrit le journal régional."
    path = tmp_path / "wire.csv"
    path.write_bytes(f"id,text\n{good}".encode() + f'x,"{french}"\n'.encode("cp1252"))
    records = read_all([path])
    found = articles(records)
    assert len(records) == len(found) == 501
    assert found[-1].text == french


def test_html_with_no_article_text(tmp_path: Path) -> None:
    page = "<html><head><title>Gallery</title><script>var x = 1;</script></head>"
    (tmp_path / "gallery.html").write_text(page + "<body><img src='harbor.jpg'></body></html>")
    assert _only_rejection(tmp_path / "gallery.html").reason == "no article text found in HTML"


def _cut(data: bytes, keep: float) -> bytes:
    return data[: int(len(data) * keep)]


@pytest.mark.parametrize(("suffix", "compress"), [(".gz", gzip.compress), (".bz2", bz2.compress)])
def test_truncated_compressed_jsonl(tmp_path: Path, suffix: str, compress: object) -> None:
    assert callable(compress)
    # random text (compressing to more than one 900 KB bz2 block), so the cut falls among lines
    lines = [_line(n, os.urandom(600).hex()) for n in range(1, 1501)]
    path = tmp_path / f"feed.jsonl{suffix}"
    path.write_bytes(_cut(compress("".join(lines).encode()), 0.75))
    records = read_all([path])
    *good, last = records
    assert good and all(isinstance(r, RawArticle) for r in good)
    assert [r.origin.locator for r in good] == [f"line {n}" for n in range(1, len(good) + 1)]
    assert isinstance(last, Rejected)
    kind = suffix.removeprefix(".").replace("gz", "gzip")
    assert last.reason == f"truncated {kind} stream after line {len(good)}"


def test_truncated_gzip_text(tmp_path: Path) -> None:
    (tmp_path / "s.txt.gz").write_bytes(_cut(gzip.compress(os.urandom(5000).hex().encode()), 0.5))
    rejected = _only_rejection(tmp_path / "s.txt.gz")
    assert rejected.reason == "truncated gzip stream before the first record"


def test_corrupt_gzip(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(("".join(_line(n) for n in range(50))).encode()))
    data[len(data) // 2 :] = bytes(len(data) - len(data) // 2)
    (tmp_path / "feed.jsonl.gz").write_bytes(bytes(data))
    last = read_all([tmp_path / "feed.jsonl.gz"])[-1]
    assert isinstance(last, Rejected) and last.reason.startswith("corrupt gzip stream")


def _pages(n: int) -> list[tuple[str, str]]:
    return [(f"https://gazette.example/{i}", html_page(f"Story {i}")) for i in range(n)]


def test_truncated_warc_gz(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, _pages(4))
    path.write_bytes(_cut(path.read_bytes(), 0.6))
    *good, last = read_all([path])
    assert 1 <= len(good) < 4 and all(isinstance(r, RawArticle) for r in good)
    assert isinstance(last, Rejected) and "truncated archive" in last.reason
    assert last.origin.locator.startswith(("byte ", "record at byte "))


def test_truncated_warc(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    write_warc(path, _pages(4), gzip=False)
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b"Story 3</h1>")])  # inside the last page
    *good, last = read_all([path])
    assert len(good) == 3 and all(isinstance(r, RawArticle) for r in good)
    assert isinstance(last, Rejected)
    assert last.reason.endswith("truncated archive: the file ends inside this record")
    assert last.origin.locator.startswith("record at byte ")


def test_file_named_warc_that_is_not_one(tmp_path: Path) -> None:
    (tmp_path / "crawl.warc").write_text(ARTICLE)
    assert _only_rejection(tmp_path / "crawl.warc").reason == "not a WARC or ARC archive"


def test_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    rejected = _only_rejection(tmp_path)
    assert rejected.reason == f"broken symbolic link to {tmp_path / 'deleted.txt'}"
    assert rejected.origin == type(rejected.origin)(str(tmp_path / "gone.txt"), "", "")


def test_symlink_loop_ends_with_a_rejection(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text(ARTICLE)
    (root / "sub" / "up").symlink_to(root)  # corpus/sub/up -> corpus
    (root / "self").symlink_to("self")  # a link to itself
    records = read_all([root])
    assert [a.id for a in articles(records)] == ["sub/a.txt"]
    reasons = {Path(r.origin.source).name: r.reason for r in rejections(records)}
    assert reasons == {
        "self": "symbolic link loop",
        "up": f"symbolic link loop: leads back to {root}",
    }


def test_oversize_records_are_rejected_and_reading_goes_on(tmp_path: Path) -> None:
    options = ReadOptions(max_record_bytes=1000)
    (tmp_path / "feed.jsonl").write_text(_line(1) + _line(2, "x" * 5000) + _line(3))
    (tmp_path / "long.txt").write_text("y" * 1001)
    (tmp_path / "page.html").write_text(html_page("Long page", PARAGRAPHS * 3))
    first, big, third, long, page = read_all([tmp_path], options)
    assert isinstance(first, RawArticle) and isinstance(third, RawArticle)
    assert isinstance(big, Rejected)
    assert big.reason == "line 2: record is 5,025 bytes, over the 1,000 bytes limit"
    assert big.origin.raw_hash == xxhash.xxh3_128_hexdigest(_line(2, "x" * 5000)[:-1].encode())
    assert isinstance(long, Rejected) and long.reason.startswith("record is 1,001 bytes")
    assert isinstance(page, Rejected) and "over the 1,000 bytes limit" in page.reason


def test_oversize_csv_row_stops_the_file_saying_so(tmp_path: Path) -> None:
    (tmp_path / "wire.csv").write_text(f'text\nshort\n"{"z" * 3000}\nstill quoted"\nafter\n')
    first, stop = read_all([tmp_path / "wire.csv"], ReadOptions(max_record_bytes=1000))
    assert isinstance(first, RawArticle) and isinstance(stop, Rejected)
    assert stop.reason == ("row 2: over the 1,000 bytes limit; the rest of the file was not read")


def test_every_record_met_yields_exactly_one_result(tmp_path: Path) -> None:
    """The build counts records to resume a read: each must give one RawArticle or Rejected."""
    options = ReadOptions(max_record_bytes=2000)
    lines = [
        _line(1),
        "{broken\n",
        "\n",  # blank: not a record
        '"a string"\n',
        '{"text": ""}\n',
        _line(6, "w" * 3000),  # over the limit
        json.dumps({"text": "Â£600m"}) + "\n",
        "   \n",
        _line(9),
    ]
    (tmp_path / "mixed.jsonl").write_text("".join(lines))
    records = read_all([tmp_path / "mixed.jsonl"], options)
    assert [r.origin.locator for r in records] == [f"line {n}" for n in (1, 2, 4, 5, 6, 7, 9)]
    assert [isinstance(r, RawArticle) for r in records] == [1, 0, 0, 0, 0, 1, 1]


@pytest.mark.slow
def test_100_mb_file_is_streamed_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    normal = _line(0, "harbor bridge council " * 450)  # ~10 KB
    with path.open("w") as f:
        for _ in range(4000):
            f.write(normal)
        f.write('{"id": "huge", "text": "')
        for _ in range(20):
            f.write("x" * MB)
        f.write('"}\n')
        for _ in range(4000):
            f.write(normal)
    assert path.stat().st_size > 95 * MB

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    try:
        count = rejected = 0
        [source] = discover([path])
        assert isinstance(source, Source)
        for record in read_source(source):
            count += 1
            if isinstance(record, Rejected):
                rejected += 1
                assert record.origin.locator == "line 4001"
                assert record.reason == "line 4001: record is 20.0 MB, over the 16 MB limit"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert (count, rejected) == (8001, 1)
    assert peak < 60 * MB, f"peak Python allocation {peak / MB:.1f} MB"
    assert rss_growth * 1024 < 60 * MB, f"peak RSS grew {rss_growth / 1024:.1f} MB"


def test_file_gone_before_it_is_read(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text(ARTICLE)
    [source] = discover([tmp_path])
    assert isinstance(source, Source)
    (tmp_path / "story.txt").unlink()
    [rejected] = read_source(source)
    assert isinstance(rejected, Rejected)
    assert rejected.reason == "cannot open: No such file or directory"
