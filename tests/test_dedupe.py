"""Same-story grouping: other sources' copies join, reposts merge, the rest stays apart."""

from __future__ import annotations

import dataclasses
import html
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from ant_rows import article_from_row
from conftest import TESTS, build_site
from related_fixtures import FIXTURES

from generator import textindex
from generator.build import compute_site
from generator.config import SameStoryConfig, load_config
from generator.dedupe import group_same_stories, similar_pairs
from generator.model import Article

ORIGINAL = FIXTURES["BB-internationalNews-150-20180314"]
CASE_FILES = [
    yaml.safe_load((TESTS / "cases" / name).read_text(encoding="utf-8"))
    for name in ("same_story.yaml", "same_story_near_misses.yaml")
]
EXCERPTS = {
    article_id: article_from_row({"id": article_id, "category": "", "abstract": "", **row})
    for cases in CASE_FILES
    for article_id, row in cases["articles"].items()
}


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
        {},  # word for word
        {"body_html": body_words(ORIGINAL, 0, 120)},  # cut short
        {"title": "عنوان آخر تماما عن الخبر"},  # a new headline
        {"body_html": body_words(ORIGINAL, 0, 60) + "<p>فقرة أضافها المحرر.</p>"},
        {"body_html": body_words(ORIGINAL, 0, 30) + body_words(ORIGINAL, 40, 100)},  # a cut
    ],
    ids=["verbatim", "truncated", "retitled", "edited", "sentence-dropped"],
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
    assert SameStoryConfig().threshold < similarity < 1
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


@pytest.mark.parametrize(
    "case", [case for cases in CASE_FILES for case in cases["cases"]], ids=lambda case: case["name"]
)
def test_case(case):
    stories = stories_of([EXCERPTS[article_id] for article_id in case["articles"]])
    if "stories" in case:
        assert stories == case["stories"]
    for one, other in case.get("apart", ()):
        assert not any(one in story and other in story for story in stories)


CABLE = (
    "بعث خادم الحرمين الشريفين الملك سلمان بن عبدالعزيز آل سعود"
    " برقية تهنئة لرئيس {} بمناسبة ذكرى استقلال بلاده"
)


def cables(count: int) -> list[Article]:
    """Cables of one template, each to its own addressee, from two agencies in one day."""
    start = datetime(2018, 7, 1, tzinfo=UTC)
    return [
        Article(
            id=f"cable-{number}",
            slug=f"cable-{number}",
            title=CABLE.format(f"البلد{number}"),
            body_html=f"<p>{CABLE.format(f'البلد{number}')} وتمنى لشعب البلد{number} التقدم.</p>",
            published=start + timedelta(minutes=number),
            source=f"agency-{number % 2}",
            origin="https://agency.example/rss",
        )
        for number in range(count)
    ]


def test_a_phrase_that_recurs_in_many_articles_weighs_nothing():
    """The template makes nearly every word of these cables; it tells none apart."""
    assert stories_of(cables(200)) == [[f"cable-{number}"] for number in range(200)]


def test_versions_of_one_story_still_join_among_many_with_a_recurring_phrase():
    one, other = (
        FIXTURES["SK-internationalNews-702-20180331"],
        FIXTURES["AL-internationalNews-716-20180331"],
    )
    prefixed = [dataclasses.replace(a, title=f"{CABLE.format('')} {a.title}") for a in (one, other)]
    stories = stories_of([*cables(200), *prefixed])
    assert [one.id, other.id] in stories
    assert len(stories) == 201


def test_the_example_site_lists_each_story_both_outlets_told_once(tmp_path: Path):
    """The repository's own example site: BBC and France 24 items of the same days."""
    root = TESTS.parent
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(root / "config.yaml", site)
    for folder in ("feeds", "content"):
        shutil.copytree(root / folder, site / folder)
    result = build_site(site)
    articles = result.site.articles
    listed = [
        [articles[i] for i in (story.headline, *story.also_reported_by)]
        for digest in result.site.digests
        for story in digest.stories
    ]

    def entries(*words: str) -> list[list[str]]:
        return [
            sorted(a.source for a in story)
            for story in listed
            if any(all(word in a.title for word in words) for a in story)
        ]

    for words in (("السويد", "سويسرا"), ("أول امرأة", "تونس"), ("نجيب",)):
        assert entries(*words) == [["بي بي سي عربي", "فرانس 24"]], words


def example_items(*titles: str) -> list[Article]:
    """Items of the repository's example feeds, by title, as the site reads them (with
    ``keep`` false nothing is written into the repository)."""
    data = compute_site(load_config(TESTS.parent), now=datetime.now(UTC), offline=True, keep=False)
    items = data.site.articles.values()
    return [next(a for a in items if a.title == title) for title in titles]


def test_a_figure_written_with_the_article_is_the_same_figure():
    """BBC and France 24 on the Thai cave rescue, in their own words: both give the 12
    boys, one as 12 and one as الـ12; taking the figure out of one lowers the similarity."""
    bbc, france24 = example_items(
        "لا خيارات سهلة لإنقاذ الأطفال العالقين في الكهف التايلاندي",
        "عملية إجلاء الفتيان العالقين في مغارة تايلاندية تستغرق شهورا",
    )
    assert "الـ12" in france24.body_html and "12 طفلا" in bbc.body_html
    low = SameStoryConfig(threshold=0.01)
    ((_, _, with_figure),) = similar_pairs([bbc, france24], low)
    without = dataclasses.replace(bbc, body_html=bbc.body_html.replace("12 طفلا", "طفلا"))
    ((_, _, without_figure),) = similar_pairs([without, france24], low)
    assert with_figure > without_figure
