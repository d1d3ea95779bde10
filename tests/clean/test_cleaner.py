"""clean: each rule fires on its debris or metadata line and leaves near-misses in the story."""

from __future__ import annotations

import time
from typing import Any

import pytest

from storyline.article import Article, Origin, RawArticle
from storyline.clean import clean, split_paragraphs

BODY = "The harbor council voted on Monday to rebuild the north pier, the mayor said."
MORE = "Work is due to start in the spring and will take two years to finish."


def run(text: str, **fields: Any) -> Article:
    """Clean `text` and check what every article must satisfy, whatever the rules did."""
    raw = RawArticle(id="t", origin=Origin("test.txt", "", ""), text=text, **fields)
    article = clean(raw)
    for removal in article.removals:
        assert text[removal.start : removal.end] == removal.text
    assert [r.start for r in article.removals] == sorted(r.start for r in article.removals)
    assert article.paragraphs == split_paragraphs(article.text)
    assert article.text == article.text.strip()
    assert "  " not in article.text
    assert all("\n" not in t for t in article.paragraph_texts())
    assert article.raw_text == text
    return article


def rules(article: Article) -> list[str]:
    return [r.rule for r in article.removals]


def kept(line: str) -> None:
    """`line` is story text: cleaning a story holding it changes nothing."""
    text = f"{BODY}\n\n{line}\n\n{MORE}"
    article = run(text)
    assert article.removals == ()
    assert article.paragraph_texts() == [BODY, line, MORE]


def dropped(line: str, rule: str) -> Article:
    """`line` is debris: it is removed, whole, under `rule`, and the story is left."""
    article = run(f"{BODY}\n\n{line}\n\n{MORE}")
    assert [(r.rule, r.text, r.lifted_to) for r in article.removals] == [(rule, line, None)]
    assert article.paragraph_texts() == [BODY, MORE]
    return article


def lifted(line: str, rule: str, field: str) -> Article:
    """`line` is metadata: removed under `rule` and kept in `metadata[field]`."""
    article = run(f"{BODY}\n\n{line}\n\n{MORE}")
    assert [(r.rule, r.text, r.lifted_to) for r in article.removals] == [(rule, line, field)]
    assert article.metadata[field] == [line]
    assert article.paragraph_texts() == [BODY, MORE]
    return article


# --- debris ----------------------------------------------------------------------------------


def test_ad_markers_are_removed_on_their_own_line_and_inside_one() -> None:
    article = run(f"[ad_1]\n{BODY}\n[ad_2] {MORE}\nThe vote [AD_3] was close.")
    assert rules(article) == ["ad_marker", "ad_marker", "ad_marker"]
    assert [r.text for r in article.removals] == ["[ad_1]", "[ad_2]", "[AD_3]"]
    assert article.paragraph_texts() == [BODY, MORE, "The vote was close."]
    kept("Footnote [1] and the [ADR] listing were cited.")


def test_advertisement_labels() -> None:
    dropped("Advertisement", "advertisement")
    dropped("Story continues below advertisement", "advertisement")
    kept("Advertisement revenue fell five percent in the quarter.")


def test_share_bars_and_skip_links() -> None:
    dropped("Share this article: Facebook Twitter Email", "share_bar")
    dropped("Share on WhatsApp | Tweet | Copy link", "share_bar")
    dropped("Share", "share_bar")
    dropped("Skip to main content", "skip_link")
    dropped("Jump to navigation", "skip_link")
    kept("Facebook and Twitter shares fell.")
    kept("Share prices on the bourse rose sharply on Monday.")
    kept("Print the article, the email said.")


def test_date_crumbs() -> None:
    dropped("Published: Updated:", "date_crumbs")
    dropped("Published 3:24 PM ET, Sun March 22, 2020", "date_crumbs")
    kept("Published reports say the council will vote again.")


def test_photo_credit_lines() -> None:
    dropped("Jane DoeGetty Images", "photo_credit")
    dropped("Jane Doe/AFP via Getty Images", "photo_credit")
    dropped("Photo: Jane Doe", "photo_credit")
    kept("He works for Getty Images")
    kept("Getty Images said it would cut jobs.")


def test_caption_credit_is_dropped_and_caption_lifted() -> None:
    caption = "The mayor visits the north pier in Harbor City, Monday, May 6, 2024."
    article = run(f"{caption} (AP Photo/Jane Doe)\n\n{BODY}")
    assert [(r.rule, r.text, r.lifted_to) for r in article.removals] == [
        ("caption", caption, "captions"),
        ("caption_credit", "(AP Photo/Jane Doe)", None),
    ]
    assert article.metadata["captions"] == [caption]
    assert article.text == BODY
    for tail in ("(Photo: Jane Doe/Harbor Times)", "(Reuters/Jane Doe)", "(Jane Doe/Getty Images)"):
        assert rules(run(f"The pier at dawn. {tail}\n\n{BODY}")) == ["caption", "caption_credit"]
    kept("“We will rebuild it,” the mayor said (he said it twice).")
    kept("The pier (rebuilt in 1990) is closed.")


