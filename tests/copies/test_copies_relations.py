"""Relations, direction, diffs and families on small fictional fixtures."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest
from copies_fixtures import BRIDGE, FOOTER, MUSEUM, QUOTE, article, filler, reprints_and_reuse

from storyline.copies import (
    DEFAULTS,
    OCR,
    PROFILES,
    CopySettings,
    compare,
    find_copies,
    tokenize,
)


def _words(text: str) -> tuple[str, ...]:
    return tokenize(text).words


def test_exact_copy() -> None:
    a = article("a", BRIDGE, outlet="Port Varo Gazette")
    b = article("b", BRIDGE, outlet="Coastal Tribune")
    report = find_copies([b, a])
    assert [(c.a, c.b, c.relation) for c in report.copies] == [("a", "b", "exact")]
    copy = report.copies[0]
    assert copy.rule == "exact_text"
    assert copy.earlier is None
    assert copy.evidence["direction"]["rule"] == "unknown"
    assert [f.members for f in report.families] == [("a", "b")]


def test_reprint_retitled_and_trimmed_is_near_duplicate_from_the_fuller_source() -> None:
    source = article(
        "gazette-1", ["Bridge to shut for cable repairs", *BRIDGE], outlet="Port Varo Gazette"
    )
    edited = [p.replace("said on Tuesday", "announced on Tuesday") for p in BRIDGE[:4]]
    reprint = article(
        "tribune-9", ["Eight-week closure for Lindqvist bridge", *edited], outlet="Coastal Tribune"
    )
    copy, diff = compare(reprint, source)
    assert copy.relation == "near_duplicate"
    assert copy.rule in ("contained", "lead_of_longer")
    assert copy.earlier == "gazette-1"
    assert copy.evidence["direction"]["rule"] == "fuller_source"
    only_source = " ".join(source.text[s.start : s.end] for s in diff.only_a)
    assert "31,000 vehicles" in only_source  # the trimmed tail
    assert any("said" in e.a_text and "announced" in e.b_text for e in diff.changed)


def test_a_shorter_copy_with_body_text_of_its_own_is_not_called_a_trim() -> None:
    """One text holds the other plus more, but the shorter has a sentence of its own after its
    lead: an earlier filing the longer one grew from fits as well as a trimmed reprint does, so
    the direction stays unknown, and says why."""
    longer = article("gazette-1", BRIDGE, outlet="Port Varo Gazette")
    own = "Repairs to the two cracked cable anchors are expected to take at least three weeks."
    shorter = article("wire-1", [*BRIDGE[:3], own], outlet="Coastal Wire")
    copy, _ = compare(shorter, longer)
    assert copy.relation == "near_duplicate"
    assert copy.earlier is None
    direction = copy.evidence["direction"]
    assert direction["rule"] == "unknown"
    assert "15 words in a row of its own after its lead" in direction["why"]


def test_version_reordered_with_inserted_paragraph_and_update_note() -> None:
    first = article("gazette-1", BRIDGE, outlet="Port Varo Gazette")
    later_paras = [
        BRIDGE[0].replace("from Monday", "from Monday week"),
        "On Wednesday the council said the closure would begin a week later than planned, after"
        " the ferry operator asked for more time to train extra crews for the crossing.",
        BRIDGE[2],
        BRIDGE[1],
        BRIDGE[3],
        BRIDGE[4],
    ]
    later = article(
        "gazette-2",
        later_paras,
        outlet="Port Varo Gazette",
        metadata={"version_notes": ["This story has been updated with the new start date."]},
    )
    copy, diff = compare(later, first)
    assert copy.relation == "version"
    assert "version_note" in copy.evidence["checks"]["version_signals"]
    assert copy.earlier == "gazette-1"
    assert copy.evidence["direction"]["rule"] == "version_note"
    assert len(copy.passages) >= 3  # the reordered paragraphs align as separate passages
    inserted = " ".join(later.text[s.start : s.end] for s in diff.only_b)
    assert "ferry operator asked for more time" in inserted


def test_published_times_decide_direction_before_text() -> None:
    a = article("a", BRIDGE, published="2024-03-05T09:00:00")
    b = article("b", BRIDGE[:4], published="2024-03-04T17:30:00")
    copy, _ = compare(a, b)
    assert copy.earlier == "b"
    assert copy.evidence["direction"]["rule"] == "published"


def test_copy_embedded_in_a_longer_roundup_is_partial_reuse() -> None:
    rng = random.Random(3)
    short = article("museum", MUSEUM, outlet="Port Varo Gazette")
    roundup = article(
        "roundup",
        [
            "Our weekly digest of what happened along the coast: a festival, a court case, a"
            " record catch and more news from the towns and villages of the estuary.",
            filler(rng, 70),
            *MUSEUM,
            filler(rng, 90),
            filler(rng, 80),
        ],
        outlet="Estuary Weekly",
    )
    copy, _ = compare(short, roundup)
    assert copy.relation == "partial_reuse"
    assert copy.rule == "shared_passage"
    assert copy.similarity["coverage_a"] >= 0.95 or copy.similarity["coverage_b"] >= 0.95
    report = find_copies([short, roundup])
    assert report.families == ()  # partial reuse does not join families


def test_shared_quotation_alone_is_not_reuse() -> None:
    rng = random.Random(5)
    strike = article(
        "strike",
        [
            "Dock workers in Port Varo extended their strike into a second week on Friday after"
            " talks with the harbour authority broke down over the night shift rota.",
            f"“{QUOTE},” said union leader Tomas Brevik at the gates of the container terminal.",
            filler(rng, 60),
        ],
    )
    cranes = article(
        "cranes",
        [
            "The ministry of transport confirmed that four electric cranes ordered from a yard in"
            " Kessel will be delivered to the Port Varo container terminal next spring.",
            f"Asked about the dispute, a spokeswoman read out the union's statement: “{QUOTE}.”",
            filler(rng, 60),
        ],
    )
    copy, _ = compare(strike, cranes)
    assert copy.relation is None
    assert copy.rule == "only_quotations"
    assert copy.similarity["longest_passage_words"] >= 40
    assert all(p.quoted for p in copy.passages if p.words >= 40)


def test_boilerplate_footer_in_many_documents_is_no_relation() -> None:
    rng = random.Random(11)
    docs = [article(f"letter-{i:03d}", [filler(rng, 60), FOOTER]) for i in range(110)]
    settings = replace(CopySettings(), keep_rejected=True)
    report = find_copies(docs, settings)
    assert report.copies == ()
    assert report.families == ()
    assert report.stats["common_anchors"] > 0  # the footer's anchors were found too common
    assert report.stats["pairs_anchors"] == 0
    for c in report.rejected:  # pairs proposed by LSH were aligned and rejected
        assert c.rule in ("only_boilerplate", "no_substantial_passage")
        assert any(p.boilerplate for p in c.passages)


def test_template_reports_with_different_figures_are_not_copies() -> None:
    template = (
        "The Varo central bank added {amount} billion crowns to the money market through"
        " overnight repurchase agreements, a bank spokesman said. Dealers said the interbank rate"
        " was {rate} pct when the bank began its operation, and that the system faced a shortage"
        " of about {short} billion crowns for the day."
    )
    a = article("notice-1", [template.format(amount="1.5", rate="4-1/4", short="2.1")])
    b = article("notice-2", [template.format(amount="two", rate="4-3/8", short="1.75")])
    copy, _ = compare(a, b)
    assert copy.relation is None
    assert copy.rule == "template_numbers_differ"
    assert copy.similarity["numbers_conflict"] >= 2


@pytest.mark.parametrize(
    ("title", "published_b", "relation"),
    [
        ("CORRECTED - Varo central bank adds funds", "2024-03-04T11:00:00", "version"),
        ("UPDATE 1-Varo central bank adds funds", None, "version"),
        # a note a fortnight on does not make another day's notice a correction
        ("CORRECTED - Varo central bank adds funds", "2024-03-18T11:00:00", None),
        ("Varo central bank adds funds", "2024-03-04T11:00:00", None),  # no note: a template
    ],
)
def test_a_correction_with_other_figures_is_a_version(
    title: str, published_b: str | None, relation: str | None
) -> None:
    template = (
        "The Varo central bank added {amount} billion crowns to the money market through"
        " overnight repurchase agreements, a bank spokesman said. Dealers said the interbank rate"
        " was {rate} pct when the bank began its operation."
    )
    first = template.format(amount="1.5", rate="4-1/4")
    a = article("a", [first], published="2024-03-04T09:00:00")
    b = article("b", [template.format(amount="2.5", rate="4-3/8")], published=published_b)
    copy, _ = compare(a, replace(b, title=title))
    assert copy.relation == relation
    if relation:
        assert "version_note" in copy.evidence["checks"]["version_signals"]
        assert copy.evidence["checks"]["figures_corrected"]
        assert copy.earlier == "a"  # by time, else by b's note
    else:
        assert copy.rule == "template_numbers_differ"


_RATE_NOTICE = (
    "{name} said it has raised its prime lending rate to 7-3/4 pct from 7-1/2 pct, effective"
    " immediately, following similar moves by other major banks earlier in the week, and added"
    " that the increase reflects higher costs of funds in the money markets since March."
)


@pytest.mark.parametrize(
    ("name_b", "relation", "rule"),
    [
        ("Meridian Bancorp Inc", None, "other_subjects"),  # one template, another bank
        ("Sound Advice Inc", None, "other_subjects"),  # the shared text starts at "Inc said"
        ("First Wisconsin Nat'l Bank", "near_duplicate", "contained"),  # the same, respelt
        ("It", "near_duplicate", "contained"),  # no name on one side: not two subjects
    ],
)
def test_a_template_that_opens_on_another_name_is_not_a_copy(
    name_b: str, relation: str | None, rule: str
) -> None:
    name_a = "NMR Centers Inc" if name_b.endswith("Advice Inc") else "First Wisconsin National Bank"
    a = article("a", [_RATE_NOTICE.format(name=name_a)])
    b = article("b", [_RATE_NOTICE.format(name=name_b)])
    copy, _ = compare(a, b)
    assert (copy.relation, copy.rule) == (relation, rule)
    if rule == "other_subjects":
        subjects = copy.evidence["checks"]["subjects"]
        assert subjects[0] in name_a and subjects[1] in name_b


def test_a_retitled_reprint_is_still_a_copy() -> None:
    """Other words before the shared text that end a headline, not a sentence's subject."""
    a = article("a", ["Port Varo Council Votes Closure", *BRIDGE])
    b = article("b", ["Eight Weeks Without The Lindqvist Crossing", *BRIDGE])
    copy, _ = compare(a, b)
    assert copy.relation in ("near_duplicate", "version")


