"""Parallel maps for the CPU-heavy steps: an ordered, bounded one over batches (fingerprints,
alignment), and `fork_map` for a few big tasks over large arrays (the candidate step).

Results come back in input order, and the input is pulled with the same lag (`window` batches
ahead of the result being consumed) whatever the number of workers. So a producer whose next
batch depends on the results consumed so far (the copies stage skips pairs already joined)
sees the same state with 1 worker or 8, and the output is identical. At most `window` batches
are in flight, so memory stays bounded however long the stream.

Workers are forked where the platform can (Linux): a script without a `__main__` guard works,
and nothing is re-imported. They only compute on what they are sent; they never touch the
parent's SQLite connection or print, and leave with `os._exit`, so nothing inherited is flushed
or closed twice.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

WINDOW = 4
"""Batches pulled ahead of the result being consumed."""

GC_THRESHOLD = (200_000, 50, 100)
"""Garbage collection thresholds while a map runs, in the workers and in the process consuming
it, and wherever `fewer_collections` says: these make many small, short-lived objects per
batch (tokens, passages, records) and hardly any cycles, and Python's default (a young
collection every 700 allocations, full ones walking every object the stage holds) cost a
quarter of the CPU time of aligning pairs. A young collection every 20,000 still cost 5% of
it: a batch keeps its texts and results alive, and each collection walked them again."""


def default_workers() -> int:
    """One worker per usable CPU (the scheduler's affinity mask, not the machine's count)."""
    return max(1, len(os.sched_getaffinity(0)))


def ordered_map(
    fn: Callable[[T], R], items: Iterable[T], workers: int = 1, window: int = WINDOW
) -> Generator[R, None, None]:
    """`map(fn, items)` run by `workers` processes (`fn` and items must pickle; 1: in-process);
    closing it early ends the workers.

    A pool is only started when there are more batches than the window: small inputs run
    in-process at no start-up cost, with the same pull order.
    """
    with fewer_collections():
        yield from _ordered_map(fn, items, workers, window)


class _FewerCollections:
    """`GC_THRESHOLD` while any map runs; the caller's own thresholds again once the last one
    ends, in whatever order interleaved maps end."""

    def __init__(self) -> None:
        self.running = 0
        self.saved = gc.get_threshold()

    @contextmanager
    def during(self) -> Iterator[None]:
        if self.running == 0:
            self.saved = gc.get_threshold()
            gc.set_threshold(*GC_THRESHOLD)
        self.running += 1
        try:
            yield
        finally:
            self.running -= 1
            if self.running == 0:
                gc.set_threshold(*self.saved)


_COLLECTIONS = _FewerCollections()
fewer_collections = _COLLECTIONS.during
"""`with fewer_collections():` runs a block at `GC_THRESHOLD`, as maps run: for a step that
makes a record per article or pair of a large corpus and keeps them (families of a million
articles made 2.3 s of records in 0.7 s of work, full collections walking the rest)."""


def _ordered_map(
    fn: Callable[[T], R], items: Iterable[T], workers: int, window: int
) -> Iterator[R]:
    it = iter(items)
    ahead: deque[T] = deque()
    for item in it:
        ahead.append(item)
        if len(ahead) > window:
            break
    if workers <= 1 or len(ahead) <= window:
        yield from _lagged(fn, ahead, it)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with _pool(workers, context) as pool:
        pending: deque[Future[R]] = deque(pool.submit(fn, x) for x in ahead)
        ahead.clear()
        while pending:
            result = pending.popleft().result()
            yield result  # the consumer acts on it before the next item is pulled
            for item in it:
                pending.append(pool.submit(fn, item))
                break


_FORKED: list[Callable[[], Any]] = []
"""The tasks of the running `fork_map`: its forked workers inherit them, unpickled."""


def fork_map(tasks: Sequence[Callable[[], R]], workers: int) -> list[R]:
    """`[task() for task in tasks]`, run by up to `workers` forked processes: for a few big tasks
    over large arrays, which the workers inherit instead of receiving pickled (only results
    travel). In-process where the platform cannot fork, or with one worker or task."""
    if workers <= 1 or len(tasks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [task() for task in tasks]
    if _FORKED:
        raise RuntimeError("fork_map: already running")
    _FORKED.extend(tasks)
    try:
        with _pool(min(workers, len(tasks)), multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_run_forked, range(len(tasks))))
    finally:
        _FORKED.clear()


@contextmanager
def _pool(workers: int, context: BaseContext) -> Iterator[ProcessPoolExecutor]:
    """A process pool that, left by an exception (Ctrl-C, a failed batch, a consumer closing
    the map early), cancels the batches not yet started and waits for those running, deaf to
    Ctrl-C meanwhile: a second Ctrl-C that cut the wait short left the workers to the exit
    handlers, which hung on workers writing results nobody read. (Killing the workers instead
    can cut a result in half, and then the pool's reader waits forever for its end.)"""
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker)
    try:
        yield pool
        pool.shutdown()
    except BaseException:
        with _deaf_to_ctrl_c():
            pool.shutdown(cancel_futures=True)
        raise


@contextmanager
def _deaf_to_ctrl_c() -> Iterator[None]:
    """SIGINT ignored while in the block (only the main thread may set handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def _run_forked(k: int) -> Any:
    return _FORKED[k]()


def _start_worker() -> None:
    """A worker ends when the process that started it dies, even by SIGKILL (Linux): an
    interrupted build leaves no worker waiting forever on a queue nobody feeds.

    Its garbage collector leaves alone what it inherited (`gc.freeze`: a forked worker would
    otherwise walk, and so copy, the parent's whole heap on every full collection) and runs
    less often (`GC_THRESHOLD`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to act on
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the parent died before the line above took effect
        os._exit(1)
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def _lagged(fn: Callable[[T], R], ahead: deque[T], it: Iterator[T]) -> Iterator[R]:
    """In-process, pulling the input with the pool's lag (same results, same pull order)."""
    while ahead:
        yield fn(ahead.popleft())
        for item in it:
            ahead.append(item)
            break


def batched(
    items: Iterable[T], size: int, weight: Callable[[T], int] | None = None, budget: int = 0
) -> Iterator[list[T]]:
    """Lists of `size` consecutive items (the last may be shorter); with `weight`, a list also
    ends once its items weigh `budget` together."""
    if weight is not None and budget < 1:
        raise ValueError("batched: a weight needs a budget of at least 1")
    return _batched(items, size, weight, budget)


def _batched(
    items: Iterable[T], size: int, weight: Callable[[T], int] | None, budget: int
) -> Iterator[list[T]]:
    batch: list[T] = []
    weighed = 0
    for item in items:
        batch.append(item)
        if weight is not None:
            weighed += weight(item)
        if len(batch) == size or (weight is not None and weighed >= budget):
            yield batch
            batch, weighed = [], 0
    if batch:
        yield batch