def test_copyright_footer() -> None:
    dropped("Copyright ©2024 Harbor Broadcasting. All rights reserved.", "copyright_footer")
    dropped("© 2024 Harbor Times Media", "copyright_footer")
    dropped("All rights reserved.", "copyright_footer")
    kept("Copyright law experts say the ruling will be appealed.")
    kept("The copyright dispute with Reuters dragged on for years.")


def test_redistribution_notice() -> None:
    dropped(
        "This material may not be published, broadcast, rewritten, or redistributed"
        " without prior written consent.",
        "redistribution_notice",
    )
    dropped(
        "No part of this article may be reproduced without permission.", "redistribution_notice"
    )
    kept("The report may not be published until the inquiry ends, the minister said.")


def test_read_more_and_click_here() -> None:
    dropped("Read more: Harbor council votes to close the ferry", "read_more")
    dropped("RELATED: Storm damages the north pier", "read_more")
    kept("Read more carefully, the report shows gaps in the budget.")
    dropped("Click here to sign up for our newsletter.", "click_here")
    dropped("For the full ferry timetable, click here.", "click_here")
    kept("Users were told to click here to claim a prize, police said.")


def test_reuters_signoff_is_removed_from_the_end_only() -> None:
    article = run(f"{BODY}\n    {MORE}\n Reuter\n")
    assert [(r.rule, r.text) for r in article.removals] == [("reuters_signoff", "Reuter")]
    assert article.paragraph_texts() == [BODY, MORE]
    article = run(f"{BODY}\n\nThe council said the vote was close. REUTER")
    assert [r.text for r in article.removals] == ["REUTER"]
    assert article.paragraph_texts() == [BODY, "The council said the vote was close."]
    kept("Reuters reported the vote on Monday.")
    told = f"{BODY}\n\nThe vote was close, an official told Reuters."
    assert run(told).removals == ()


def test_wire_continued_marker_at_the_end() -> None:
    article = run(f"{BODY}\n More\n")
    assert rules(article) == ["continued_marker"]
    kept("More than 300 people attended the vote.")


# --- metadata --------------------------------------------------------------------------------


def test_byline_is_lifted_as_the_whole_line() -> None:
    article = run(f"By Jane Doe and John Roe, Harbor Times\n\n{BODY}")
    assert article.byline == "By Jane Doe and John Roe, Harbor Times"
    assert [(r.rule, r.lifted_to) for r in article.removals] == [("byline", "byline")]
    assert "bylines" not in article.metadata
    assert run(f"Author: Harbor Wire Writer: Jane Doe\n\n{BODY}").byline == (
        "Author: Harbor Wire Writer: Jane Doe"
    )
    kept("By the end of the year, the ferry will run hourly.")
    kept("By Tuesday, officials had counted 300 votes.")
    kept("By 2030 the pier will be replaced.")


def test_a_readers_byline_wins_and_the_lifted_one_goes_to_metadata() -> None:
    article = run(f"By Jane Doe\n\n{BODY}", byline="Jane Doe")
    assert article.byline == "Jane Doe"
    assert article.metadata["bylines"] == ["By Jane Doe"]
    assert [(r.rule, r.lifted_to) for r in article.removals] == [("byline", "bylines")]


def test_wire_credit() -> None:
    lifted(
        "The-Harbor-Wire™ & © 2020 Harbor News Network, Inc. All rights reserved.",
        "wire_credit",
        "wire_credits",
    )
    lifted("© 2024 The Associated Press", "wire_credit", "wire_credits")


def test_contributor_credit() -> None:
    lifted("Jane Doe and John Roe contributed to this report.", "contributor_credit", "credits")
    lifted("(Reporting by Jane Doe; Editing by John Roe)", "contributor_credit", "credits")
    lifted("Additional reporting by Jane Doe in Harbor City.", "contributor_credit", "credits")
    kept("Volunteers contributed to this report's findings, the council said.")
    kept("Reporting by the Harbor Times revealed the cost overrun.")


def test_version_notes() -> None:
    for note in (
        "This story has been updated with the mayor's comments.",
        "Updated at 3pm",
        "Correction: An earlier version misstated the length of the pier.",
        "This article was amended on 3 May 2024 to correct the date of the vote.",
    ):
        lifted(note, "version_note", "version_notes")
    kept("Updated figures show the harbor handled more ships.")


