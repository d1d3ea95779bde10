"""The command line: a thin layer over `storyline.api.Storyline`.

Article text is untrusted, so it is only ever printed as rich `Text` (never parsed as markup).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.table import Table
from rich.text import Text

from storyline import __version__, serialize
from storyline.api import FORMATS, Storyline
from storyline.copies import PROFILES, RELATIONS, CopySettings
from storyline.errors import InputError, StorylineError
from storyline.pipeline import BuildSettings, BuildSummary, parse_stages
from storyline.stories import StoryLabel

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Turn a pile of news articles into the stories behind them.",
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

# Options every command shares, defined once.
DbOption = Annotated[
    Path, typer.Option("--db", help="The storyline store (SQLite file).", show_default=True)
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print stable JSON (see README).")]
DEFAULT_DB = Path("storyline.db")


def _version(value: bool) -> None:
    if value:
        out.print(f"storyline {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """storyline: copies, stories, quotes and timelines from news articles."""


class _BuildProgress:
    """Draws the build's progress: one bar over input files, one counter of records."""

    def __init__(self, bars: RichProgress) -> None:
        self.bars = bars
        self.files = bars.add_task("files", total=None)
        self.articles = bars.add_task("records", total=None)

    def sources(self, total: int) -> None:
        self.bars.update(self.files, total=total)

    def source_done(self, name: str) -> None:
        self.bars.advance(self.files)

    def records(self, n: int) -> None:
        self.bars.advance(self.articles, n)


def _profile(name: str | None) -> CopySettings | None:
    """The copy settings a --profile names (None: not given)."""
    if name is not None and name not in PROFILES:
        raise InputError(f"unknown profile {name!r}: use one of {', '.join(PROFILES)}")
    return None if name is None else PROFILES[name]


