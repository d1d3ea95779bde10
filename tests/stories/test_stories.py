"""Story clustering and storylines on small fictional fixtures."""

from __future__ import annotations

import gc
import json
import multiprocessing
import random

import pytest
from stories_fixtures import BACKGROUND, FIGHTS, QUAKES, REHAB, make

from storyline.article import Article
from storyline.stories import (
    SettingsError,
    StateError,
    StoryIndex,
    StorySettings,
    pair_score,
)
from storyline.stories.features import words
from storyline.workers import WINDOW


def groups(index: StoryIndex) -> set[frozenset[str]]:
    return {frozenset(s.article_ids) for s in index.stories()}


def story_of(index: StoryIndex, *ids: str) -> set[str | None]:
    return {index.story_of(i) for i in ids}


def test_two_earthquakes_in_one_month_are_two_stories(corpus: list[Article]) -> None:
    index = StoryIndex()
    index.add(corpus)
    assert len(story_of(index, "q1a", "q1b", "q1c")) == 1  # same event, different wording
    assert len(story_of(index, "q2a", "q2b")) == 1
    assert index.story_of("q1a") != index.story_of("q2a")


def test_two_celebrities_in_rehab_are_two_stories(corpus: list[Article]) -> None:
    index = StoryIndex()
    index.add(corpus)
    assert len(story_of(index, "r1a", "r1b")) == 1
    assert len(story_of(index, "r2a", "r2b")) == 1
    assert index.story_of("r1a") != index.story_of("r2a")


def test_hard_negatives_without_dates(corpus: list[Article]) -> None:
    from dataclasses import replace

    undated = [replace(a, published=None) for a in corpus]
    index = StoryIndex()
    index.add(undated)
    assert index.story_of("q1a") != index.story_of("q2a")
    assert index.story_of("r1a") != index.story_of("r2a")
    assert len(story_of(index, "q1a", "q1b", "q1c")) == 1


def test_different_main_participants_make_two_stories() -> None:
    index = StoryIndex()
    index.add(FIGHTS + BACKGROUND)
    assert len(story_of(index, "f1a", "f1b")) == 1
    assert len(story_of(index, "f2a", "f2b")) == 1
    assert index.story_of("f1a") != index.story_of("f2a")
    # the conflict of challengers is what keeps them apart: without it, one story
    blind = StoryIndex(StorySettings(conflict_weight=0.0))
    blind.add(FIGHTS + BACKGROUND)
    assert len(story_of(blind, *(a.id for a in FIGHTS))) == 1
    # each story keeps its participants across a save and restore
    restored = StoryIndex.from_dict(json.loads(json.dumps(index.to_dict())))
    for a, b in zip(index.clusters.stories, restored.clusters.stories, strict=True):
        assert a.mentions.keys.tolist() == b.mentions.keys.tolist()
        assert a.mentions.vals.tolist() == b.mentions.vals.tolist()


def test_background_articles_stay_apart(corpus: list[Article]) -> None:
    index = StoryIndex()
    index.add(corpus)
    found = story_of(index, *(a.id for a in BACKGROUND))
    assert len(found) == len(BACKGROUND)


def test_copy_family_counts_once(corpus: list[Article]) -> None:
    from dataclasses import replace

    copies = [replace(QUAKES[0], id=f"q1a-copy{k}") for k in range(5)]
    families = {c.id: "q1a" for c in copies} | {"q1a": "q1a"}
    index = StoryIndex()
    assignments = index.add(corpus + copies, families=families)
    sid = index.story_of("q1a")
    assert {index.story_of(c.id) for c in copies} == {sid}
    story = index.story(sid or "")
    assert story.families == 3  # q1a (with its five copies), q1b, q1c
    assert len(story.article_ids) == 8
    by_id = {a.article_id: a for a in assignments}
    assert all(by_id[c.id].evidence.family == "q1a" for c in copies)
    # the copies change neither the centroid nor the document frequencies
    plain = StoryIndex()
    plain.add(corpus)
    assert index.df.n_docs == plain.df.n_docs
    assert index.story(sid or "").label == plain.story(plain.story_of("q1a") or "").label


