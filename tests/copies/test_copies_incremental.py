"""A build recalls the copies stage's earlier work and gives what a build from scratch gives."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from copies_fixtures import BRIDGE, FOOTER, MUSEUM, filler

from storyline.api import Storyline
from storyline.copies import CopySettings
from storyline.pipeline import BuildSettings

# A small max_df, so that the footer's anchors turn from rare to boilerplate as newsletters
# arrive: the verdicts of pairs holding them must then be worked out again.
SETTINGS = BuildSettings(copies=CopySettings(max_df=3), workers=1)


def _write(folder: Path, name: str, paragraphs: list[str]) -> None:
    (folder / name).write_text("Headline\n\n" + "\n\n".join(paragraphs) + "\n")


def _reprint(rng: random.Random, k: int) -> list[str]:
    paras = list(BRIDGE)
    words = paras[k % len(paras)].split(" ")
    words[rng.randrange(len(words))] = f"edit{k}"
    paras[k % len(paras)] = " ".join(words)
    return paras


def _first_batch(folder: Path) -> None:
    rng = random.Random(5)
    for k in range(4):
        _write(folder, f"bridge-{k}.txt", _reprint(rng, k))
    _write(folder, "museum-1.txt", MUSEUM)
    shared = filler(rng, 50)  # two letters quote one reader: related, and not by the footer
    for k in range(2):
        _write(folder, f"letter-{k}.txt", [shared, filler(rng, 30), FOOTER])
    for k in range(3):
        _write(folder, f"other-{k}.txt", [filler(rng, 80)])


def _second_batch(folder: Path) -> None:
    rng = random.Random(6)
    _write(folder, "museum-2.txt", [filler(rng, 40), *MUSEUM])
    for k in range(2, 5):
        _write(folder, f"letter-{k}.txt", [filler(rng, 60), FOOTER])
    _write(folder, "other-0.txt", [filler(rng, 80), BRIDGE[0]])  # changed: new seq


def _result(db: Path) -> dict[str, list[Any]]:
    conn = sqlite3.connect(db)
    out = {
        "copies": conn.execute("SELECT * FROM copies ORDER BY a, b").fetchall(),
        "families": conn.execute("SELECT * FROM families ORDER BY id").fetchall(),
        "checks": conn.execute("SELECT a, b, relation FROM copy_checks ORDER BY a, b").fetchall(),
    }
    conn.close()
    return out


def test_a_growing_corpus_gives_the_result_of_a_build_from_scratch(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _first_batch(corpus)
    with Storyline(tmp_path / "grown.db") as sl:
        first = sl.build([corpus], stages=["ingest", "copies"], settings=SETTINGS)
        assert first.pairs_recalled == 0 and first.copies > 0
        again = sl.build([corpus], stages=["ingest", "copies"], settings=SETTINGS)
        assert again.pairs_recalled >= again.pairs_checked == first.pairs_checked
        _second_batch(corpus)
        grown = sl.build([corpus], stages=["ingest", "copies"], settings=SETTINGS)
        assert 0 < grown.pairs_recalled < grown.pairs_checked
    with Storyline(tmp_path / "fresh.db") as sl:
        sl.build([corpus], stages=["ingest", "copies"], settings=SETTINGS)
    grown_result, fresh_result = _result(tmp_path / "grown.db"), _result(tmp_path / "fresh.db")
    assert grown_result == fresh_result
    relations = {(a, b): rel for a, b, rel, *_ in fresh_result["copies"]}
    assert relations[("bridge-0.txt", "bridge-3.txt")] == "near_duplicate"
    assert relations[("museum-1.txt", "museum-2.txt")] == "near_duplicate"
    letters = next(
        row for row in fresh_result["copies"] if row[:2] == ("letter-0.txt", "letter-1.txt")
    )
    passages = json.loads(letters[-2])
    assert [p["boilerplate"] for p in passages] == [False, True]  # the footer: boilerplate now


def test_other_settings_or_version_start_the_copies_stage_afresh(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _first_batch(corpus)
    strict = BuildSettings(copies=CopySettings(max_df=3, partial_min_words=200), workers=1)
    with Storyline(tmp_path / "s.db") as sl:
        sl.build([corpus], stages=["ingest", "copies"], settings=SETTINGS)
        changed = sl.build([corpus], stages=["ingest", "copies"], settings=strict)
        assert changed.pairs_recalled == 0
        sl.store.conn.execute(  # as if an older storyline had run the stage
            "UPDATE stage_state SET state = json_set(state, '$.settings.storyline', '0.0.1')"
        )
        assert sl.build([corpus], stages=["copies"], settings=strict).pairs_recalled == 0
        assert sl.build([corpus], stages=["copies"], settings=strict).pairs_recalled > 0
    with Storyline(tmp_path / "fresh.db") as sl:
        sl.build([corpus], stages=["ingest", "copies"], settings=strict)
    assert _result(tmp_path / "s.db") == _result(tmp_path / "fresh.db")


_COPIES = (
    "import sys\nfrom storyline.api import Storyline\n"
    "Storyline(sys.argv[2]).build([sys.argv[1]], stages=['copies'])"
)


def test_a_copies_stage_killed_midway_resumes_to_the_same_result(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rng = random.Random(3)
    for k in range(300):  # enough reprints that aligning them outlasts the poll below
        _write(corpus, f"bridge-{k:03d}.txt", _reprint(rng, k))
    _first_batch(corpus)
    with Storyline(tmp_path / "reference.db") as sl:
        sl.build([corpus], stages=["ingest", "copies"])
    killed = tmp_path / "killed.db"
    with Storyline(killed) as sl:
        sl.build([corpus], stages=["ingest"])
    proc = subprocess.Popen([sys.executable, "-c", _COPIES, str(corpus), str(killed)])
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        conn = sqlite3.connect(killed, timeout=1)
        printed = conn.execute("SELECT count(*) FROM copy_prints").fetchone()[0]
        conn.close()
        if printed:  # fingerprints are stored; the pairs are being aligned
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    assert proc.wait() == -signal.SIGKILL, "the copies stage finished before it was killed"
    assert _result(killed)["copies"] == []  # nothing of the killed run's pairs landed
    with Storyline(killed) as sl:
        sl.build([corpus], stages=["copies"])
    assert _result(killed) == _result(tmp_path / "reference.db")
