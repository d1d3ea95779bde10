"""Ordered parallel map: same results and same pull order whatever the number of workers."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from storyline.workers import batched, ordered_map


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


def test_batched() -> None:
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []
