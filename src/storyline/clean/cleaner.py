"""`clean`: a `RawArticle` in, an `Article` out, with every removal and the rule that made it.

The cleaner works line by line: scraper and syndication debris sits on lines of its own, and a
line is a bounded unit to run patterns on (articles are untrusted; see `patterns`). A line is
kept, dropped as debris, or lifted into metadata (byline, wire credits, contributor credits,
version notes, captions); scraper ad markers are also cut out of the middle of a line. What is
kept is re-flowed into paragraphs (`paragraphs.group_lines`, removed lines counting as blank),
whitespace-normalised and joined with blank lines.

Rules, each named in the `Removal` it makes (lifted_to in brackets):
ad_marker, advertisement, skip_link, share_bar, date_crumbs, photo_credit, caption_credit,
caption [captions], copyright_footer, redistribution_notice, read_more, click_here, reuters_signoff,
continued_marker, byline [byline, or bylines when the reader gave one or one was lifted already],
wire_credit [wire_credits], contributor_credit [credits], version_note [version_notes],
headline [title], title_repeat (a first line that repeats the reader's title).
A lifted byline is the whole line as written ("Author: CNN Writer: Derrick Shaw", "By Jane Doe").
"""

from __future__ import annotations

from operator import attrgetter

from storyline.article import Article, Paragraph, RawArticle, Removal
from storyline.clean import patterns as p
from storyline.clean.paragraphs import Line, group_lines, scan_lines

# No debris or metadata line is this long; a longer line is story text and skips every rule.
_MAX_RULE_CHARS = 400
# The longest line that only labels an ad slot, or is a skip link.
_MAX_LABEL_CHARS = 40
# A share bar names a few networks.
_MAX_SHARE_CHARS = 120
# Photo credit lines are short: a name and an agency.
_MAX_CREDIT_CHARS = 60
_MAX_CREDIT_WORDS = 10
_MAX_BYLINE_WORDS = 12
# A "©" in a line this short marks a credit line even without "All rights reserved".
_MAX_NOTICE_WORDS = 30
# "..., click here." closes a short promotional line, not a story sentence.
_MAX_CLICK_WORDS = 20
_MAX_HEADLINE_WORDS = 25
_MAX_HEADLINE_CHARS = 200
# How far from a line's end the end-anchored patterns can start.
_TAIL = 40
_SIGNOFF_TAIL = 16
# A sign-off or "more" marker is a word on a line of its own.
_MAX_SIGNOFF_CHARS = 16

# Where each lifting rule's line goes (captions and bylines are handled on their own).
_LIFTED_TO = {
    "wire_credit": "wire_credits",
    "contributor_credit": "credits",
    "version_note": "version_notes",
}


def clean(raw: RawArticle) -> Article:
    """Remove debris from `raw.text`, lift metadata lines, and re-flow what is left."""
    text = raw.text
    lines = scan_lines(text)
    removals: list[Removal] = []
    lifted: dict[str, list[str]] = {}
    kept: list[Line] = []
    # Lines an ad marker (or a run-on sign-off) was cut out of, and the spans of them left.
    pieces: dict[int, list[tuple[int, int]]] = {}

    # Wire sign-offs close the text, sometimes twice ("REUTER\n Reuter"): peel them off first.
    body_end = len(lines)
    while body_end:
        _, start, end, _ = lines[body_end - 1]
        rule = _signoff_rule(text[start:end])
        if rule is None:
            break
        removals.append(Removal(rule, text[start:end], start, end))
        body_end -= 1

    for index in range(body_end):
        line = lines[index]
        number, start, end, _ = line
        content = text[start:end]
        if "[" in content and p.AD_MARKER.search(content):
            spans = _cut_ad_markers(text, start, end, removals)
            if not spans:
                continue
            pieces[number] = spans
            if len(spans) > 1:  # text on both sides of a marker: story text, kept as it is
                kept.append(line)
                continue
            start, end = spans[0]
            content = text[start:end]
        rule = _classify(content)
        if rule is None:
            kept.append(line)
            if index == body_end - 1:
                _cut_fused_signoff(text, number, start, end, removals, pieces)
        elif rule == "caption":
            _remove_caption(text, start, end, removals, lifted)
        else:
            target = _lift_target(rule, raw.byline is not None or "bylines" in lifted)
            if target is not None:
                lifted.setdefault("bylines" if rule == "byline" else target, []).append(content)
            removals.append(Removal(rule, content, start, end, target))

    title = raw.title
    if kept and kept[0][0] == lines[0][0] and kept[0][0] not in pieces:
        first = _title_line(raw, text, kept)
        if first is not None:
            removals.append(first)
            kept = kept[1:]
            if first.lifted_to == "title":
                title = first.text

    clean_text, paragraphs = _reflow(text, kept, pieces)
    bylines = lifted.pop("bylines", [])
    byline = raw.byline
    if byline is None and bylines:
        byline = bylines.pop(0)
    if bylines:
        lifted["bylines"] = bylines
    metadata = dict(raw.metadata)
    for key, values in lifted.items():
        metadata[key] = [*metadata.get(key, ()), *values]
    removals.sort(key=attrgetter("start"))
    return Article(
        id=raw.id,
        origin=raw.origin,
        text=clean_text,
        paragraphs=paragraphs,
        raw_text=text,
        removals=tuple(removals),
        title=title,
        url=raw.url,
        outlet=raw.outlet,
        byline=byline,
        published=raw.published,
        metadata=metadata,
    )


