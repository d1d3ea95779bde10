"""The C loops (`_kernels.c`) against the Python definitions they replace."""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter

import numpy as np
import pytest
import xxhash

from storyline.copies import _kernels
from storyline.copies.arrays import forest, stable_argsort
from storyline.copies.fingerprints import (
    anchor_sample,
    minhash_rows,
    ngram_hashes,
    ngram_index,
    permutations,
)
from storyline.copies.patterns import NUMBER_WORDS, WORD
from storyline.copies.tokens import Token, _token, text_hashes, tokenize

# characters at every boundary of patterns.WORD: separators of numbers, apostrophes, line-break
# hyphens, non-ASCII letters and digits (Arabic-Indic "٠١" are decimal, "²½" numeric only),
# combining accents, dashes and quotes, Chinese and Japanese (words of one character) and the
# marks between them that are no word characters ("・", "゛"), and kana voicing marks
_ALPHABET = list("ab1 2.,/-'’‘`´\n\t_éẞ\u0301\u0660\u0661²½—“東京のー・゛ｶﾞ\u3099")


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser in numpy (uint64 arithmetic wraps modulo 2**64)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _spans(text: str) -> list[tuple[int, int]]:
    toks = tokenize(text)
    return list(zip(toks.starts.tolist(), toks.ends.tolist(), strict=True))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Empty-handed, he didn’t pay 5,456,000 or 6-3/16 pct.",
        "1.5abc 3.x 12-\n34 Vau-\n  clier end- \nword o'' '' x´y",
        "٠١,٢ ²½ é\u0301te _under_ 2024-",
        "北京时间周一，物价上涨2.5%。東京の株価は3日、大幅に下落した。don't東京",
    ],
)
def test_the_scanner_finds_the_words_the_regex_finds(text: str) -> None:
    assert _spans(text) == [m.span() for m in WORD.finditer(text)]


def test_the_scanner_agrees_with_the_regex_on_random_strings() -> None:
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(40)))
        assert _spans(text) == [m.span() for m in WORD.finditer(text)], repr(text)


_QUOTES = {"open": "“„«‹", "close": "”»›", "either": '"＂'}


def _reference_quoted(text: str, starts: list[int], bounds: list[tuple[int, int]] | None) -> list:
    """tokens.py's quotation rule in plain Python (as it was before it moved to C)."""
    if bounds is None:  # blank-line blocks
        bounds, pos = [], 0
        for m in re.finditer(r"\n[ \t]*\n", text):
            bounds.append((pos, m.start()))
            pos = m.end()
        bounds.append((pos, len(text)))
    spans = []
    for p_start, p_end in bounds:
        opened = -1
        for m in re.finditer("[" + "".join(_QUOTES.values()) + "]", text[:p_end]):
            if m.start() < p_start:
                continue
            ch = m.group()
            if ch in _QUOTES["open"]:
                opened = m.end() if opened < 0 else opened
            elif ch in _QUOTES["close"] or opened >= 0:
                if opened >= 0:
                    spans.append((opened, m.start()))
                opened = -1
            else:  # a straight quote opens
                opened = m.end()
        if opened >= 0:
            spans.append((opened, p_end))
    inside = []
    for st in starts:
        before = [q for q in spans if q[0] <= st]
        inside.append(bool(before) and st < before[-1][1])
    return inside


