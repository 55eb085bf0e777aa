"""Same-story grouping then related stories, as the build runs them, on real articles."""

from __future__ import annotations

import dataclasses
import functools
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from ant_rows import article_from_row
from related_fixtures import CASES, FIXTURES, case_articles

from generator import textindex
from generator.config import RelatedConfig, SameStoryConfig
from generator.dedupe import group_same_stories
from generator.model import Tag
from generator.related import find_related, shared

CASE_FILES = sorted((Path(__file__).parent / "cases").glob("related_*.yaml"))


def enrich(articles, related=None, same_story=None, **options):
    grouped, stories = group_same_stories(articles, same_story or SameStoryConfig(), **options)
    return find_related(grouped, related or RelatedConfig(), **options), stories


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_case(case):
    config = RelatedConfig(**case.get("config", {}))
    articles, stories = enrich(case_articles(case), related=config)
    by_id = {article.id: article for article in articles}
    if "kept" in case:
        assert sorted(by_id) == sorted(case["kept"])
    if "stories" in case:
        assert [[s.headline, *s.also_reported_by] for s in stories] == case["stories"]
    for article_id, expected in case.get("related", {}).items():
        assert list(by_id[article_id].related) == expected


def site_cases():
    """Cases of ``related_*.yaml``, each with the ANT rows of its file."""
    for path in CASE_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rows = {row["id"]: row for row in data["rows"]}
        for case in data["cases"]:
            yield pytest.param(rows, case, id=f"{path.stem}: {case['name']}")


@pytest.mark.parametrize(("rows", "case"), list(site_cases()))
def test_site_case(rows, case):
    """A row's category is its one tag, as a feed's category would be given, unless the
    case gives its tags; ``hours_later`` moves articles in time."""
    articles = [article_from_row(rows[article_id]) for article_id in case["articles"]]
    tags, hours = case.get("tags", {}), case.get("hours_later", {})
    tagged = [
        dataclasses.replace(
            a,
            tags=tuple(Tag(t, t, t) for t in tags.get(a.id, a.given_tags)),
            published=a.published + timedelta(hours=hours.get(a.id, 0)),
        )
        for a in articles
    ]
    linked, _ = enrich(tagged, related=RelatedConfig(**case.get("config", {})))
    by_id = {article.id: article for article in linked}
    for article_id, expected in case["related"].items():
        assert list(by_id[article_id].related) == expected


def test_same_story_ids_name_the_other_versions():
    one, other = FIXTURES["SK-sport-594-20180406"], FIXTURES["AL-sport-1141-20180406"]
    articles, _ = enrich([one, other])
    assert {a.id: a.same_story for a in articles} == {one.id: (other.id,), other.id: (one.id,)}


def test_every_article_is_in_exactly_one_story():
    articles, stories = enrich(list(FIXTURES.values()))
    members = [i for story in stories for i in (story.headline, *story.also_reported_by)]
    assert sorted(members) == sorted(a.id for a in articles)


def test_no_self_links_and_count_respected():
    articles, _ = enrich(list(FIXTURES.values()), related=RelatedConfig(count=1, min_score=0))
    for article in articles:
        assert article.id not in article.related
        assert len(article.related) <= 1


def test_min_score_drops_weak_links():
    articles = list(FIXTURES.values())
    loose, _ = enrich(articles, related=RelatedConfig(min_score=0.0))
    strict, _ = enrich(articles, related=RelatedConfig(min_score=0.9))
    assert sum(map(len, (a.related for a in loose))) > 0
    assert all(not a.related for a in strict)


def test_time_apart_lowers_the_score():
    near, far = FIXTURES["SK-internationalNews-702-20180331"], FIXTURES["AL-economy-445-20180416"]
    story = FIXTURES["BB-internationalNews-150-20180314"]
    later = dataclasses.replace(near, id="much-later", slug="much-later",
                                published=near.published.replace(year=2020))  # fmt: skip
    config = RelatedConfig(count=1, min_score=0.0, weight_time=1.0, time_scale_days=1)
    close, _ = enrich([story, near, far], related=config)
    distant, _ = enrich([story, later, far], related=config)
    assert close[0].related == (near.id,)
    assert distant[0].related == (later.id,)  # still the best, only lower: no cut-off
    scored = enrich([story, later], related=dataclasses.replace(config, min_score=0.05))[0]
    assert scored[0].related == ()


def test_stories_days_apart_need_one_more_shared_word():
    """Three shared telling words link two stories a day apart, not 17 days apart: a
    thread is mostly told within days, a name or a subject recurs for months."""
    story, other = (
        FIXTURES["BB-internationalNews-150-20180314"],
        FIXTURES["SK-internationalNews-702-20180331"],
    )
    copy = dataclasses.replace(
        other, id="copy", slug="copy", source="another site",
        published=other.published + timedelta(hours=60),
    )  # fmt: skip
    config = RelatedConfig(min_score=0.0)
    site = [story, other, copy]
    assert len(shared(site, config, story.id, [other.id])[other.id].words) == 3
    apart, _ = enrich(site, related=config)
    assert apart[0].related == ()
    day_before = dataclasses.replace(story, published=other.published - timedelta(days=1))
    close, _ = enrich([day_before, other, copy], related=config)
    assert close[0].related == (other.id,)


def test_same_input_same_links_in_any_order():
    articles = list(FIXTURES.values())
    first, stories = enrich(articles)
    again, stories_again = enrich(articles[::-1])
    assert stories == stories_again
    assert {a.id: a.related for a in first} == {a.id: a.related for a in again}


def test_cache_reused_and_refreshed(tmp_path):
    articles = list(FIXTURES.values())
    plain, _ = enrich(articles)
    cached, _ = enrich(articles, cache_dir=tmp_path)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert [name.split("-")[0] for name in files] == ["related", "same"]
    bytes_before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    again, _ = enrich(articles, cache_dir=tmp_path)
    assert plain == cached == again
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == bytes_before
    enrich(articles, related=RelatedConfig(count=1), cache_dir=tmp_path)
    assert len(list(tmp_path.glob("related-*.json"))) == 1  # replaced, not piled up
    assert sorted(p.name for p in tmp_path.glob("related-*.json")) != files[:1]


def test_a_shared_corpus_gives_the_same_result():
    articles = list(FIXTURES.values())
    corpus = textindex.encode(articles[::-1])
    assert enrich(articles, corpus=corpus) == enrich(articles)


def test_a_cached_result_needs_no_tokenizing(tmp_path):
    articles = list(FIXTURES.values())
    calls = []

    def corpus():
        calls.append(1)
        return textindex.encode(articles)

    first = enrich(articles, cache_dir=tmp_path, corpus=functools.cache(corpus))
    again = enrich(articles, cache_dir=tmp_path, corpus=functools.cache(corpus))
    assert first == again
    assert len(calls) == 1  # once for both stages, then not at all
