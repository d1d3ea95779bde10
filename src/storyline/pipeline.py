"""The build: run the chosen stages, in order, over the store.

`ingest` reads input paths, cleans each article and stores it (with its removals) or quarantines
it; the workers extract HTML pages and clean while this process reads and stores, in input
order. Each source is read in batches; a batch and the source's resume point commit together,
so a build killed at any moment resumes where it stopped, with no article lost or stored twice.
An unchanged source (same size and mtime) that was read completely is not read again.
"""

from __future__ import annotations

import itertools
import json
import platform
import sqlite3
import time
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from storyline import __version__
from storyline.article import Article, Origin, RawArticle, Rejected
from storyline.clean import clean
from storyline.copies import (
    Copy,
    CopySettings,
    Edge,
    Prints,
    Recalled,
    Relation,
    build_families,
    find_candidates,
    fingerprint_all,
    members_from_prints,
    relate_candidates,
)
from storyline.copies.arrays import distinct, in_sorted
from storyline.errors import InputError
from storyline.ingest import Page, ReadOptions, Source, discover, extracted, read_pages_later
from storyline.ingest.records import Read
from storyline.store.db import CleanArticles, Store
from storyline.stories import StoryIndex, StorySettings
from storyline.workers import batched, default_workers, fewer_collections, ordered_map

STAGES: tuple[str, ...] = ("ingest", "copies", "stories")  # in the order they run
CLEAN_CHUNK = 100  # records a worker extracts and cleans at a time, or fewer holding 4 MB:
CLEAN_CHUNK_BYTES = 4 << 20  # the chunks in flight stay small, however large the pages


@dataclass(frozen=True)
class BuildSettings:
    read: ReadOptions = field(default_factory=ReadOptions)
    copies: CopySettings = field(default_factory=CopySettings)
    stories: StorySettings = field(default_factory=StorySettings)
    batch_size: int = 500  # records per transaction: the most a kill can make us redo
    workers: int = field(default_factory=default_workers)  # processes for CPU-heavy steps

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if self.workers < 1:
            raise ValueError("workers must be at least 1")


@dataclass
class BuildSummary:
    stages: list[str]
    sources: int = 0
    sources_unchanged: int = 0
    read: int = 0
    ingested: int = 0
    quarantined: int = 0
    removals: int = 0
    duplicate_ids: int = 0
    copies: int = 0
    families: int = 0
    pairs_checked: int = 0  # candidate pairs the copies stage decided ...
    pairs_recalled: int = 0  # ... of which the last run had checked the same texts
    stories: int = 0
    storylines: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Progress(Protocol):
    """What the build reports as it goes; the CLI draws it with rich."""

    def sources(self, total: int) -> None: ...
    def source_done(self, name: str) -> None: ...
    def records(self, n: int) -> None: ...


class _Silent:
    def sources(self, total: int) -> None:
        pass

    def source_done(self, name: str) -> None:
        pass

    def records(self, n: int) -> None:
        pass


def parse_stages(spec: str | None) -> list[str]:
    """`"ingest,copies"` -> the stages in run order; None means all of them."""
    if spec is None:
        return list(STAGES)
    wanted = [s.strip() for s in spec.split(",") if s.strip()]
    unknown = sorted(set(wanted) - set(STAGES))
    if unknown or not wanted:
        raise InputError(
            f"unknown stage(s) {', '.join(unknown) or '(none given)'};"
            f" choose from {', '.join(STAGES)}"
        )
    return [s for s in STAGES if s in wanted]


def build(
    store: Store,
    paths: Sequence[str | Path],
    *,
    stages: Sequence[str] | None = None,
    settings: BuildSettings | None = None,
    progress: Progress | None = None,
) -> BuildSummary:
    settings = settings or BuildSettings()
    progress = progress or _Silent()
    run = list(stages) if stages is not None else list(STAGES)
    summary = BuildSummary(stages=run)
    started = time.perf_counter()
    build_id = store.start_build(_now(), run, _settings_record(settings, paths), _versions())
    if "ingest" in run:
        _ingest(store, paths, settings, progress, summary)
    if "copies" in run:
        _copies(store, settings.copies, settings.workers, summary)
    if "stories" in run:
        _stories(store, settings.stories, settings.workers, summary)
    summary.seconds = round(time.perf_counter() - started, 3)
    store.finish_build(build_id, _now(), summary.as_dict())
    return summary


def _ingest(
    store: Store,
    paths: Sequence[str | Path],
    settings: BuildSettings,
    progress: Progress,
    summary: BuildSummary,
) -> None:
    found = list(discover(paths))  # only stats files: cheap, and gives the progress bar a total
    progress.sources(len(found))
    # one stream over all sources, so the workers keep busy over a folder of one-page files
    reads = _reads(store, found, settings.read, progress, summary)
    chunks = batched(reads, CLEAN_CHUNK, _size, CLEAN_CHUNK_BYTES)
    made = ordered_map(_cleaned, chunks, settings.workers)
    writer = _Writer(store, settings.batch_size, progress, summary)
    with closing(made):  # its workers end here, even when storing fails
        for item in itertools.chain.from_iterable(made):
            if isinstance(item, _Opened):
                writer.open(item)
            else:
                writer.add(item)
    writer.close()


