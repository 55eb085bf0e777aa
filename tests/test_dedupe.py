"""Same-story grouping: other sources' copies join, reposts merge, the rest stays apart."""

from __future__ import annotations

import dataclasses
import html
from datetime import timedelta

import pytest
from related_fixtures import FIXTURES

from generator import textindex
from generator.config import SameStoryConfig
from generator.dedupe import group_same_stories, similar_pairs

ORIGINAL = FIXTURES["BB-internationalNews-150-20180314"]


def copy(article, **changes):
    """Another outlet's copy of an article, two hours later."""
    changes.setdefault("id", "copy")
    return dataclasses.replace(
        article,
        slug=changes["id"],
        source=changes.pop("source", "wire"),
        published=article.published + timedelta(hours=2),
        **changes,
    )


def body_words(article, start, end):
    words = textindex.article_text(article).split()
    return f"<p>{html.escape(' '.join(words[start:end]))}</p>"


def stories_of(articles, **config):
    _, stories = group_same_stories(articles, SameStoryConfig(**config))
    return [[story.headline, *story.also_reported_by] for story in stories]


@pytest.mark.parametrize(
    "changes",
    [
        {"body_html": body_words(ORIGINAL, 0, 120)},  # cut short
        {"title": "عنوان آخر تماما عن الخبر"},  # a new headline
        {"body_html": body_words(ORIGINAL, 0, 60) + "<p>فقرة أضافها المحرر.</p>"},
    ],
    ids=["truncated", "retitled", "edited"],
)
def test_edited_copies_join_the_original(changes):
    assert stories_of([copy(ORIGINAL, **changes), ORIGINAL]) == [[ORIGINAL.id, "copy"]]


def test_a_copy_without_the_lead_is_another_story():
    late_paragraphs = copy(ORIGINAL, body_html=body_words(ORIGINAL, 200, 400), title="تحليل")
    assert stories_of([ORIGINAL, late_paragraphs]) == [[ORIGINAL.id], ["copy"]]


def test_threshold_and_window_are_honoured():
    one, other = (
        FIXTURES["SK-internationalNews-702-20180331"],
        FIXTURES["AL-internationalNews-716-20180331"],
    )
    ((_, _, similarity),) = similar_pairs([other, one], SameStoryConfig())
    assert 0.15 < similarity < 1
    assert stories_of([one, other], threshold=similarity) == [[one.id, other.id]]
    assert stories_of([one, other], threshold=similarity + 0.01) == [[one.id], [other.id]]
    assert stories_of([one, other], window_hours=0) == [[one.id], [other.id]]  # 16 min apart


def test_reposts_keep_the_earliest_then_the_smallest_id():
    same_time = copy(ORIGINAL, id="a-first-by-id", source=ORIGINAL.source)
    later = dataclasses.replace(
        same_time, id="0-later", published=same_time.published + timedelta(1)
    )
    kept, stories = group_same_stories([later, same_time, ORIGINAL], SameStoryConfig())
    assert [a.id for a in kept] == [ORIGINAL.id]
    kept, _ = group_same_stories([later, same_time], SameStoryConfig())
    assert [a.id for a in kept] == ["a-first-by-id"]
    assert [s.headline for s in stories] == [ORIGINAL.id]


def test_a_repost_with_other_words_is_kept():
    changed = copy(ORIGINAL, source=ORIGINAL.source, title=ORIGINAL.title + " (محدث)")
    kept, stories = group_same_stories([ORIGINAL, changed], SameStoryConfig())
    assert [a.id for a in kept] == [ORIGINAL.id, "copy"]
    assert len(stories) == 2


def test_stories_ordered_by_headline_date_then_id():
    articles = list(FIXTURES.values())
    _, stories = group_same_stories(articles, SameStoryConfig())
    by_id = {a.id: a for a in articles}
    keys = [(by_id[s.headline].published, s.headline) for s in stories]
    assert keys == sorted(keys)
    assert all(
        by_id[s.headline].published <= by_id[other].published
        for s in stories
        for other in s.also_reported_by
    )


def test_empty_input():
    assert group_same_stories([], SameStoryConfig()) == ((), ())