_NOTICE = ["Qtly div 40 cts vs 40 cts prior", "Pay May 15", "Record May one"]


@pytest.mark.parametrize(
    ("title_a", "title_b", "subjects"),
    [
        # the body names no one: the headlines say these are two companies' notices
        (
            "ORVANE MILLS INC <ORV> SETS QTLY DIVIDEND",
            "KESTREL AND DUNMORE INC <KD> SETS",
            ["orvane mills", "kestrel and dunmore"],
        ),
        ("OMAHA SETS QTLY DIVIDEND", "JOLIET SETS QTLY DIVIDEND", ["omaha", "joliet"]),
        # retitled, the subject kept: one notice
        ("ORVANE MILLS INC <ORV> SETS QUARTERLY", "ORVANE MILLS INC QTLY DIVIDEND", None),
        # one subject put two ways: no names to tell apart
        ("HALDEN BUYS CANADIAN RAPESEED", "HALDENESE CRUSHERS BUY CANADIAN RAPESEED", None),
        ("INT'L ORVANE <ORV> SETS PAYOUT", "INTERNATIONAL ORVANE <ORV> SETS PAYOUT", None),
        ("UPDATE 1-ORVANE SETS PAYOUT", "REPEAT-ORVANE SETS PAYOUT", None),  # notes are no names
        ("ORVANE MILLS SETS QUARTERLY", None, None),  # one headline only
    ],
)
def test_notices_whose_headlines_name_other_subjects_are_not_copies(
    title_a: str, title_b: str | None, subjects: list[str] | None
) -> None:
    a = article("a", [*_NOTICE, "Reuter"], title=title_a)
    b = article("b", [*_NOTICE, "Reuters"], title=title_b)  # but for a word: not exact text
    found, _ = compare(a, b)
    if subjects is None:
        assert found.relation in ("near_duplicate", "version")  # a noted title: a version
    else:
        assert (found.relation, found.rule) == (None, "other_subjects")
        assert found.evidence["checks"]["subjects"] == subjects
        assert "headlines" in found.evidence["why"]