def _signoff_rule(s: str) -> str | None:
    """The rule a line closing the text falls under if it is a wire's sign-off or marker."""
    if len(s) > _MAX_SIGNOFF_CHARS:
        return None
    if p.WIRE_SIGNOFF.fullmatch(s.lower()):
        return "reuters_signoff"
    if p.CONTINUED_MARKER.fullmatch(s):
        return "continued_marker"
    return None


def _classify(s: str) -> str | None:
    """The rule a whole line (stripped, non-empty) falls under, or None for story text."""
    n = len(s)
    # A line opening in lowercase continues a hard-wrapped sentence ("by National Westminster
    # Bank", "published on April 6."); debris and metadata lines open otherwise.
    if n > _MAX_RULE_CHARS or s[0].islower():
        return None
    if s[-1] == ")" and p.CAPTION_CREDIT.fullmatch(s, s.rfind("(")):
        return "caption"
    if n <= _MAX_LABEL_CHARS and s.lower().rstrip(":.") in p.ADVERTISEMENT_LINES:
        return "advertisement"
    if n <= _MAX_LABEL_CHARS and p.SKIP_LINK.fullmatch(s.rstrip(" .")):
        return "skip_link"
    if n <= _MAX_SHARE_CHARS and _is_share_bar(s):
        return "share_bar"
    if p.LINE_START.match(s):
        rule = _classify_by_start(s)
        if rule is not None:
            return rule
    # The rules below look at how a line ends; a substring test comes before each pattern.
    low = s.lower()
    tail = low[-_TAIL:]
    if ("reserved" in tail and p.RIGHTS_RESERVED_END.search(s, max(0, n - _TAIL))) or (
        "©" in s and len(s.split()) <= _MAX_NOTICE_WORDS
    ):
        return _credit_rule(s)
    if "contributed" in low and p.CONTRIBUTOR_END.search(s):
        return "contributor_credit"
    if (
        "here" in tail
        and p.CLICK_HERE_END.search(s, max(0, n - _TAIL))
        and len(s.split()) <= _MAX_CLICK_WORDS
    ):
        return "click_here"
    if (
        n <= _MAX_CREDIT_CHARS
        and _is_short_and_capitalised(s)
        and p.PHOTO_CREDIT_LINE.search(s, max(0, n - _TAIL))
    ):
        return "photo_credit"
    return None


def _is_share_bar(s: str) -> bool:
    words = p.SHARE_WORD.findall(s.lower())
    return (
        bool(words)
        and all(w in p.SHARE_WORDS for w in words)
        and (words[0] == "share" or any(w in p.SHARE_NETWORKS for w in words))
    )


def _classify_by_start(s: str) -> str | None:
    """The rules that look at how a line opens (`patterns.LINE_START` matched it)."""
    if p.VERSION_NOTE.match(s):
        return "version_note"
    label = p.DATE_LABEL.match(s)
    if label and all(p.DATE_TOKEN.fullmatch(t) for t in s[label.end() :].split()):
        return "date_crumbs"
    by = p.BYLINE_START.match(s)
    if by and _looks_like_names(s[by.end() :]):
        return "byline"
    if p.NOTICE_START.match(s):
        return _credit_rule(s)
    if p.REDISTRIBUTION_NOTICE.match(s):
        return "redistribution_notice"
    if p.CONTRIBUTOR_START.match(s):
        return "contributor_credit"
    if p.READ_MORE.match(s):
        return "read_more"
    if p.CLICK_HERE_START.match(s):
        return "click_here"
    if (
        len(s) <= _MAX_CREDIT_CHARS
        and len(s.split()) <= _MAX_CREDIT_WORDS
        and p.PHOTO_CREDIT_LABEL.match(s)
    ):
        return "photo_credit"
    return None


def _credit_rule(s: str) -> str:
    """A credit line naming a wire service is the wire's credit, otherwise the outlet's footer."""
    return "wire_credit" if p.WIRE_NAME.search(s) else "copyright_footer"


def _is_short_and_capitalised(s: str) -> bool:
    """Names and an agency, not a sentence ("He works for Getty Images")."""
    words = s.split()
    return len(words) <= _MAX_CREDIT_WORDS and all(
        not w[0].isalpha() or w[0].isupper() or w in p.NAME_JOINERS for w in words
    )


