"""Ordered parallel map: same results and same pull order whatever the number of workers."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from storyline.workers import GC_THRESHOLD, batched, fewer_collections, fork_map, ordered_map


def _square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def _run(workers: int, n: int) -> tuple[list[int], list[tuple[int, int]], set[int]]:
    """Results, and (item pulled, results consumed so far) for every pull."""
    consumed: list[int] = []
    pulls: list[tuple[int, int]] = []

    def items() -> Iterator[int]:
        for i in range(n):
            pulls.append((i, len(consumed)))
            yield i

    pids = set()
    for value, pid in ordered_map(_square_and_pid, items(), workers, window=3):
        consumed.append(value)
        pids.add(pid)
    return consumed, pulls, pids


@pytest.mark.parametrize("n", [0, 2, 4, 30])
def test_results_and_pull_order_do_not_depend_on_workers(n: int) -> None:
    one, one_pulls, one_pids = _run(1, n)
    two, two_pulls, two_pids = _run(2, n)
    assert one == two == [i * i for i in range(n)]
    assert one_pulls == two_pulls  # a producer reading the results sees the same state
    assert one_pids <= {os.getpid()}
    if n > 4:  # more batches than the window: a pool really ran them
        assert os.getpid() not in two_pids and len(two_pids) >= 1


def test_errors_in_a_worker_reach_the_caller() -> None:
    with pytest.raises(ZeroDivisionError):
        list(ordered_map(_inverse, [1, 2, 0, 3, 4, 5, 6], workers=2, window=2))


def _inverse(x: int) -> float:
    return 1 / x


def _collector(_: int) -> tuple[tuple[int, int, int], int]:
    return gc.get_threshold(), gc.get_freeze_count()


def test_collections_are_fewer_while_a_map_runs_and_workers_leave_the_inherited_heap() -> None:
    before = gc.get_threshold()
    consumer = []
    for threshold, frozen in ordered_map(_collector, range(8), workers=2, window=2):
        consumer.append(gc.get_threshold())
        assert threshold == GC_THRESHOLD and frozen > 0  # in a worker
    assert consumer == [GC_THRESHOLD] * 8
    assert gc.get_threshold() == before != GC_THRESHOLD
    gen = ordered_map(_collector, range(8), workers=1)
    next(gen)
    gen.close()  # a map left early restores them too
    assert gc.get_threshold() == before
    first, second = (ordered_map(_collector, range(8), workers=1) for _ in range(2))
    next(first), next(second)
    first.close()  # interleaved maps ending out of order: the last one restores them
    assert gc.get_threshold() == GC_THRESHOLD
    second.close()
    assert gc.get_threshold() == before


def test_fewer_collections_for_a_block_or_a_function() -> None:
    before = gc.get_threshold()

    @fewer_collections()
    def inside() -> tuple[int, int, int]:
        return gc.get_threshold()

    assert inside() == GC_THRESHOLD and gc.get_threshold() == before
    with fewer_collections():
        assert inside() == GC_THRESHOLD  # nested: the outer block still holds them
        assert gc.get_threshold() == GC_THRESHOLD
    assert gc.get_threshold() == before


def test_fork_map_runs_closures_in_forked_workers_in_order() -> None:
    """Tasks close over what they read (here a lock, which no pickle takes): forked workers
    inherit it; only results travel, in task order."""
    guard = threading.Lock()

    def task(k: int) -> Callable[[], tuple[int, int, bool]]:
        return lambda: (k * k, os.getpid(), guard.locked())

    results = fork_map([task(k) for k in range(5)], workers=2)
    assert [r[0] for r in results] == [0, 1, 4, 9, 16]
    assert os.getpid() not in {r[1] for r in results}
    alone = fork_map([task(k) for k in range(5)], workers=1)
    assert alone == [(k * k, os.getpid(), False) for k in range(5)]


def test_fork_map_passes_errors_on_and_can_run_again() -> None:
    with pytest.raises(ZeroDivisionError):
        fork_map([lambda: 1, lambda: 1 // 0], workers=2)
    assert fork_map([lambda: 1, lambda: 2], workers=2) == [1, 2]


def test_batched() -> None:
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []
    assert list(batched([5, 1, 9, 1, 1], 3, weight=int, budget=6)) == [[5, 1], [9], [1, 1]]
    with pytest.raises(ValueError, match="budget"):
        batched([1], 3, weight=int)


_KILLED_PARENT = """
import os, sys, time
from storyline.workers import ordered_map

def slow(x):
    time.sleep(0.2 if x == 0 else 60)
    return os.getpid()

for pid in ordered_map(slow, range(20), workers=2, window=2):
    print(pid, flush=True)
"""


def test_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _KILLED_PARENT], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())  # a pool is running
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


_INTERRUPTED = """
import time
from storyline.workers import ordered_map

def big(x):
    time.sleep(0.3)
    return bytes(4_000_000)  # more than a pipe holds: a worker waits for it to be read

for k, _ in enumerate(ordered_map(big, range(100), workers=2)):
    print("running", flush=True)
"""


def test_ctrl_c_twice_while_a_map_runs_ends_the_process_and_its_workers() -> None:
    """The second Ctrl-C lands while the pool waits for the batches in flight (as in a build
    driven from Python, which has no CLI to leave at once): it must not hang the exit."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTED],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as a terminal has it
    )
    assert proc.stdout is not None
    proc.stdout.readline()  # the pool is running
    time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == -signal.SIGINT
    assert "KeyboardInterrupt" in proc.stderr.read()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("a worker outlived the process")


def test_articles_cross_to_workers_whole() -> None:
    """Records go to worker processes as tuples of their fields; nothing is lost on the way."""
    from storyline.article import Article, Origin, Paragraph, Removal

    article = Article(
        id="a~2",
        origin=Origin("feed.jsonl", "line 3", "ab" * 16),
        text="Headline\n\nBody “quoted”.",
        paragraphs=(Paragraph(0, 8), Paragraph(10, 25)),
        raw_text="By Jo\nHeadline\n\nBody “quoted”.",
        removals=(Removal("byline", "By Jo", 0, 5, "byline"),),
        title="Headline",
        published="2026-11-23T08:00:00+00:00",
        metadata={"credits": ["Jo"], "version_notes": []},
    )
    back = list(ordered_map(_identity, [article] * 6, workers=2, window=1))
    assert back == [article] * 6
    assert all(b is not article and b.paragraphs[1] == Paragraph(10, 25) for b in back)


def _identity(x: object) -> object:
    return x