@dataclass(frozen=True, slots=True)
class _Opened:
    """Where a source's records begin in the stream of records read. The stream is read ahead
    of the store, so a new or changed source is only reset (what it gave before forgotten) when
    the writer reaches it: in stream order, as a build that ran without a stop would."""

    name: str
    done: int = 0  # records stored before: an interrupted read resumes after them
    source_id: int | None = None  # its row when resumed (a reset source gets one when reached);
    # None for what discovery rejected
    reset: Source | None = None  # a new or changed source, to reset first


def _reads(
    store: Store,
    found: Sequence[Source | Rejected],
    options: ReadOptions,
    progress: Progress,
    summary: BuildSummary,
) -> Iterator[_Opened | Read]:
    """The records of every source still to read, each source's after its `_Opened`."""
    for item in found:
        if isinstance(item, Rejected):
            yield _Opened(item.origin.source)
            yield item
            continue
        opened = _open(store, item, summary)
        if opened is None:
            progress.source_done(item.name)
            continue
        yield opened
        records = _guarded(read_pages_later(item, options), str(item.path))
        yield from itertools.islice(records, opened.done, None)


def _open(store: Store, source: Source, summary: BuildSummary) -> _Opened | None:
    """Where reading `source` starts: anew, or after an interrupted read's records; None when it
    was read whole and is unchanged (same size and mtime). Reads the store, never writes it."""
    state = store.source_state(str(source.path))
    unchanged = (
        state is not None and state.size == source.size and state.mtime_ns == source.mtime_ns
    )
    if state is not None and unchanged and state.complete:
        summary.sources_unchanged += 1
        return None
    summary.sources += 1
    if state is not None and unchanged:
        return _Opened(source.name, state.records_done, state.id)
    return _Opened(source.name, reset=source)


class _Writer:
    """Stores each source's articles and rejections in batches, each batch in one transaction
    with its source's resume point; a source's last batch marks it read whole."""

    def __init__(
        self, store: Store, batch_size: int, progress: Progress, summary: BuildSummary
    ) -> None:
        self.store = store
        self.batch_size = batch_size
        self.progress = progress
        self.summary = summary
        self.source: _Opened | None = None
        self.source_id: int | None = None
        self.seen = 0  # records of the source read so far, those stored before included
        self.batch: list[Article | Rejected] = []

    def open(self, source: _Opened) -> None:
        self.close()
        self.source, self.source_id, self.seen = source, source.source_id, source.done
        if (new := source.reset) is not None:
            self.source_id = self.store.reset_source(
                str(new.path), new.name, new.size, new.mtime_ns
            )

    def add(self, record: Article | Rejected) -> None:
        self.seen += 1
        self.summary.read += 1
        if isinstance(record, Article):
            self.summary.ingested += 1
            self.summary.removals += len(record.removals)
        else:
            self.summary.quarantined += 1
        self.batch.append(record)
        if len(self.batch) >= self.batch_size:
            self._flush(complete=False)

    def close(self) -> None:
        if self.source is not None:
            self._flush(complete=True)
            self.progress.source_done(self.source.name)
            self.source = None

    def _flush(self, complete: bool) -> None:
        assert self.source is not None
        self.summary.duplicate_ids += self.store.store_batch(
            self.source_id, self.batch, records_done=self.seen, complete=complete
        )
        self.progress.records(len(self.batch))
        self.batch.clear()


def copy_record(settings: CopySettings) -> dict[str, Any]:
    """What a store keeps of the settings and version its copy work was done with: work done
    with others is done again."""
    return {"storyline": __version__, **json.loads(json.dumps(asdict(settings)))}


