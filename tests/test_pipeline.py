"""The build: invariant, incremental, deterministic, and resumable after kill -9."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from corpus_fixtures import make_corpus

from storyline.api import Storyline
from storyline.copies import OCR, fingerprint_all
from storyline.errors import InputError, NotFoundError
from storyline.pipeline import BuildSettings, copy_record, parse_stages
from storyline.store.db import Store

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample"


def dump(db: Path) -> dict[str, list[Any]]:
    """Everything a build leaves behind that a user can see, in a comparable form."""
    conn = sqlite3.connect(db)
    queries = {
        "articles": "SELECT a.id, a.given_id, s.name, a.locator, a.raw_hash, a.title, a.text,"
        " a.paragraphs, a.metadata FROM articles a JOIN sources s ON s.id = a.source_id"
        " ORDER BY a.id",
        "removals": 'SELECT a.id, r.idx, r.rule, r.text, r.start, r."end" FROM removals r'
        " JOIN articles a ON a.seq = r.article_seq ORDER BY a.id, r.idx",
        "quarantine": "SELECT path, locator, reason FROM quarantine ORDER BY path, locator",
        "notices": "SELECT kind, article_id FROM notices ORDER BY article_id",
        "fts": "SELECT a.id FROM articles_fts f JOIN articles a ON a.seq = f.rowid"
        " WHERE articles_fts MATCH 'harbor OR council' ORDER BY a.id",
    }
    out = {name: conn.execute(sql).fetchall() for name, sql in queries.items()}
    conn.close()
    return out


def test_records_read_equal_ingested_plus_quarantined(corpus: Path, tmp_path: Path) -> None:
    with Storyline(tmp_path / "s.db") as sl:
        s = sl.build([corpus])
        assert s.read == s.ingested + s.quarantined
        assert s.ingested == 20 + 200
        assert s.quarantined == 2  # the broken JSONL line and the empty file
        assert s.read == sl.store.count("articles") + sl.store.count("quarantine")
        reasons = {r.origin.source.rsplit("/", 1)[-1]: r for r in sl.quarantine()}
        assert reasons["feed.jsonl"].origin.locator == "line 102"
        assert "empty" in reasons["empty.txt"].reason


def test_build_is_deterministic(corpus: Path, tmp_path: Path) -> None:
    for name in ("one.db", "two.db"):
        with Storyline(tmp_path / name) as sl:
            sl.build([corpus])
    assert dump(tmp_path / "one.db") == dump(tmp_path / "two.db")


def test_ingest_in_workers_across_files_stores_what_one_process_stores(tmp_path: Path) -> None:
    # chunks of records span files: 450 one-article files, then a JSONL file's 600 lines
    corpus = make_corpus(tmp_path / "corpus", txt_files=450, jsonl_lines=600)
    for name, workers in (("one.db", 1), ("two.db", 2)):
        with Storyline(tmp_path / name) as sl:
            summary = sl.build([corpus], stages=["ingest"], settings=BuildSettings(workers=workers))
            assert summary.read == 450 + 600 + 2  # with the broken line and the empty file
            assert summary.sources == 452
    stored = dump(tmp_path / "two.db")
    assert stored == dump(tmp_path / "one.db")
    sources = {article_id: source for article_id, _, source, *_ in stored["articles"]}
    assert len(sources) == 450 + 600
    assert all(s == ("feed.jsonl" if a.startswith("feed-") else a) for a, s in sources.items())


def test_incremental_build_reads_only_new_and_changed_files(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with Storyline(db) as sl:
        first = sl.build([corpus])
        assert first.sources == 22
        again = sl.build([corpus])
        assert (again.sources, again.sources_unchanged, again.read) == (0, 22, 0)

        (corpus / "new.txt").write_text("New headline\n\nA new story about the ferry.\n")
        (corpus / "story-000.txt").write_text("Changed headline\n\nThe story changed.\n")
        third = sl.build([corpus])
        assert (third.sources, third.read) == (2, 2)
        assert sl.article("story-000.txt").text == "The story changed."
        assert sl.store.count("articles") == 221
    # The same files built at once give the same store as the incremental sequence.
    with Storyline(tmp_path / "once.db") as sl:
        sl.build([corpus])
    assert dump(db)["articles"] == dump(tmp_path / "once.db")["articles"]


def _story_members(sl: Storyline) -> dict[str, set[str]]:
    return {s["id"]: set(s["article_ids"]) for s in sl.stories() if s["merged_into"] is None}


def test_stories_follow_deleted_and_changed_articles(corpus: Path, tmp_path: Path) -> None:
    with Storyline(tmp_path / "s.db") as sl:
        sl.build([corpus])
        before = _story_members(sl)
        feed = corpus / "feed.jsonl"
        lines = feed.read_text().splitlines(keepends=True)
        feed.write_text("".join(line for line in lines if '"feed-3"' not in line))
        (corpus / "story-002.txt").write_text("Changed headline\n\nThe ferry strike ended.\n")
        sl.build([corpus])
        after = _story_members(sl)
        placed = [a for members in after.values() for a in members]
        ids = {a.id for a in sl.articles()}
        assert sorted(placed) == sorted(ids)  # every article in exactly one story, no ghosts
        assert "feed-3" not in placed
        evidence = sl.store.conn.execute("SELECT article_id FROM story_assignments").fetchall()
        assert {a for (a,) in evidence} == ids
        touched = {"feed-3", "story-002.txt"}
        kept = {sid: m for sid, m in before.items() if not m & touched}
        assert all(after[sid] >= members for sid, members in kept.items())  # ids stay stable


def test_a_changed_last_file_is_assigned_again(tmp_path: Path) -> None:
    """Its articles get new seqs (a deleted maximum is never handed out again), so the stories
    stage, which resumes from a seq, sees them as new: the store matches a fresh build."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    ferry = "The ferry workers in Harbor City {} on {} over pay, the union said.\n"
    (corpus / "a.txt").write_text("Ferry strike\n\n" + ferry.format("walked out", "Monday"))
    (corpus / "b.txt").write_text("Council vote\n\nThe council passed the budget on Tuesday.\n")
    with Storyline(tmp_path / "s.db") as sl:
        sl.build([corpus])
        assert len(_story_members(sl)) == 2
        (corpus / "b.txt").write_text("Strike goes on\n\n" + ferry.format("stayed out", "Tuesday"))
        sl.build([corpus])
        assert sl.store.article_seqs() == {"a.txt": 1, "b.txt": 3}
        incremental = sorted(map(sorted, _story_members(sl).values()))
    with Storyline(tmp_path / "fresh.db") as sl:
        sl.build([corpus])
        fresh = sorted(map(sorted, _story_members(sl).values()))
    assert fresh == incremental == [["a.txt", "b.txt"]]


