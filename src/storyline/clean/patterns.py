"""Patterns of the cleaning stage, in one place: scraper debris, syndication footers, metadata.

The cleaner works line by line, so every pattern here sees one stripped line (or one token of
one) and is applied with `match`/`fullmatch` unless it says otherwise. Articles are untrusted:
no pattern nests quantifiers that can match the same text two ways, and every free-text run is
bounded, so each runs in time linear in the line.
"""

from __future__ import annotations

import re

# --- debris: dropped -------------------------------------------------------------------------

# Scraper ad slots ("[ad_1]", "[ad-2]", "[AD 3]"), found anywhere in a line with `finditer`.
AD_MARKER = re.compile(r"\[ad[_ -]?\d{1,3}\]", re.IGNORECASE)

# Whole lines that only label an ad slot or a "continue reading" break (compared lowercased,
# trailing ':' / '.' removed).
ADVERTISEMENT_LINES = frozenset(
    {
        "advertisement",
        "advertisements",
        "ad",
        "sponsored",
        "sponsored content",
        "paid content",
        "skip advertisement",
        "story continues below advertisement",
        "article continues below advertisement",
        "continue reading the main story",
        "continue reading below",
        "scroll to continue with content",
    }
)

# Social share bars ("Share this article: Facebook Twitter Email", "Share on WhatsApp | Tweet"):
# a short line of these words alone, opening with "share" or naming a network.
SHARE_NETWORKS = frozenset(
    {"facebook", "twitter", "whatsapp", "linkedin", "pinterest", "reddit", "telegram", "tweet"}
    | {"flipboard", "messenger", "threads", "bluesky", "mastodon", "tumblr"}
)
SHARE_WORDS = SHARE_NETWORKS | frozenset(
    {"share", "this", "the", "article", "story", "page", "post", "video", "on", "via", "by"}
    | {"with", "your", "friends", "email", "e", "mail", "print", "copy", "link", "x", "sms"}
    | {"comments", "comment", "save", "url", "copied"}
)
SHARE_WORD = re.compile(r"[^\W\d_]+")  # a word's letters; the line is split on the rest
# Skip links of a page's navigation, alone on a line ("Skip to main content").
SKIP_LINK = re.compile(
    r"(?:skip|jump)\s+(?:to\s+(?:the\s+)?(?:main\s+)?(?:content|navigation|menu|search|footer)"
    r"|navigation)",
    re.IGNORECASE,
)

# A date-stamp label at a line's start ("Published:", "Last updated", "Posted"). The rest of
# the line must be empty, more labels, or DATE_TOKENs for the line to be a crumb.
DATE_LABEL = re.compile(
    r"(?:first\s+|last\s+)?(?:published|posted|updated|modified)(?:\s+on)?(?:\s*:)?\s*",
    re.IGNORECASE,
)
# One whitespace-separated token of a date stamp: anything with a digit ("22", "3:24", "2020"),
# a month or weekday name, a time-of-day or zone marker, a label, or bare punctuation.
DATE_TOKEN = re.compile(
    r"\S*\d\S*|[^\w\s]+"
    r"|[^\w\s]*(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
    r"|mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs|rsday)?|fri(?:day)?|sat(?:urday)?"
    r"|sun(?:day)?|today|yesterday"
    r"|a\.?m\.?|p\.?m\.?|noon|midnight|[ecmpa][sd]?t|gmt|utc|bst|cet|cest|ist|jst|kst|hkt|aest"
    r"|published|posted|updated|modified|first|last|on|at)[^\w\s]*",
    re.IGNORECASE,
)

# A photo credit alone on a short line, often fused to the photographer's name by an HTML
# scraper ("Spencer PlattGetty Images", "Jane Doe/AFP via Getty Images", "Photo: Jane Doe").
# Searched (it anchors at the line's end); the cleaner also requires a short, capitalised line.
PHOTO_CREDIT_LINE = re.compile(
    r"(?:getty\s?images|shutterstock|alamy(?:\s+stock\s+photo)?|istock(?:photo)?"
    r"|[/|]\s*(?:ap|afp|epa(?:-efe)?|reuters|pool|bloomberg|xinhua|ap\s+photo)"
    r"|\bvia\s+(?:getty|reuters|ap|afp)\w*)"
    r"(?:\s*(?:file|pool|photo|handout))?\s*\Z",
    re.IGNORECASE,
)
# The other form of a credit line: a label first ("Photo: Jane Doe", "Image credit - AFP").
PHOTO_CREDIT_LABEL = re.compile(
    r"(?:photo(?:graph)?|image|picture|pictures|credit)s?(?:\s+credit)?\s*(?::|[|/–—-]\s)",
    re.IGNORECASE,
)