def test_incremental_ids_are_stable_and_agree_with_full_build(corpus: list[Article]) -> None:
    ordered = sorted(corpus, key=lambda a: (a.published or "", a.id))
    first, second = ordered[:9], ordered[9:]
    inc = StoryIndex()
    inc.add(first)
    before = {s.id: s.article_ids for s in inc.stories()}
    inc = StoryIndex.from_dict(json.loads(json.dumps(inc.to_dict())))
    new = inc.add(second)
    assert {a.article_id for a in new} == {a.id for a in second}
    after = {s.id: s.article_ids for s in inc.stories()}
    for sid, members in before.items():
        assert after[sid][: len(members)] == members
    full = StoryIndex()
    full.add(corpus)
    assert groups(full) == groups(inc)


def test_resume_equals_uninterrupted(corpus: list[Article]) -> None:
    ordered = sorted(corpus, key=lambda a: (a.published or "", a.id))
    a = StoryIndex()
    a.add(ordered[:7])
    b = StoryIndex.from_dict(json.loads(json.dumps(a.to_dict())))
    a.add(ordered[7:])
    b.add(ordered[7:])
    assert a.to_dict() == b.to_dict()


def test_readding_articles_is_a_no_op(corpus: list[Article]) -> None:
    index = StoryIndex()
    index.add(corpus)
    state = index.to_dict()
    assert index.add(corpus) == []
    assert index.to_dict() == state


def test_storyline_links_events_months_apart(corpus: list[Article]) -> None:
    index = StoryIndex()
    index.add(corpus)
    s1, s2 = index.story_of("t1a"), index.story_of("t2a")
    assert s1 != s2  # a summit in February and a letter in July: two stories
    line1 = index.story(s1 or "").storyline_id
    assert line1 is not None
    assert line1 == index.story(s2 or "").storyline_id
    quake = index.story(index.story_of("q1a") or "").storyline_id
    assert quake != line1
    lines = {sl.id: sl for sl in index.storylines()}
    assert set(lines[line1].story_ids) >= {s1, s2}
    assert "Orla Danvik" in lines[line1].label.names or "Haldor Brusk" in lines[line1].label.names


def test_deterministic_whatever_the_input_order(corpus: list[Article]) -> None:
    states = []
    for seed in (1, 2, 3):
        shuffled = list(corpus)
        random.Random(seed).shuffle(shuffled)
        index = StoryIndex()
        index.add(shuffled)
        states.append(json.dumps(index.to_dict(), sort_keys=True))
    assert states[0] == states[1] == states[2]


def test_labels_and_evidence(corpus: list[Article]) -> None:
    index = StoryIndex()
    assignments = index.add(corpus)
    story = index.story(index.story_of("q1a") or "")
    assert story.label.headline
    assert "Dellmoor" in story.label.names or "Ilse Marrow" in story.label.names
    assert story.label.first == "2031-03-04" and story.label.last == "2031-03-05"
    assert "2031-03-04" in story.label.text()
    joined = [a for a in assignments if not a.new_story]
    assert joined
    for a in joined:
        ev = a.evidence
        assert 0.0 < ev.score <= 1.0
        assert ev.text is not None and ev.time_factor > 0.0
        assert ev.shared_terms or ev.shared_names
    q1b = next(a for a in assignments if a.article_id == "q1b")
    assert "Ilse Marrow" in q1b.evidence.shared_names or "Dellmoor" in q1b.evidence.shared_names
    opened = [a for a in assignments if a.new_story]
    assert all(a.story_id.startswith("s") and len(a.story_id) == 7 for a in opened)
    assert json.dumps([a.to_dict() for a in assignments])


def test_ids_are_given_in_creation_order(corpus: list[Article]) -> None:
    index = StoryIndex()
    assignments = index.add(corpus)
    opened = [a.story_id for a in assignments if a.new_story]
    assert opened == [f"s{k:06d}" for k in range(1, len(opened) + 1)]
    assert index.storylines()[0].id == "l000001"