def test_a_long_copy_under_other_headlines_is_still_a_copy() -> None:
    """A story names its subject in its body; a reprint may retitle it freely."""
    a = article("a", BRIDGE, title="PORT VARO COUNCIL VOTES CLOSURE")
    b = article("b", [*BRIDGE, "Reuters"], title="EIGHT WEEKS WITHOUT THE LINDQVIST CROSSING")
    assert compare(a, b)[0].relation == "near_duplicate"


_APRIL = "2024-04-04T09:00:00"


@pytest.mark.parametrize(
    ("outlet_b", "published_b", "edit", "relation", "signals"),
    [
        # the outlet's new estimate in the same words, a month on: not one article
        ("Gazette", _APRIL, "figures", None, None),
        ("gazette", "2024-03-08", "figures", None, None),  # dates alone: whole days
        # the same words run again a month on (a notice, an advertisement): a copy
        ("Gazette", _APRIL, "none", "near_duplicate", []),
        # a refile the next day, a correction noted later, two captures of one page: versions
        (
            "Gazette",
            "2024-03-05T18:00:00",
            "figures",
            "version",
            ["numbers_changed", "same_outlet"],
        ),
        ("Gazette", _APRIL, "note", "version", ["version_note", "numbers_changed"]),
        ("Gazette", _APRIL, "url", "version", ["numbers_changed", "same_outlet"]),
        # another outlet's reprint a month on, or a time unknown: as ever
        ("Tribune", _APRIL, "figures", "version", ["numbers_changed"]),
        ("Gazette", None, "figures", "version", ["numbers_changed", "same_outlet"]),
    ],
)
def test_an_outlets_copy_days_later_is_a_recurring_report_when_edited(
    outlet_b: str, published_b: str | None, edit: str, relation: str | None, signals: list | None
) -> None:
    paragraphs = BRIDGE[:5]
    changes = ("Tuesday", "Monday") if edit == "none" else ("31,000", "29,500")
    later = [p.replace(*changes) for p in paragraphs]
    a = article("a", paragraphs, outlet="Gazette", published="2024-03-04T09:00:00")
    b = article("b", later, outlet=outlet_b, published=published_b)
    if edit == "note":
        b = replace(b, metadata={"version_notes": ["Corrects the traffic figure."]})
    if edit == "url":
        page = "https://gazette.example/bridge"
        a, b = replace(a, url=page), replace(b, url=page)
    copy, _ = compare(a, b)
    assert copy.relation == relation
    if relation is None:
        assert copy.rule == "recurring_report"
        assert copy.evidence["checks"]["hours_apart"] > CopySettings().refile_hours
        assert "recurring report" in copy.evidence["why"]
    else:
        assert copy.evidence["checks"]["version_signals"] == signals