# The credit at the end of a photo caption ("(AP Photo/Susan Walsh)", "(Photo: Jane Doe)",
# "(Reuters/Jane Doe)", "(Jane Doe/Getty Images)"), matched against the line's last
# parenthesised group with `fullmatch`.
CAPTION_CREDIT = re.compile(
    r"\((?:"
    r"(?:(?:ap|afp|epa|upi|reuters|file|pool|handout|staff)\s+)?"
    r"(?:photo(?:graph)?|image|picture|pic)(?:\s+credit)?(?:\s*[:/]|\s+by\b|\s+courtesy\b)[^()]{0,160}"
    r"|(?:ap|afp|epa|upi|file|pool|handout)\s+(?:photo|image)"
    r"|(?:reuters|afp|ap|epa|getty\s+images|xinhua|yonhap|kyodo|efe|anadolu)\s*/[^()]{1,160}"
    r"|[^()/]{1,100}/\s*(?:getty\s+images|afp|reuters|ap|epa|shutterstock|bloomberg|ap\s+photo)"
    r"[^()]{0,60}"
    r"|getty\s+images|shutterstock"
    r")\)",
    re.IGNORECASE,
)

# Footers and credits: a line that opens with a copyright or distribution notice ("Copyright
# ©2024 Fort Myers Broadcasting.", "© 2024 ...", "(c) Copyright ...", "Distributed by ...") ...
NOTICE_START = re.compile(
    r"copyright\s*(?:©|\(c\)|\d{4})|©|\(c\)\s*(?:copyright|\d{4})|distributed\s+by\b",
    re.IGNORECASE,
)
# ... or that ends with the reservation (searched in the line's last characters only).
RIGHTS_RESERVED_END = re.compile(r"all\s+rights\s+reserved\W{0,3}\Z", re.IGNORECASE)

# Redistribution notices ("This material may not be published, broadcast, rewritten, or
# redistributed without prior written consent.", "No part of this article may be reproduced
# ..."). A story sentence ("The report may not be published until ...") must not match, so the
# subject is the page's own material and the verb is followed by more verbs or by "without".
_REUSE_VERB = (
    r"(?:re)?(?:published|broadcast|written|distributed|produced|printed|copied|used|transmitted"
    r"|posted|displayed|stored|sold)"
)
REDISTRIBUTION_NOTICE = re.compile(
    r"(?:(?:this|all|such|the)\s+(?:material|content)|this\s+(?:article|story|report|copy|text)"
    r"|no\s+part\s+of\s+this\s+(?:material|article|content|story|publication|report|site))s?"
    rf"\b[^.]{{0,80}}?\bmay\s+(?:not\s+)?be\s+{_REUSE_VERB}"
    rf"(?:(?:,\s*|\s+or\s+|\s+and\s+){_REUSE_VERB}"
    r"|[^.]{0,120}?\bwithout\b)"
    r"|(?:re)?(?:distribution|reproduction)\s+(?:is\s+)?(?:strictly\s+)?"
    r"(?:prohibited|forbidden|not\s+permitted)\W{0,3}\Z",
    re.IGNORECASE,
)

# Links and teasers that belong to the page, not the story: a label and a colon at the start.
READ_MORE = re.compile(
    r"(?:read\s+more|related|see\s+also|also\s+read|read\s+also|more|watch|recommended"
    r"|related\s+(?:stories|articles|coverage|content))\s*:",
    re.IGNORECASE,
)
# Calls to click: at the start ("Click here to subscribe", "(Tap here for ...)") ...
CLICK_HERE_START = re.compile(r"[(\[]?(?:click|tap|press)\s+here\b", re.IGNORECASE)
# ... or closing a short line ("For the full schedule, click here."; searched).
CLICK_HERE_END = re.compile(r"\b(?:click|tap)\s+here\W{0,3}\Z", re.IGNORECASE)

# A wire's sign-off on the last line ("Reuter", "REUTER...", "Reuters"; one 1987 feed kept a
# literal "^M"), compared lowercased with `fullmatch`.
WIRE_SIGNOFF = re.compile(r"reuters?(?:\.{1,3})?(?:\^m)?")
# The same sign-off run onto the last sentence ("... a tenth of an ounce. REUTER"); searched
# near the line's end. "told Reuters." is a sentence, not a sign-off.
WIRE_SIGNOFF_FUSED = re.compile(r"(?<=[.!?\"”)])\s+(?:REUTER|Reuter)(?:\.{1,3})?\Z")
# A wire's "more to come" marker on the last line of a take.
CONTINUED_MARKER = re.compile(r"(?:\(?more\)?|more to (?:come|follow))\.{0,3}", re.IGNORECASE)

# --- metadata: lifted out of the text --------------------------------------------------------

# The start of a byline ("By Jane Doe", "Written by ...", "Author: CNN Writer: Derrick Shaw").
# What follows must look like names, which the cleaner checks word by word.
BYLINE_START = re.compile(
    r"(?:(?:(?:written|story|words|text|posted)\s+)?by\b(?:\s*:)?|authors?\s*:)\s*", re.IGNORECASE
)
# Lowercase words a run of names may hold ("Jane Doe and John Smith, special to the Post",
# "Jane Doe/AFP via Getty Images"), in bylines and photo credits.
NAME_JOINERS = frozenset(
    {
        *("and", "&", "of", "the", "for", "in", "at", "to", "via", "special", "staff", "editor"),
        *("writer", "writers", "reporter", "reporters", "correspondent", "correspondents"),
        *("de", "del", "della", "der", "den", "van", "von", "da", "di", "du", "la", "le"),
        *("bin", "al", "y", "e"),
    }
)

