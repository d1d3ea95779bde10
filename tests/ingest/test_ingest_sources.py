"""discover: which files, in which order, named how; and what it refuses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ingest_fixtures import ARTICLE

from storyline.article import Rejected
from storyline.errors import InputError
from storyline.ingest import Source, discover


def _tree(root: Path) -> Path:
    for rel in ("b.txt", "a.txt", "sub/z.txt", "sub/deeper/c.jsonl", "c.csv"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(ARTICLE)
    (root / ".hidden.txt").write_text(ARTICLE)
    (root / ".git").mkdir()
    (root / ".git" / "x.txt").write_text(ARTICLE)
    return root


def _names(items: list[Source | Rejected]) -> list[str]:
    return [i.name for i in items if isinstance(i, Source)]


def test_folder_is_walked_sorted_and_recursive_skipping_hidden_names(tmp_path: Path) -> None:
    root = _tree(tmp_path / "corpus")
    found = list(discover([root]))
    assert _names(found) == ["a.txt", "b.txt", "c.csv", "sub/deeper/c.jsonl", "sub/z.txt"]
    first = found[0]
    assert isinstance(first, Source)
    st = (root / "a.txt").stat()
    assert (first.path, first.size, first.mtime_ns) == (root / "a.txt", st.st_size, st.st_mtime_ns)


def test_order_is_deterministic(tmp_path: Path) -> None:
    root = _tree(tmp_path / "corpus")
    assert list(discover([root])) == list(discover([root]))


def test_many_paths_keep_their_order_and_a_file_given_directly_is_named_by_itself(
    tmp_path: Path,
) -> None:
    root = _tree(tmp_path / "corpus")
    lone = tmp_path / "lone.md"
    lone.write_text(ARTICLE)
    found = list(discover([lone, root / "sub", str(root / "b.txt")]))
    assert _names(found) == ["lone.md", "deeper/c.jsonl", "z.txt", "b.txt"]


def test_a_file_reached_twice_is_read_once(tmp_path: Path) -> None:
    root = _tree(tmp_path / "corpus")
    (root / "link-to-a.txt").symlink_to(root / "a.txt")
    found = list(discover([root, root / "a.txt", root / "sub"]))
    names = _names(found)
    assert names.count("a.txt") == 1
    assert "link-to-a.txt" not in names
    assert len(names) == len(set(names)) == 5


def test_a_hidden_path_given_directly_is_read(tmp_path: Path) -> None:
    hidden = tmp_path / ".draft.txt"
    hidden.write_text(ARTICLE)
    assert _names(list(discover([hidden]))) == [".draft.txt"]


def test_symlinked_file_is_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text(ARTICLE)
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "story.txt").symlink_to(outside)
    [source] = list(discover([root]))
    assert isinstance(source, Source)
    assert source.name == "story.txt"
    assert source.size == outside.stat().st_size


def test_missing_path_raises_input_error_naming_it_before_anything_is_read(
    tmp_path: Path,
) -> None:
    (tmp_path / "ok.txt").write_text(ARTICLE)
    with pytest.raises(InputError, match=r"nope\.jsonl"):
        discover([tmp_path / "ok.txt", tmp_path / "nope.jsonl"])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_rejected_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "feed.jsonl")
    [found] = list(discover([tmp_path]))
    assert isinstance(found, Rejected)
    assert "not a regular file" in found.reason
