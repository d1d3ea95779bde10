"""How readers map input fields onto `RawArticle`, and how large one record may be."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadOptions:
    """Field names for JSON Lines and CSV inputs, and the size limit for any one record.

    A record larger than `max_record_bytes` is quarantined; it is read through in bounded chunks
    (to hash it and find where the next record starts), never held in memory whole.
    """

    id_field: str = "id"
    text_field: str = "text"
    title_field: str = "title"
    url_field: str = "url"
    outlet_field: str = "outlet"
    byline_field: str = "byline"
    published_field: str = "published"
    max_record_bytes: int = 16 * 1024 * 1024

    def __post_init__(self) -> None:
        if self.max_record_bytes < 1:
            raise ValueError("max_record_bytes must be at least 1")
