"""The real CLI, run as a subprocess, on the bundled sample corpus and on hostile input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from storyline import __version__
from storyline.api import Storyline
from storyline.copies import OCR, CopySettings

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample"


def cli(
    *args: str | Path, ok: bool = True, columns: int | None = None
) -> subprocess.CompletedProcess[str]:
    env = None if columns is None else {**os.environ, "COLUMNS": str(columns)}
    done = subprocess.run(
        [sys.executable, "-m", "storyline", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert (done.returncode == 0) == ok, done.stderr + done.stdout
    return done


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "sample.db"
    done = cli("build", SAMPLE, "--db", db)
    assert "ingested" in done.stdout and "quarantined" in done.stdout
    return db


def test_version() -> None:
    assert cli("--version").stdout.strip() == f"storyline {__version__}"


def test_build_json_summary(tmp_path: Path) -> None:
    summary = json.loads(cli("build", SAMPLE, "--db", tmp_path / "s.db", "--json").stdout)
    assert summary["read"] == summary["ingested"] + summary["quarantined"]
    assert summary["quarantined"] == 1  # the broken JSONL line
    assert summary["ingested"] == 7


def test_articles_and_article_json(sample_db: Path) -> None:
    rows = json.loads(cli("articles", "--db", sample_db, "--json").stdout)
    assert {r["id"] for r in rows} >= {"bridge-closure-wire.txt", "cws-2025-0304-bridge"}
    assert set(rows[0]) == {
        "id",
        "title",
        "outlet",
        "published",
        "url",
        "source",
        "locator",
        "chars",
        "removals",
    }
    scraped = json.loads(
        cli("article", "almeria-scoop-reprint.txt", "--db", sample_db, "--json").stdout
    )
    assert scraped["title"] is None
    assert {r["rule"] for r in scraped["removed"]} >= {"ad_marker"}
    assert "[ad_1]" not in scraped["text"]
    for p in scraped["paragraphs"]:
        assert scraped["text"][p["start"] : p["end"]].strip()


def test_article_human_view_shows_removals(sample_db: Path) -> None:
    shown = cli("article", "bridge-closure-wire.txt", "--db", sample_db).stdout
    assert "Port Almeria closes Harbor Bridge" in shown
    assert "removed by cleaning" in shown


def test_quarantine_names_the_line(sample_db: Path) -> None:
    rows = json.loads(cli("quarantine", "--db", sample_db, "--json").stdout)
    assert len(rows) == 1
    assert rows[0]["source"].endswith("wire-feed.jsonl")
    assert rows[0]["locator"] == "line 5"
    assert "JSON" in rows[0]["reason"]


def test_untrusted_text_is_printed_literally(tmp_path: Path) -> None:
    feed = tmp_path / "evil.jsonl"
    feed.write_text(
        json.dumps(
            {"id": "evil", "title": "[bold red]x[/]", "text": "A [link=http://x]y[/link] z."}
        )
        + "\n"
    )
    db = tmp_path / "s.db"
    cli("build", feed, "--db", db)
    shown = cli("article", "evil", "--db", db).stdout
    assert "[bold red]x[/]" in shown and "[link=http://x]y[/link]" in shown


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_export(sample_db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / fmt
    cli("export", "--format", fmt, "--out", out, "--db", sample_db)
    tables = {}
    for name in ("articles", "quarantine", "copies", "families", "stories", "storylines"):
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            tables[name] = pq.read_table(path).to_pylist()
        else:
            tables[name] = [json.loads(line) for line in path.open()]
    assert len(tables["articles"]) == 7 and len(tables["quarantine"]) == 1
    wire = next(a for a in tables["articles"] if a["id"] == "bridge-closure-wire.txt")
    assert wire["removed"] and wire["paragraphs"]
    shown = json.loads(cli("copies", "--json", "--db", sample_db).stdout)
    assert [(c["a"], c["b"], c["relation"]) for c in tables["copies"]] == [
        (c["a"], c["b"], c["relation"]) for c in shown
    ]
    assert tables["copies"][0]["passages"][0]["a_end"] > 0
    assert {s["id"] for s in tables["stories"]} == {
        s["id"] for s in json.loads(cli("stories", "--json", "--db", sample_db).stdout)
    }
    assert tables["families"] and tables["storylines"]


def test_search(sample_db: Path) -> None:
    rows = json.loads(cli("search", "sourdough", "--db", sample_db, "--json").stdout)
    assert [r["id"] for r in rows] == ["gazette-2025-0305-bakery"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("articles", "--db", "{tmp}/none.db"), "run `storyline build` first"),
        (("build", "{tmp}/nowhere", "--db", "{tmp}/s.db"), "nowhere"),
        (("build", str(SAMPLE), "--db", "{tmp}/s.db", "--stages", "bogus"), "unknown stage"),
        (
            ("export", "--format", "xml", "--out", "{tmp}/o", "--db", "{sample}"),
            "unknown export format",
        ),
        (("article", "nope", "--db", "{sample}"), "no article with id"),
        (("copies", "--article", "nope", "--db", "{sample}"), "no article with id"),
        (("families", "--article", "nope", "--db", "{sample}"), "no article with id"),
        (("build", str(SAMPLE), "--profile", "scans", "--db", "{tmp}/p.db"), "unknown profile"),
    ],
)
def test_errors_are_one_line_without_traceback(
    tmp_path: Path, sample_db: Path, args: tuple[str, ...], message: str
) -> None:
    done = cli(*(a.format(tmp=tmp_path, sample=sample_db) for a in args), ok=False)
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_build_profile_is_kept_with_the_store(tmp_path: Path, sample_db: Path) -> None:
    db = tmp_path / "ocr.db"
    cli("build", SAMPLE, "--db", db, "--profile", "ocr")
    cli("build", SAMPLE, "--db", db)  # again, without a profile: the store's
    with Storyline(db, create=False) as sl:
        assert sl.copy_settings() == OCR
    cli("build", SAMPLE, "--db", db, "--profile", "news")
    with Storyline(db, create=False) as sl:
        assert sl.copy_settings() == CopySettings()
    with Storyline(sample_db, create=False) as sl:
        assert sl.copy_settings() == CopySettings()


def test_copies_and_diff(sample_db: Path) -> None:
    rows = json.loads(cli("copies", "--db", sample_db, "--json").stdout)
    assert set(rows[0]) == {"a", "b", "relation", "earlier", "similarity", "passages", "evidence"}
    pairs = {(r["a"], r["b"]): r for r in rows}
    reprint = pairs[("almeria-scoop-reprint.txt", "bridge-closure-wire.txt")]
    assert reprint["relation"] == "near_duplicate"
    assert reprint["earlier"] == "bridge-closure-wire.txt"
    assert pairs[("bridge-closure-wire.txt", "harbor-bridge-op-ed.html")]["relation"] == (
        "partial_reuse"
    )
    assert not any("gazette-2025-0305-bakery" in pair for pair in pairs)  # unrelated story
    strong = json.loads(
        cli("copies", "--db", sample_db, "--json", "--min-relation", "version").stdout
    )
    assert all(r["relation"] != "partial_reuse" for r in strong) and strong
    diff = json.loads(
        cli(
            "diff",
            "bridge-closure-wire.txt",
            "almeria-scoop-reprint.txt",
            "--db",
            sample_db,
            "--json",
        ).stdout
    )
    assert diff["diff"]["shared"] and diff["diff"]["only_b"]  # the reprint trimmed the wire's tail
    shown = cli(
        "diff", "bridge-closure-wire.txt", "almeria-scoop-reprint.txt", "--db", sample_db
    ).stdout
    assert "near_duplicate" in shown


def test_copies_and_families_of_one_article(sample_db: Path) -> None:
    def shown(*args: str) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = json.loads(cli(*args, "--db", sample_db, "--json").stdout)
        return rows

    op_ed = "harbor-bridge-op-ed.html"
    everything = shown("copies")
    mine = shown("copies", "--article", op_ed)
    assert mine == [c for c in everything if op_ed in (c["a"], c["b"])] and mine
    assert len(mine) < len(everything)
    (family,) = shown("families")
    assert family["members"] == sorted(
        ["bridge-closure-wire.txt", "almeria-scoop-reprint.txt", "cws-2025-0304-bridge"]
    )
    assert family["canonical"] in family["members"]  # type: ignore[operator]
    assert shown("families", "--article", "cws-2025-0304-bridge") == [family]
    assert shown("families", "--article", op_ed) == []  # reuse alone makes no family


def test_quick_families_after_ingest_alone_match_the_built_ones(
    sample_db: Path, tmp_path: Path
) -> None:
    ingested = tmp_path / "ingested.db"
    cli("build", SAMPLE, "--db", ingested, "--stages", "ingest")
    quick = json.loads(cli("families", "--quick", "--db", ingested, "--json").stdout)
    assert quick == json.loads(cli("families", "--db", sample_db, "--json").stdout)
    assert json.loads(cli("families", "--db", ingested, "--json").stdout) == []  # none stored
    one = cli(
        "families", "--quick", "--article", "cws-2025-0304-bridge", "--db", ingested, columns=250
    )
    assert "almeria-scoop-reprint.txt" in one.stdout
    built = json.loads(cli("families", "--quick", "--db", sample_db, "--json").stdout)
    assert built == quick  # the stored fingerprints give the same
    ocr = cli(
        "families", "--quick", "--profile", "ocr", "--workers", "1", "--db", ingested, "--json"
    )
    with Storyline(ingested, create=False) as sl:
        expected = json.loads(json.dumps([f.to_json() for f in sl.quick_families(settings=OCR)]))
    assert json.loads(ocr.stdout) == expected
    assert (
        "go with --quick" in cli("families", "--profile", "ocr", "--db", ingested, ok=False).stderr
    )


@pytest.mark.parametrize("command", ["copies", "families", "articles"])
def test_tables_never_cut_an_id(sample_db: Path, command: str) -> None:
    """A narrow terminal (or a pipe: 80 columns) folds long ids onto more lines: never '…'."""
    narrow = cli(command, "--db", sample_db, columns=60).stdout
    assert "…" not in narrow
    wide = cli(command, "--db", sample_db, columns=250).stdout
    assert "almeria-scoop-reprint.txt" in wide


def test_stories_and_storylines(sample_db: Path) -> None:
    stories = json.loads(cli("stories", "--db", sample_db, "--json").stdout)
    closure = next(s for s in stories if "bridge-closure-wire.txt" in s["article_ids"])
    # The reprint, the earlier filing and the op-ed report the closure; the copy family counts once.
    assert {"almeria-scoop-reprint.txt", "cws-2025-0304-bridge"} <= set(closure["article_ids"])
    bakery = next(s for s in stories if "gazette-2025-0305-bakery" in s["article_ids"])
    assert bakery["article_ids"] == ["gazette-2025-0305-bakery"]
    lines = json.loads(cli("storylines", "--db", sample_db, "--json").stdout)
    bridge_line = next(line for line in lines if closure["id"] in line["story_ids"])
    inspection = next(s for s in stories if "gazette-2024-1015-bridge" in s["article_ids"])
    assert inspection["id"] != closure["id"] and inspection["id"] in bridge_line["story_ids"]
    assert bakery["storyline_id"] != closure["storyline_id"]
    story = json.loads(cli("story", closure["id"], "--db", sample_db, "--json").stdout)
    assert set(story["evidence"]) == set(story["article_ids"])
    assert "Harbor" in cli("stories", "--db", sample_db).stdout


def test_story_ids_stay_stable_when_articles_arrive_later(tmp_path: Path) -> None:
    first = tmp_path / "in"
    first.mkdir()
    for name in ("bridge-closure-wire.txt", "almeria-scoop-reprint.txt"):
        (first / name).write_text((SAMPLE / name).read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "s.db"
    cli("build", first, "--db", db)
    before = {
        s["id"]: s["article_ids"] for s in json.loads(cli("stories", "--db", db, "--json").stdout)
    }
    (first / "feed.jsonl").write_text((SAMPLE / "wire-feed.jsonl").read_text(encoding="utf-8"))
    cli("build", first, "--db", db)
    after = {
        s["id"]: s["article_ids"] for s in json.loads(cli("stories", "--db", db, "--json").stdout)
    }
    for story_id, members in before.items():
        assert after[story_id][: len(members)] == members  # old ids keep their members
    assert len(after) > len(before)