_RAPESEED = "Harbour Mills bought {} tonnes of Lindqvist rapeseed for May shipment, traders said."


@pytest.mark.parametrize(
    ("published_b", "words_b", "settings", "relation", "rule"),
    [
        # the form filled in again a fortnight on: no relation
        ("2024-03-18T09:00:00", "again bought", DEFAULTS, None, "recurring_notice"),
        # the same words run again: the notice reprinted
        ("2024-03-18T09:00:00", "bought", DEFAULTS, "near_duplicate", "contained"),
        # the next day: the outlet's refile
        ("2024-03-05T09:00:00", "again bought", DEFAULTS, "version", "contained"),
        # OCR'd pages: a notice run again differs by its misreadings
        ("2024-03-18T09:00:00", "again bought", OCR, "near_duplicate", "contained"),
    ],
)
def test_a_notice_its_outlet_runs_again_in_other_words_is_a_recurring_notice(
    published_b: str, words_b: str, settings: CopySettings, relation: str | None, rule: str
) -> None:
    a = article("a", [_RAPESEED.format("5,000")], outlet="Gazette", published="2024-03-04T09:00:00")
    later = _RAPESEED.format("5,000").replace("bought", words_b).replace("shipment,", "shipment")
    b = article("b", [later], outlet="Gazette", published=published_b)
    copy, _ = compare(a, b, settings)
    assert (copy.relation, copy.rule) == (relation, rule)
    if rule == "recurring_notice":
        assert "ran again 14.0 days later in other words" in copy.evidence["why"]


def test_empty_handed_aligns_as_one_passage_with_a_changed_edit() -> None:
    a = article(
        "a",
        [
            "Negotiators believed they were making progress until the delegation claimed the talks"
            " had failed because the other side had come “empty handed.” The ministry said it"
            " would send a new proposal within a month and named a new chief negotiator."
        ],
    )
    b = article(
        "b",
        [
            "Negotiators believed they were making progress until the delegation claimed the talks"
            " had failed because the other side had come “empty-handed.” The ministry said it"
            " would send a new proposal within a month and named a new chief negotiator."
        ],
    )
    copy, diff = compare(a, b)
    assert len(copy.passages) == 1
    p = copy.passages[0]
    assert _words(a.text[p.a_start : p.a_end]) == _words(b.text[p.b_start : p.b_end])
    assert any("empty handed" in e.a_text and "empty-handed" in e.b_text for e in diff.changed), (
        diff.changed
    )
    assert copy.relation == "near_duplicate"


def test_passage_offsets_index_both_texts() -> None:
    source = article("s", BRIDGE)
    other = article("t", [MUSEUM[0], BRIDGE[1], MUSEUM[2], BRIDGE[3], BRIDGE[4]])
    copy, _ = compare(source, other)
    assert copy.passages
    for p in copy.passages:
        wa = _words(source.text[p.a_start : p.a_end])
        wb = _words(other.text[p.b_start : p.b_end])
        assert wa == wb
        assert len(wa) >= p.words
    # passages reported in reading order of a, with the JSON giving exactly the offsets
    assert [p.a_start for p in copy.passages] == sorted(p.a_start for p in copy.passages)
    js = copy.to_json()
    assert set(js) == {"a", "b", "relation", "earlier", "similarity", "passages", "evidence"}
    offsets = {"a_start", "a_end", "b_start", "b_end"}
    flags = {"words", "solid_words", "conflicts", "quoted", "boilerplate"}
    assert all(set(x) == offsets | flags for x in js["passages"])
    json.dumps(js)  # serialisable as is