@fewer_collections()  # it keeps a record per article and pair: full collections walked them
def _copies(store: Store, settings: CopySettings, workers: int, summary: BuildSummary) -> None:
    """Fingerprint the articles that have no stored fingerprint, find candidates among all of
    them, and align the pairs, fetching their texts from the store in batches; related pairs
    stream into the store, and the result replaces the last one whole.

    A pair the last run checked keeps its verdict, unaligned, while both articles are the
    versions it checked, the candidate step paired them the same way, and no anchor of theirs
    changed between rare and boilerplate (alignment flags boilerplate by those): the result is
    the one a run from scratch gives.
    """
    record = copy_record(settings)
    state = store.stage_state("copies")
    if state is not None and state["settings"] != record:  # other rules may decide otherwise
        store.forget_copy_work()
        state = None
    store.keep_copy_prints(record)
    # the maps are closed as soon as storing fails or is interrupted: their workers end there
    with closing(fingerprint_all(store.unprinted_docs(), settings, workers=workers)) as printed:
        store.add_copy_prints(printed)
    prints = store.copy_prints()
    candidates = find_candidates(prints, settings, workers=workers)
    recall = None
    if state is not None:
        changed = np.setxor1d(np.array(state["common"], dtype=np.uint64), candidates.common)
        touched = _holding(prints, changed)

        def recall(
            pairs: Sequence[tuple[str, str, dict[str, Any]]],
        ) -> dict[tuple[str, str], Relation | None]:
            known = store.recall_copies([p for p in pairs if not touched.intersection(p[:2])])
            summary.pairs_recalled += len(known)
            return known

    members = members_from_prints(prints)
    del prints
    fetch = CleanArticles(store.path)
    edges: list[Edge] = []

    def checked() -> Generator[Copy | Recalled, None, None]:
        for pair, _ in relate_candidates(
            candidates, fetch, settings, recall=recall, workers=workers, fetch_in_workers=True
        ):
            summary.pairs_checked += 1
            if pair.relation:
                edges.append(Edge(pair.a, pair.b, pair.relation))
            yield pair

    with closing(checked()) as related:
        store.replace_copies(
            related,
            lambda: build_families(edges, members),
            {"settings": record, "common": candidates.common.tolist()},
        )
    summary.copies, summary.families = len(edges), store.count("families")


def _holding(prints: Prints, anchors: npt.NDArray[np.uint64]) -> set[str]:
    """Ids of the documents that hold any of `anchors` (sorted)."""
    if not len(anchors) or not len(prints):
        return set()
    held = in_sorted(prints.anchors, anchors)
    doc = np.repeat(np.arange(len(prints)), prints.anchor_counts())
    return {prints.ids[k] for k in distinct(doc[held]).tolist()}


def _stories(store: Store, settings: StorySettings, workers: int, summary: BuildSummary) -> None:
    """Online: resume the saved index and assign only articles stored since it last ran, so
    story and storyline ids given by earlier builds never change; copy families count once.
    Articles deleted or re-ingested since then (a changed input file) are withdrawn from their
    stories first, and the re-ingested ones assigned again."""
    state = store.stage_state("stories")
    index = StoryIndex(settings) if state is None else StoryIndex.from_dict(state["index"])
    through = 0 if state is None else int(state["through_seq"])
    seqs = store.article_seqs()
    stale = [i for i in index.article_ids() if seqs.get(i, through + 1) > through]
    index.withdraw(stale)
    new = store.iter_articles(after_seq=through)
    assignments = index.add(new, families=store.family_canonicals(), workers=workers)
    stories = [s.to_dict() for s in index.stories(include_merged=True)]
    storylines = [line.to_dict() for line in index.storylines()]
    store.save_stories(
        {"index": index.to_dict(), "through_seq": max(seqs.values(), default=through)},
        [a.to_dict() for a in assignments],
        stories,
        storylines,
        withdrawn=stale,
    )
    summary.stories = sum(1 for s in stories if s["merged_into"] is None)
    summary.storylines = len(storylines)


def _guarded(records: Iterable[Read], path: str) -> Iterator[Read]:
    """A reader that fails unexpectedly quarantines the rest of its file instead of the build."""
    done = 0
    try:
        for record in records:
            done += 1
            yield record
    except (OSError, ValueError, RuntimeError) as exc:
        yield Rejected(
            Origin(path, f"after record {done}", ""),
            f"reading stopped: {type(exc).__name__}: {exc}",
        )


def _size(record: _Opened | Read) -> int:
    """About what a record holds in memory: a page's bytes, an article's characters."""
    if isinstance(record, Page):
        return len(record.data)
    return len(record.text) if isinstance(record, RawArticle) else 0


def _cleaned(records: list[_Opened | Read]) -> list[_Opened | Article | Rejected]:
    """The records' articles, extracted (HTML pages) and cleaned; markers pass through."""
    articles = (r if isinstance(r, _Opened) else extracted(r) for r in records)
    return [_clean_or_reject(r) if isinstance(r, RawArticle) else r for r in articles]


def _clean_or_reject(raw: RawArticle) -> Article | Rejected:
    article = clean(raw)
    if not article.text.strip():
        return Rejected(raw.origin, "no article text left after removing boilerplate")
    return article


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _settings_record(settings: BuildSettings, paths: Sequence[str | Path]) -> dict[str, Any]:
    return {"paths": [str(p) for p in paths], **asdict(settings)}


def _versions() -> dict[str, str]:
    versions = {
        "storyline": __version__,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    for package in ("trafilatura", "htmldate", "warcio", "ftfy", "charset-normalizer"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "missing"
    return versions
