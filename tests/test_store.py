from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from storyline.article import Article, Origin, Paragraph, Rejected, Removal
from storyline.copies import fingerprint
from storyline.errors import NotFoundError, StoreError
from storyline.store.db import Store
from storyline.store.migrations import MIGRATIONS


def _article(aid: str, text: str = "Body text.") -> Article:
    return Article(
        id=aid,
        origin=Origin("/in/feed.jsonl", "line 1", "abc"),
        text=text,
        paragraphs=(Paragraph(0, len(text)),),
        raw_text="[ad_1]\n" + text,
        removals=(Removal("ad_marker", "[ad_1]", 0, 6),),
        title="A title",
        metadata={"credits": ["X contributed."]},
    )


def test_new_store_is_wal_and_migrated(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        assert store.schema_version == len(MIGRATIONS)
        mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"


def test_store_from_newer_storyline_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_older_store_is_brought_forward_and_never_reuses_a_seq(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    conn = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:3], start=1):  # a store from before seqs counted
        conn.executescript(f"{script}\nPRAGMA user_version={number};")
    conn.execute("INSERT INTO sources(id, path, name, size, mtime_ns) VALUES (1, 'f', 'f', 1, 1)")
    conn.execute(
        "INSERT INTO articles(seq, id, given_id, source_id, locator, raw_hash, text, raw_text,"
        " paragraphs, metadata) VALUES (7, 'old', 'old', 1, 'l', 'h', 't', 't', '[]', '{}')"
    )
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        sid = store.reset_source("/in/feed.jsonl", "feed.jsonl", 10, 1)
        store.store_batch(sid, [_article("a1")])
        assert store.article_seqs() == {"old": 7, "a1": 8}
        store.reset_source("/in/feed.jsonl", "feed.jsonl", 11, 2)  # changed: a1 is forgotten
        store.store_batch(sid, [_article("a1")])
        assert store.article_seqs() == {"old": 7, "a1": 9}
        assert [a.id for a in store.iter_articles(after_seq=8)] == ["a1"]


def test_a_store_indexed_row_by_row_keeps_its_index_when_batches_index_in_bulk(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.db"
    conn = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:5], start=1):  # articles indexed by a trigger
        conn.executescript(f"{script}\nPRAGMA user_version={number};")
    conn.execute("INSERT INTO sources(id, path, name, size, mtime_ns) VALUES (1, 'f', 'f', 1, 1)")
    conn.execute(
        "INSERT INTO articles(seq, id, given_id, source_id, locator, raw_hash, text, raw_text,"
        " paragraphs, metadata) VALUES (1, 'old', 'old', 1, 'l', 'h', 'harbor', 'harbor', '[]',"
        " '{}')"
    )
    conn.execute("UPDATE counters SET last = 1")
    conn.commit()
    conn.close()
    with Store(path) as store:
        sid = store.reset_source("/in/feed.jsonl", "feed.jsonl", 10, 1)
        store.store_batch(sid, [_article("a", "Harbor bridge."), _article("b", "A bridge.")])
        store.store_batch(sid, [_article("c", "Harbor council.")])
        assert sorted(store.search("harbor")) == ["a", "c", "old"]
        assert sorted(store.search("bridge")) == ["a", "b"]
        store.reset_source("/in/feed.jsonl", "feed.jsonl", 11, 2)  # deleted: out of the index
        assert store.search("harbor") == ["old"]
        store.store_batch(sid, [_article("a", "Harbor council.")])
        assert sorted(store.search("council")) == ["a"]


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable storyline store"):
        Store(path)


def test_missing_store_when_reading(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="run `storyline build` first"):
        Store(tmp_path / "none.db", create=False)


def test_round_trip_duplicates_and_fts(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        sid = store.reset_source("/in/feed.jsonl", "feed.jsonl", 10, 1)
        rejected = Rejected(Origin("/in/feed.jsonl", "line 2", "def"), "line 2: invalid JSON")
        renamed = store.store_batch(
            sid, [_article("a"), rejected, _article("a", "Other harbor text.")], records_done=3
        )
        assert renamed == 1
        stored = store.article("a")
        assert stored == _article("a")  # every field survives the round trip
        assert store.article("a~2").text == "Other harbor text."
        assert [r.reason for r in store.quarantined()] == ["line 2: invalid JSON"]
        assert store.notices()[0][0] == "duplicate_id"
        assert store.search("harbor") == ["a~2"]
        with pytest.raises(NotFoundError):
            store.article("zzz")


def test_the_copies_stage_reads_clean_texts_only(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        sid = store.reset_source("/in/feed.jsonl", "feed.jsonl", 10, 1)
        store.store_batch(sid, [_article("a"), _article("b", "Other text.")])
        assert list(store.unprinted_docs()) == [
            ("a", "Body text.", None),
            ("b", "Other text.", None),
        ]
        store.add_copy_prints([fingerprint(store.article("a"))])
        assert [doc[0] for doc in store.unprinted_docs()] == ["b"]
        clean = store.articles(["a", "zzz"], raw=False)
        assert list(clean) == ["a"]
        assert clean["a"] == replace(_article("a"), raw_text="", removals=())
        assert store.articles(["a"])["a"] == _article("a")


def test_reset_source_forgets_what_it_gave(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        sid = store.reset_source("/in/f.txt", "f.txt", 10, 1)
        store.store_batch(sid, [_article("a")], records_done=1, complete=True)
        assert store.reset_source("/in/f.txt", "f.txt", 11, 2) == sid
        assert store.count("articles") == 0
        assert store.count("removals") == 0  # cascades
        assert store.search("body") == []
