"""Relation rules and direction for an aligned pair; every decision returns its evidence.

Relation rules, in order (the first that fires decides; `evidence["rule"]` names it):

* `exact_text` - identical text up to Unicode form, case, quote style and whitespace: **exact**.
  (Texts with the same words but other punctuation or hyphenation fall to the copy rules.)
* `template_numbers_differ` - the texts share wording but a large share of the aligned numbers
  differ (`template_conflict_share`; numbers in corresponding short slots count too), and
  more of them than words misread inside the passages (`template_misread_ratio`; in OCR'd
  reprints figures are misread like words): recurring template reports (money-market notices,
  dividend notices, weekly statistics) are neither copies nor reuse, however long their
  shared wording. Unless a text carries a version note (a "CORRECTED - " headline too) and
  they are no more than `refile_hours` apart: a correction changes figures.
* copy rules, on aligned word coverage (boilerplate passages left out, unless the texts are
  nothing else):
  `contained` - the shorter text is covered >= `contained_coverage` and the longer one >=
  `wrapped_coverage` (a reprint, trimmed or wrapped in a little other text);
  `lead_of_longer` - the shorter text is covered >= `contained_coverage` and its match starts
  at the beginning of both (a first take, or a trimmed copy of a longer story);
  `mostly_shared` - both texts are covered >= `mostly_shared_coverage` (an edited version).
  A copy is a **version** when an edit shows: a version note, corrected numbers (at least as
  many as words misread, as for templates: an OCR'd reprint misreads figures like words), the
  same outlet within `refile_hours` (the publisher's own refile), or unaligned material on
  both sides (>= `version_unique_words` each, less the slots that read alike: text too
  garbled to align);
  otherwise a **near_duplicate** (a reprint).
  But `other_subjects` - the texts open on other names, the rest alike (`align.other_subjects`:
  "First Wisconsin National Bank said it has raised its prime rate..." against "Meridian
  Bancorp Inc said..."), or, for a notice too short to name its subject in its body (shorter
  than `notice_words`), headlines that open on other names (`metadata.headline_subjects`:
  two companies' dividend notices in the same words): one template about two subjects, not a
  copy; and
  `recurring_report` - a copy of one outlet's, published more than `refile_hours` apart (an
  outlet refiles and updates within a day or two), with other figures (as `numbers_changed`
  counts them) but no version note, from another page: the outlet's recurring report in the
  same words (a crop estimate, a weekly notice), not one article; and
  `recurring_notice` - such a pair with the same figures when it is a notice (shorter than
  `notice_words`) not word for word the same: the outlet filled in its form again ("Japan
  bought 5,000 tonnes of Canadian rapeseed", a dividend notice of another company), with
  `recurring_notices` (off for OCR'd text, where a notice run again differs by its
  misreadings). Otherwise it is the outlet running the text again (a notice, an
  advertisement; OCR garbles one run and not the next): a near_duplicate, or a version if
  noted.
* `shared_passage` - a passage of >= `partial_min_words` matched words (without a differing
  figure among them) that is neither a shared quotation (mostly inside quotation marks in both
  texts) nor boilerplate: **partial_reuse**.
* `shared_sentences` - no passage is that long, but >= `min_shared_sentences` passages of
  >= `sentence_words` matched words each (not quotations, not boilerplate) add up to
  `partial_min_words`: a background paragraph assembled from lifted sentences, **partial_reuse**.
* otherwise rejected: `only_quotations`, `only_boilerplate`, `no_substantial_passage`.

Direction (`evidence["direction"]["rule"]`): `published` times when both are known and differ;
else a `version_note` on one side only (that side is later); else a `wire_credit` on one side
naming the other's outlet (the other is the source); else `fuller_source` when one text of a
near duplicate contains the other plus additions (reprints trim their source), and the shorter
has no run of words of its own longer than an edit (`max_gap_words`) after its lead (a reprint
may retitle, not add body text); else `unknown`, with what was tried. A version contained in a
longer one stays unknown without a time or a note: an update that added and a refile that cut
look the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from storyline.copies.align import (
    Alignment,
    Text,
    misread_figures,
    misread_slots,
    misread_words,
    other_subjects,
)
from storyline.copies.fingerprints import minhash, shingles_of
from storyline.copies.metadata import (
    earlier_by_time,
    headline_subjects,
    hours_apart,
    same_outlet,
    wire_credits,
)
from storyline.copies.records import DEFAULTS, Copy, CopySettings, Relation
from storyline.copies.tokens import surface_key
from storyline.records import made


def jaccard_estimate(a: Text, b: Text, settings: CopySettings) -> float:
    """MinHash estimate of word n-gram Jaccard, for pairs scored without a candidate step."""
    sig_a = minhash(
        shingles_of(a.tokens.hashes, settings.ngram_words),
        settings.num_perm,
        settings.seed,
    )
    sig_b = minhash(
        shingles_of(b.tokens.hashes, settings.ngram_words),
        settings.num_perm,
        settings.seed,
    )
    if len(a.tokens) == 0 or len(b.tokens) == 0:
        return 0.0
    return float(np.mean(sig_a == sig_b))


def _content_coverage(al: Alignment, settings: CopySettings) -> tuple[float, float, bool]:
    """Coverage of each side with boilerplate passages left out of text and matches alike.

    When a side is (nearly) nothing but boilerplate-flagged shared text, as for a story reprinted
    in more than `max_df` documents, the raw coverage is used (third value False).
    """
    if not any(q.boilerplate for q in al.passages):
        return al.coverage_a, al.coverage_b, True
    bp = [p for p, q in zip(al.token_passages, al.passages, strict=True) if q.boilerplate]
    na, nb = len(al.a.tokens), len(al.b.tokens)
    bp_a = sum(p.a1 - p.a0 for p in bp)
    bp_b = sum(p.b1 - p.b0 for p in bp)
    rest_a, rest_b = na - bp_a, nb - bp_b
    if min(rest_a, rest_b) < settings.min_passage_words:
        return al.coverage_a, al.coverage_b, False
    cov_a = (al.coverage_a * na - bp_a) / rest_a
    cov_b = (al.coverage_b * nb - bp_b) / rest_b
    return cov_a, cov_b, True


def relate(
    al: Alignment,
    settings: CopySettings | None = None,
    *,
    jaccard_est: float | None = None,
    candidate: dict[str, Any] | None = None,
) -> Copy:
    """Decide the relation of an aligned pair (`al.a` must have the smaller id)."""
    settings = settings or DEFAULTS
    art_a, art_b = al.a.article, al.b.article
    if not art_a.id < art_b.id:
        raise ValueError(f"relate: pair must be ordered by id, got {art_a.id!r}, {art_b.id!r}")
    na, nb = len(al.a.tokens), len(al.b.tokens)
    if jaccard_est is None:
        jaccard_est = jaccard_estimate(al.a, al.b, settings)
    similarity: dict[str, float | int] = {
        "jaccard_estimate": round(jaccard_est, 4),
        "jaccard": round(al.jaccard, 4),
        "containment_a": round(al.containment_a, 4),
        "containment_b": round(al.containment_b, 4),
        "coverage_a": round(al.coverage_a, 4),
        "coverage_b": round(al.coverage_b, 4),
        "longest_passage_words": al.longest,
        "passages": len(al.passages),
        "words_a": na,
        "words_b": nb,
        "numbers_agree": al.numbers_agree,
        "numbers_conflict": al.numbers_conflict,
    }
    checks: dict[str, Any] = {}
    relation: Relation | None
    a_small = na <= nb
    cov_a, cov_b, content_only = _content_coverage(al, settings)
    cov_small, cov_large = (cov_a, cov_b) if a_small else (cov_b, cov_a)
    checks["content_coverage_a"] = round(cov_a, 4)
    checks["content_coverage_b"] = round(cov_b, 4)
    if not content_only:
        checks["boilerplate_only_text"] = True

    numbers = al.numbers_agree + al.numbers_conflict
    conflict_share = al.numbers_conflict / numbers if numbers else 0.0
    template = (
        al.numbers_conflict >= settings.template_min_conflicts
        and conflict_share >= settings.template_conflict_share
    )
    checks["number_conflict_share"] = round(conflict_share, 4)
    if template:  # unless words are misread as often as figures: OCR noise, not a template
        template = _figures_changed(al, settings, checks)
    notes_a, notes_b = al.a.notes, al.b.notes
    if template and (notes_a or notes_b):
        hours = hours_apart(art_a, art_b)
        if hours is None or hours <= settings.refile_hours:
            template = False  # a correction says it changed figures: a version, not a template
            checks["figures_corrected"] = True

    copy_rule = ""
    same_words = na > 0 and al.a.tokens.words == al.b.tokens.words
    if same_words and surface_key(art_a.text) == surface_key(art_b.text):
        copy_rule = "exact_text"
    elif not template and al.passages:
        first_small = min((p.a0 if a_small else p.b0) for p in al.token_passages)
        first_large = min((p.b0 if a_small else p.a0) for p in al.token_passages)
        lead = first_small <= settings.lead_slack_words and first_large <= settings.lead_slack_words
        checks["starts_at_lead"] = lead
        if cov_small >= settings.contained_coverage and cov_large >= settings.wrapped_coverage:
            copy_rule = "contained"
        elif cov_small >= settings.contained_coverage and lead:
            copy_rule = "lead_of_longer"
        elif min(cov_a, cov_b) >= settings.mostly_shared_coverage:
            copy_rule = "mostly_shared"

    unique_a, unique_b = al.uncovered_a, al.uncovered_b
    own_outlet = same_outlet(art_a, art_b)
    one_page = bool(art_a.url) and art_a.url == art_b.url  # two captures of one page
    later = None  # hours between two copies of one outlet's, past its refiles
    if copy_rule and own_outlet and not one_page:
        hours = hours_apart(art_a, art_b)
        later = hours if hours is not None and hours > settings.refile_hours else None
    subjects = headlines = None
    if copy_rule and copy_rule != "exact_text":
        subjects = other_subjects(al, settings)
        if subjects is None and min(na, nb) < settings.notice_words:
            subjects = headlines = headline_subjects(art_a, art_b, settings.fuzzy_gap_similarity)
    rule: str
    why: str
    if copy_rule == "exact_text":
        relation, rule = "exact", "exact_text"
        why = "identical text up to case, quote style and whitespace"
    elif subjects:
        relation, rule = None, "other_subjects"
        checks["subjects"] = list(subjects)
        where = "the notices' headlines" if headlines else "the texts read alike but"
        why = (
            f"{where} open on other names ({subjects[0][:80]!r} vs {subjects[1][:80]!r}):"
            " one template about two subjects, not a copy"
        )
    elif copy_rule:
        edits = _edits(al, settings, checks, bool(notes_a or notes_b), unique_a, unique_b)
        if later is not None:
            checks["hours_apart"] = round(later, 4)
        notice = (
            settings.recurring_notices and not same_words and min(na, nb) < settings.notice_words
        )
        if later is not None and "version_note" not in edits and "numbers_changed" in edits:
            relation, rule = None, "recurring_report"
            why = (
                f"both from {art_a.outlet}, {later / 24:.1f} days apart (refiles come within"
                f" {settings.refile_hours} hours), with other figures: the outlet's recurring"
                " report, not one article"
            )
        elif later is not None and "version_note" not in edits and notice:
            relation, rule = None, "recurring_notice"
            why = (
                f"a notice of {min(na, nb)} words that {art_a.outlet} ran again"
                f" {later / 24:.1f} days later in other words (refiles come within"
                f" {settings.refile_hours} hours): the form filled in again, not one article"
            )
        else:
            signals = [*edits, "same_outlet"] if own_outlet and later is None else edits
            checks["version_signals"] = signals
            relation = "version" if signals else "near_duplicate"
            rule = copy_rule
            if copy_rule == "contained":
                why = f"the shorter text is {cov_small:.0%} aligned and the longer {cov_large:.0%}"
            elif copy_rule == "lead_of_longer":
                why = (
                    f"the shorter text is {cov_small:.0%} aligned and matches the start of the"
                    " longer"
                )
            else:
                why = f"both texts are mostly aligned ({cov_a:.0%} and {cov_b:.0%})"
            why += "; " + (
                "edited: " + ", ".join(signals) if signals else "no sign of an edit: a reprint"
            )
            if later is not None and not signals:
                why += f" (its outlet ran it again {later / 24:.1f} days later)"
    elif template:
        relation, rule = None, "template_numbers_differ"
        figures = checks.get("misread_figures")
        why = (
            f"{al.numbers_conflict} of {numbers} aligned numbers differ, and only"
            f" {checks['misread_words']} words{f' and {figures} figures' if figures else ''}"
            " look misread: a recurring template report, not a copy or reuse"
        )
    else:
        own = [p for p in al.passages if not p.quoted and not p.boilerplate]
        substantial = [p for p in own if p.solid_words >= settings.partial_min_words]
        sentences = [p for p in own if p.solid_words >= settings.sentence_words]
        sentence_words = sum(p.solid_words for p in sentences)
        long_ones = [p for p in al.passages if p.solid_words >= settings.partial_min_words]
        if substantial:
            relation, rule = "partial_reuse", "shared_passage"
            why = (
                f"{len(substantial)} shared passage(s) of {settings.partial_min_words}+ words,"
                f" longest {max(p.solid_words for p in substantial)}"
            )
        elif (
            len(sentences) >= settings.min_shared_sentences
            and sentence_words >= settings.partial_min_words
        ):
            relation, rule = "partial_reuse", "shared_sentences"
            why = (
                f"{len(sentences)} shared sentences of {settings.sentence_words}+ words,"
                f" {sentence_words} words together"
            )
        else:
            relation = None
            if long_ones and all(p.quoted for p in long_ones):
                rule, why = "only_quotations", "the long shared passages are quotations"
            elif long_ones:
                rule, why = "only_boilerplate", "the long shared passages are boilerplate"
            else:
                rule = "no_substantial_passage"
                why = f"no shared passage of {settings.partial_min_words}+ words"

    earlier, direction = _direction(al, relation, settings, notes_a, notes_b, unique_a, unique_b)
    evidence: dict[str, Any] = {
        "rule": rule,
        "why": why,
        "checks": checks,
        "direction": direction,
    }
    if candidate:
        evidence["candidate"] = candidate
    earlier_id = {"a": art_a.id, "b": art_b.id}.get(earlier or "")
    return made(Copy, art_a.id, art_b.id, relation, earlier_id, similarity, al.passages, evidence)


def _edits(
    al: Alignment,
    settings: CopySettings,
    checks: dict[str, Any],
    noted: bool,
    unique_a: int,
    unique_b: int,
) -> list[str]:
    """What shows a copy edited: a version note, changed figures (at least as many as words
    misread: an OCR'd reprint misreads figures like words), unaligned text on both sides (less
    the slots that read alike: text too garbled to align). Records what it read in `checks`."""
    edits = ["version_note"] if noted else []
    if al.numbers_conflict and _figures_changed(al, settings, checks):
        edits.append("numbers_changed")
    if min(unique_a, unique_b) >= settings.version_unique_words:
        misread_a, misread_b = misread_slots(al, settings)
        checks["misread_slot_words"] = [misread_a, misread_b]
        if min(unique_a - misread_a, unique_b - misread_b) >= settings.version_unique_words:
            edits.append("edited_both_sides")
    return edits


def _figures_changed(al: Alignment, settings: CopySettings, checks: dict[str, Any]) -> bool:
    """Whether the differing figures are at least `template_misread_ratio` per word misread
    inside the passages: changed, not OCR noise (an OCR'd reprint misreads figures like
    words). With `figures_misread`, a figure that lost digits is misread, not changed. The
    template rule and the version signals both ask; `checks` keeps the counts."""
    if "misread_words" not in checks:
        checks["misread_words"] = misread_words(al, settings)
        if settings.figures_misread:
            checks["misread_figures"] = misread_figures(al)
    misread = checks.get("misread_figures", 0)
    changed = al.numbers_conflict - misread
    return bool(changed >= settings.template_misread_ratio * (checks["misread_words"] + misread))


def _own_run(al: Alignment, side: str, lead: int) -> int:
    """The longest run of words of `side` outside every passage, after its first `lead` words:
    a reprint may retitle its source, not write body text of its own."""
    a = side == "a"
    words = len(al.a.tokens if a else al.b.tokens)
    longest, at = 0, lead
    for start, end in sorted((p.a0, p.a1) if a else (p.b0, p.b1) for p in al.token_passages):
        longest = max(longest, start - at)
        at = max(at, end)
    return max(longest, words - at)


def _direction(
    al: Alignment,
    relation: Relation | None,
    settings: CopySettings,
    notes_a: tuple[str, ...],
    notes_b: tuple[str, ...],
    unique_a: int,
    unique_b: int,
) -> tuple[str | None, dict[str, Any]]:
    if relation is None:
        return None, {"rule": "none", "why": "no relation"}
    art_a, art_b = al.a.article, al.b.article
    side, why = earlier_by_time(art_a, art_b)
    if side:
        return side, {"rule": "published", "why": why}
    tried = [why] if why else ["publication time missing on at least one side"]
    if bool(notes_a) != bool(notes_b):
        later, note = ("a", notes_a[0]) if notes_a else ("b", notes_b[0])
        return ("b" if later == "a" else "a"), {
            "rule": "version_note",
            "why": f"{later} carries a version note: {note[:120]!r}",
        }
    tried.append("no version note on exactly one side")
    for source, copier, art_s, art_c in (("a", "b", art_a, art_b), ("b", "a", art_b, art_a)):
        if art_s.outlet:
            outlet = art_s.outlet.casefold()
            for credit in wire_credits(art_c):
                if outlet in credit.casefold() or credit.casefold() in outlet:
                    return source, {
                        "rule": "wire_credit",
                        "why": f"{copier} credits {credit!r}, the outlet of {source}",
                    }
    tried.append("no wire credit naming the other's outlet")
    if relation in ("near_duplicate", "version"):
        na, nb = len(al.a.tokens), len(al.b.tokens)
        small, large = ("a", "b") if na <= nb else ("b", "a")
        unique_small, unique_large = (unique_a, unique_b) if small == "a" else (unique_b, unique_a)
        contains = (
            unique_small < settings.version_unique_words
            and unique_large >= 1
            and unique_large >= settings.containment_additions * max(min(na, nb), 1)
        )
        trim = contains and relation == "near_duplicate"
        own = _own_run(al, small, settings.lead_slack_words) if trim else 0
        if trim and own <= settings.max_gap_words:
            return large, {
                "rule": "fuller_source",
                "why": f"{large} contains {small} plus {unique_large} more words:"
                " reprints trim their source",
            }
        if trim:
            tried.append(
                f"{large} contains {small} plus {unique_large} more words, but {small} has"
                f" {own} words in a row of its own after its lead: not a trimmed copy"
            )
        elif contains:
            tried.append(
                f"{large} contains {small} plus {unique_large} more words, but for a version"
                " that fits an update that added as well as a refile that cut"
            )
        else:
            tried.append("neither text contains the other plus additions")
    return None, {"rule": "unknown", "why": "; ".join(tried)}
