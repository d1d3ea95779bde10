"""Types of the C loops in `_kernels.c` (see there for what each computes)."""

from collections.abc import Sequence
from typing import Any

from numpy.typing import NDArray

def words(text: str, memo: dict[str, Any], /) -> tuple[list[Any], bytes, bytes]: ...
def hashes(texts: Sequence[str], memo: dict[str, Any], /) -> tuple[bytes, bytes]: ...
def minhash(
    shingles: NDArray[Any],
    starts: NDArray[Any],
    a: NDArray[Any],
    b: NDArray[Any],
    out: NDArray[Any],
    /,
) -> None: ...
