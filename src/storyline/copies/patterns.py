"""Patterns of the copies stage, in one place: word shapes, quote marks, numbers, update notes."""

from __future__ import annotations

import re

# A word: letters/digits/underscores (any script, combining accents kept) joined by inner
# apostrophes ("korea's", "don't"); or a number with inner separators ("1.5", "5,456,000",
# "6-3/16": a figure is one token, so a changed figure is one changed token). Between letters,
# hyphens and dashes are not part of words, so "empty-handed" is the two words "empty handed".
# A hyphen at a line end followed by a letter ("Vau-\nclier") is a line-break hyphen, joined.
# Chinese and Japanese run words together without spaces: each of their ideographs and kana is
# a word of its own (SOLO), so reprints match character by character, not clause by clause; a
# voicing mark stays with its kana (half-width "ｶﾞ" is "ガ" once normalised).
# The C scanner (`_kernels.c`) finds exactly these words; this is its reference.
SOLO = (
    "\u3005-\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff66-\uff9d\U00020000-\U0003ffff"
)
VOICING = "\u3099\u309a\uff9e\uff9f"
_RUN = rf"(?:(?![{SOLO}])[\w\u0300-\u036f])"  # any other word character, or a combining accent
WORD = re.compile(
    rf"(?=\w)[{SOLO}][{VOICING}]*"
    r"|\d+(?:[.,/-]\d+)+"
    rf"|{_RUN}+(?:(?:['’‘`´]|-[ \t]*\n[ \t]*){_RUN}+)*"
)
LINE_BREAK_HYPHEN = re.compile(r"-[ \t]*\n[ \t]*")
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
DOUBLE_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})

# Quotation marks that open, close, or do either (straight quotes toggle). Single quotes are left
# out: they double as apostrophes and as headline quotes, which are not speech.
QUOTE_OPEN = frozenset("“„«‹「『")
QUOTE_CLOSE = frozenset("”»›」』")
QUOTE_EITHER = frozenset('"＂')

# Number words that state a value. Magnitudes ("billion") are left out: "1.5 billion" and
# "two billion" differ in their value, not in the magnitude they share.
# fmt: off
NUMBER_WORDS = frozenset((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    "half", "quarter",
))
# fmt: on

# Notes that say a text is a later version of itself. The cleaner lifts them into
# metadata["version_notes"]; these catch the ones left in the text. A note starts a line:
# VERSION_NOTE matches one at a given position, VERSION_NOTE_LINE one after a line break (a
# literal that the regex engine skips to; "(?m)^" would have it try every position). The
# lookahead turns most lines away at their first letter, before the alternatives are tried.
_VERSION_NOTE = (
    r"[ \t]*(?=[tuce(])(?:"
    r"(?:this|the) (?:story|article|report|post) (?:has been|was|is)"
    r" (?:updated|corrected|amended|revised)"
    r"|updated?(?::| at| on)\s*\d"
    r"|updated with\b"
    r"|corrections?\s*[:\-—]"
    r"|corrected\s*[:\-—]"
    r"|editor'?s'? note\s*[:\-—]"
    r"|\((?:updates?|corrects?|refiles?|recasts?|adds?)"
    r" (?:with|to|throughout|para|paragraph|lead|details|quotes?)\b"
    r")"
)
VERSION_NOTE = re.compile("(?i)" + _VERSION_NOTE)
VERSION_NOTE_LINE = re.compile("(?i)\n" + _VERSION_NOTE)

# A headline marked as a later take by the wire's conventions: "CORRECTED - ...", "UPDATE 2-...",
# "REFILE-...", "RPT-...".
TITLE_NOTE = re.compile(
    r"(?i)\s*(?:corrected|correction|update[ds]?(?:\s*\d+)?|refiled?|repeat|rpt|recasts?)\s*[-—:]"
)

# Designators that end a company's name ("NMR Centers Inc said..."), not a sentence's start.
NAME_DESIGNATORS = frozenset(
    ("inc", "corp", "co", "cos", "ltd", "plc", "llc", "lp", "ag", "sa", "nv", "gmbh", "spa", "bv")
)