def test_pair_score_orders_same_event_above_same_kind(corpus: list[Article]) -> None:
    index = StoryIndex()
    index.add(corpus)
    same = pair_score(REHAB[0], REHAB[1], index)
    other = pair_score(REHAB[0], REHAB[2], index)
    unrelated = pair_score(REHAB[0], BACKGROUND[2], index)
    assert same > other > unrelated >= 0.0
    assert same <= 1.0
    assert pair_score(REHAB[0], REHAB[1]) > pair_score(REHAB[0], REHAB[2])


def test_time_decay_separates_identical_words_far_apart() -> None:
    a = make(
        "x1", "Fire destroys the Old Mill bakery in Hollin, firefighters said.", None, "2031-01-01"
    )
    b = make(
        "x2", "Fire destroys the Old Mill bakery in Hollin, firefighters said.", None, "2031-09-01"
    )
    index = StoryIndex()
    index.add([a, b, *BACKGROUND])
    assert index.story_of("x1") != index.story_of("x2")
    undated = StoryIndex()
    undated.add([make("y1", a.text), make("y2", b.text), *BACKGROUND])
    assert undated.story_of("y1") == undated.story_of("y2")


def test_articles_without_title_or_names() -> None:
    arts = [
        make("n1", "the river flooded the lower town after three days of rain"),
        make("n2", "rain for three days flooded the lower town by the river"),
        make("n3", ""),
        make("n4", "", title="stock market closes higher on tech rally"),
    ]
    index = StoryIndex()
    out = index.add(arts)
    assert len(out) == 4
    assert index.story_of("n1") == index.story_of("n2")
    assert index.story("s000001").label.headline.startswith("the river")


def test_an_untitled_article_compares_its_lead_as_its_heading() -> None:
    text = (
        "Flood waters cut the Hollin bridge on Sunday, stranding farmers east of the river; "
        "engineers will inspect its cracked pillars before traffic returns to the valley road."
    )
    index = StoryIndex()
    untitled = index.features(make("u1", text))
    assert len(untitled.title) == StorySettings().lead_title_words
    assert not untitled.titled  # a lead never becomes a story's headline
    assert index.features(make("u2", text, title="Hollin bridge closed")).titled
    assert len(StoryIndex(StorySettings(lead_title_words=0)).features(make("u3", text)).title) == 0


def test_settings_are_validated() -> None:
    with pytest.raises(SettingsError, match="threshold"):
        StorySettings(threshold=0.0)
    with pytest.raises(SettingsError, match="merge_threshold"):
        StorySettings(threshold=0.5, merge_threshold=0.4)
    with pytest.raises(SettingsError, match="unknown"):
        StorySettings.from_dict({"treshold": 0.3})
    s = StorySettings(threshold=0.4, merge_threshold=0.6)
    assert StorySettings.from_dict(s.to_dict()) == s


def test_state_format_is_checked() -> None:
    with pytest.raises(StateError, match="format"):
        StoryIndex.from_dict({"format": "something else"})


def test_merges_are_recorded() -> None:
    # two stories with nothing in common, then an article that bridges them: with merges on
    # (merge_threshold < 1), the younger story is folded into the older one, and that is recorded
    settings = StorySettings(threshold=0.35, merge_threshold=0.35)
    index = StoryIndex(settings)
    index.add(
        [
            make("m1", "harbor bridge closed repairs engineers", published="2031-05-01"),
            make("m2", "ferry crossing cancelled storm warning", published="2031-05-01"),
        ]
    )
    assert index.story_of("m1") != index.story_of("m2")
    index.add(
        [
            make(
                "m3",
                "harbor bridge closed repairs engineers ferry crossing cancelled storm warning",
                published="2031-05-02",
            )
        ]
    )
    events = index.events()
    assert len(events) == 1
    ev = events[0]
    assert ev.kind == "merge" and ev.kept == "s000001" and ev.absorbed == "s000002"
    assert ev.score >= 0.35
    gone = index.story(ev.absorbed)
    assert gone.merged_into == ev.kept and gone.article_ids == ()
    assert index.story_of("m2") == ev.kept == index.story_of("m3")
    assert [s.id for s in index.stories()] == ["s000001"]
    assert len(index.story("s000001").article_ids) == 3
    restored = StoryIndex.from_dict(json.loads(json.dumps(index.to_dict())))
    assert restored.events() == events