def test_lifted_lists_extend_the_readers_metadata_without_changing_it() -> None:
    given = {"credits": ["Photo desk"], "lang": "en"}
    article = run(f"{BODY}\n\nJane Doe contributed to this report.", metadata=given)
    assert article.metadata == {
        "credits": ["Photo desk", "Jane Doe contributed to this report."],
        "lang": "en",
    }
    assert given == {"credits": ["Photo desk"], "lang": "en"}


# --- headline --------------------------------------------------------------------------------


def test_first_line_becomes_the_title_when_it_looks_like_a_headline() -> None:
    headline = "Harbor Council Votes to Rebuild the U.S. Pier"
    article = run(f"{headline}\n\n{BODY}\n\n{MORE}", headline_in_text=True)
    assert article.title == headline
    assert [(r.rule, r.lifted_to) for r in article.removals] == [("headline", "title")]
    assert article.paragraph_texts() == [BODY, MORE]
    assert run(f"Ferry fares to rise...\n{BODY}", headline_in_text=True).title == (
        "Ferry fares to rise..."
    )


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (f"Harbor council votes\n\n{BODY}", {}),  # the reader did not say a headline may be there
        (f"The council met on Monday.\n\n{BODY}", {"headline_in_text": True}),  # a sentence
        (f"[ad_1]\nHarbor council votes\n\n{BODY}", {"headline_in_text": True}),  # debris first
        (f"{BODY}\n\n{MORE}", {"headline_in_text": True}),  # too long for a headline
        ("Harbor council votes", {"headline_in_text": True}),  # nothing after it
        # hard-wrapped wire copy: the first line opens a paragraph that goes on
        (
            f"The harbor council said on\nMonday it would vote.\n    {MORE}",
            {"headline_in_text": True},
        ),
    ],
)
def test_first_line_that_is_no_headline_stays(text: str, fields: dict[str, Any]) -> None:
    article = run(text, **fields)
    assert article.title is None
    assert "headline" not in rules(article)


def test_a_readers_title_is_kept_and_its_repeat_in_the_text_removed() -> None:
    article = run(f"Harbor council votes\n\n{BODY}", title="Harbor Council Votes")
    assert article.title == "Harbor Council Votes"
    assert [(r.rule, r.lifted_to) for r in article.removals] == [("title_repeat", None)]
    assert article.text == BODY
    other = run(
        f"Ferry fares to rise\n\n{BODY}", title="Harbor Council Votes", headline_in_text=True
    )
    assert other.title == "Harbor Council Votes"
    assert other.removals == ()


# --- layout ----------------------------------------------------------------------------------


def test_hard_wrapped_wire_copy_is_reflowed_into_paragraphs() -> None:
    text = (
        "The harbor council said on Monday it\n"
        "would  rebuild the north pier at a cost of\n"
        "12 mln dlrs.\n"
        "    The work will take two years, the\n"
        "council said.\n"
        "\n"
        " Reuter\n"
    )
    article = run(text)
    assert article.text == (
        "The harbor council said on Monday it would rebuild the north pier at a cost of 12 mln"
        " dlrs.\n\nThe work will take two years, the council said."
    )
    assert [(p.start, p.end) for p in article.paragraphs] == [(0, 91), (93, 140)]


def test_subheads_stay_paragraphs_of_their_own() -> None:
    article = run(f"{BODY}\nHarbor politics\n{MORE}")
    assert article.paragraph_texts() == [BODY, "Harbor politics", MORE]


@pytest.mark.parametrize("text", ["", "   ", "\n\n \t\n", "[ad_1]\n\nAdvertisement"])
def test_nothing_left_gives_empty_text_without_raising(text: str) -> None:
    article = run(text, headline_in_text=True)
    assert article.text == ""
    assert article.paragraphs == ()


def test_fields_the_reader_gave_pass_through() -> None:
    article = run(BODY, url="https://example.org/a", outlet="Harbor Times", published="2024-05-06")
    assert (article.id, article.url, article.outlet, article.published) == (
        "t",
        "https://example.org/a",
        "Harbor Times",
        "2024-05-06",
    )


@pytest.mark.parametrize(
    "line",
    [
        "a" + " " * 50_000 + "b",
        "(" * 50_000 + ")",
        "[ad_" * 20_000,
        "By " + "Aa " * 20_000,
        "Copyright " + "©" * 399,
        "Published: " + "(" * 389,
        "x (" + "a" * 300 + "/" + "b" * 90 + ")",
    ],
)
def test_hostile_lines_take_linear_time(line: str) -> None:
    text = "\n".join([line] * 200)
    start = time.perf_counter()
    run(text)
    assert time.perf_counter() - start < 2.0
