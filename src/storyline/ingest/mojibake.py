"""Mojibake repair: ftfy's `fix_text` ("Â£600m" -> "£600m"), called only where it can matter.

ftfy costs ~2 ms for a 3 KB article that is not plain ASCII (its mojibake detector tries ~40
patterns at every position). `fix_text` here returns exactly what ftfy's would, but calls ftfy
only on the lines it could change (ftfy fixes text a line at a time). Quotes stay curly: they
are evidence for quote extraction.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy
from ftfy import chardata

_FIXER = ftfy.TextFixerConfig(uncurl_quotes=False, explain=False)
_KEEP_ENTITIES = _FIXER._replace(unescape_html=False)
_PLAIN_ASCII = re.compile(r"[\t\n\x20-\x7e]*")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
_ENTITY = re.compile(r"&#?[0-9A-Za-z]{1,24};")  # ftfy's HTML_ENTITY_RE
# What ftfy's steps besides mojibake repair act on: entities, C1 and other controls, line breaks,
# surrogates, ligatures, wide forms; and U+FFFD, which its lossy-mojibake repair looks for.
_FTFY_TARGETS = re.compile(
    _ENTITY.pattern
    + r"|[\x80-\x9f\r\x1b\u2028\u2029\ud800-\udfff\ufffd"
    + "".join(
        re.escape(chr(c))
        for c in sorted({*chardata.LIGATURES, *chardata.WIDTH_MAP, *chardata.CONTROL_CHARS})
    )
    + "]"
)


def _chars(byte_values: range, encodings: list[str] = chardata.CHARMAP_ENCODINGS) -> set[str]:
    """How `byte_values` read in the single-byte encodings ftfy undoes."""
    return {bytes([b]).decode(e, errors="ignore") for e in encodings for b in byte_values} - {""}


def _klass(chars: set[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


def _clue(name: str, chars: set[str]) -> set[str]:
    """Those of `chars` that ftfy's inconsistent-mojibake detector counts as `name`."""
    pattern = re.compile("[" + chardata.UTF8_CLUES[name] + "]")
    return {c for c in chars if pattern.fullmatch(c)}


# ftfy repairs a line by re-encoding it in a single-byte encoding and decoding that as UTF-8 (all
# of the line, or a stretch its detector picks). That succeeds only if the first non-ASCII
# character is a UTF-8 lead byte's, followed by a continuation byte's, or (repairing damaged
# mojibake) by "?" or by a space that was byte A0. These tests are supersets of ftfy's, and fast.
_NOT_A0 = [e for e in chardata.CHARMAP_ENCODINGS if e != "macroman"]  # ftfy skips it there
_LEAD = _chars(range(0xC0, 0xF5))
_CONTINUATION = _chars(range(0x80, 0xC0))
_LEAD_A0 = _chars(range(0xC2, 0xC4), _NOT_A0) | _chars(range(0xC5, 0xC6), _NOT_A0)
_LEAD_A0 |= _chars(range(0xCE, 0xCF), _NOT_A0) | _chars(range(0xD0, 0xD1), _NOT_A0)
_LEAD_A0 |= _chars(range(0xD9, 0xDA), _NOT_A0)
_LEAD_A0_CONTINUATION = _chars(range(0xE2, 0xE4), _NOT_A0) | _chars(range(0xF0, 0xF1), _NOT_A0)


def _sequence(lead: set[str], continuation: set[str]) -> re.Pattern[str]:
    return re.compile(
        f"{_klass(lead)}(?:{_klass(continuation)}|\\?|(?<={_klass(_LEAD_A0)}) "
        f"|(?<={_klass(_LEAD_A0_CONTINUATION)}) {_klass(_CONTINUATION)})"
    )


_UTF8_START = _sequence(_LEAD, _CONTINUATION)  # tried at a line's first non-ASCII character
_UTF8_STRETCH = _sequence(  # searched for anywhere
    _clue("utf8_first_of_2", _LEAD)
    | _clue("utf8_first_of_3", _LEAD)
    | _clue("utf8_first_of_4", _LEAD),
    _clue("utf8_continuation", _CONTINUATION),
)


def fix_text(text: str) -> str:
    """`ftfy.fix_text(text)`, quotes left curly."""
    if _PLAIN_ASCII.fullmatch(text) and not _ENTITY.search(text):
        return text
    lines = text.split("\n")  # ftfy too works a line (with its line break) at a time
    if len(text) >= _FIXER.max_decode_length and max(map(len, lines)) >= _FIXER.max_decode_length:
        return ftfy.fix_text(text, _FIXER)  # it cuts a line this long in pieces of its choosing
    config, fixed = _FIXER, []
    for line in [line + "\n" for line in lines[:-1]] + [lines[-1]]:
        if config is _FIXER and "<" in line:
            config = _KEEP_ENTITIES  # as in ftfy: after a "<", entities are left alone
        fixed.append(_fix_line(line, config))
    return "".join(fixed)


def _fix_line(line: str, config: ftfy.TextFixerConfig) -> str:
    """`ftfy.fix_text(line, config)`."""
    if _FTFY_TARGETS.search(line):
        return ftfy.fix_text(line, config)
    # No entities: `config` makes no difference from here on.
    if _may_be_mojibake(line):
        return _repair(line)
    if unicodedata.is_normalized("NFC", line):
        return line
    normal = unicodedata.normalize("NFC", line)  # the one thing left that ftfy would do
    return _repair(line) if _may_be_mojibake(normal) else normal


def _repair(line: str) -> str:
    # fix_text runs all its steps until the text stops changing; when its mojibake repair leaves
    # nothing for any step to do, that repair is its result, at a third of the cost.
    fixed = ftfy.fix_encoding(line)
    settled = unicodedata.is_normalized("NFC", fixed) and (
        fixed == line or not (_FTFY_TARGETS.search(fixed) or _may_be_mojibake(fixed))
    )
    return fixed if settled else ftfy.fix_text(line, _FIXER)


def _may_be_mojibake(line: str) -> bool:
    first = _NOT_ASCII.search(line)
    return first is not None and bool(
        _UTF8_START.match(line, first.start()) or _UTF8_STRETCH.search(line)
    )


def fix_field(value: str | None) -> str | None:
    """A short field (title, byline, ...) stripped and repaired; None if blank."""
    stripped = value.strip() if value else None
    return fix_text(stripped) if stripped else None