def test_duplicate_ids_are_kept_distinct_and_reported(tmp_path: Path) -> None:
    feed = tmp_path / "dup.jsonl"
    feed.write_text(
        '{"id": "x", "text": "First story about the harbor."}\n'
        '{"id": "x", "text": "Second story about the council."}\n'
    )
    with Storyline(tmp_path / "s.db") as sl:
        s = sl.build([feed])
        assert s.duplicate_ids == 1
        assert sl.article("x").text == "First story about the harbor."
        assert sl.article("x~2").text == "Second story about the council."
        assert "already taken" in sl.store.notices()[0][2]


def test_unknown_stage_and_missing_path_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown stage"):
        parse_stages("ingest,nope")
    assert parse_stages("ingest") == ["ingest"]
    with Storyline(tmp_path / "s.db") as sl, pytest.raises(InputError):
        sl.build([tmp_path / "does-not-exist"])


def test_build_records_settings_and_versions(corpus: Path, tmp_path: Path) -> None:
    with Storyline(tmp_path / "s.db") as sl:
        sl.build([corpus], settings=BuildSettings(batch_size=7))
        settings, versions = sl.store.conn.execute(
            "SELECT settings, versions FROM builds"
        ).fetchone()
    assert json.loads(settings)["batch_size"] == 7
    assert {"storyline", "sqlite"} <= json.loads(versions).keys()


_BUILD = (
    "import sys\nfrom storyline.api import Storyline\n"
    "from storyline.pipeline import BuildSettings\n"
    "Storyline(sys.argv[2]).build([sys.argv[1]], settings=BuildSettings(batch_size=25))"
)


def _built_whole(tmp_path: Path) -> tuple[Path, Path]:
    """A corpus large enough to interrupt, and the store one uninterrupted build makes of it."""
    corpus = make_corpus(tmp_path / "corpus", txt_files=60, jsonl_lines=3000)
    reference = tmp_path / "reference.db"
    with Storyline(reference) as sl:
        sl.build([corpus])
    return corpus, reference


def test_kill_9_mid_build_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    corpus, reference = _built_whole(tmp_path)
    db = tmp_path / "killed.db"
    kills = 0
    last = -1
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-c", _BUILD, str(corpus), str(db)])
        deadline = time.monotonic() + 60
        # Kill as soon as this run has stored something new: always mid-build.
        while proc.poll() is None and time.monotonic() < deadline:
            count = _count_articles(db)
            if count > last:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                kills += 1
                last = count
                break
            time.sleep(0.01)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    assert kills >= 2, "the build finished before it could be interrupted"
    with Storyline(db) as sl:
        sl.build([corpus])
    assert dump(db) == dump(reference)


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_mid_build_says_how_to_resume_and_loses_nothing(
    tmp_path: Path, presses: int
) -> None:
    """Ctrl-C once, or twice as an impatient user does (the second may land while the workers
    shut down): the build ends at once with its processes, and the same build resumes it."""
    corpus, reference = _built_whole(tmp_path)
    db = tmp_path / "interrupted.db"
    storyline = Path(sys.executable).with_name("storyline")
    proc = subprocess.Popen(
        [storyline, "build", str(corpus), "--db", str(db)],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as a terminal has it
    )
    deadline = time.monotonic() + 60
    while _count_articles(db) <= 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    for press in range(presses):
        if press:
            time.sleep(0.05)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the build and its workers
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip() == "interrupted: what was stored is kept; build again to resume"
    assert _group_ends(proc.pid), "a worker outlived the build"
    with Storyline(db) as sl:
        sl.build([corpus])
    assert dump(db) == dump(reference)