@app.command("build")
def build_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
    db: DbOption = DEFAULT_DB,
    stages: Annotated[
        str | None, typer.Option(help="Run only these stages, e.g. 'ingest'.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, help="Processes for reading pages, cleaning, copies, stories [default: CPUs]."
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            help=f"Copy-detection settings: {', '.join(PROFILES)} (for OCR'd scans)"
            " [default: the store's, else news]."
        ),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Ingest and clean PATHS into the store, then run the later stages (incremental, resumable)."""
    chosen = parse_stages(stages)
    chosen_profile = _profile(profile)
    bars = RichProgress(
        TextColumn("{task.description:>8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=json_out or not err.is_terminal,
    )
    try:
        with Storyline(db) as sl, bars:  # the bars give the terminal back as they close
            copies = chosen_profile or sl.copy_settings()
            settings = BuildSettings(copies=copies)
            if workers is not None:
                settings = replace(settings, workers=workers)
            summary = sl.build(
                paths, stages=chosen, settings=settings, progress=_BuildProgress(bars)
            )
    except KeyboardInterrupt:
        _interrupted()
    if json_out:
        _print_json(summary.as_dict())
    else:
        _print_summary(summary, db)


def _interrupted() -> NoReturn:
    """Leave at once, as a kill would (each batch is stored whole or not at all), deaf to a
    further Ctrl-C: the pools have ended their workers by now (`workers._pool`), and the exit
    handlers have nothing left to do but take time, in which another press would print a
    traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdout.flush()
    sys.stderr.write("interrupted: what was stored is kept; build again to resume\n")
    sys.stderr.flush()
    os._exit(130)  # the workers end with this process (workers._start_worker)


def _print_summary(s: BuildSummary, db: Path) -> None:
    table = Table(title=f"storyline build → {db}", show_header=False, title_justify="left")
    rows = [
        ("stages", ", ".join(s.stages)),
        ("files read", f"{s.sources:,} ({s.sources_unchanged:,} unchanged, skipped)"),
        ("records read", f"{s.read:,}"),
        ("ingested", f"{s.ingested:,}"),
        (
            "quarantined",
            f"{s.quarantined:,}" + ("  (see: storyline quarantine)" if s.quarantined else ""),
        ),
        ("boilerplate spans removed", f"{s.removals:,}"),
        ("duplicate ids renamed", f"{s.duplicate_ids:,}"),
        ("copies (related pairs)", f"{s.copies:,} in {s.families:,} families"),
        (
            "pairs checked",
            f"{s.pairs_checked:,} ({s.pairs_recalled:,} recalled, not aligned again)",
        ),
        ("stories", f"{s.stories:,} in {s.storylines:,} storylines"),
        ("time", f"{s.seconds:.2f} s"),
    ]
    for key, value in rows:
        table.add_row(key, value)
    out.print(table)


@app.command("articles")
def articles_cmd(db: DbOption = DEFAULT_DB, json_out: JsonOption = False) -> None:
    """List the articles in the store."""
    with Storyline(db, create=False) as sl:
        rows = (serialize.article_summary(a) for a in sl.articles())
        if json_out:
            _print_json_array(rows)
            return
        table = _table("id", "title", "outlet", "published", "chars")
        for r in rows:
            table.add_row(
                *(Text(str(r[k] or "")) for k in ("id", "title", "outlet", "published", "chars"))
            )
        out.print(table)


@app.command("article")
def article_cmd(
    article_id: Annotated[str, typer.Argument(metavar="ID")],
    db: DbOption = DEFAULT_DB,
    json_out: JsonOption = False,
) -> None:
    """Show one article: clean text, metadata, and what cleaning removed and why."""
    with Storyline(db, create=False) as sl:
        a = serialize.article_full(sl.article(article_id))
    if json_out:
        _print_json(a)
        return
    out.print(Text(a["title"] or "(no title)", style="bold"))
    for key in ("id", "outlet", "published", "url", "byline", "source", "locator", "raw_hash"):
        if a[key]:
            out.print(Text.assemble((f"{key}: ", "dim"), str(a[key])))
    for key, value in a["metadata"].items():
        out.print(Text.assemble((f"{key}: ", "dim"), json.dumps(value, ensure_ascii=False)))
    out.print()
    out.print(Text(a["text"]))
    if a["removed"]:
        out.print()
        table = _table(
            "rule", "removed text", "kept as", title="removed by cleaning", title_justify="left"
        )
        for r in a["removed"]:
            table.add_row(Text(r["rule"]), Text(r["text"]), Text(r["lifted_to"] or "—"))
        out.print(table)


@app.command("quarantine")
def quarantine_cmd(db: DbOption = DEFAULT_DB, json_out: JsonOption = False) -> None:
    """List every input record that was not ingested, with the reason."""
    with Storyline(db, create=False) as sl:
        rows = [serialize.rejected(r) for r in sl.quarantine()]
    if json_out:
        _print_json(rows)
        return
    if not rows:
        out.print("nothing quarantined")
        return
    table = _table("source", "where", "reason")
    for r in rows:
        table.add_row(Text(r["source"]), Text(r["locator"]), Text(r["reason"]))
    out.print(table)


ArticleOption = Annotated[
    str | None, typer.Option("--article", metavar="ID", help="Only what concerns this article.")
]


@app.command("copies")
def copies_cmd(
    db: DbOption = DEFAULT_DB,
    min_relation: Annotated[
        str | None,
        typer.Option(help=f"Keep this relation and stronger ones: {', '.join(RELATIONS)}."),
    ] = None,
    article: ArticleOption = None,
    json_out: JsonOption = False,
) -> None:
    """List related pairs: exact copies, near duplicates, versions and partial reuse."""
    with Storyline(db, create=False) as sl:
        copies = sl.iter_copies(min_relation, article)
        if json_out:
            _print_json_array(c.to_json() for c in copies)
            return
        table = _table(
            "a",
            "b",
            "relation",
            "earlier",
            "rule",
            "coverage a/b",
            whole=("relation", "coverage a/b"),
        )
        for c in copies:
            cov = (
                f"{c.similarity.get('coverage_a', 0):.2f} / {c.similarity.get('coverage_b', 0):.2f}"
            )
            table.add_row(
                Text(c.a), Text(c.b), c.relation or "", Text(c.earlier or "unknown"), c.rule, cov
            )
    out.print(table)


@app.command("families")
def families_cmd(
    db: DbOption = DEFAULT_DB,
    article: ArticleOption = None,
    quick: Annotated[
        bool,
        typer.Option(
            "--quick",
            help="From fingerprints alone, no pair aligned: fast, after ingest alone, but"
            " template reports (notices in the same words) join families.",
        ),
    ] = False,
    profile: Annotated[
        str | None,
        typer.Option(help=f"With --quick: {', '.join(PROFILES)} [default: the store's]."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="With --quick: processes [default: CPUs].")
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """List copy families and their canonical member: the earliest published, else the fullest."""
    if not quick and (profile is not None or workers is not None):
        raise InputError("--profile and --workers go with --quick")
    settings = _profile(profile)
    with Storyline(db, create=False) as sl:
        if quick:
            families = sl.quick_families(article, settings, workers=workers)
        else:
            families = sl.families(article)
        if json_out:
            _print_json_array(f.to_json() for f in families)
            return
        table = _table("family", "canonical", "chosen as", "members", whole=("family", "chosen as"))
        for f in families:
            others = [m for m in f.members if m != f.canonical]
            table.add_row(f.id, Text(f.canonical), f.canonical_rule, Text("\n".join(others)))
    out.print(table)


@app.command("diff")
def diff_cmd(
    a: Annotated[str, typer.Argument(metavar="A")],
    b: Annotated[str, typer.Argument(metavar="B")],
    db: DbOption = DEFAULT_DB,
    json_out: JsonOption = False,
) -> None:
    """Side by side: what two articles share, what only one has, and the small edits."""
    with Storyline(db, create=False) as sl:
        copy, diff = sl.diff(a, b)
        first, second = sl.article(copy.a), sl.article(copy.b)
    if json_out:
        _print_json({**copy.to_json(), "diff": diff.to_json()})
        return
    out.print(
        Text(f"{copy.relation or 'unrelated'} ({copy.rule}); earlier: {copy.earlier or 'unknown'}")
    )
    table = Table(show_lines=True, expand=True)
    table.add_column(Text(copy.a), overflow="fold")  # ids come from input files: never markup
    table.add_column(Text(copy.b), overflow="fold")
    segments = sorted(
        [
            (p.a_start, "shared", first.text[p.a_start : p.a_end], second.text[p.b_start : p.b_end])
            for p in diff.shared
        ]
        + [(s.start, "only a", first.text[s.start : s.end], "") for s in diff.only_a]
    )
    for _, kind, left, right in segments:
        style = "" if kind == "shared" else "red"
        table.add_row(Text(left, style=style), Text(right))
    for s in diff.only_b:
        table.add_row(Text(""), Text(second.text[s.start : s.end], style="green"))
    out.print(table)
    for e in diff.changed:
        out.print(
            Text.assemble(("changed: ", "dim"), (e.a_text, "red"), " → ", (e.b_text, "green"))
        )


@app.command("stories")
def stories_cmd(db: DbOption = DEFAULT_DB, json_out: JsonOption = False) -> None:
    """List stories (events): label, size, storyline."""
    with Storyline(db, create=False) as sl:
        stories = [s for s in sl.stories() if s["merged_into"] is None]
    if json_out:
        _print_json(stories)
        return
    table = _table("story", "storyline", "articles", "label")
    for s in stories:
        label = _label(s["label"])
        table.add_row(s["id"], s["storyline_id"] or "", str(len(s["article_ids"])), label)
    out.print(table)


def _label(label: dict[str, Any]) -> Text:
    """A story or storyline label from its JSON, worded as `StoryLabel.text()` words it."""
    names, terms = tuple(label["names"]), tuple(label["terms"])
    return Text(StoryLabel(label["headline"], names, terms, label["first"], label["last"]).text())


@app.command("story")
def story_cmd(
    story_id: Annotated[str, typer.Argument(metavar="ID")],
    db: DbOption = DEFAULT_DB,
    json_out: JsonOption = False,
) -> None:
    """Show one story: its members and why each belongs."""
    with Storyline(db, create=False) as sl:
        story = sl.story(story_id)
    if json_out:
        _print_json(story)
        return
    out.print(Text(story["label"]["headline"], style="bold"))
    out.print(Text(f"{story['id']} · storyline {story['storyline_id']}"))
    for aid in story["article_ids"]:
        ev = story["evidence"].get(aid, {})
        shared = ", ".join(ev.get("shared_names", [])[:4] + ev.get("shared_terms", [])[:4])
        out.print(Text(f"  {aid}  score {ev.get('score', 0):.2f}  {shared}"))


@app.command("storylines")
def storylines_cmd(db: DbOption = DEFAULT_DB, json_out: JsonOption = False) -> None:
    """List storylines: stories linked over time by shared actors and subject."""
    with Storyline(db, create=False) as sl:
        lines = sl.storylines()
    if json_out:
        _print_json(lines)
        return
    table = _table("storyline", "stories", "label")
    for line in lines:
        table.add_row(line["id"], ", ".join(line["story_ids"]), _label(line["label"]))
    out.print(table)


@app.command("search")
def search_cmd(
    query: Annotated[str, typer.Argument(help="An SQLite FTS5 query, e.g. 'kim AND letter'.")],
    db: DbOption = DEFAULT_DB,
    limit: int = 20,
    json_out: JsonOption = False,
) -> None:
    """Full-text search over titles and clean texts."""
    with Storyline(db, create=False) as sl:
        ids = sl.search(query, limit)
        rows = [serialize.article_summary(a) for a in sl.store.articles(ids).values()]
    rows.sort(key=lambda r: ids.index(r["id"]))
    if json_out:
        _print_json(rows)
        return
    for r in rows:
        out.print(Text.assemble((r["id"], "bold"), "  ", r["title"] or ""))


@app.command("export")
def export_cmd(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write into.")],
    fmt: Annotated[
        str, typer.Option("--format", help=f"One of: {', '.join(FORMATS)}.")
    ] = "parquet",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Export every table as Parquet or JSONL files."""
    with Storyline(db, create=False) as sl:
        for path in sl.export(fmt, out_dir):
            out.print(Text(str(path)))


def _table(*columns: str, whole: Sequence[str] = (), **options: Any) -> Table:
    """A table whose cells wrap, and fold a word too long for its column (an id, a URL) onto
    the next line rather than cut it: an id shown is one the user can copy. The `whole`
    columns (short words of a fixed vocabulary) never wrap."""
    table = Table(**options)
    for name in columns:
        table.add_column(name, overflow="fold", no_wrap=name in whole)
    return table


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def _print_json_array(rows: Iterable[dict[str, Any]]) -> None:
    """A JSON array, streamed row by row so a large store never sits in memory."""
    sys.stdout.write("[")
    for i, row in enumerate(rows):
        sys.stdout.write(
            ("\n  " if i == 0 else ",\n  ") + json.dumps(row, ensure_ascii=False, sort_keys=True)
        )
    sys.stdout.write("\n]\n")


def main() -> None:
    """Entry point: user errors become one line on stderr and exit status 1, never a traceback."""
    try:
        app()
    except StorylineError as exc:
        sys.stderr.write(f"error: {exc}\n")  # plain write: one line, never wrapped
        sys.exit(1)
