"""Diff of an aligned pair: what only A has, what only B has, what they share, and small edits.

`only_a` / `only_b` are the unaligned stretches of words (as character spans of each text);
`shared` are the aligned passages; `changed` are the edits inside shared passages, found with
rapidfuzz opcodes over whitespace-separated surface words, so "empty handed" vs "empty-handed",
"cents" vs "cts" or a fixed typo show up as edits while re-wrapped lines do not, plus the short
gaps between consecutive passages (a changed figure splits a passage in two).
"""

from __future__ import annotations

import itertools
import re

import numpy as np
from rapidfuzz.distance import Levenshtein

from storyline.copies.align import Alignment
from storyline.copies.records import Diff, Edit, Span
from storyline.copies.tokens import Tokens

_SURFACE = re.compile(r"\S+")


def _unaligned(tokens: Tokens, covered: np.ndarray) -> tuple[Span, ...]:
    spans: list[Span] = []
    if len(tokens) == 0:
        return ()
    free = ~covered
    edges = np.flatnonzero(np.diff(np.concatenate(([0], free.astype(np.int8), [0]))))
    for s, e in zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True):
        spans.append(Span(int(tokens.starts[s]), int(tokens.ends[e - 1])))
    return tuple(spans)


def passage_edits(text_a: str, a0: int, a1: int, text_b: str, b0: int, b1: int) -> list[Edit]:
    """Word-level edits between `text_a[a0:a1]` and `text_b[b0:b1]`."""
    wa = [(m.start(), m.end()) for m in _SURFACE.finditer(text_a, a0, a1)]
    wb = [(m.start(), m.end()) for m in _SURFACE.finditer(text_b, b0, b1)]
    sa = [text_a[s:e] for s, e in wa]
    sb = [text_b[s:e] for s, e in wb]
    # Adjacent non-equal opcodes ("“empty" -> "“empty-handed", "handed" -> "") are one edit.
    regions: list[list[int]] = []
    for op in Levenshtein.opcodes(sa, sb):
        if op.tag == "equal":
            continue
        if regions and regions[-1][1] == op.src_start and regions[-1][3] == op.dest_start:
            regions[-1][1], regions[-1][3] = op.src_end, op.dest_end
        else:
            regions.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    edits: list[Edit] = []
    for s0, s1, d0, d1 in regions:
        if s0 < s1:
            as_, ae = wa[s0][0], wa[s1 - 1][1]
        else:
            as_ = ae = wa[s0][0] if s0 < len(wa) else a1
        if d0 < d1:
            bs, be = wb[d0][0], wb[d1 - 1][1]
        else:
            bs = be = wb[d0][0] if d0 < len(wb) else b1
        edits.append(Edit(as_, ae, bs, be, text_a[as_:ae], text_b[bs:be]))
    return edits


def _gap_edit(ta: Tokens, tb: Tokens, text_a: str, text_b: str, gap: tuple[int, ...]) -> Edit:
    a0, a1, b0, b1 = gap
    as_, ae = (int(ta.starts[a0]), int(ta.ends[a1 - 1])) if a0 < a1 else (int(ta.starts[a1]),) * 2
    bs, be = (int(tb.starts[b0]), int(tb.ends[b1 - 1])) if b0 < b1 else (int(tb.starts[b1]),) * 2
    return Edit(as_, ae, bs, be, text_a[as_:ae], text_b[bs:be])


def diff(al: Alignment, max_gap_words: int = 8) -> Diff:
    """The diff of an aligned pair (offsets index the two articles' clean texts).

    Besides the edits inside passages, a short gap between two passages that follow each other
    in both texts (at most `max_gap_words` words on each side, e.g. a changed figure, which
    alignment never bridges) is a changed edit, not material only in A or only in B.
    """
    text_a, text_b = al.a.article.text, al.b.article.text
    ta, tb = al.a.tokens, al.b.tokens
    covered_a, covered_b = al.covered("a"), al.covered("b")
    edits: list[tuple[int, Edit]] = []
    for passage in al.passages:
        for e in passage_edits(
            text_a, passage.a_start, passage.a_end, text_b, passage.b_start, passage.b_end
        ):
            edits.append((e.a_start, e))
    ordered = sorted(al.token_passages, key=lambda t: (t.a0, t.b0))
    for p, q in itertools.pairwise(ordered):
        ga, gb = q.a0 - p.a1, q.b0 - p.b1
        if 0 <= ga <= max_gap_words and 0 <= gb <= max_gap_words and ga + gb > 0:
            edit = _gap_edit(ta, tb, text_a, text_b, (p.a1, q.a0, p.b1, q.b0))
            edits.append((edit.a_start, edit))
            covered_a[p.a1 : q.a0] = True
            covered_b[p.b1 : q.b0] = True
    edits.sort(key=lambda x: (x[0], x[1].b_start))
    return Diff(
        a=al.a.article.id,
        b=al.b.article.id,
        only_a=_unaligned(ta, covered_a),
        only_b=_unaligned(tb, covered_b),
        shared=al.passages,
        changed=tuple(e for _, e in edits),
    )