def test_a_changed_source_is_reset_in_stream_order_whatever_the_read_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sources are read ahead of the store. A changed later source that repeats an id of an
    earlier one must still be reset only once the earlier is stored, or which of the two keeps
    the plain id would depend on where a build stopped."""
    whole = _where_x_went(tmp_path / "whole", monkeypatch, stop_at=None)
    assert whole == [("x", "b.jsonl"), ("x~2", "a.jsonl")]
    assert _where_x_went(tmp_path / "stopped", monkeypatch, stop_at=350) == whole


def _where_x_went(
    root: Path, monkeypatch: pytest.MonkeyPatch, stop_at: int | None
) -> list[tuple[str, str]]:
    """Build b.jsonl holding "x"; add a.jsonl with "x" in its middle and change b.jsonl; build
    again (stopped once after the batch that brings a.jsonl to `stop_at` records, then
    resumed); where each "x" is stored, and under which id."""

    def write(name: str, ids: list[str], mtime: int) -> None:
        rows = (json.dumps({"id": i, "text": f"Council item {i} on the harbor."}) for i in ids)
        (root / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
        os.utime(root / name, ns=(mtime, mtime))

    def stopping(self: Store, *args: Any, **kwargs: Any) -> int:
        renamed = store_batch(self, *args, **kwargs)
        if kwargs.get("records_done") == stop_at:
            raise KeyboardInterrupt
        return renamed

    settings = BuildSettings(batch_size=10, workers=1)
    root.mkdir()
    db = root / "s.db"
    write("b.jsonl", ["x", "b1"], 10**18)
    with Storyline(db) as sl:
        sl.build([root / "b.jsonl"], settings=settings, stages=["ingest"])
    write("a.jsonl", [f"a{i}" if i != 545 else "x" for i in range(1000)], 2 * 10**18)
    write("b.jsonl", ["x", "b1", "b2"], 3 * 10**18)
    paths = [root / "a.jsonl", root / "b.jsonl"]
    if stop_at is not None:
        store_batch = Store.store_batch
        monkeypatch.setattr(Store, "store_batch", stopping)
        with Storyline(db) as sl, pytest.raises(KeyboardInterrupt):
            sl.build(paths, settings=settings, stages=["ingest"])
        monkeypatch.undo()
    with Storyline(db) as sl:
        sl.build(paths, settings=settings, stages=["ingest"])
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT a.id, s.name FROM articles a JOIN sources s ON s.id = a.source_id"
            " WHERE a.given_id = 'x' ORDER BY a.id"
        ).fetchall()
    finally:
        conn.close()


def _group_ends(group: int, seconds: float = 10.0) -> bool:
    """Whether every process of the group has ended within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _count_articles(db: Path) -> int:
    if not db.exists():
        return -1
    try:
        conn = sqlite3.connect(db, timeout=0.1)
        try:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return -1


def test_api_streams_copies_and_checks_ids_at_once(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parents[1] / "examples" / "sample"
    with Storyline(tmp_path / "s.db") as sl:
        sl.build([sample])
        streamed = sl.iter_copies()
        assert iter(streamed) is streamed  # read from the store as it goes, not gathered first
        pairs = [(c.a, c.b) for c in streamed]
        assert [(c.a, c.b) for c in sl.copies()] == pairs
        assert pairs == sorted(pairs) and pairs
        op_ed = "harbor-bridge-op-ed.html"
        assert [(c.a, c.b) for c in sl.copies(article=op_ed)] == [p for p in pairs if op_ed in p]
        (family,) = sl.families()
        assert sl.families(article=family.canonical) == [family]
        with pytest.raises(NotFoundError):
            sl.iter_copies(article="nope")  # raised by the call, not on the first read
        with pytest.raises(NotFoundError):
            sl.families(article="nope")
        with pytest.raises(InputError):
            sl.copies("copy")


def test_fingerprints_another_profile_left_are_made_again(tmp_path: Path) -> None:
    """A first build stopped after fingerprinting by the OCR profile leaves fingerprints and no
    copies state: a build by the defaults, and quick families, must not read them."""

    def work(sl: Storyline) -> tuple[Any, ...]:
        prints = {
            p.id: (p.signature.tobytes(), p.anchors.tobytes())
            for p in sl.store.copy_prints().prints()
        }
        return prints, [c.to_json() for c in sl.copies()], sl.families(), sl.quick_families()

    with Storyline(tmp_path / "fresh.db") as sl:
        sl.build([SAMPLE])
        fresh = work(sl)
    with Storyline(tmp_path / "left.db") as sl:
        sl.build([SAMPLE], stages=["ingest"])
        sl.store.keep_copy_prints(copy_record(OCR))
        sl.store.add_copy_prints(fingerprint_all(sl.store.unprinted_docs(), OCR))
        assert sl.quick_families() == fresh[3]  # by the defaults, not the OCR prints
        sl.build([SAMPLE])
        assert work(sl) == fresh
    assert fresh[2] and fresh[0]