def test_quoted_marks_the_words_inside_quotation_marks() -> None:
    rng = random.Random(17)
    alphabet = list("ab '’\n\n\t") + list("".join(_QUOTES.values()))
    for trial in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        starts = sorted(rng.sample(range(len(text) + 1), rng.randint(0, len(text) + 1)))
        bounds = None
        if trial % 2:  # given paragraphs: cuts in order
            cuts = sorted(
                rng.sample(range(len(text) + 1), 2 * rng.randint(0, (len(text) + 1) // 2))
            )
            bounds = list(zip(cuts[::2], cuts[1::2], strict=True))
        flat = None if bounds is None else np.asarray(bounds, dtype=np.int64).reshape(-1)
        got = _kernels.quoted(text, np.asarray(starts, dtype=np.int64), flat, *_QUOTES.values())
        assert list(map(bool, got)) == _reference_quoted(text, starts, bounds), (text, bounds)
    with pytest.raises(ValueError, match="pairs"):
        _kernels.quoted(
            "a", np.zeros(1, dtype=np.int64), np.zeros(3, dtype=np.int64), "“", "”", '"'
        )


def _table(fail: bool = False) -> tuple[_kernels.Table, list[str]]:
    """A word table whose tokens are (upper case, length, digits?), and the words it made."""
    made: list[str] = []

    def make(raw: str) -> Token:
        made.append(raw)
        if fail:
            raise ValueError(raw)
        return raw.upper(), len(raw), raw.isdigit()

    return _kernels.word_table(make), made


def test_tokens_come_from_the_table_each_made_once() -> None:
    table, made = _table()
    words, hashes, flags, starts, ends = _kernels.tokens("the 12 the 12", table)
    assert words == ("THE", "12", "THE", "12") and made == ["the", "12"]
    assert np.frombuffer(hashes, dtype=np.uint64).tolist() == [3, 2, 3, 2]
    assert list(flags) == [0, 1, 0, 1]
    assert np.frombuffer(starts, dtype=np.int64).tolist() == [0, 4, 7, 11]
    assert np.frombuffer(ends, dtype=np.int64).tolist() == [3, 6, 10, 13]
    # found by their characters (kept in the table when short and ASCII, else compared with the
    # word's own), in texts of any width (UCS-2 here: "’")
    long = "internationalisation"
    for text in (f"12 the x é {long}", f"the’s {long} é x"):
        _kernels.tokens(text, table)
    assert made == ["the", "12", "x", "é", long, "the’s"]
    words, *_ = _kernels.tokens(f"{long} the’s x é 12", table)
    assert words == (long.upper(), "THE’S", "X", "É", "12") and _kernels.table_size(table) == 6
    hashes, counts = _kernels.hashes(["a bb", "", "ccc"], _table()[0])
    assert np.frombuffer(hashes, dtype=np.uint64).tolist() == [1, 2, 3]
    assert np.frombuffer(counts, dtype=np.int64).tolist() == [2, 0, 1]


def test_the_table_grows_and_keeps_every_word() -> None:
    table, made = _table()
    text = " ".join(f"w{k}" for k in range(5000))
    first, *_ = _kernels.tokens(text, table)
    again, *_ = _kernels.tokens(text, table)
    assert first == again == tuple(f"W{k}" for k in range(5000))
    assert len(made) == _kernels.table_size(table) == 5000


def test_hashes_are_the_token_hashes_of_the_words() -> None:
    texts = ["He said 5,456,000 “Empty-handed”.", "", "Vau-\nclier's"]
    flat, counts = text_hashes(texts)
    assert flat.tolist() == [h for t in texts for h in tokenize(t).hashes.tolist()]
    assert counts.tolist() == [5, 0, 1]


def test_short_ascii_words_are_made_in_c_as_the_python_token_makes_them() -> None:
    made: list[str] = []

    def make(raw: str) -> Token:
        made.append(raw)
        return _token(raw)

    rng = random.Random(5)
    # every length the C hash takes (1 to 16) and past it, cases, digits first or not, number
    # words, figures and OCR'd words ("10th", "5csi"), separators, apostrophes, line-break joins
    words = ["".join(rng.choice("aZ9_'`,.-/") for _ in range(n)) for n in range(1, 20)]
    words += [
        "".join(rng.choice("aBcXyZ0189_'`") for _ in range(rng.randint(1, 18))) for _ in range(3000)
    ]
    words += ["Seven", "HALF", "10th", "1980s", "45bn", "5csi", "3mln", "5,456,000", "6-3/16"]
    words += ["Vau-\nclier", "don`t", "internationalisation", "é", "café"]
    text = " ".join(words)
    c_made = _kernels.word_table(make, NUMBER_WORDS)
    python_made = _kernels.word_table(_token)
    assert _kernels.tokens(text, c_made) == _kernels.tokens(text, python_made)
    # the Python function made only what C does not: long, joined or non-ASCII words
    assert made and all(len(w) > 16 or "\n" in w or not w.isascii() for w in made)
    found, *_ = _kernels.tokens(text, c_made)
    assert set(found) >= {"seven", "half", "5.456.000", "don't", "vauclier", "café"}
    hashes, _ = _kernels.hashes(found, c_made)
    assert np.frombuffer(hashes, np.uint64).tolist() == [
        xxhash.xxh3_64_intdigest(w.encode()) for w in found
    ]
    with pytest.raises(TypeError, match="numbers"):
        _kernels.word_table(make, ["one"])  # type: ignore[arg-type]


def test_a_failing_table_raises_and_bad_tokens_are_refused() -> None:
    with pytest.raises(ValueError, match="cat"):
        _kernels.tokens("cat", _table(fail=True)[0])
    with pytest.raises(OverflowError):
        _kernels.hashes(["cat"], _kernels.word_table(lambda raw: (raw, -1, False)))
    with pytest.raises(TypeError, match="tuple of 3"):
        _kernels.tokens("cat", _kernels.word_table(str))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _kernels.tokens(b"bytes", _table()[0])  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        _kernels.tokens("cat", {})  # type: ignore[arg-type]


def test_ngram_hashes_are_the_mixed_polynomial_of_the_word_hashes() -> None:
    rng = np.random.default_rng(5)
    words = rng.integers(0, 2**64 - 1, size=40, dtype=np.uint64)
    for n in (1, 3, 5, 40):
        poly = np.zeros(len(words) - n + 1, dtype=np.uint64)
        for k in range(n):  # numpy's uint64 arithmetic wraps modulo 2**64
            poly = poly * np.uint64(0x9E3779B97F4A7C15) + words[k : k + len(poly)]
        assert ngram_hashes(words, n).tolist() == mix64(poly).tolist()
    assert len(ngram_hashes(words, 41)) == 0
    with pytest.raises(ValueError, match="at least 1"):
        ngram_hashes(words, 0)


def test_ngram_index_sorts_stably_and_counts_repeats() -> None:
    rng = np.random.default_rng(6)
    sizes = (0, 1, 2, 15, 16, 17, 30, 33, 100, 257, 1000, 9000)  # past 4096 buckets
    varied = (rng.integers(0, 3 + size // 10, size=size + 1) for size in sizes)  # repeats
    same = (np.full(size + 1, 7) for size in sizes)  # one bucket of equal grams: merge sorted
    for words in (w.astype(np.uint64) for w in itertools.chain(varied, same)):
        grams, order, ordered, repeats, distinct = ngram_index(words, 2)
        assert grams.tolist() == ngram_hashes(words, 2).tolist()
        assert order.tolist() == np.argsort(grams, kind="stable").tolist()
        assert ordered.tolist() == np.sort(grams).tolist()
        assert repeats.tolist() == [int(np.count_nonzero(grams == g)) for g in grams]
        assert distinct.tolist() == sorted(set(grams.tolist()))


def test_shared_counts_the_values_in_both() -> None:
    rng = np.random.default_rng(8)
    for size_a, size_b in ((0, 0), (0, 5), (5, 0), (40, 60), (300, 20)):
        a = np.unique(rng.integers(0, 100, size=size_a).astype(np.uint64))
        b = np.unique(rng.integers(0, 100, size=size_b).astype(np.uint64))
        assert _kernels.shared(a, b) == len(np.intersect1d(a, b))
    top = np.array([2**64 - 1], dtype=np.uint64)
    assert _kernels.shared(top, top) == 1


def test_argsort_is_numpys_stable_argsort() -> None:
    rng = np.random.default_rng(13)
    for size in (0, 1, 7, 300, 5000):
        few = rng.integers(0, 20, size=size)  # ties: stability shows
        wide = rng.integers(0, 2**64, size=size, dtype=np.uint64)
        repeated = wide[rng.integers(0, max(1, size // 4), size=size)]  # spread hashes, tied
        keys_of = (few.astype(np.uint64), few.astype(np.int64) - 10, wide, wide.view(np.int64))
        for keys in (*keys_of, repeated):
            expected = np.argsort(keys, kind="stable")
            assert stable_argsort(keys).tolist() == expected.tolist()
    assert stable_argsort(np.array([3, 1, 2], dtype=np.int32)).tolist() == [1, 2, 0]


def test_forest_is_the_greedy_union_of_the_edges_in_order() -> None:
    rng = random.Random(21)
    for _ in range(300):
        nodes = rng.randint(1, 25)
        edges = [(rng.randrange(nodes), rng.randrange(nodes)) for _ in range(rng.randint(0, 40))]
        component = {x: frozenset([x]) for x in range(nodes)}
        expected = []  # an edge joins two components, or falls inside one (Kruskal's choice)
        for x, y in edges:
            expected.append(component[x] != component[y])
            for z in component[x] | component[y]:
                component[z] = component[x] | component[y]
        lo = np.array([x for x, _ in edges], dtype=np.int64)
        hi = np.array([y for _, y in edges], dtype=np.int64)
        joined, labels = forest(nodes, lo, hi)
        assert joined.tolist() == expected
        assert labels.tolist() == [min(component[x]) for x in range(nodes)]


def test_forest_refuses_bad_input() -> None:
    two = np.array([0, 1], dtype=np.int64)
    assert forest(0, two[:0], two[:0])[1].tolist() == []
    for nodes, lo, hi in ((2, two, two[:1]), (-1, two[:0], two[:0]), (2, two, two + 1)):
        with pytest.raises(ValueError, match="forest"):
            forest(nodes, lo, hi)


def test_band_keys_mix_the_band_and_its_columns() -> None:
    rng = np.random.default_rng(9)
    signatures = rng.integers(0, 2**32, size=(50, 12), dtype=np.uint32)
    docs = np.array([3, 0, 49, 3], dtype=np.int64)
    for first, bands, rows in ((0, 1, 4), (2, 1, 4), (1, 1, 6), (11, 1, 1), (0, 3, 4), (4, 8, 1)):
        expected = []
        for band in range(first, first + bands):
            key = np.full(len(docs), band, dtype=np.uint64)
            for col in range(band * rows, (band + 1) * rows):
                key = mix64(
                    key * np.uint64(0x100000001B3) + signatures[docs, col].astype(np.uint64)
                )
            expected.append(key.tolist())
        got = _kernels.band_keys(signatures, docs, first, bands, rows)
        assert np.frombuffer(got, dtype=np.uint64).reshape(bands, -1).tolist() == expected
    with pytest.raises(ValueError, match="past the signature"):
        _kernels.band_keys(signatures, docs, 3, 1, 4)
    with pytest.raises(ValueError, match="past the signature"):
        _kernels.band_keys(signatures, docs, 1, 3, 4)
    with pytest.raises(IndexError):
        _kernels.band_keys(signatures, np.array([50], dtype=np.int64), 0, 1, 4)


def test_agreement_is_the_share_of_equal_permutations() -> None:
    rng = np.random.default_rng(10)
    signatures = rng.integers(0, 3, size=(30, 7), dtype=np.uint32)  # few values: agreements
    pairs = rng.integers(0, 30, size=(200, 2)).astype(np.int64)
    expected = np.mean(signatures[pairs[:, 0]] == signatures[pairs[:, 1]], axis=1)
    got = np.frombuffer(_kernels.agreement(signatures, pairs), dtype=np.float32)
    assert got.tolist() == expected.astype(np.float32).tolist()
    assert _kernels.agreement(signatures, pairs[:0]) == b""
    with pytest.raises(IndexError):
        _kernels.agreement(signatures, np.array([[0, 30]], dtype=np.int64))


def test_blocks_are_the_maximal_runs_of_equal_seeds() -> None:
    rng = np.random.default_rng(11)
    for _ in range(300):
        # few distinct seeds, so runs, repeats and crossing diagonals are common
        a = rng.integers(0, 6, size=rng.integers(0, 30)).astype(np.uint64)
        b = rng.integers(0, 6, size=rng.integers(0, 30)).astype(np.uint64)
        max_repeats, n = int(rng.integers(1, 5)), int(rng.integers(1, 4))
        repeats_a = np.array([np.count_nonzero(a == x) for x in a], dtype=np.int64)
        repeats_b = np.array([np.count_nonzero(b == x) for x in b], dtype=np.int64)
        order = np.argsort(b, kind="stable")
        order_a = np.argsort(a, kind="stable")
        quads = _kernels.blocks(
            a, repeats_a, a[order_a], order_a, b, repeats_b, b[order], order, max_repeats, n
        )

        # match[i, j]: seed i of A equals seed j of B, neither repeated too often (padded)
        match = np.zeros((len(a) + 1, len(b) + 1), dtype=np.bool_)
        match[:-1, :-1] = (a[:, None] == b[None, :]) & (repeats_a <= max_repeats)[:, None]
        match[:, :-1] &= (repeats_b <= max_repeats)[None, :]
        expected = []
        for i, j in zip(*np.nonzero(match), strict=True):
            if i == 0 or j == 0 or not match[i - 1, j - 1]:
                m = 1
                while match[i + m, j + m]:
                    m += 1
                expected.append([i, i + m - 1 + n, j, j + m - 1 + n])
        assert np.frombuffer(quads, dtype=np.int64).reshape(-1, 4).tolist() == expected


def _reference_passages(
    quads: list[list[int]], a: tuple, b: tuple, common: np.ndarray, limits: tuple, alike
) -> tuple[list[list[int]], list[list[int]], int, int]:
    """align.py's steps 3 and 4 in plain Python, as `_kernels.passages` reports them."""
    gap, fuzzy, slot_words, min_words, n, modulo = limits
    fuzzy = max(gap, fuzzy)
    (hash_a, num_a, quote_a, grams_a), (hash_b, num_b, quote_b, _) = a, b
    anchor_a = anchor_sample(grams_a, modulo) & (len(common) > 0)  # fingerprints' own rule
    common_a = anchor_a & np.isin(grams_a, common)

    def figures(a0: int, a1: int, b0: int, b1: int) -> tuple[int, int]:
        """(differing, same) numbers of a gap; both 0 unless both sides hold numbers."""
        xa = Counter(int(hash_a[i]) for i in range(a0, a1) if num_a[i])
        xb = Counter(int(hash_b[j]) for j in range(b0, b1) if num_b[j])
        if not xa or not xb:
            return 0, 0
        return max(sum((xa - xb).values()), sum((xb - xa).values())), sum((xa & xb).values())

    def clash(a0: int, a1: int, b0: int, b1: int) -> int:
        return figures(a0, a1, b0, b1)[0]

    chains: list[dict] = []  # blocks, breaks (block indexes after a conflict), conflicts, end
    active: list[dict] = []
    total = 0
    for a0, a1, b0, b1 in quads:
        active = [c for c in active if c["end"][0] >= a0 - fuzzy]
        best, score, over_best = None, 0, 0
        for c in active:
            ga, gb = a0 - c["end"][0], b0 - c["end"][1]
            over = max(0, -ga, -gb)
            if over >= a1 - a0:
                continue
            ga, gb = ga + over, gb + over
            if ga > gap or gb > gap:
                if ga > fuzzy or gb > fuzzy or abs(ga - gb) > gap + max(ga, gb) // 4:
                    continue
                if best is not None and ga + gb >= score:
                    continue
                differ, same = figures(c["end"][0], a0 + over, c["end"][1], b0 + over)
                if (ga > slot_words or gb > slot_words) and differ > same:
                    continue
                if not alike(c["end"][0], a0 + over, c["end"][1], b0 + over):
                    continue
            if best is None or ga + gb < score:
                best, score, over_best = c, ga + gb, over
        block = [a0 + over_best, a1, b0 + over_best, b1]
        if best is None:
            chain = {"blocks": [block], "breaks": [], "conflicts": 0, "end": (a1, b1)}
            chains.append(chain)
            active.append(chain)
            continue
        ga, gb = block[0] - best["end"][0], block[2] - best["end"][1]
        longer = ga > slot_words or gb > slot_words
        found = 0 if longer else clash(best["end"][0], block[0], best["end"][1], block[2])
        if found:
            best["conflicts"] += found
            best["breaks"].append(len(best["blocks"]))
        best["blocks"].append(block)
        best["end"] = (a1, b1)

    def matched(c: dict) -> int:
        return sum(x[1] - x[0] for x in c["blocks"])

    chains.sort(key=lambda c: (-matched(c), c["blocks"][0][0], c["blocks"][0][2]))
    rows, blocks, agree = [], {}, 0
    for c in chains:
        a0, b0, (a1, b1) = c["blocks"][0][0], c["blocks"][0][2], c["end"]
        if matched(c) < min_words or any(
            (a0 < r[1] and r[0] < a1) or (b0 < r[3] and r[2] < b1) for r in rows
        ):
            continue
        edges = [0, *c["breaks"], len(c["blocks"])]
        solid = max(
            sum(x[1] - x[0] for x in c["blocks"][s:e]) for s, e in itertools.pairwise(edges)
        )
        agree += sum(int(np.count_nonzero(num_a[x[0] : x[1]])) for x in c["blocks"])
        total += c["conflicts"]  # a dropped chain's are none of the pair's
        g0, g1 = a0, max(a0, a1 - n + 1)
        rows.append(
            [
                a0,
                a1,
                b0,
                b1,
                matched(c),
                solid,
                c["conflicts"],
                int(np.count_nonzero(quote_a[a0:a1])),
                int(np.count_nonzero(quote_b[b0:b1])),
                int(np.count_nonzero(anchor_a[g0:g1])),
                int(np.count_nonzero(common_a[g0:g1])),
                len(c["blocks"]),
            ]
        )
        blocks[a0] = c["blocks"]
    rows.sort()
    if rows:
        slots = [(0, rows[0][0], 0, rows[0][2])]
        slots += [(p[1], q[0], p[3], q[2]) for p, q in itertools.pairwise(rows) if q[2] >= p[3]]
        slots.append((rows[-1][1], len(hash_a), rows[-1][3], len(hash_b)))
        for a0, a1, b0, b1 in slots:
            if 0 < a1 - a0 <= slot_words and 0 < b1 - b0 <= slot_words:
                total += clash(a0, a1, b0, b1)
    return rows, [x for r in rows for x in blocks[r[0]]], total, agree


def test_passages_chain_blocks_as_the_python_definition_does() -> None:
    rng = np.random.default_rng(12)
    for trial in range(400):
        n = int(rng.integers(1, 4))
        sides = []
        for _ in range(2):
            words = rng.integers(0, 8, size=int(rng.integers(0, 60))).astype(np.uint64)
            grams = ngram_hashes(words, n)
            sides.append((words, words >= 5, rng.random(len(words)) < 0.3, grams))
        # boilerplate: none known (every third trial), else some of A's n-grams and others
        pool = np.concatenate([sides[0][3], rng.integers(0, 2**64, 5, dtype=np.uint64)])
        common = np.unique(pool[rng.random(len(pool)) < 0.4]) if trial % 3 else pool[:0]
        (wa, *_), (wb, *_) = sides
        seeds_a, seeds_b = ngram_hashes(wa, n), ngram_hashes(wb, n)
        repeats_a = np.array([np.count_nonzero(seeds_a == x) for x in seeds_a], dtype=np.int64)
        repeats_b = np.array([np.count_nonzero(seeds_b == x) for x in seeds_b], dtype=np.int64)
        order = np.argsort(seeds_b, kind="stable")
        order_a = np.argsort(seeds_a, kind="stable")
        a_index = (seeds_a, repeats_a, seeds_a[order_a], order_a)
        quads = _kernels.blocks(*a_index, seeds_b, repeats_b, seeds_b[order], order, 3, n)
        limits = (
            int(rng.integers(0, 4)),
            int(rng.integers(0, 10)),
            int(rng.integers(0, 10)),
            int(rng.integers(1, 6)),
            n,
            int(rng.integers(0, 4)),  # anchor modulo: 0 and 1 take every n-gram
        )

        def alike(a0: int, a1: int, b0: int, b1: int) -> bool:
            return (a0 * 7 + a1 * 5 + b0 * 3 + b1) % 3 != 0  # deterministic, either way

        rows, blocks, conflicts, agree = _kernels.passages(
            quads, sides[0], sides[1], common, limits, alike
        )
        expected = _reference_passages(
            np.frombuffer(quads, dtype=np.int64).reshape(-1, 4).tolist(),
            *sides,
            common,
            limits,
            alike,
        )
        assert np.frombuffer(rows, dtype=np.int64).reshape(-1, 12).tolist() == expected[0]
        assert np.frombuffer(blocks, dtype=np.int64).reshape(-1, 4).tolist() == expected[1]
        assert (conflicts, agree) == expected[2:]


def test_passages_refuses_bad_input_and_passes_on_errors() -> None:
    words = np.arange(10, dtype=np.uint64)
    flags = np.zeros(10, dtype=np.bool_)
    side = (words, flags, flags, words[:6])
    none = words[:0]
    limits = (1, 1, 1, 1, 5, 1)
    inside = np.array([0, 10, 0, 10], dtype=np.int64).tobytes()
    outside = np.array([0, 11, 0, 10], dtype=np.int64).tobytes()
    with pytest.raises(ValueError, match="outside its text"):
        _kernels.passages(outside, side, side, none, limits, bool)
    with pytest.raises(ValueError, match="sizes disagree"):
        _kernels.passages(inside, side, (words, flags[:5], flags, words), none, limits, bool)
    with pytest.raises(TypeError, match="quads"):
        _kernels.passages(inside[:8], side, side, none, limits, bool)

    def fails(*_: int) -> bool:
        raise RuntimeError("alike failed")

    two = np.array([0, 3, 0, 3, 6, 8, 8, 10], dtype=np.int64).tobytes()  # a gap of 3 and 5
    with pytest.raises(RuntimeError, match="alike failed"):
        _kernels.passages(two, side, side, none, (2, 8, 8, 1, 5, 1), fails)


def _within(k: int, limit: int, step: int) -> bool:
    """Word k lies before `limit` going right (step 1), at or after it going left (-1)."""
    return k < limit if step > 0 else k >= limit


def _reference_flanks(
    rows: list[list[int]], ha: list[int], hb: list[int], gap: int, misread
) -> list:
    """align.py's step 5 in plain Python, as `_kernels.flanks` reports it."""
    out = []
    # the spans as they grow, longest passage first: no two grow into the same words
    spans = [r[:4] for r in sorted(rows, key=lambda r: (-r[4], r[0], r[2]))]
    for r, span in enumerate(spans):
        others = [x for k, x in enumerate(spans) if k != r]
        for step in (1, -1):
            if step > 0:
                ea, eb = span[1], span[3]
                lim_a = min([x[0] for x in others if x[0] >= ea], default=len(ha))
                lim_b = min([x[2] for x in others if x[2] >= eb], default=len(hb))
            else:
                ea, eb = span[0], span[2]
                lim_a = max([x[1] for x in others if x[1] <= ea], default=0)
                lim_b = max([x[3] for x in others if x[3] <= eb], default=0)

            def fits(i: int, j: int, step: int = step, lim_a: int = lim_a, lim_b: int = lim_b):
                return _within(i, lim_a, step) and _within(j, lim_b, step)

            skip = 0
            while skip <= gap:
                i, j = (ea + skip, eb + skip) if step > 0 else (ea - 1 - skip, eb - 1 - skip)
                if not fits(i + step, j + step):
                    break
                skipped = (ea, i, eb, j) if step > 0 else (i + 1, ea, j + 1, eb)
                if (
                    ha[i] != hb[j]
                    or ha[i + step] != hb[j + step]
                    or (skip and not misread(*skipped))
                ):
                    skip += 1
                    continue
                far_i, far_j = i + step, j + step
                while fits(far_i + step, far_j + step) and ha[far_i + step] == hb[far_j + step]:
                    far_i, far_j = far_i + step, far_j + step
                quad = [min(i, far_i), max(i, far_i) + 1, min(j, far_j), max(j, far_j) + 1]
                out.append(quad)
                ea, eb = (quad[1], quad[3]) if step > 0 else (quad[0], quad[2])
                skip = 0
            if step > 0:
                span[1], span[3] = ea, eb
            else:
                span[0], span[2] = ea, eb
    return out


def test_flanks_extend_passages_as_the_python_definition_does() -> None:
    rng = np.random.default_rng(13)
    extended = 0
    for _ in range(400):
        # B: A with a few words changed, inserted and dropped; few distinct words
        wa = rng.integers(0, 6, size=int(rng.integers(0, 50))).astype(np.uint64)
        wb = wa.copy()
        for _ in range(int(rng.integers(0, 16))):
            at = int(rng.integers(0, len(wb) + 1))
            edit = rng.integers(0, 4)  # misreads twice as often as each other edit
            if edit < 2 and at < len(wb):
                wb[at] = rng.integers(0, 9)
            elif edit == 2:
                wb = np.insert(wb, at, rng.integers(0, 9, size=int(rng.integers(1, 4))))
            elif at < len(wb):
                wb = np.delete(wb, at)
        seeds_a, seeds_b = ngram_hashes(wa, 4), ngram_hashes(wb, 4)
        once_a = np.ones(len(seeds_a), dtype=np.int64)
        once_b = np.ones(len(seeds_b), dtype=np.int64)
        order = np.argsort(seeds_b, kind="stable")
        order_a = np.argsort(seeds_a, kind="stable")
        a_index = (seeds_a, once_a, seeds_a[order_a], order_a)
        quads = _kernels.blocks(*a_index, seeds_b, once_b, seeds_b[order], order, 9, 4)
        sides = [(w, w > 9, w > 9, ngram_hashes(w, 4)) for w in (wa, wb)]
        none = wa[:0]

        def alike(a0: int, a1: int, b0: int, b1: int) -> bool:
            return (a0 * 7 + a1 * 5 + b0 * 3 + b1) % 3 != 0  # deterministic, either way

        rows, *_ = _kernels.passages(quads, *sides, none, (3, 3, 3, 4, 4, 1), alike)
        gap = int(rng.integers(0, 5))

        def misread(*skipped: int) -> bool:
            assert skipped[1] - skipped[0] == skipped[3] - skipped[2] > 0  # word for word
            return alike(*skipped)

        got = np.frombuffer(_kernels.flanks(rows, wa, wb, gap, misread), dtype=np.int64)
        table = np.frombuffer(rows, dtype=np.int64).reshape(-1, 12).tolist()
        expected = _reference_flanks(table, wa.tolist(), wb.tolist(), gap, alike)
        assert got.reshape(-1, 4).tolist() == expected
        extended += bool(expected)
    assert extended > 50  # the trials do exercise the extension


def test_flanks_refuse_bad_input_and_pass_on_errors() -> None:
    words = np.arange(10, dtype=np.uint64)
    row = np.zeros(12, dtype=np.int64)
    row[:4] = (2, 4, 2, 4)
    with pytest.raises(TypeError, match="rows"):
        _kernels.flanks(row.tobytes()[:8], words, words, 2, bool)
    with pytest.raises(TypeError, match="gap"):
        _kernels.flanks(row.tobytes(), words, words, -1, bool)
    row[:4] = (2, 11, 2, 4)
    with pytest.raises(ValueError, match="outside its text"):
        _kernels.flanks(row.tobytes(), words, words, 2, bool)

    def fails(*_: int) -> bool:
        raise RuntimeError("alike failed")

    row[:4] = (2, 4, 2, 4)
    other = words.copy()
    other[4] = 99  # one word misread after the passage: the gap must read alike
    with pytest.raises(RuntimeError, match="alike failed"):
        _kernels.flanks(row.tobytes(), words, other, 2, fails)
    quads = _kernels.flanks(row.tobytes(), words, other, 2, lambda *_: True)
    assert np.frombuffer(quads, dtype=np.int64).reshape(-1, 4).tolist() == [
        [5, 10, 5, 10],
        [0, 2, 0, 2],
    ]


def test_minhash_is_the_minimum_of_every_permutation() -> None:
    rng = np.random.default_rng(3)
    shingles = rng.integers(0, 2**64 - 1, size=50, dtype=np.uint64)
    starts = np.array([0, 7, 8, 30], dtype=np.int64)
    for perms in (16, 13, 128, 77):  # no whole block, a tail, the default, blocks and a tail
        a, b = permutations(perms, 5)
        got = minhash_rows(shingles, starts, perms, 5)
        for k, (lo, hi) in enumerate(zip(starts, [*starts[1:], len(shingles)], strict=True)):
            values = shingles[lo:hi, None] * a[None, :] + b[None, :]  # wraps modulo 2**64
            assert got[k].tolist() == (values.min(axis=0) >> np.uint64(32)).tolist()
    a, b = permutations(16, 5)
    got = minhash_rows(shingles, starts, 16, 5)
    with pytest.raises(ValueError, match="sizes"):
        _kernels.minhash(shingles, starts, a, b, np.empty((3, 16), dtype=np.uint32))
    with pytest.raises(ValueError, match="non-empty and in order"):
        _kernels.minhash(shingles, starts[::-1].copy(), a, b, got.copy())
    with pytest.raises(ValueError, match="non-empty and in order"):
        _kernels.minhash(shingles[:8], starts, a, b, got.copy())
    with pytest.raises(ValueError, match="items of 4 bytes"):
        _kernels.minhash(shingles, starts, a, b, np.empty((4, 16), dtype=np.uint64))
