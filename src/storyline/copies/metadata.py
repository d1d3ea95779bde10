"""What the relation and direction rules read from an article besides its words.

Version notes ("This story has been updated ..."), which the cleaner lifts into
`metadata["version_notes"]` (ones left in the text are found at line starts with
`patterns.VERSION_NOTE`), and headlines marked as a later take ("CORRECTED - ...",
`patterns.TITLE_NOTE`); wire credits (`metadata["wire_credits"]`); publication times
(`Article.published`, ISO 8601); and the subjects headlines open with.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from rapidfuzz import fuzz

from storyline.article import Article
from storyline.copies.patterns import TITLE_NOTE, VERSION_NOTE, VERSION_NOTE_LINE
from storyline.copies.tokens import tokenize


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


def headline_subjects(a: Article, b: Article, alike: float) -> tuple[str, str] | None:
    """The subjects two headlines open with, when they differ: the words of each (figures and
    a "CORRECTED - " or "UPDATE 1-" left out) before the first word the other headline holds
    too, one or more on each side, none a stem or a contraction of a word of the other
    ("HALDEN BUYS" and "HALDENESE CRUSHERS BUY", "INT'L RESEARCH" and "INTERNATIONAL
    RESEARCH" are one subject put two ways), and unalike in their letters (character
    similarity under `alike`: a corrected spelling reads alike). "ORVANE MILLS INC <ORV> SETS
    QTLY DIVIDEND" and "KESTREL AND DUNMORE INC <KD> SETS QUARTERLY", "OMAHA HOGS UP 1.00 DLR"
    and "JOLIET HOGS UP 1.00 DLR" open on two subjects; a retitled copy keeps its subject
    somewhere in its headline ("ORVANE MILLS INC QTLY DIVIDEND"). None otherwise, or when
    either has no headline."""
    if not a.title or not b.title:
        return None
    words_a, words_b = (
        tokenize(TITLE_NOTE.sub("", t, count=1)).plain_words() for t in (a.title, b.title)
    )
    lead_a, lead_b = _before_shared(words_a, words_b), _before_shared(words_b, words_a)
    if not lead_a or not lead_b or any(_one_word(x, y) for x in lead_a for y in lead_b):
        return None
    subject_a, subject_b = " ".join(lead_a), " ".join(lead_b)
    if fuzz.ratio(subject_a, subject_b) >= 100 * alike:
        return None
    return subject_a, subject_b


def _before_shared(words: list[str], other: list[str]) -> list[str]:
    """`words` up to the first that `other` holds too."""
    held = set(other)
    for k, word in enumerate(words):
        if word in held:
            return words[:k]
    return words


def _one_word(x: str, y: str) -> bool:
    """One word the other's stem ("japan", "japanese") or contraction ("int'l",
    "international": its letters in order, from the same first letter), neither shorter than
    3 letters."""
    if min(len(x), len(y)) < 3:
        return False
    short, long = sorted((x, y), key=len)
    letters = iter(long)
    return long.startswith(short) or (
        "'" in short and short[0] == long[0] and all(c in letters for c in short if c.isalpha())
    )
