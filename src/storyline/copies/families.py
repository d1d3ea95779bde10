"""Copy families: connected groups of exact / near-duplicate / version relations.

Partial reuse does not join families (two stories sharing a background paragraph are still two
stories). Components come from union-find (`arrays.forest`). The canonical member
is the earliest published when every member has a publication time, else the fullest (most
words); ties go to the smallest id. A family's id is a hash of its sorted member ids, so the same
members always give the same id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np
import xxhash

from storyline.copies.arrays import I64, forest
from storyline.copies.fingerprints import DocPrint, Prints
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


def members_from_prints(prints: Prints | Iterable[DocPrint]) -> dict[str, Member]:
    if isinstance(prints, Prints):
        rows = zip(prints.ids, prints.words.tolist(), prints.published, strict=True)
        return {i: Member(words, published) for i, words, published in rows}
    return {p.id: Member(p.words, p.published) for p in prints}


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
    pairs = np.fromiter((index[x] for e in edges for x in e), dtype=np.int64, count=2 * len(edges))
    return families_of(nodes, pairs.reshape(-1, 2), info)


def families_of(ids: Sequence[str], pairs: I64, info: Mapping[str, Member]) -> tuple[Family, ...]:
    """Families of the articles `pairs` (rows of two indexes into `ids`) join, sorted by id."""
    labels = forest(len(ids), pairs[:, 0], pairs[:, 1])[1]
    joined = np.zeros(len(ids), dtype=np.bool_)
    joined[pairs.ravel()] = True
    groups: dict[int, list[str]] = {}
    for k, label in zip(np.flatnonzero(joined).tolist(), labels[joined].tolist(), strict=True):
        groups.setdefault(label, []).append(ids[k])
    families = []
    for members in groups.values():
        members.sort()
        best, rule = canonical(members, info)
        families.append(Family(family_id(members), best, tuple(members), rule))
    families.sort(key=lambda f: f.id)
    return tuple(families)