def test_find_copies_is_deterministic_and_order_independent() -> None:
    docs = reprints_and_reuse()
    first = find_copies(docs)
    again = find_copies(list(reversed(docs)))
    dump = [c.to_json() for c in first.copies]
    assert dump == [c.to_json() for c in again.copies]
    assert first.families == again.families
    assert all(c.a < c.b for c in first.copies)
    assert [(c.a, c.b) for c in first.copies] == sorted((c.a, c.b) for c in first.copies)


def test_families_and_canonical_member() -> None:
    report = find_copies(reprints_and_reuse())
    assert len(report.families) == 1
    fam = report.families[0]
    assert fam.members == ("gazette-1", "herald-1", "tribune-1")
    assert fam.canonical == "gazette-1"
    assert fam.canonical_rule == "earliest_published"
    rel = {(c.a, c.b): c.relation for c in report.copies}
    assert rel[("digest-1", "museum-1")] == "partial_reuse"
    assert report.family_of("museum-1") is None

    undated = [replace(d, published=None) for d in reprints_and_reuse()]
    fam = find_copies(undated).families[0]
    assert fam.canonical_rule == "fullest"
    assert fam.canonical == "gazette-1"  # gazette-1 and herald-1 tie on words: smallest id
    assert fam.id == report.families[0].id  # same members, same id


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="num_perm"):
        CopySettings(num_perm=100, lsh_bands=32)
    with pytest.raises(ValueError, match="contained_coverage"):
        CopySettings(contained_coverage=1.5)
    with pytest.raises(ValueError, match="max_df"):
        CopySettings(max_df=0)
    with pytest.raises(ValueError, match="min_passage_words"):
        CopySettings(min_passage_words=3)
    with pytest.raises(ValueError, match="template_min_conflicts"):
        CopySettings(template_min_conflicts=0)
    with pytest.raises(ValueError, match="refile_hours"):
        CopySettings(refile_hours=-1)
    assert CopySettings().as_dict()["ngram_words"] == 5


def test_ocr_reprint_with_misread_figures_is_a_copy_not_a_template() -> None:
    source = (
        "The municipal council of Port Varo met on Monday evening and approved a budget of 4292"
        " crowns for the repair of the harbour wall, which the great storm of 1901 had broken in"
        " two places. The mayor told the council that the work would begin in the spring and"
        " employ about 94 labourers from the town and from the surrounding villages. Several"
        " members asked whether the fishermen would be compensated for the loss of their boats,"
        " and the mayor promised an inquiry before the end of the month."
    )
    misread = {
        "4292": "42920",
        "1901": "1961",
        "94": "9",
        "municipal": "mnnicipal",
        "harbour": "harhour",
        "labourers": "lahourers",
        "surrounding": "surronnding",
        "compensated": "compeusated",
    }
    scan = " ".join(misread.get(w, w) for w in source.split(" "))
    copy, _ = compare(article("gazette", [source]), article("scan", [scan]))
    assert copy.similarity["numbers_conflict"] >= 3
    assert copy.evidence["checks"]["misread_words"] >= 3
    assert copy.relation in ("near_duplicate", "version"), copy.evidence["why"]
    # the same figures changed in a text whose words are intact is a template report
    figures_only = " ".join(misread.get(w, w) if w[0].isdigit() else w for w in source.split(" "))
    template, _ = compare(article("gazette", [source]), article("notice", [figures_only]))
    assert template.rule == "template_numbers_differ"
    assert template.evidence["checks"]["misread_words"] == 0


def test_under_the_ocr_profile_a_figure_that_lost_digits_is_misread_not_changed() -> None:
    source = (
        "The shareholders of the Lake Steamer Company met at the town hall on Saturday and"
        " heard that the company carried 15480 passengers last summer, against 12750 the year"
        " before, and that its three boats had sailed 3960 hours without an accident. The"
        " directors proposed a dividend of 45 francs a share and asked the meeting to approve"
        " the purchase of a fourth boat for 86000 francs before the next season begins."
    )
    # a scan: figures split and cut by misread characters, and one word misread
    misread = {"15480": "1 s 480", "12750": "12 750", "3960": "396", "86000": "8 6000"}
    scan = " ".join(misread.get(w, w) for w in source.split(" ")).replace("approve", "approvc")
    paper, scanned = article("paper", [source]), article("scan", [scan])
    copy, _ = compare(paper, scanned, OCR)
    assert copy.evidence["checks"]["misread_figures"] >= 4, copy.evidence["checks"]
    assert copy.relation == "near_duplicate", copy.evidence["why"]
    counted_as_changed, _ = compare(paper, scanned, replace(OCR, figures_misread=False))
    assert counted_as_changed.rule == "template_numbers_differ"
    # the same meeting a year on, its figures changed (other digits): a template report
    changed = {"15480": "16320", "12750": "15480", "3960": "4210", "86000": "91000"}
    next_year = " ".join(changed.get(w, w) for w in source.split(" "))
    template, _ = compare(paper, article("next", [next_year]), OCR)
    assert template.rule == "template_numbers_differ", template.evidence["why"]
    assert template.evidence["checks"]["misread_figures"] == 0


