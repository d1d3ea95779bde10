"""Bytes to text.

Order of trust: a byte-order mark, then UTF-8, then an encoding the caller has reason to expect
(one declared by the document, or found for earlier lines of the same file), then
charset-normalizer's guess. Mojibake the text came with is repaired later, by `mojibake`.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
WIDE_ENCODINGS = frozenset({"utf-16", "utf-32"})

# Control bytes that never occur in text files (tab, newlines, form feed and escape do).
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\v\f\r\x1b") + b"\x7f"
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)
_MAX_CONTROL_RATIO = 0.1

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]{0,100}?encoding\s*=\s*["']([\w.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
# Pages labelled latin-1 or ASCII are cp1252 in practice (browsers decode them so too).
_AS_CP1252 = frozenset({"latin-1", "iso8859-1", "ascii"})


class NotText(ValueError):
    """Bytes that cannot be read as text; the message is the reason a user reads."""


def bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def looks_binary(head: bytes) -> bool:
    """NUL bytes (in a file without a UTF-16/32 mark) or many control bytes: not a text file."""
    if bom_encoding(head) in WIDE_ENCODINGS:
        return False
    if b"\x00" in head:
        return True
    return len(head.translate(None, _NOT_CONTROL)) > len(head) * _MAX_CONTROL_RATIO


def declared_charset(head: bytes) -> str | None:
    """The encoding an HTML `<meta charset>` or XML declaration names, if Python knows it."""
    found = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return _known(found.group(1).decode("ascii")) if found else None


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of an HTTP Content-Type header, if Python knows it."""
    found = _HEADER_CHARSET.search(content_type or "")
    return _known(found.group(1)) if found else None


def _known(label: str) -> str | None:
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "cp1252" if name in _AS_CP1252 else name


def decode_bytes(data: bytes, prefer: str | None = None) -> tuple[str, str]:
    """Decode `data`, returning the text and the encoding used; raises `NotText`."""
    bom = bom_encoding(data)
    if bom is not None:
        try:
            return data.decode(bom), bom
        except UnicodeDecodeError as exc:
            raise NotText(f"undecodable {bom} text at byte {exc.start}") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if prefer is not None:
        try:
            return data.decode(prefer), prefer
        except (UnicodeDecodeError, LookupError):
            pass
    guessed = _guess(data)
    if guessed is None:
        raise NotText(
            f"undecodable text: byte {utf8_error.start} is not UTF-8 and no other encoding fits"
        )
    return guessed


def stream_encoding(head: bytes) -> str:
    """The encoding to read a whole stream with, judged from its first bytes."""
    bom = bom_encoding(head)
    if bom is not None:
        return bom
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)  # a character cut at the end is fine
    except UnicodeDecodeError:
        guessed = _guess(head)
        if guessed is not None:
            return guessed[1]
    return "utf-8"


def _guess(data: bytes) -> tuple[str, str] | None:
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    # On short texts charset-normalizer cannot tell Western from Central European code pages and
    # leans to cp1250 ("fermé à" becomes "fermé ŕ"). Legacy 8-bit news is mostly cp1252: it wins
    # a tie.
    for match in matches:
        if match.chaos <= best.chaos and "cp1252" in match.could_be_from_charset:
            try:
                return data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                break
    return str(best), best.encoding
