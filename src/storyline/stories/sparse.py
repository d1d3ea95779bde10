"""Sparse vectors over a fixed hashing space, and the few operations clustering needs.

A `Vec` is a sorted array of slots with their weights. Centroids are sums of unit vectors, pruned to
their heaviest slots so a story's memory stays bounded however large it grows. `Scratch` scores one
vector against many centroids at once: the vector is written into a dense array over the hashing
space, and every centroid's slots are looked up in it in one gather.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

I32 = npt.NDArray[np.int32]
F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

_EMPTY_I = np.zeros(0, dtype=np.int32)
_EMPTY_F = np.zeros(0, dtype=np.float32)


def l2(vals: F32) -> float:
    v = vals.astype(np.float64)
    return float(np.sqrt(np.dot(v, v)))


@dataclass(slots=True, eq=False)
class Vec:
    """Slots (sorted, unique) and their weights; `norm` is the L2 norm of `vals`."""

    keys: I32
    vals: F32
    norm: float

    @staticmethod
    def empty() -> Vec:
        return Vec(_EMPTY_I, _EMPTY_F, 0.0)

    @staticmethod
    def of(keys: I32, vals: F32) -> Vec:
        return Vec(
            keys, vals, float(np.sqrt(np.dot(vals.astype(np.float64), vals.astype(np.float64))))
        )

    def __len__(self) -> int:
        return int(self.keys.shape[0])

    def top(self, k: int) -> I32:
        """The slots of the `k` heaviest weights, heaviest first (ties: lower slot first)."""
        if len(self) == 0 or k <= 0:
            return _EMPTY_I
        order = np.lexsort((self.keys, -self.vals))[:k]
        return self.keys[order]

    def top_items(self, k: int) -> tuple[I32, F32]:
        """`top(k)` with the weights."""
        if self.keys.shape[0] == 0 or k <= 0:
            return _EMPTY_I, _EMPTY_F
        order = np.lexsort((self.keys, -self.vals))[:k]
        return self.keys[order], self.vals[order]

    def weight(self, slot: int) -> float:
        i = int(np.searchsorted(self.keys, slot))
        if i < len(self) and int(self.keys[i]) == slot:
            return float(self.vals[i])
        return 0.0

    def to_plain(self) -> list[str]:
        return [_b64(self.keys), _b64(self.vals)]

    @staticmethod
    def from_plain(data: list[str]) -> Vec:
        keys = np.frombuffer(base64.b64decode(data[0]), dtype="<i4").astype(np.int32)
        vals = np.frombuffer(base64.b64decode(data[1]), dtype="<f4").astype(np.float32)
        return Vec.of(keys, vals)


def _b64(array: npt.NDArray[np.generic]) -> str:
    return base64.b64encode(
        np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
    ).decode()


def b64_array(array: npt.NDArray[np.generic]) -> str:
    """Little-endian bytes of an array as base64 text (exact, compact, plain data)."""
    return _b64(array)


def array_b64(text: str, dtype: str) -> npt.NDArray[np.generic]:
    return np.frombuffer(base64.b64decode(text), dtype=np.dtype(dtype).newbyteorder("<")).astype(
        dtype
    )


def unit(keys: I32, weights: F64, max_terms: int) -> Vec:
    """The unit vector of the heaviest `max_terms` weights (ties: lower slot first)."""
    if keys.shape[0] == 0:
        return Vec.empty()
    if keys.shape[0] > max_terms:
        order = np.lexsort((keys, -weights))[:max_terms]
        keys, weights = keys[order], weights[order]
    order = np.argsort(keys, kind="stable")
    keys, weights = keys[order], weights[order]
    norm = float(np.sqrt(np.dot(weights, weights)))
    if norm <= 0.0:
        return Vec.empty()
    vals = (weights / norm).astype(np.float32)
    return Vec(
        keys.astype(np.int32),
        vals,
        float(np.sqrt(np.dot(vals.astype(np.float64), vals.astype(np.float64)))),
    )


def add(centroid: Vec, other: Vec, max_terms: int, scale: float = 1.0) -> Vec:
    """`centroid + scale * other`, pruned to its heaviest `max_terms` slots."""
    if len(other) == 0:
        return centroid
    if len(centroid) == 0:
        keys, vals = other.keys, other.vals * np.float32(scale)
    else:
        allk = np.concatenate([centroid.keys, other.keys])
        allv = np.concatenate([centroid.vals, other.vals * np.float32(scale)])
        keys, inverse = np.unique(allk, return_inverse=True)
        vals = np.bincount(inverse, weights=allv, minlength=keys.shape[0]).astype(np.float32)
    if keys.shape[0] > max_terms:
        order = np.lexsort((keys, -vals))[:max_terms]
        order.sort()
        keys, vals = keys[order], vals[order]
    return Vec.of(keys.astype(np.int32), vals.astype(np.float32))


def new_in(v: Vec, centroid: Vec) -> Vec:
    """The part of `v` on slots `centroid` does not have."""
    if len(v) == 0 or len(centroid) == 0:
        return v
    fresh = ~np.isin(v.keys, centroid.keys, assume_unique=True)
    return Vec.of(v.keys[fresh], v.vals[fresh])


def dot(a: Vec, b: Vec) -> float:
    """Plain dot product of two sparse vectors."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    common, ia, ib = np.intersect1d(a.keys, b.keys, assume_unique=True, return_indices=True)
    if common.shape[0] == 0:
        return 0.0
    return float(np.dot(a.vals[ia].astype(np.float64), b.vals[ib].astype(np.float64)))


def cosine(a: Vec, b: Vec) -> float:
    if a.norm <= 0.0 or b.norm <= 0.0:
        return 0.0
    return dot(a, b) / (a.norm * b.norm)


def shared(a: Vec, b: Vec) -> tuple[I32, F64]:
    """Slots both vectors hold, with the product of their weights, largest first."""
    if len(a) == 0 or len(b) == 0:
        return _EMPTY_I, np.zeros(0)
    common, ia, ib = np.intersect1d(a.keys, b.keys, assume_unique=True, return_indices=True)
    prod = a.vals[ia].astype(np.float64) * b.vals[ib].astype(np.float64)
    order = np.lexsort((common, -prod))
    return common[order].astype(np.int32), prod[order]


class Scratch:
    """A dense array over the hashing space, for scoring one vector against many at once."""

    def __init__(self, size: int) -> None:
        self._dense = np.zeros(size, dtype=np.float32)

    def cosines(self, query: Vec, others: list[Vec]) -> F64:
        """Cosine of `query` with each of `others` (0 where either is empty)."""
        out = np.zeros(len(others), dtype=np.float64)
        if query.keys.shape[0] == 0 or not others or query.norm <= 0.0:
            return out
        lengths = np.fromiter((o.keys.shape[0] for o in others), dtype=np.int64, count=len(others))
        if int(lengths.sum()) == 0:
            return out
        keys = np.concatenate([o.keys for o in others])
        vals = np.concatenate([o.vals for o in others])
        seg = np.repeat(np.arange(len(others)), lengths)
        self._dense[query.keys] = query.vals
        prod = self._dense[keys].astype(np.float64) * vals
        self._dense[query.keys] = 0.0
        dots = np.bincount(seg, weights=prod, minlength=len(others))
        norms = np.fromiter((o.norm for o in others), dtype=np.float64, count=len(others))
        ok = norms > 0.0
        out[ok] = dots[ok] / (norms[ok] * query.norm)
        return out