def test_ocr_misreads_at_the_edges_are_aligned_to_the_edges() -> None:
    source = " ".join(MUSEUM)
    words = source.split(" ")
    edge = 14  # two words in three misread: too few clean words in a row for a seed

    def misread(word: str) -> str:
        return word[:2] + "c" + word[3:] if len(word) >= 4 else word

    scan = [
        misread(w) if (k < edge or k >= len(words) - edge) and k % 3 else w
        for k, w in enumerate(words)
    ]
    copy, diff = compare(article("gazette", [source]), article("scan", [" ".join(scan)]))
    assert len(copy.passages) == 1
    # through the misreads to a word or two of each edge (a run needs two equal words)
    assert min(copy.similarity["coverage_a"], copy.similarity["coverage_b"]) > 0.9
    assert copy.relation == "near_duplicate"  # not a version edited on both sides
    assert ("locbook", "logbook") in [(e.b_text, e.a_text) for e in diff.changed]


def test_a_long_misread_stretch_with_split_and_joined_words_is_bridged() -> None:
    # OCR at its worst for 36 words in the middle: every other word misread, and words split
    # ("ha rbour") or run together ("ofthe"), so no five clean words in a row make a seed, and
    # the stretch has another number of words in the scan
    words = " ".join(BRIDGE).split(" ")
    start, end = 60, 96
    scan = []
    for k, w in enumerate(words):
        if start <= k < end and k % 2:
            w = w[:2] + "c" + w[3:] if k % 4 == 1 or len(w) < 4 else w[:2] + " " + w[2:]
        if start <= k < end and k % 7 == 0 and scan:
            scan[-1] += w  # run together with the word before
        else:
            scan.append(w)
    assert len(" ".join(scan).split(" ")) != len(words)
    copy, _ = compare(article("wire", [" ".join(words)]), article("scan", [" ".join(scan)]))
    assert len(copy.passages) == 1, copy.passages
    assert min(copy.similarity["coverage_a"], copy.similarity["coverage_b"]) > 0.95
    assert copy.relation == "near_duplicate", copy.evidence["why"]


def test_a_reworded_paragraph_is_not_bridged_as_misreading() -> None:
    # an editor's rewording reads about as alike as heavy OCR noise word by word (0.77 here),
    # but OCR leaves a long stretch at 0.9 and more: this is an edit on both sides
    reworded = (
        "Ferries will sail every twenty minutes from the north quay to the fish market while the"
        " bridge is shut, and the council said pupils travelling to both secondary schools on the"
        " far side of the estuary would ride free."
    )
    first, second = article("a", BRIDGE), article("b", [*BRIDGE[:2], reworded, *BRIDGE[3:]])
    copy, _ = compare(first, second)
    assert len(copy.passages) == 2
    assert copy.passages[0].a_end < first.text.index("north quay")
    assert copy.relation == "version"
    assert copy.evidence["checks"]["version_signals"] == ["edited_both_sides"]


def _misread_word(word: str) -> str:
    """An OCR misreading: the third letter seen as a "c" (or an "e" where it was one)."""
    if len(word) < 3 or not word[2].isalpha():
        return word + "c"
    return word[:2] + ("e" if word[2] == "c" else "c") + word[3:]


def test_a_figure_misread_amid_misread_words_is_no_correction() -> None:
    words = " ".join(BRIDGE).split(" ")
    # a scan: every seventh word misread, and one figure with them ("96" read as "86")
    scan = [_misread_word(w) if k % 7 == 3 else w for k, w in enumerate(words)]
    scan = ["86" if w == "96" else w for w in scan]
    copy, _ = compare(article("wire", [" ".join(words)]), article("scan", [" ".join(scan)]))
    assert copy.similarity["numbers_conflict"] >= 1
    assert copy.evidence["checks"]["misread_words"] > copy.similarity["numbers_conflict"]
    assert copy.relation == "near_duplicate", copy.evidence["checks"]
    # the same figure changed in an intact text is a correction: a version
    fixed = " ".join("86" if w == "96" else w for w in words)
    corrected, _ = compare(article("wire", [" ".join(words)]), article("fixed", [fixed]))
    assert corrected.relation == "version"
    assert "numbers_changed" in corrected.evidence["checks"]["version_signals"]


