"""Sort-based set operations on integer arrays.

numpy 2's `np.unique` hashes integers, several times slower than sorting for the 64-bit hashes
and pair codes these steps handle (0.9 s against 0.09 s for 1.5M codes), so they sort.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from storyline.copies import _kernels

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
A = npt.NDArray[Any]  # any integer dtype; results keep the input's

# dtypes for reading the kernels' bytes, given positionally: `np.frombuffer(b, dtype=np.int64)`
# parses a keyword and converts a type on every call, 400 ns against 200, and it runs several
# times for every text and pair
INT64, UINT64, UINT32 = np.dtype(np.int64), np.dtype(np.uint64), np.dtype(np.uint32)
BOOL, FLOAT32 = np.dtype(np.bool_), np.dtype(np.float32)


def stable_argsort(values: A) -> I64:
    """The order that sorts `values` stably: a radix sort in C for 64-bit integers (numpy's is a
    merge sort there, 4x slower on a million LSH band keys), numpy's for other types."""
    if values.dtype in (np.uint64, np.int64):
        keys = np.ascontiguousarray(values)
        return np.frombuffer(_kernels.argsort(keys, values.dtype == np.int64), INT64)
    order: I64 = np.argsort(values, kind="stable")
    return order


def _firsts(sorted_values: A) -> npt.NDArray[np.bool_]:
    """Where each run of equal values starts, in a sorted array."""
    first = np.ones(len(sorted_values), dtype=np.bool_)
    first[1:] = sorted_values[1:] != sorted_values[:-1]
    return first


def _sorted(values: A) -> A:
    # integers need no stable sort, and numpy's default one is vectorised (AVX2 / AVX-512): 19
    # ms against 190 for 2.5M shuffled pair codes (the stable one only wins on a few long sorted
    # runs: 2.1 against 2.6 s for 32 runs of 2.5M); the 1M candidate step 20-21 -> 18.5-19 s
    return np.sort(values)


def distinct(values: A) -> A:
    """The distinct values, sorted."""
    ordered = _sorted(values)
    return ordered[_firsts(ordered)]


def distinct_merged(parts: list[A]) -> A:
    """The distinct values of several sorted arrays: a stable sort of their concatenation is a
    merge of its sorted runs (timsort), far cheaper than sorting anew."""
    ordered = np.sort(np.concatenate(parts), kind="stable")
    return ordered[_firsts(ordered)]


def run_bounds(counts: I64) -> I64:
    """Where each of consecutive runs of `counts` items begins, then where the last one ends."""
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


def runs(sorted_values: A) -> tuple[I64, I64]:
    """Start and length of each run of equal values in a sorted array."""
    starts = np.flatnonzero(_firsts(sorted_values)).astype(np.int64)
    lengths = np.diff(np.append(starts, len(sorted_values))).astype(np.int64)
    return starts, lengths


def distinct_counts(values: A) -> tuple[A, I64]:
    """The distinct values, sorted, and how often each occurs."""
    ordered = _sorted(values)
    starts, lengths = runs(ordered)
    return ordered[starts], lengths


def distinct_inverse(values: A) -> tuple[A, I64]:
    """The distinct values, sorted, and for each input value the position of its value."""
    order = stable_argsort(values)
    ordered = values[order]
    first = _firsts(ordered)
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def in_sorted(values: A, sorted_set: A) -> npt.NDArray[np.bool_]:
    """Which values occur in `sorted_set` (sorted), by binary search."""
    if len(sorted_set) == 0:
        return np.zeros(len(values), dtype=np.bool_)
    pos = np.minimum(sorted_set.searchsorted(values), len(sorted_set) - 1)
    found: npt.NDArray[np.bool_] = sorted_set[pos] == values
    return found


def forest(nodes: int, lo: I64, hi: I64) -> tuple[npt.NDArray[np.bool_], I64]:
    """Union-find over the edges (lo[k], hi[k]) in order, in C: which edges joined two trees
    (a spanning forest; the minimum one when they come by increasing weight), and a label per
    node, the same for the nodes of one connected component."""
    joined, labels = _kernels.forest(
        nodes, np.ascontiguousarray(lo, INT64), np.ascontiguousarray(hi, INT64)
    )
    return np.frombuffer(joined, BOOL), np.frombuffer(labels, INT64)
