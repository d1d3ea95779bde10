"""The embedded SQLite store: one file, WAL mode, versioned schema, FTS5 over articles.

Writes happen in batches, each one transaction that also advances its source's resume point,
so a build killed at any moment leaves the store exactly as it was after some whole batch.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from storyline.article import Article, Origin, Paragraph, Rejected, Removal
from storyline.copies import Copy, Doc, DocPrint, Family, Passage, Prints, Recalled, Relation
from storyline.copies.arrays import UINT32, UINT64, run_bounds
from storyline.errors import NotFoundError, StoreError
from storyline.records import made
from storyline.store.migrations import MIGRATIONS
from storyline.workers import batched

DUPLICATE_SUFFIX = "~"  # a repeated id "x" is stored as "x~2", "x~3", ... and reported


def _dumps(value: Any, *, sort: bool = False, default: Callable[[Any], Any] | None = None) -> str:
    """JSON text with non-ASCII kept (`sort`: keys sorted; `default`: what a value JSON cannot
    hold becomes, else it is an error). orjson: a copy's row takes 5 us, not the standard
    library's 28."""
    option = orjson.OPT_NON_STR_KEYS | (orjson.OPT_SORT_KEYS if sort else 0)
    return orjson.dumps(value, default=default, option=option).decode()


_loads = orjson.loads


@dataclass(frozen=True, slots=True)
class SourceState:
    id: int
    size: int
    mtime_ns: int
    records_done: int
    complete: bool


@dataclass(frozen=True, slots=True)
class CleanArticles:
    """`Store.articles(ids, raw=False)` of the store file at `path`, for any process: each call
    opens a connection of its own (its cost is nothing beside a batch of pairs' alignment) and
    the reader pickles as its path, so a worker fetches its texts itself, and never touches a
    connection it inherited."""

    path: Path

    def __call__(self, ids: Sequence[str]) -> dict[str, Article]:
        with Store(self.path, create=False) as store:
            return store.articles(ids, raw=False)


class Store:
    """A storyline SQLite file. Use as a context manager, or call `close()`."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no storyline store here (run `storyline build` first)")
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable storyline store ({exc})") from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def _migrate(self) -> None:
        version = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this storyline "
                f"understands ({len(MIGRATIONS)}); upgrade storyline"
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # executescript commits by itself, so the version bump rides inside the script.
            self.conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- sources: what has been read, and how far -------------------------------------------

    def source_state(self, path: str) -> SourceState | None:
        row = self.conn.execute(
            "SELECT id, size, mtime_ns, records_done, complete FROM sources WHERE path = ?", (path,)
        ).fetchone()
        return None if row is None else SourceState(row[0], row[1], row[2], row[3], bool(row[4]))

    def reset_source(self, path: str, name: str, size: int, mtime_ns: int) -> int:
        """Start (or restart, for a changed file) reading a source; forget what it gave before."""
        with self.transaction() as conn:
            old = conn.execute("SELECT id FROM sources WHERE path = ?", (path,)).fetchone()
            if old is not None:
                for table in ("articles", "quarantine", "notices"):
                    conn.execute(f"DELETE FROM {table} WHERE source_id = ?", (old[0],))
                conn.execute(
                    "UPDATE sources SET name=?, size=?, mtime_ns=?, records_done=0, complete=0 "
                    "WHERE id=?",
                    (name, size, mtime_ns, old[0]),
                )
                return int(old[0])
            cur = conn.execute(
                "INSERT INTO sources(path, name, size, mtime_ns) VALUES (?, ?, ?, ?)",
                (path, name, size, mtime_ns),
            )
            return int(cur.lastrowid or 0)

    def store_batch(
        self,
        source_id: int | None,
        items: Sequence[Article | Rejected],
        *,
        records_done: int | None = None,
        complete: bool = False,
    ) -> int:
        """Store articles and quarantined records and advance the source's resume point, atomically.

        Returns how many articles arrived with an id already taken (stored renamed, and noticed).
        """
        renamed = 0
        with self.transaction() as conn:
            first_seq = self._last_seq(conn) + 1
            for item in items:
                if isinstance(item, Article):
                    renamed += self._insert_article(conn, source_id, item)
                else:
                    self._insert_rejected(conn, source_id, item)
            # the batch's articles join the full-text index in one statement: row by row, by a
            # trigger, indexing took a third of ingest's time (24.7 -> 18.2 s on 100k articles)
            conn.execute(
                "INSERT INTO articles_fts(rowid, title, text)"
                " SELECT seq, title, text FROM articles WHERE seq >= ?",
                (first_seq,),
            )
            if source_id is not None:
                conn.execute(
                    "UPDATE sources SET records_done = COALESCE(?, records_done), complete = ? "
                    "WHERE id = ?",
                    (records_done, int(complete), source_id),
                )
        return renamed

    def _insert_article(self, conn: sqlite3.Connection, source_id: int | None, a: Article) -> bool:
        article_id = self._free_id(conn, a.id)
        if article_id != a.id:
            conn.execute(
                "INSERT INTO notices(source_id, kind, article_id, message) VALUES (?, ?, ?, ?)",
                (
                    source_id,
                    "duplicate_id",
                    article_id,
                    f"{a.origin.source} {a.origin.locator}: id {a.id!r} was already taken; "
                    f"stored as {article_id!r}",
                ),
            )
        conn.execute("UPDATE counters SET last = last + 1 WHERE name = 'article_seq'")
        seq = self._last_seq(conn)
        conn.execute(
            "INSERT INTO articles(seq, id, given_id, source_id, locator, raw_hash, title, url,"
            " outlet, byline, published, text, raw_text, paragraphs, metadata)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seq,
                article_id,
                a.id,
                source_id,
                a.origin.locator,
                a.origin.raw_hash,
                a.title,
                a.url,
                a.outlet,
                a.byline,
                a.published,
                a.text,
                a.raw_text,
                _dumps([[p.start, p.end] for p in a.paragraphs]),
                _dumps(a.metadata, sort=True),
            ),
        )
        conn.executemany(
            'INSERT INTO removals(article_seq, idx, rule, text, start, "end", lifted_to)'
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (seq, i, r.rule, r.text, r.start, r.end, r.lifted_to)
                for i, r in enumerate(a.removals)
            ],
        )
        return article_id != a.id

    @staticmethod
    def _last_seq(conn: sqlite3.Connection) -> int:
        (last,) = conn.execute("SELECT last FROM counters WHERE name = 'article_seq'").fetchone()
        return int(last)

    @staticmethod
    def _free_id(conn: sqlite3.Connection, wanted: str) -> str:
        candidate, n = wanted, 1
        while conn.execute("SELECT 1 FROM articles WHERE id = ?", (candidate,)).fetchone():
            n += 1
            candidate = f"{wanted}{DUPLICATE_SUFFIX}{n}"
        return candidate

    @staticmethod
    def _insert_rejected(conn: sqlite3.Connection, source_id: int | None, r: Rejected) -> None:
        if source_id is None:  # a path that could not be opened: keep one row per path
            conn.execute(
                "DELETE FROM quarantine WHERE source_id IS NULL AND path = ?", (r.origin.source,)
            )
        conn.execute(
            "INSERT INTO quarantine(source_id, path, locator, raw_hash, reason)"
            " VALUES (?, ?, ?, ?, ?)",
            (source_id, r.origin.source, r.origin.locator, r.origin.raw_hash, r.reason),
        )

    # --- copies --------------------------------------------------------------------------------

    def replace_copies(
        self,
        checked: Iterable[Copy | Recalled],
        families: Callable[[], Sequence[Family]],
        state: Any,
    ) -> None:
        """Swap in the copies stage's whole result, and its `state`, in one transaction: never
        half of two runs. `checked` streams every pair the run checked, rejected ones included
        (`relation` None); `families` is called once they are all in. A recalled pair's rows
        stand, the others are written over them; what the run did not check is deleted."""
        with self.transaction() as conn:
            (run,) = conn.execute("SELECT COALESCE(MAX(run), 0) + 1 FROM copy_checks").fetchone()
            for chunk in batched(checked, 1000):
                copies = [c for c in chunk if isinstance(c, Copy)]
                conn.executemany(
                    "UPDATE copy_checks SET run = ? WHERE a = ? AND b = ?",
                    [(run, c.a, c.b) for c in chunk if isinstance(c, Recalled)],
                )
                conn.executemany(
                    "INSERT OR REPLACE INTO copy_checks"
                    " SELECT ?1, ?2, x.seq, y.seq, ?3, ?4, ?5 FROM articles x, articles y"
                    " WHERE x.id = ?1 AND y.id = ?2",
                    [
                        (c.a, c.b, _candidate(c.evidence["candidate"]), c.relation, run)
                        for c in copies
                    ],
                )
                conn.executemany(
                    "INSERT OR REPLACE INTO copies VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [_copy_row(c) for c in copies if c.relation],
                )
            conn.execute("DELETE FROM copy_checks WHERE run < ?", (run,))
            conn.execute(
                "DELETE FROM copies WHERE NOT EXISTS (SELECT 1 FROM copy_checks k"
                " WHERE k.a = copies.a AND k.b = copies.b AND k.relation IS NOT NULL)"
            )
            for table in ("family_members", "families"):
                conn.execute(f"DELETE FROM {table}")
            found = families()
            conn.executemany(
                "INSERT INTO families VALUES (?, ?, ?, ?)",
                [(f.id, f.canonical, f.canonical_rule, _dumps(f.members)) for f in found],
            )
            conn.executemany(
                "INSERT INTO family_members VALUES (?, ?)",
                [(m, f.id) for f in found for m in f.members],
            )
            conn.execute(
                "INSERT OR REPLACE INTO stage_state VALUES ('copies', ?)", (_dumps(state),)
            )

    def recall_copies(
        self, pairs: Sequence[tuple[str, str, dict[str, Any]]]
    ) -> dict[tuple[str, str], Relation | None]:
        """The verdicts the last copies run gave these (a, b, candidate record) pairs where it
        checked the same versions of both articles, paired by the candidate step the same way."""
        known: dict[tuple[str, str], Relation | None] = {}
        for a, b, candidate in pairs:
            row = self.conn.execute(
                "SELECT k.relation FROM copy_checks k"
                " JOIN articles x ON x.seq = k.a_seq JOIN articles y ON y.seq = k.b_seq"
                " WHERE k.a = ? AND k.b = ? AND k.candidate = ? AND x.id = k.a AND y.id = k.b",
                (a, b, _candidate(candidate)),
            ).fetchone()
            if row is not None:
                known[(a, b)] = row[0]
        return known

    def add_copy_prints(self, prints: Iterable[DocPrint]) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO copy_prints"
                " SELECT seq, ?, ?, ?, ? FROM articles WHERE id = ?",
                (
                    (
                        p.words,
                        _signed(p.text_hash),
                        p.signature.tobytes(),
                        p.anchors.tobytes(),
                        p.id,
                    )
                    for p in prints
                ),
            )

    def copy_prints(self) -> Prints:
        """The stored fingerprints of every article that has one, as columns sorted by id (as
        `find_candidates` takes them): no object per article."""
        cur = self.conn.execute(
            "SELECT a.id, a.published, p.words, p.text_hash, p.signature, p.anchors"
            " FROM copy_prints p JOIN articles a ON a.seq = p.article_seq ORDER BY a.id"
        )
        rows = cur.fetchall()
        if not rows:
            return Prints.of([])
        ids, published, words, hashes, signatures, anchors = zip(*rows, strict=True)
        counts = np.fromiter(map(len, anchors), dtype=np.int64, count=len(ids)) // 8
        return Prints(
            ids,
            published,
            np.array(words, dtype=np.int64),
            np.array(hashes, dtype=np.int64).view(np.uint64),
            np.frombuffer(b"".join(signatures), UINT32).reshape(len(ids), -1),
            np.frombuffer(b"".join(anchors), UINT64),
            run_bounds(counts),
        )

    def keep_copy_prints(self, made_by: Any) -> None:
        """Drop the stored fingerprints unless `made_by` (the copy settings and version that
        are to add more) made them, and note that it makes them from now on. (An interrupted
        first build leaves fingerprints and no copies state to tell whose they are.)"""
        if self.stage_state("copy_prints") == made_by:
            return
        with self.transaction() as conn:
            conn.execute("DELETE FROM copy_prints")
            conn.execute(
                "INSERT OR REPLACE INTO stage_state VALUES ('copy_prints', ?)", (_dumps(made_by),)
            )

    def forget_copy_work(self) -> None:
        """Drop the stored fingerprints and checks (they were made with other settings)."""
        with self.transaction() as conn:
            for table in ("copy_prints", "copy_checks"):
                conn.execute(f"DELETE FROM {table}")

    # Tables that can grow with the corpus are read as iterators (exports stream them).

    def copies(
        self, relations: Sequence[str] | None = None, article: str | None = None
    ) -> Iterator[Copy]:
        """Related pairs by (a, b): of the given `relations`, of one `article`."""
        where: list[str] = []
        args: list[str] = []
        if relations is not None:
            where.append(f"relation IN ({','.join('?' * len(relations))})")
            args += relations
        if article is not None:
            where.append("(a = ? OR b = ?)")  # the primary key serves a, an index b
            args += [article, article]
        sql = f"SELECT {_COPY_COLUMNS} FROM copies c"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return map(_copy, self.conn.execute(sql + " ORDER BY a, b", args))

    def families(self, article: str | None = None) -> Iterator[Family]:
        """Copy families by id; with `article`, the one it belongs to, if any."""
        sql = "SELECT id, canonical, canonical_rule, members FROM families"
        args: tuple[str, ...] = ()
        if article is not None:
            sql += " WHERE id = (SELECT family_id FROM family_members WHERE article_id = ?)"
            args = (article,)
        for fid, canonical, rule, members in self.conn.execute(sql + " ORDER BY id", args):
            yield Family(fid, canonical, tuple(_loads(members)), rule)

    # --- stories -------------------------------------------------------------------------------

    def stage_state(self, stage: str) -> Any:
        row = self.conn.execute(
            "SELECT state FROM stage_state WHERE stage = ?", (stage,)
        ).fetchone()
        return None if row is None else _loads(row[0])

    def save_stories(
        self,
        state: Any,
        assignments: Sequence[dict[str, Any]],
        stories: Sequence[dict[str, Any]],
        storylines: Sequence[dict[str, Any]],
        withdrawn: Sequence[str] = (),
    ) -> None:
        """The stories stage's result and the index state it came from, in one transaction;
        `withdrawn` articles lose their assignment (unless `assignments` gives a new one)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO stage_state VALUES ('stories', ?)", (_dumps(state),)
            )
            conn.executemany(
                "DELETE FROM story_assignments WHERE article_id = ?", [(i,) for i in withdrawn]
            )
            conn.executemany(
                "INSERT OR REPLACE INTO story_assignments VALUES (?, ?, ?, ?)",
                [
                    (a["article_id"], a["story_id"], int(a["new_story"]), _dumps(a["evidence"]))
                    for a in assignments
                ],
            )
            for table, rows in (("stories", stories), ("storylines", storylines)):
                conn.execute(f"DELETE FROM {table}")
                conn.executemany(
                    f"INSERT INTO {table} VALUES (?, ?)",
                    [(r["id"], _dumps(r)) for r in rows],
                )

    def story_rows(self, table: str) -> Iterator[dict[str, Any]]:
        if table not in {"stories", "storylines"}:
            raise ValueError(table)
        for (body,) in self.conn.execute(f"SELECT body FROM {table} ORDER BY id"):
            yield _loads(body)

    def story_evidence(self, article_ids: Sequence[str]) -> dict[str, Any]:
        marks = ",".join("?" * len(article_ids))
        return {
            aid: _loads(ev)
            for aid, ev in self.conn.execute(
                f"SELECT article_id, evidence FROM story_assignments WHERE article_id IN ({marks})",
                list(article_ids),
            )
        }

    def family_canonicals(self) -> dict[str, str]:
        return dict(
            self.conn.execute(
                "SELECT m.article_id, f.canonical FROM family_members m"
                " JOIN families f ON f.id = m.family_id"
            )
        )

    # --- builds --------------------------------------------------------------------------------

    def start_build(
        self,
        started: str,
        stages: Sequence[str],
        settings: dict[str, Any],
        versions: dict[str, str],
    ) -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO builds(started, stages, settings, versions) VALUES (?, ?, ?, ?)",
                (started, ",".join(stages), _dumps(settings), _dumps(versions)),
            )
            return int(cur.lastrowid or 0)

    def finish_build(self, build_id: int, finished: str, summary: dict[str, Any]) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE builds SET finished = ?, summary = ? WHERE id = ?",
                (finished, _dumps(summary), build_id),
            )

    # --- reading -------------------------------------------------------------------------------

    def count(self, table: str) -> int:
        if table not in {"articles", "quarantine", "removals", "notices", "sources", "families"}:
            raise ValueError(table)
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def iter_articles(self, batch: int = 1000, after_seq: int = 0) -> Iterator[Article]:
        """Every article stored after `after_seq`, in insertion order, streamed."""
        cur = self.conn.execute(_ARTICLE_SELECT + " WHERE a.seq > ? ORDER BY a.seq", (after_seq,))
        while rows := cur.fetchmany(batch):
            removals = self._removals([row[0] for row in rows])
            for row in rows:
                yield _article(row, removals.get(row[0], ()))

    def unprinted_docs(self, *, every: bool = False) -> Iterator[Doc]:
        """(id, text, published) of every article without a copies fingerprint (`every`: of
        every article), in insertion order, streamed: all that fingerprints read (no raw text,
        paragraphs or removals)."""
        unprinted = " WHERE NOT EXISTS (SELECT 1 FROM copy_prints p WHERE p.article_seq = a.seq)"
        cur = self.conn.execute(
            "SELECT a.id, a.text, a.published FROM articles a"
            + ("" if every else unprinted)
            + " ORDER BY a.seq"
        )
        # from lists, not the cursor: closing this generator after an interrupted build closed
        # the store would otherwise close the cursor too, and fail
        while rows := cur.fetchmany(1000):
            yield from rows

    def article_seqs(self) -> dict[str, int]:
        """Every article id and its insertion number (re-ingested articles get a new one)."""
        return dict(self.conn.execute("SELECT id, seq FROM articles"))

    def article(self, article_id: str) -> Article:
        row = self.conn.execute(_ARTICLE_SELECT + " WHERE a.id = ?", (article_id,)).fetchone()
        if row is None:
            raise self._not_found(article_id)
        return _article(row, self._removals([row[0]]).get(row[0], ()))

    def require_article(self, article_id: str) -> None:
        """Raise `NotFoundError` unless the store holds `article_id` (reads no text)."""
        if (
            self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
            is None
        ):
            raise self._not_found(article_id)

    def _not_found(self, article_id: str) -> NotFoundError:
        return NotFoundError(f"no article with id {article_id!r} in {self.path}")

    def articles(self, ids: Sequence[str], *, raw: bool = True) -> dict[str, Article]:
        """The articles of `ids` found, by id. `raw=False` leaves out what cleaning took from
        the input (`raw_text` empty, no removals): comparing texts reads neither, and a raw
        HTML page can weigh many times its clean text."""
        select = _ARTICLE_SELECT if raw else _CLEAN_ARTICLE_SELECT
        found: dict[str, Article] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(select + f" WHERE a.id IN ({marks})", chunk).fetchall()
            removals = self._removals([row[0] for row in rows]) if raw else {}
            for row in rows:
                found[row[1]] = _article(row, removals.get(row[0], ()))
        return found

    def _removals(self, seqs: Sequence[int]) -> dict[int, tuple[Removal, ...]]:
        out: dict[int, list[Removal]] = {}
        marks = ",".join("?" * len(seqs))
        for seq, rule, text, start, end, lifted in self.conn.execute(
            'SELECT article_seq, rule, text, start, "end", lifted_to FROM removals'
            f" WHERE article_seq IN ({marks}) ORDER BY article_seq, idx",
            seqs,
        ):
            out.setdefault(seq, []).append(Removal(rule, text, start, end, lifted))
        return {seq: tuple(rs) for seq, rs in out.items()}

    def quarantined(self) -> Iterator[Rejected]:
        for path, locator, raw_hash, reason in self.conn.execute(
            "SELECT path, locator, raw_hash, reason FROM quarantine ORDER BY path, id"
        ):
            yield Rejected(Origin(path, locator, raw_hash), reason)

    def notices(self) -> list[tuple[str, str | None, str]]:
        return list(self.conn.execute("SELECT kind, article_id, message FROM notices ORDER BY id"))

    def search(self, query: str, limit: int = 20) -> list[str]:
        try:
            rows = self.conn.execute(
                "SELECT a.id FROM articles_fts f JOIN articles a ON a.seq = f.rowid"
                " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
                (query, limit),
            )
            return [row[0] for row in rows]
        except sqlite3.OperationalError as exc:
            raise StoreError(f"bad search query {query!r}: {exc}") from exc


