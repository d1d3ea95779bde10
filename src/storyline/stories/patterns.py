"""Word lists and expressions the stories stage reads, kept in one place.

`STOP_WORDS` are dropped from the TF-IDF vectors; `ENTITY_STOP` are capitalised words that are
not names (sentence openers, days, months, honorifics); `CONNECTORS` may join the words of one
name ("Bank of England", "Osama bin Laden"); `HONORIFICS` are stripped from the front of a name
("President Donald Trump" is the entity "donald trump").
"""

from __future__ import annotations

import re

from storyline.copies.patterns import SOLO, VOICING


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
"""A word: letters or digits, with inner apostrophes ("don't", "O’Neill")."""

SOLO_RUN = re.compile(rf"(?:(?=\w)[{SOLO}][{VOICING}]*)+")
"""A run of Chinese or Japanese characters, which are written without spaces between words."""

CAP_WORD = re.compile(r"[^\W\d_](?:[^\W_]|['’.-](?=[^\W_]))*")
"""A word that may be part of a name, with inner apostrophes, points, hyphens ("Jong-Un", "U.S")."""

SENTENCE_END = re.compile(r"(?:[.!?][\"'”’)\]]*\s+|\n+|:\s+|;\s+)")
"""Where a sentence, headline or list item ends: a capitalised word after it may be common."""

POSSESSIVE = re.compile(r"['’]s$")

STOP_WORDS: frozenset[str] = _words(
    """
a about above after again against all almost also although am among an and another any are
around as at be became because been before being below between both but by can cannot could did
do does doing done down during each either else even ever every few for from further get gets
got had has have having he her here hers herself him himself his how however i if in into is it
its itself just least less let like made make many may me might more most much must my myself
near neither no nor not now of off on once one only or other others otherwise our ours ourselves
out over own per perhaps put rather same say says said see seen shall she should since so some
still such than that the their theirs them themselves then there therefore these they this those
though through thus to too toward towards under until up upon us very via was we well were what
whatever when whenever where whereas whether which while who whom whose why will with within
without would yet you your yours yourself yourselves mr mrs ms dr re ll ve don doesn didn isn
wasn weren won wouldn couldn shouldn hasn haven hadn aren new told tell according added adding
including include includes two three four five six seven eight nine ten first last year years
week weeks day days time times today yesterday tomorrow monday tuesday wednesday thursday friday
saturday sunday january february march april june july august september october november
december jan feb mar apr jun jul aug sep sept oct nov dec people percent pct mln billion million
thousand hundred reuters ap afp cnn bbc http https www com html htm photo image images getty
copyright rights reserved reporter reporting editing
"""
)

ENTITY_STOP: frozenset[str] = _words(
    """
a an and as at but by for from he her his how i if in into is it its my no not of on or our she
so that the their them then there these they this those to up was we what when where which while
who why with you your after again all also although another any are because before both during
each even every few here however just many more most much never now once only other over same
several since some still such than through too under until very whether yet according meanwhile
despite earlier later last next first second third one two three monday tuesday wednesday
thursday friday saturday sunday january february march april may june july august september
october november december today yesterday tomorrow tonight mr mrs ms dr sir madam mister miss
prof president minister prime chairman chairwoman secretary senator sen rep gov governor mayor
judge chief general gen col lt sgt officer spokesman spokeswoman king queen prince princess pope
rev st saint read more watch video photo photos image images click share advertisement updated
published ap afp getty images copyright reuters
"""
)

HONORIFICS: frozenset[str] = _words(
    """
mr mrs ms dr sir dame lord lady mister miss prof professor president vice minister prime
chancellor premier chairman chairwoman secretary senator sen rep representative congressman
congresswoman gov governor mayor judge justice chief general gen col colonel lt lieutenant sgt
sergeant captain capt officer detective inspector spokesman spokeswoman king queen prince
princess pope rev reverend father sister brother st saint actor actress singer star coach former
late
"""
)

CONNECTORS: frozenset[str] = _words(
    "of de del della der di du da van von bin ibn al el le la los las y"
)
"""Lowercase words allowed inside a name; a name never starts or ends with one."""

CONNECTORS_INNER_ONLY: frozenset[str] = _words("of")
"""Connectors allowed only within the first few words of a name ("Bank of England")."""

OPENER_ENDINGS: tuple[str, ...] = ("ing", "ly", "ed")
"""A lone capitalised sentence opener with one of these endings is a verb or adverb, not a name."""