def _lift_target(rule: str, byline_taken: bool) -> str | None:
    """The field a rule's text is lifted to; a second byline goes to the `bylines` list."""
    if rule == "byline":
        return "bylines" if byline_taken else "byline"
    return _LIFTED_TO.get(rule)


def _title_line(raw: RawArticle, text: str, kept: list[Line]) -> Removal | None:
    """The first line as a headline (no title given) or as a repeat of the given title."""
    _, start, end, _ = kept[0]
    content = text[start:end]
    if raw.title is None:
        if not (raw.headline_in_text and _looks_like_headline(content)):
            return None
        rule, target = "headline", "title"
    elif _normalised(content) == _normalised(raw.title):
        rule, target = "title_repeat", None
    else:
        return None
    if not _stands_alone(kept):
        return None
    return Removal(rule, content, start, end, target)


def _looks_like_names(rest: str) -> bool:
    """Whether the text after "By" is a run of names, not a sentence ("By the end of ...")."""
    words = rest.split()
    if not words or len(words) > _MAX_BYLINE_WORDS or not words[0][0].isupper():
        return False
    if rest[-1] in ".!?" and len(words[-1]) > 3:  # a sentence's end; "Jr." is still a name
        return False
    return all(w[0].isupper() or not w[0].isalnum() or w in p.NAME_JOINERS for w in words)


def _looks_like_headline(s: str) -> bool:
    if len(s) > _MAX_HEADLINE_CHARS or len(s.split()) > _MAX_HEADLINE_WORDS:
        return False
    if s[-1] in ",;:":
        return False
    bare = s.rstrip("\"'”’»)")
    if not bare.endswith(".") or bare.endswith(".."):  # an ellipsis ends headlines too
        return True
    return bool(p.HEADLINE_ABBREVIATION.fullmatch(bare.split()[-1]))


def _stands_alone(kept: list[Line]) -> bool:
    """Whether the first kept line is a paragraph of its own with more text after it."""
    groups = group_lines(kept)
    return len(groups) > 1 and groups[0] == (0, 0)


def _normalised(s: str) -> str:
    return " ".join(s.split()).casefold()


def _cut_ad_markers(
    text: str, start: int, end: int, removals: list[Removal]
) -> list[tuple[int, int]]:
    """Record the ad markers in `text[start:end]`; return the non-blank spans around them."""
    spans: list[tuple[int, int]] = []
    pos = start
    for m in p.AD_MARKER.finditer(text, start, end):
        removals.append(Removal("ad_marker", m.group(), m.start(), m.end()))
        _add_span(text, pos, m.start(), spans)
        pos = m.end()
    _add_span(text, pos, end, spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append `text[start:end]` less surrounding whitespace to `spans`, unless it is blank."""
    chunk = text[start:end]
    content = chunk.strip()
    if content:
        first = start + len(chunk) - len(chunk.lstrip())
        spans.append((first, first + len(content)))


def _cut_fused_signoff(
    text: str,
    number: int,
    start: int,
    end: int,
    removals: list[Removal],
    pieces: dict[int, list[tuple[int, int]]],
) -> None:
    """Cut a wire sign-off off the end of the last line, if one is run onto it."""
    m = p.WIRE_SIGNOFF_FUSED.search(text, max(start, end - _SIGNOFF_TAIL), end)
    if m:
        signoff = m.end() - len(m.group().lstrip())
        removals.append(Removal("reuters_signoff", text[signoff:end], signoff, end))
        pieces[number] = [(start, m.start())]


def _remove_caption(
    text: str, start: int, end: int, removals: list[Removal], lifted: dict[str, list[str]]
) -> None:
    """A caption line: the credit tail is dropped, the caption itself lifted to `captions`."""
    tail = text.rfind("(", start, end)
    spans: list[tuple[int, int]] = []
    _add_span(text, start, tail, spans)
    for a, b in spans:
        caption = text[a:b]
        lifted.setdefault("captions", []).append(caption)
        removals.append(Removal("caption", caption, a, b, "captions"))
    removals.append(Removal("caption_credit", text[tail:end], tail, end))


def _reflow(
    text: str, kept: list[Line], pieces: dict[int, list[tuple[int, int]]]
) -> tuple[str, tuple[Paragraph, ...]]:
    """The kept lines as paragraphs: inner lines joined, whitespace runs collapsed."""
    parts: list[str] = []
    paragraphs: list[Paragraph] = []
    pos = 0
    for a, b in group_lines(kept):
        group = kept[a : b + 1]
        if pieces and any(line[0] in pieces for line in group):
            chunk = " ".join(
                text[s:e]
                for number, start, end, _ in group
                for s, e in pieces.get(number, [(start, end)])
            )
        else:
            chunk = text[group[0][1] : group[-1][2]]
        paragraph = " ".join(chunk.split())
        paragraphs.append(Paragraph(pos, pos + len(paragraph)))
        parts.append(paragraph)
        pos += len(paragraph) + 2
    return "\n\n".join(parts), tuple(paragraphs)
