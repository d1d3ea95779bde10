"""Types of the C loops in `_kernels.c` (see there for what each computes)."""

from array import array
from collections.abc import Callable, Sequence
from typing import Any

from numpy.typing import NDArray

class Table:
    """A table of words seen (a capsule): see `word_table`."""

def word_table(
    make: Callable[[str], tuple[str, int, bool]],
    numbers: frozenset[str] | set[str] | None = None,
    /,
) -> Table: ...
def table_size(table: Table, /) -> int: ...
def tokens(text: str, table: Table, /) -> tuple[tuple[str, ...], bytes, bytes, bytes, bytes]: ...
def hashes(texts: Sequence[str], table: Table, /) -> tuple[bytes, bytes]: ...
def ngrams(hashes: NDArray[Any], n: int, /) -> bytes: ...
def ngram_index(hashes: NDArray[Any], n: int, /) -> tuple[bytes, bytes, bytes, bytes, bytes]: ...
def minhash(
    shingles: NDArray[Any],
    starts: NDArray[Any],
    a: NDArray[Any],
    b: NDArray[Any],
    out: NDArray[Any],
    /,
) -> None: ...
def argsort(keys: NDArray[Any], signed: bool, /) -> bytes: ...
def forest(nodes: int, lo: NDArray[Any], hi: NDArray[Any], /) -> tuple[bytes, bytes]: ...
def band_keys(
    signatures: NDArray[Any], docs: NDArray[Any], first: int, bands: int, rows: int, /
) -> bytes: ...
def agreement(signatures: NDArray[Any], pairs: NDArray[Any], /) -> bytes: ...
def blocks(
    a_seeds: NDArray[Any],
    a_repeats: NDArray[Any],
    a_sorted: NDArray[Any],
    a_order: NDArray[Any],
    b_seeds: NDArray[Any],
    b_repeats: NDArray[Any],
    b_sorted: NDArray[Any],
    b_order: NDArray[Any],
    max_repeats: int,
    n: int,
    /,
) -> bytes: ...
def shared(a: NDArray[Any], b: NDArray[Any], /) -> int: ...
def passages(
    quads: bytes,
    a: tuple[NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any]],
    b: tuple[NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any]],
    common: NDArray[Any],
    limits: tuple[int, int, int, int, int, int],
    alike: Callable[[int, int, int, int], bool],
    /,
) -> tuple[bytes, bytes, int, int]: ...
def flanks(
    rows: bytes,
    a_hashes: NDArray[Any],
    b_hashes: NDArray[Any],
    gap: int,
    misread: Callable[[int, int, int, int], bool],
    /,
) -> bytes: ...
def quoted(
    text: str,
    starts: NDArray[Any],
    bounds: NDArray[Any] | array[int] | None,  # int64 (start, end) pairs, flat
    opening: str,
    closing: str,
    either: str,
    /,
) -> bytes: ...