def _signed(value: int) -> int:
    """A uint64 as SQLite's signed 64-bit integer (`copy_prints` reads it back as uint64)."""
    return value - (1 << 64) if value >> 63 else value


def _candidate(record: dict[str, Any]) -> str:
    """A candidate record as stored: "minhash_lsh,rare_anchors 5" (how found, anchors shared)."""
    return f"{','.join(record['by'])} {record['anchor_hits']}"


_COPY_COLUMNS = "c.a, c.b, c.relation, c.earlier, c.similarity, c.passages, c.evidence"


def _copy(row: tuple[Any, ...]) -> Copy:
    a, b, relation, earlier, similarity, passages, evidence = row
    return Copy(
        a,
        b,
        relation,
        earlier,
        _loads(similarity),
        tuple(Passage(**p) for p in _loads(passages)),
        _loads(evidence),
    )


def _copy_row(c: Copy) -> tuple[Any, ...]:
    return (
        c.a,
        c.b,
        c.relation,
        c.earlier,
        c.rule,
        _dumps(c.similarity, sort=True),
        _dumps(c.passages),  # orjson writes a dataclass as the object of its fields
        _dumps(c.evidence, sort=True, default=str),
    )


def _article_select(raw_text: str) -> str:
    return (
        "SELECT a.seq, a.id, s.path, a.locator, a.raw_hash, a.title, a.url, a.outlet, a.byline,"
        f" a.published, a.text, {raw_text}, a.paragraphs, a.metadata"
        " FROM articles a JOIN sources s ON s.id = a.source_id"
    )


_ARTICLE_SELECT = _article_select("a.raw_text")
_CLEAN_ARTICLE_SELECT = _article_select("''")


def _article(row: tuple[Any, ...], removals: tuple[Removal, ...]) -> Article:
    """An article read back (`made`: the copies stage reads back each candidate's articles)."""
    (_, aid, path, locator, raw_hash, title, url, outlet, byline, published) = row[:10]
    text, raw_text, paragraphs, metadata = row[10:]
    return made(
        Article,
        aid,
        made(Origin, path, locator, raw_hash),
        text,
        tuple(made(Paragraph, s, e) for s, e in _loads(paragraphs)),
        raw_text,
        removals,
        title,
        url,
        outlet,
        byline,
        published,
        _loads(metadata),
    )
