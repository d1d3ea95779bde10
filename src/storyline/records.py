"""The pipeline's records (frozen slots dataclasses), made and unpickled at the cost of their
fields alone.

A frozen dataclass's own __init__ sets each field through object.__setattr__, by name, and the
pickle state `dataclasses` gives it calls fields() for every object. On a corpus's millions of
records (articles read back from the store, the records of every candidate pair, results sent
between processes) both cost more than the work done on them. Here the C function
`_records.fill` sets the slots directly, in the order `_records.slots` names them.
"""

from __future__ import annotations

import operator
from dataclasses import fields
from typing import Any, TypeVar

from storyline import _records

T = TypeVar("T")

_ORDER: dict[type, tuple[int, ...]] = {}


def _order(cls: type) -> tuple[int, ...]:
    """The field index of each of `cls`'s slots, in slot order (CPython sorts slot names)."""
    order = _ORDER.get(cls)
    if order is None:
        names = [f.name for f in fields(cls)]
        order = _ORDER[cls] = tuple(names.index(slot) for slot in _records.slots(cls))
    return order


def made(cls: type[T], *values: Any) -> T:
    """`cls(*values)` for a frozen slots dataclass, every field given in order, at a fifth of
    the cost (no defaults, no __post_init__)."""
    record: T = _records.fill(object.__new__(cls), values, _order(cls))
    return record


def pickled_by_fields(cls: type[T]) -> type[T]:
    """Class decorator: a frozen slots dataclass pickles as the tuple of its field values."""
    get = operator.attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]
    order = _order(cls)

    def getstate(self: T) -> tuple[Any, ...]:
        state: tuple[Any, ...] = get(self)
        return state

    def setstate(self: T, state: tuple[Any, ...]) -> None:
        _records.fill(self, state, order)

    setattr(cls, "__getstate__", getstate)  # noqa: B010 (mypy: methods are not assignable)
    setattr(cls, "__setstate__", setstate)  # noqa: B010
    return cls
