"""Finding input files: files and folders given, walked in sorted order.

Hidden names (starting with ".") are passed over inside folders, though not when given directly.
Symbolic links are followed; a link back to a folder being walked, a dangling link and anything
that is not a regular file become `Rejected` records. A file or folder reached a second way
(given twice, or linked to from elsewhere in the walk) is read once.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from storyline.article import Rejected
from storyline.errors import InputError
from storyline.ingest.records import file_rejected


@dataclass(frozen=True)
class Source:
    """One input file. `name` is its path relative to the folder given, with "/" separators
    (e.g. "sub/a.html"), or the file's own name when the file was given directly."""

    path: Path
    name: str
    size: int
    mtime_ns: int


_FileKey = tuple[int, int]  # (st_dev, st_ino): one file however it is reached


def discover(paths: Sequence[str | Path]) -> Iterator[Source | Rejected]:
    """The files under `paths`, in order. Raises `InputError` at once if a path does not exist."""
    roots = [Path(p) for p in paths]
    for root in roots:
        if not os.path.lexists(root):
            raise InputError(f"{root}: no such file or folder")
    return _Walk().roots(roots)


class _Walk:
    def __init__(self) -> None:
        self._files: set[_FileKey] = set()
        self._folders: set[_FileKey] = set()

    def roots(self, roots: list[Path]) -> Iterator[Source | Rejected]:
        for root in roots:
            yield from self._entry(root, root.name, {})

    def _entry(
        self, path: Path, name: str, walking: dict[_FileKey, Path]
    ) -> Iterator[Source | Rejected]:
        """`walking` maps the folders now open above `path` to their paths, to spot loops."""
        try:
            st = path.stat()
        except OSError as exc:
            yield _file_rejected(path, _stat_problem(path, exc))
            return
        key = (st.st_dev, st.st_ino)
        if stat.S_ISDIR(st.st_mode):
            if key in walking:
                yield _file_rejected(path, f"symbolic link loop: leads back to {walking[key]}")
            elif key not in self._folders:
                self._folders.add(key)
                # names under a folder given are relative to it; deeper ones carry their path
                yield from self._folder(
                    path, "" if not walking else f"{name}/", walking | {key: path}
                )
        elif not stat.S_ISREG(st.st_mode):
            yield _file_rejected(path, "not a regular file (a pipe, socket or device)")
        elif key not in self._files:
            self._files.add(key)
            yield Source(path, name, st.st_size, st.st_mtime_ns)

    def _folder(
        self, path: Path, prefix: str, walking: dict[_FileKey, Path]
    ) -> Iterator[Source | Rejected]:
        try:
            names = sorted(os.listdir(path))
        except OSError as exc:
            yield _file_rejected(path, f"cannot list folder: {exc.strerror or exc}")
            return
        for entry in names:
            if not entry.startswith("."):
                yield from self._entry(path / entry, prefix + entry, walking)


def _stat_problem(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOENT and path.is_symlink():
        return f"broken symbolic link to {os.readlink(path)}"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    return f"cannot read: {exc.strerror or exc}"


def _file_rejected(path: Path, reason: str) -> Rejected:
    return file_rejected(str(path), reason)