def test_short_texts_face_a_lower_threshold() -> None:
    index = StoryIndex()
    short = index.features(make("h1", "", title="ferry strike ends"))
    long = index.features(QUAKES[0])
    assert index.threshold_for(short) < index.threshold_for(long) == index.settings.threshold
    off = StoryIndex(StorySettings(short_text_terms=0))
    assert off.threshold_for(short) == off.settings.threshold


def test_chinese_reports_of_one_event_are_one_story() -> None:
    """Chinese runs its words together: its character bigrams are what two reports share."""
    arts = [
        make(
            "zh1",
            "港城市政府周二宣布，林德大桥将从下周一起封闭八周，以更换锈蚀的钢缆。"
            "市交通局局长王丽华说，施工期间每天约有三万辆汽车需要绕行，渡轮将增开航线。",
            title="林德大桥下周起封闭八周",
            published="2024-10-01",
        ),
        make(
            "zh2",
            "记者从港城交通局获悉，因钢缆锈蚀，林德大桥下周一开始封闭，工期约八周。"
            "局长王丽华表示，封桥期间车辆需要绕行，市政府会增开渡轮航线。",
            title="林德大桥将封闭八周更换钢缆",
            published="2024-10-02",
        ),
        make(
            "zh3",
            "老城区的海洋博物馆周末重新开放，新增的鲸类展厅吸引了大批市民。"
            "馆长陈志明说，展厅内的蓝鲸骨架长达二十五米，是从北部海岸运来的。",
            title="海洋博物馆重新开放",
            published="2024-10-02",
        ),
    ]
    index = StoryIndex()
    index.add(arts)
    assert index.story_of("zh1") == index.story_of("zh2") != index.story_of("zh3")


def test_chinese_terms_are_character_bigrams_and_lone_characters() -> None:
    assert words("林德大桥 米 中 トランプ・大統領") == [
        "林德", "德大", "大桥", "米", "中", "トラ", "ラン", "ンプ", "大統", "統領"
    ]  # fmt: skip
    assert words("ｶﾞｽ料金") == words("ガス料金") == ["ガス", "ス料", "料金"]  # half-width kana


def test_counting_in_workers_gives_the_same_stories(
    corpus: list[Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storyline.stories.index.COUNT_BATCH", 2)  # more batches than a window
    alone, helped = StoryIndex(), StoryIndex()
    assigned = [a.to_dict() for a in alone.add(corpus)]
    assert [a.to_dict() for a in helped.add(corpus, workers=2)] == assigned
    assert json.dumps(helped.to_dict()) == json.dumps(alone.to_dict())
    assert len(corpus) > 2 * WINDOW  # so a pool of workers started


def test_a_failed_add_leaves_no_workers_and_the_collector_as_it_was(
    corpus: list[Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: object) -> None:
        raise RuntimeError("encoder out of memory")

    monkeypatch.setattr("storyline.stories.index.COUNT_BATCH", 2)  # a pool starts
    monkeypatch.setattr(StoryIndex, "_add_chunk", failing)
    thresholds = gc.get_threshold()
    with pytest.raises(RuntimeError, match="out of memory") as failure:
        StoryIndex(StorySettings(chunk_size=2)).add(corpus, workers=2)  # fails mid-map
    # while the caller still holds the error (and so the frames it was raised through)
    assert multiprocessing.active_children() == []
    assert gc.get_threshold() == thresholds
    assert failure.value
