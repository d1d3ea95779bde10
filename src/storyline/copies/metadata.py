"""What the relation and direction rules read from an article besides its words.

Version notes ("This story has been updated ..."), which the cleaner lifts into
`metadata["version_notes"]` (ones left in the text are found at line starts with
`patterns.VERSION_NOTE`), and headlines marked as a later take ("CORRECTED - ...",
`patterns.TITLE_NOTE`); wire credits (`metadata["wire_credits"]`); and publication times
(`Article.published`, ISO 8601).
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from storyline.article import Article
from storyline.copies.patterns import TITLE_NOTE, VERSION_NOTE, VERSION_NOTE_LINE


def _strings(value: object) -> list[str]:
    if not value:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v]
    return [str(value)]


def version_notes(article: Article) -> tuple[str, ...]:
    """Update/correction notes: those the cleaner lifted, else ones still in the text; and a
    headline marked as a correction or update ("CORRECTED - ...")."""
    notes = _strings(article.metadata.get("version_notes"))
    if not notes:
        first = VERSION_NOTE.match(article.text)
        found = itertools.chain([first] if first else [], VERSION_NOTE_LINE.finditer(article.text))
        notes = [m.group().strip() for m in found]
    if article.title and TITLE_NOTE.match(article.title):
        notes.append(article.title.strip())
    return tuple(notes)


def wire_credits(article: Article) -> tuple[str, ...]:
    return tuple(_strings(article.metadata.get("wire_credits")))


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 date or datetime as a naive UTC datetime; None when absent or unreadable."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def _times(a: Article, b: Article) -> tuple[datetime, datetime] | tuple[date, date] | None:
    """The two publication times, as dates when either is a date alone (they compare, and
    subtract, as dates); None when either is unknown."""
    ta, tb = parse_time(a.published), parse_time(b.published)
    if ta is None or tb is None:
        return None
    if len(a.published or "") <= 10 or len(b.published or "") <= 10:
        return ta.date(), tb.date()
    return ta, tb


def hours_apart(a: Article, b: Article) -> float | None:
    """Hours between the two publication times (whole days when either is a date alone);
    None when either is unknown."""
    times = _times(a, b)
    return None if times is None else abs((times[0] - times[1]).total_seconds()) / 3600


def same_outlet(a: Article, b: Article) -> bool:
    return bool(a.outlet and b.outlet and a.outlet.casefold() == b.outlet.casefold())


def earlier_by_time(a: Article, b: Article) -> tuple[str | None, str]:
    """('a' | 'b' | None, why): which was published first; dates alone compare as dates."""
    times = _times(a, b)
    if times is None:
        return None, ""
    ka, kb = times
    if ka == kb:
        return None, f"both published {ka.isoformat()}"
    return ("a" if ka < kb else "b"), f"published {a.published} vs {b.published}"
