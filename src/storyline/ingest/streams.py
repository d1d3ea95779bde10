"""Opening input files, gzip and bz2 found by their magic bytes, and reading records with a bound.

Nothing here holds more than `limit + 1` bytes of one record: a record over the limit is read
through in chunks, to hash it and to find where the next record starts.
"""

from __future__ import annotations

import bz2
import gzip
import io
from collections.abc import Callable
from dataclasses import dataclass

import xxhash

MB = 1024 * 1024
_CHUNK = MB

# What readers read from: a plain file, or a gzip or bz2 stream over it.
BinaryStream = io.BufferedIOBase


@dataclass(frozen=True, slots=True)
class Oversize:
    """A record over the size limit: its size and hash, the record itself not kept."""

    size: int
    raw_hash: str

    def reason(self, limit: int) -> str:
        return f"record is {describe_size(self.size)}, over the {describe_limit(limit)} limit"


def describe_size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n:,} bytes"


def describe_limit(n: int) -> str:
    return f"{n // MB} MB" if n % MB == 0 else describe_size(n)


def open_decompressed(raw: BinaryStream) -> tuple[BinaryStream, str | None]:
    """`raw` itself, or a decompressing stream over it; and "gzip", "bz2" or None.

    The magic bytes decide, not the file name, so a gzip file without `.gz` is read too.
    """
    magic = raw.read(3)
    raw.seek(0)
    if magic.startswith(b"\x1f\x8b"):
        return gzip.GzipFile(fileobj=raw, mode="rb"), "gzip"
    if magic == b"BZh":
        return bz2.BZ2File(raw), "bz2"
    return raw, None


def read_head(stream: BinaryStream, size: int) -> bytes:
    """Up to `size` bytes from the start of `stream`, which is then rewound. A compressed stream
    cut short gives what it has: its reader meets the cut again and reports where it falls."""
    head = bytearray()
    try:
        while len(head) < size and (chunk := stream.read1(size - len(head))):
            head += chunk
    except EOFError:
        if not head:
            raise
    stream.seek(0)
    return bytes(head)


def read_record(stream: BinaryStream, limit: int) -> bytes | Oversize:
    """The rest of `stream` (one record), or `Oversize` if it is longer than `limit`."""
    data = stream.read(limit + 1)
    return data if len(data) <= limit else _drain(stream.read, data, to_newline=False)


def read_line(stream: BinaryStream, limit: int) -> bytes | Oversize:
    """The next line with its newline (b"" at the end), or `Oversize` if it is over `limit`."""
    line = stream.readline(limit + 1)
    if len(line) <= limit or line.endswith(b"\n"):
        return line
    return _drain(stream.readline, line, to_newline=True)


def _drain(read: Callable[[int], bytes], first: bytes, *, to_newline: bool) -> Oversize:
    digest = xxhash.xxh3_128(first)
    size = len(first)
    while chunk := read(_CHUNK):
        if to_newline and chunk.endswith(b"\n"):
            chunk = chunk.rstrip(b"\r\n")  # line hashes leave out the line break
            digest.update(chunk)
            size += len(chunk)
            break
        digest.update(chunk)
        size += len(chunk)
    return Oversize(size, digest.hexdigest())
