"""Paragraphs of a text, with character offsets.

The rule, for any text: blank lines separate paragraphs. A text whose paragraphs are marked by
indentation instead (hard-wrapped wire copy: a paragraph opens with "\n    " and its other
lines start at the margin) starts a paragraph at every indented line. A text with neither has
one paragraph a line. "Indented" is relative to the text's own margin, so a text indented
throughout is read as if it were not. Where a text has both blank lines and indented lines
(wire copy with a table), an indented line starts a paragraph inside a blank-separated block.

`scan_lines` and `group_lines` are the two halves of that rule; the cleaner groups the raw text's
lines less the ones it removed (which then count as blank), so its paragraphs follow the same rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from storyline.article import Paragraph

# A non-blank line as (number, start, end, indent): `number` counts lines from 0, and a gap
# between two lines' numbers means blank lines between them; `text[start:end]` is the line's
# content without surrounding whitespace; `indent` counts its leading whitespace characters.
# A plain tuple: a named one costs twice as much to make, and every line of every article is one.
Line = tuple[int, int, int, int]


def scan_lines(text: str) -> list[Line]:
    """The non-blank lines of `text` (any line break `str.splitlines` knows)."""
    lines: list[Line] = []
    pos = 0
    for number, raw in enumerate(text.splitlines(keepends=True)):
        left = raw.lstrip()
        if left:
            indent = len(raw) - len(left)
            start = pos + indent
            lines.append((number, start, start + len(left.rstrip()), indent))
        pos += len(raw)
    return lines


def group_lines(lines: Sequence[Line]) -> list[tuple[int, int]]:
    """Paragraphs as (first, last) indexes into `lines`, inclusive."""
    if not lines:
        return []
    margin = min(line[3] for line in lines)
    has_blank = len(lines) != lines[-1][0] - lines[0][0] + 1
    has_indent = any(line[3] > margin for line in lines[1:])
    one_per_line = not has_blank and not has_indent
    groups: list[tuple[int, int]] = []
    start = 0
    previous = lines[0][0]
    for i in range(1, len(lines)):
        number, _, _, indent = lines[i]
        if one_per_line or number != previous + 1 or indent > margin:
            groups.append((start, i - 1))
            start = i
        previous = number
    groups.append((start, len(lines) - 1))
    return groups


def split_paragraphs(text: str) -> tuple[Paragraph, ...]:
    """The paragraphs of `text`; each `Paragraph` spans its first to last non-blank character."""
    lines = scan_lines(text)
    return tuple(Paragraph(lines[a][1], lines[b][2]) for a, b in group_lines(lines))
