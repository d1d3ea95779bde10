"""Copy families: connected groups of exact / near-duplicate / version relations.

Partial reuse does not join families (two stories sharing a background paragraph are still two
stories). Components come from union-find (`arrays.forest`). The canonical member
is the earliest published when every member has a publication time, else the fullest (most
words); ties go to the smallest id. A family's id is a hash of its sorted member ids, so the same
members always give the same id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np
import xxhash

from storyline.copies.arrays import forest
from storyline.copies.metadata import parse_time
from storyline.copies.records import COPY_RELATIONS, Family


@dataclass(frozen=True, slots=True)
class Member:
    """What choosing a canonical member needs to know about an article."""

    words: int
    published: str | None = None


class Joins:
    """Union-find over document indexes, joined one pair at a time: which are already in one
    copy family (the copies stage skips pairs inside one; `bench/copies.py` counts the
    copies that joined two)."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def root(self, x: int) -> int:
        parent = self.parent
        while (up := parent.get(x, x)) != x:
            parent[x] = parent.get(up, up)
            x = up
        return x

    def join(self, x: int, y: int) -> bool:
        """Join the groups of x and y (the smaller root stays); False if they were one."""
        rx, ry = self.root(x), self.root(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)
        return rx != ry


def family_id(members: Iterable[str]) -> str:
    return "fam-" + xxhash.xxh3_64_hexdigest("\x1f".join(sorted(members)).encode("utf-8"))


def canonical(members: list[str], info: Mapping[str, Member]) -> tuple[str, str]:
    """(canonical id, rule) for a family."""
    times = {m: parse_time(info[m].published) if m in info else None for m in members}
    if all(t is not None for t in times.values()):
        best = min(members, key=lambda m: (times[m], m))
        return best, "earliest_published"
    best = min(members, key=lambda m: (-(info[m].words if m in info else 0), m))
    return best, "fullest"


class Related(Protocol):
    """What a family needs of a related pair: a `Copy`, or a lighter `Edge` kept in its place."""

    @property
    def a(self) -> str: ...
    @property
    def b(self) -> str: ...
    @property
    def relation(self) -> str | None: ...


class Edge(NamedTuple):
    """A related pair without its evidence (a million of these fit where copies would not)."""

    a: str
    b: str
    relation: str | None


def build_families(copies: Iterable[Related], info: Mapping[str, Member]) -> tuple[Family, ...]:
    """Families of two or more articles, sorted by id."""
    edges = [(c.a, c.b) for c in copies if c.relation in COPY_RELATIONS]
    if not edges:
        return ()
    nodes = sorted({x for e in edges for x in e})
    index = {n: i for i, n in enumerate(nodes)}
    rows = np.fromiter((index[a] for a, _ in edges), dtype=np.int64, count=len(edges))
    cols = np.fromiter((index[b] for _, b in edges), dtype=np.int64, count=len(edges))
    labels = forest(len(nodes), rows, cols)[1]
    groups: dict[int, list[str]] = {}
    for node, label in zip(nodes, labels.tolist(), strict=True):
        groups.setdefault(label, []).append(node)
    families = []
    for members in groups.values():
        members.sort()
        best, rule = canonical(members, info)
        families.append(Family(family_id(members), best, tuple(members), rule))
    families.sort(key=lambda f: f.id)
    return tuple(families)