def test_a_lead_too_garbled_to_align_is_no_edit_on_both_sides() -> None:
    words = " ".join(BRIDGE).split(" ")
    lead = 24  # every word of the lead misread: no seed, no run of equal words to grow into
    scan = [_misread_word(w) if k < lead else w for k, w in enumerate(words)]
    copy, _ = compare(article("wire", [" ".join(words)]), article("scan", [" ".join(scan)]))
    shorter = min(copy.similarity["words_a"], copy.similarity["words_b"])
    assert shorter - max(p.words for p in copy.passages) >= 20  # the lead is not aligned
    assert copy.evidence["checks"]["misread_slot_words"][0] >= lead - 2
    assert copy.relation == "near_duplicate", copy.evidence["checks"]
    # a lead rewritten in other words is an edit on both sides: a version
    other = filler(random.Random(3), lead).split(" ")
    rewritten = " ".join(other + words[lead:])
    edited, _ = compare(article("wire", [" ".join(words)]), article("edit", [rewritten]))
    assert "edited_both_sides" in edited.evidence["checks"]["version_signals"]
    assert edited.relation == "version"


def test_garbled_edges_of_a_trimmed_scan_are_aligned_to_its_ends() -> None:
    # a scan of the first four paragraphs whose first and last dozen words are misread every
    # other word: no seed and no run of equal words reaches its ends, yet they read as the
    # source does
    words = " ".join(BRIDGE[:4]).split(" ")
    edge = 12
    scan = " ".join(
        _misread_word(w) if (k < edge or k >= len(words) - edge) and k % 2 else w
        for k, w in enumerate(words)
    )
    copy, _ = compare(article("scan", [scan]), article("wire", BRIDGE))
    (passage,) = copy.passages  # a: the scan, b: the wire (pairs are ordered by id)
    assert (passage.a_start, passage.b_start) == (0, 0)
    assert passage.a_end == len(scan) - 1  # its last word, less the full stop
    assert passage.b_end == len("\n\n".join(BRIDGE[:4])) - 1  # where the scan was cut
    assert copy.relation == "near_duplicate", copy.evidence["why"]


def test_an_edge_with_other_figures_is_not_aligned_as_misread() -> None:
    # a last line with other figures reads alike letter by letter, with no five words in a row
    # the same: a template's other figures, not a misreading, so the passage stops before them
    tail = "Repair costs: {} million crowns, {} weeks, {} cables, {} ferries."
    first = article("a", [*BRIDGE[:4], tail.format(240, 8, 96, 4)])
    second = article("b", [*BRIDGE[:4], tail.format(310, 11, 14, 6)])
    copy, _ = compare(first, second)
    assert max(p.a_end for p in copy.passages) < first.text.index("240")


def test_an_edit_at_a_passage_edge_is_not_aligned_through() -> None:
    # the same event retold in the lead: "the mayor sent the union" shares short runs with
    # "mayor Ines Abernathy sent the dockers union", but words stand on one side only
    body = " ".join(BRIDGE[1:])
    first = article(
        "a",
        [
            "Its confirmation comes after the harbour authority said the mayor sent the union a"
            f" written offer on Monday. {body}"
        ],
    )
    second = article(
        "b",
        [
            "The harbour authority said Port Varo mayor Ines Abernathy sent the dockers union a"
            f" written offer on Monday. {body}"
        ],
    )
    copy, diff = compare(first, second)
    only_a = " ".join(first.text[s.start : s.end] for s in diff.only_a)
    assert "Its confirmation comes after the harbour authority said the mayor sent the" in (only_a)
    assert copy.relation in ("near_duplicate", "version")


def test_words_replaced_by_other_words_end_a_passage() -> None:
    # as many words on both sides and alike in their letters, but reworded, not misread
    body = " ".join(BRIDGE[:2])
    first = article("a", [f"{body} The banks did not borrow in the first week of the period."])
    second = article("b", [f"{body} The banks had no borrowings in the prior week of the period."])
    copy, diff = compare(first, second)
    only_a = " ".join(first.text[s.start : s.end] for s in diff.only_a)
    assert "did not borrow in the first week of the period" in only_a
    assert copy.passages[-1].a_end == first.text.index(" did not borrow")


def test_the_ocr_profile_finds_a_scan_misread_every_fifth_word() -> None:
    """Every 5-gram of the scan holds a misread word, so the news settings propose nothing; the
    OCR profile's 4-grams survive between misreadings."""
    words = " ".join(BRIDGE).split(" ")
    scan = " ".join(_misread_word(w) if k % 5 == 1 else w for k, w in enumerate(words))
    docs = [article("paper-1", BRIDGE), article("scan-1", [scan]), article("museum", MUSEUM)]
    assert find_copies(docs).copies == ()
    (copy,) = find_copies(docs, OCR).copies
    assert (copy.a, copy.b, copy.relation) == ("paper-1", "scan-1", "near_duplicate")
    assert PROFILES["ocr"] is OCR and PROFILES["news"] == CopySettings()