# A credit line (see NOTICE_START) that names a wire or syndication service is the wire
# original's credit ("The-CNN-Wire™ & © 2020 Cable News Network, Inc.", "© 2024 The Associated
# Press"); other credit lines are the republisher's footer. Searched.
WIRE_NAME = re.compile(
    r"wire\b|\bassociated\s+press\b|\breuters\b|\bagence\s+france[\s-]presse\b|\bafp\b"
    r"|\bbloomberg\b|\bcable\s+news\s+network\b|\btribune\s+(?:content\s+agency|news\s+service)\b"
    r"|\bpress\s+association\b|\bunited\s+press\s+international\b|\bupi\b|\bdpa\b|\bkyodo\b"
    r"|\bxinhua\b|\bnews\s+service\b|\bsyndicat(?:e|ion)\b|\bcanadian\s+press\b|\bansa\b",
    re.IGNORECASE,
)

# Contributor lines: a label first ("Additional reporting by Jane Doe.", "(Reporting by Jane
# Doe; Editing by John Smith)", "Contributing: ..."). A bare "Reporting by ..." may open a story
# sentence, so it counts only in parentheses or with a following "; Editing by".
CONTRIBUTOR_START = re.compile(
    r"\((?:additional\s+)?(?:reporting|writing|editing)\s+by\b[^()]{0,200}\)\Z"
    r"|additional\s+reporting\s+(?:by|from)\b"
    r"|(?:reporting|writing)\s+by\b[^.;]{1,120};\s*(?:editing|writing)\s+by\b"
    r"|contributing\s*:|contributors?\s*:",
    re.IGNORECASE,
)
# ... or "contributed" closing the line ("CNN's Kylie Atwood and Vivian Salama contributed to
# this report.", "Jane Doe contributed reporting from Paris."; searched).
CONTRIBUTOR_END = re.compile(
    r"\bcontributed\s+(?:reporting|to\s+(?:this|the)\s+(?:report|story|article)s?)"
    r"(?:\s+(?:from|in)\s+[^.()]{1,60})?\.?\)?\Z",
    re.IGNORECASE,
)

# Notes that say this text is a later version ("This story has been updated with ...",
# "Updated at 3pm", "Updated: March 23, 2020", "Correction: ...", "This article was amended on
# ...", "(Updates with ...)"). A stamp that only says when it was published is a date crumb.
VERSION_NOTE = re.compile(
    r"(?:editor['’]?s\s+note\s*:\s*)?"
    r"(?:this\s+(?:story|article|report|post|piece|item|version)\s+"
    r"(?:has\s+been|had\s+been|was|is\s+being|will\s+be)\s+"
    r"(?:updated|amended|corrected|revised|edited|changed|clarified)\b"
    r"|an\s+earlier\s+version\s+of\s+this\s+(?:story|article|report|post)\b"
    r"|(?:correction|clarification)s?\s*[:\-—]"
    r"|(?:last\s+)?(?:updated|corrected)(?:\s*:\s*|\s+)"
    r"(?:at\b|on\b|\d|jan|feb|mar|apr|may\b|jun|jul|aug|sep|oct|nov|dec"
    r"|mon|tue|wed|thu|fri|sat|sun|today|yesterday)"
    r"|\((?:updates|corrects|refiles|recasts|adds)\b[^()]{0,200}\)\Z)",
    re.IGNORECASE,
)

# --- the headline ----------------------------------------------------------------------------

# A final word that ends in a period without ending a sentence ("U.S.", "Inc.", "Jr."), so a
# first line ending in it may still be a headline (`fullmatch` on the last word).
HEADLINE_ABBREVIATION = re.compile(
    r"(?:[A-Za-z]\.){2,}|(?:inc|corp|co|ltd|plc|jr|sr|st|bros|dr|mr|mrs|ms|no|vs|gov|gen|sen|rep)\.",
    re.IGNORECASE,
)

# --- a prefilter -----------------------------------------------------------------------------

# Every rule that looks at how a line opens, in one pattern: a single `match` that fails rules
# them all out, which is what happens on almost every line of story text.
LINE_START = re.compile(
    "|".join(
        f"(?:{pattern.pattern})"
        for pattern in (
            VERSION_NOTE,
            DATE_LABEL,
            BYLINE_START,
            NOTICE_START,
            REDISTRIBUTION_NOTICE,
            CONTRIBUTOR_START,
            READ_MORE,
            CLICK_HERE_START,
            PHOTO_CREDIT_LABEL,
        )
    ),
    re.IGNORECASE,
)
