"""Small fictional articles for the copies tests (every name, place and figure is invented)."""

from __future__ import annotations

import random
import re
from typing import Any

from storyline.article import Article, Origin, Paragraph

BRIDGE = [
    "The Lindqvist harbour bridge will close for eight weeks from Monday while engineers replace"
    " corroded cables, the Port Varo city council said on Tuesday.",
    "Council engineer Marta Oyelaran said an inspection in the spring had found rust on 14 of the"
    " 96 support cables and that the work could not wait until the autumn storms arrived.",
    "Ferries will run every twenty minutes between the north quay and the fish market during the"
    " closure, and the council will waive fares for pupils travelling to the two secondary schools"
    " on the far bank of the estuary.",
    "Shopkeepers on Tanner Street, who depend on commuters crossing the bridge, said they had been"
    " given too little notice and asked the council to cut business rates for the months of the"
    " repair.",
    "The bridge, opened in 1962, carries about 31,000 vehicles a day. A full replacement has been"
    " discussed for a decade but the council has twice postponed a vote on the cost, estimated at"
    " 240 million crowns.",
]

MUSEUM = [
    "The Halvard maritime museum in Port Varo has bought the logbook of the schooner Grey Petrel,"
    " which vanished with eleven crew off the Skerra banks in the winter of 1911.",
    "Curator Ines Abernathy said the logbook, kept by the first mate until three days before the"
    " ship was lost, had been found in an attic in a farmhouse near Oldmere by the great-grandson"
    " of a deckhand who left the crew at the last port of call.",
    "The museum paid 85,000 crowns at auction and plans to show the book from the spring, next to"
    " a model of the schooner built by volunteers over the past two winters.",
]

QUOTE = (
    "We have asked for nothing more than what was promised to us three years ago, and we will not"
    " return to the docks until the harbour authority puts its offer in writing and the ministry"
    " guarantees that no jobs will be lost when the new cranes arrive next spring"
)

FOOTER = (
    "This newsletter is sent to members of the Port Varo Residents Association. Opinions expressed"
    " by contributors are their own and do not represent the association. Replies may be"
    " published in edited form unless the writer asks otherwise in the first line of the letter."
)

_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "tas",
    "vu",
    "dor",
    "pel",
    "sin",
    "ga",
    "bro",
    "nif",
    "quel",
    "zar",
    "to",
    "mer",
    "lun",
    "fa",
    "ost",
    "ri",
    "ve",
    "hal",
    "dun",
    "ke",
    "pra",
    "sol",
    "wen",
    "yth",
]


def article(
    doc_id: str,
    paragraphs: list[str],
    *,
    title: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> Article:
    """An Article whose text is `paragraphs` joined by blank lines (offsets computed)."""
    text = "\n\n".join(paragraphs)
    paras: list[Paragraph] = []
    pos = 0
    for p in paragraphs:
        paras.append(Paragraph(pos, pos + len(p)))
        pos += len(p) + 2
    return Article(
        id=doc_id,
        origin=Origin("tests", doc_id, "0" * 32),
        text=text,
        paragraphs=tuple(paras),
        raw_text=text,
        title=title,
        outlet=outlet,
        published=published,
        metadata=dict(metadata or {}),
    )


def filler(rng: random.Random, words: int) -> str:
    """Invented words in invented sentences: no two filler texts share a five-word run."""
    out = []
    for i in range(words):
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
        out.append(word.capitalize() if i % 12 == 0 else word)
    return re.sub(r"(\S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+)", r"\1.", " ".join(out)) + "."


def reprints_and_reuse() -> list[Article]:
    """A bridge story and two reprints (one family), a museum story that a digest reprints
    within much other text (partial reuse), and eight strangers."""
    rng = random.Random(2)
    docs = [
        article("gazette-1", BRIDGE, outlet="Gazette", published="2024-03-04"),
        article("tribune-1", BRIDGE[:4], outlet="Tribune", published="2024-03-05"),
        article("herald-1", BRIDGE, outlet="Herald", published="2024-03-06"),
        article("museum-1", MUSEUM, outlet="Gazette"),
        article(
            "digest-1",
            ["A week on the coast.", filler(rng, 80), *MUSEUM, filler(rng, 90), filler(rng, 60)],
        ),
    ]
    docs += [article(f"other-{i}", [filler(rng, 80), filler(rng, 40)]) for i in range(8)]
    return docs