def test_the_ocr_profile_bridges_a_garbled_stretch_longer_than_the_news_gaps() -> None:
    """Every other word misread for 120 words: no 4-gram seed and no run of two equal words
    there, but the stretch reads alike; the OCR profile bridges gaps of up to 200 words."""
    words = " ".join(BRIDGE).split(" ")
    scan = " ".join(_misread_word(w) if 20 <= k < 140 and k % 2 else w for k, w in enumerate(words))
    paper, scanned = article("paper", BRIDGE), article("scan", [scan])
    copy, _ = compare(paper, scanned, OCR)
    assert len(copy.passages) == 1
    assert copy.similarity["coverage_a"] == copy.similarity["coverage_b"] == 1.0
    assert copy.relation == "near_duplicate"
    short_gaps, _ = compare(paper, scanned, replace(OCR, fuzzy_gap_words=96))
    assert len(short_gaps.passages) == 2 and short_gaps.relation is None


_EARNINGS = [
    "Qtr ended June 30",
    "Oper shr profit 17 cts vs profit 10 cts",
    "Oper net profit 5,146,000 vs profit 2,691,000",
    "Revs 269.5 mln vs 274.4 mln",
    "Avg shrs 20.5 mln vs 17.0 mln",
    "Nine mths",
    "Oper shr profit 14 cts vs loss 45 cts",
    "Oper net profit 4,131,000 vs loss 7,148,000",
    "Revs 802.8 mln vs 766.0 mln",
    "Avg shrs 20.4 mln vs 16.9 mln",
    "NOTE: Net excludes discontinued operations loss 1,667,000 dlrs vs profit 42,000 dlrs in"
    " quarter and loss 2,123,000 dlrs vs profit 1,334,000 dlrs in nine mths.",
    "Net excludes gains on insurance recovery of 54,000 dlrs vs 91,000 dlrs in quarter and"
    " 1,289,000 dlrs vs 218,000 dlrs in nine mths.",
]


@pytest.mark.parametrize("settings", [CopySettings(), OCR], ids=["news", "ocr"])
def test_a_reprinted_table_has_no_number_conflicts(settings: CopySettings) -> None:
    """A table's repeated phrases ("mln vs", "vs profit") seed chains off the diagonal; those
    dropped for the whole-text passage must not lend it their figures' conflicts."""
    copy, _ = compare(article("a", _EARNINGS), article("b", [*_EARNINGS, "Reuter"]), settings)
    assert copy.similarity["numbers_conflict"] == 0
    assert copy.relation == "near_duplicate"


# A fictional wire story in Chinese, which runs its words together without spaces.
_HARBOR_ZH = [
    "新华社港城十月三日电 港城市政府周二宣布，连接东西两岸的林德大桥将从下周一起封闭八周，以更换"
    "锈蚀的钢缆。市交通局局长王丽华在记者会上说，施工期间每天约有三万一千辆汽车需要绕行。",
    "据介绍，大桥于一九六八年建成，是港城最重要的交通要道之一。工程师在今年夏天的例行检查中发现"
    "，南侧两根主缆的腐蚀程度超出预期，必须尽快处理。",
    "市政府表示，封闭期间将增开三条渡轮航线，并在高峰时段免费提供接驳巴士。商户协会则担心，"
    "长时间封桥会影响老城区的客流和生意。",
]
_MUSEUM_ZH = [
    "本报讯 位于老城区的海洋博物馆周末重新开放，新增的鲸类展厅吸引了大批市民和游客。"
    "馆长陈志明说，展厅内的蓝鲸骨架长达二十五米，是从北部海岸运来的。",
    "博物馆在过去两年里进行了全面翻修，改造了屋顶和照明系统，并增加了面向儿童的互动展区。"
    "开幕当天，门外排起了长队，不少家长带着孩子专程前来参观。",
]


def test_a_chinese_reprint_is_found_character_by_character() -> None:
    """Chinese has no spaces between words: each character is a word, so a reprint with a
    retold sentence still shares long passages with its source, and another story shares none."""
    source = article("xinhua-1", _HARBOR_ZH, outlet="新华社")
    edited = [p.replace("周二宣布", "周二正式对外宣布") for p in _HARBOR_ZH]
    edited[2] = edited[2].replace("商户协会则担心", "不过，当地商户协会担心")
    reprint = article("evening-7", edited, outlet="港城晚报")
    other = article("daily-3", _MUSEUM_ZH, outlet="港城日报")
    assert _words("林德大桥3日") == ("林", "德", "大", "桥", "3", "日")
    assert _words("ｶﾞｽ料金") == _words("ガス料金") == ("ガ", "ス", "料", "金")  # half-width kana
    report = find_copies([source, reprint, other])
    assert [(c.a, c.b, c.relation) for c in report.copies] == [
        ("evening-7", "xinhua-1", "near_duplicate")
    ]
    copy = report.copies[0]
    assert copy.similarity["coverage_a"] > 0.9 and copy.similarity["coverage_b"] > 0.9
    passage = copy.passages[0]
    assert reprint.text[passage.a_start : passage.a_start + 9] == "新华社港城十月三日"
