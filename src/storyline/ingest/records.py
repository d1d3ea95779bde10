"""Building the records readers yield: located rejections, and articles from named fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from storyline.article import Origin, RawArticle, Rejected
from storyline.ingest.mojibake import fix_field, fix_text
from storyline.ingest.options import ReadOptions

Record = RawArticle | Rejected


@dataclass(frozen=True, slots=True)
class Page:
    """An HTML page as read, its article not yet extracted (`html.extracted`). Extraction is
    most of reading a page (about 3 ms), so the build hands pages on to its workers."""

    data: bytes
    origin: Origin
    article_id: str
    url: str | None = None  # where it was fetched
    charset: str | None = None  # what the server declared
    metadata: Mapping[str, Any] | None = None


Read = Record | Page
"""What a reader yields."""

_JSON_TYPES: dict[type, str] = {dict: "an object", list: "an array", bool: "a boolean"}


def rejected(origin: Origin, reason: str) -> Rejected:
    """A rejection whose reason starts with where it happened ("line 7: ..."), if anywhere."""
    return Rejected(origin, f"{origin.locator}: {reason}" if origin.locator else reason)


def file_rejected(path: str, reason: str, raw_hash: str = "") -> Rejected:
    """A rejection of a whole file (or of a file's one record)."""
    return Rejected(Origin(path, "", raw_hash), reason)


def type_name(value: Any) -> str:
    """How a JSON value's type reads in a message: "an object", "a number", ..."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return "a string"
    return _JSON_TYPES.get(type(value), "a number")


class FieldMap:
    """Turns one parsed record (a JSON object or a CSV row) into a `RawArticle` by field name."""

    def __init__(self, options: ReadOptions) -> None:
        self._text = options.text_field
        self._id = options.id_field
        # in RawArticle's order: title, url, outlet, byline, published
        self._optional = (
            options.title_field,
            options.url_field,
            options.outlet_field,
            options.byline_field,
            options.published_field,
        )
        self._mapped = frozenset({self._text, self._id, *self._optional})

    def article(self, fields: Mapping[str, Any], origin: Origin, default_id: str) -> Record:
        text = fields.get(self._text)
        if not isinstance(text, str):
            if self._text not in fields:
                return rejected(origin, f"no '{self._text}' field")
            return rejected(origin, f"'{self._text}' is {type_name(text)}, expected a string")
        if not text.strip():
            return rejected(origin, f"'{self._text}' is empty")
        metadata = {k: v for k, v in fields.items() if k not in self._mapped}
        title, url, outlet, byline, published = (
            _take(fields, name, metadata) for name in self._optional
        )
        return RawArticle(
            id=_as_text(fields.get(self._id)) or default_id,
            origin=origin,
            text=fix_text(text),
            title=fix_field(title),
            url=url,
            outlet=fix_field(outlet),
            byline=fix_field(byline),
            published=published,
            metadata=metadata,
        )


def _take(fields: Mapping[str, Any], name: str, metadata: dict[str, Any]) -> str | None:
    """A mapped field as text; a value that is not expressible so stays in metadata as given."""
    value = fields.get(name)
    as_text = _as_text(value)
    if as_text is None and value is not None and not isinstance(value, str):
        metadata[name] = value
    return as_text


def _as_text(value: Any) -> str | None:
    """Strings as given (None if blank); numbers as written; a list of strings joined."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return ", ".join(v.strip() for v in value if v.strip()) or None
    return None
