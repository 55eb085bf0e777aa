"""The scoring of the quality bench (bench/quality.py) on small hand-made labels: what
it counts as labelled, unjudged, a fragment, a tagged subject, a grouped pair."""

import dataclasses
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from label_pages_sample import extracted_pages
from quality import (
    fragments,
    is_run,
    one_case,
    score_pages,
    score_pairs,
    score_related,
    score_subjects,
    score_tags,
    share,
    shown_pages,
)

from generator.model import Article, Tag


def tag(label: str, key: str) -> Tag:
    return Tag(key=key, label=label, slug=key)


def test_a_run_of_words_is_found_only_whole_and_in_order():
    assert is_run("دونالد", "دونالد ترامب")
    assert is_run("كوريا شماليه", "كوريا شماليه")
    assert not is_run("ترامب دونالد", "دونالد ترامب")
    assert not is_run("دون", "دونالد ترامب")
    assert not is_run("", "دونالد ترامب")


def test_a_plural_in_either_case_is_one_word():
    assert one_case("حوثيون") == one_case("حوثيين") == "حوثيين"
    assert one_case("عبد ملك حوثي") == "عبد ملك حوثي"
    assert one_case("لبنان") == "لبنان"
    assert one_case("كون") == "كون"  # too short to be a plural


def test_a_fragment_is_a_shorter_tag_inside_a_longer_one_of_the_same_article():
    whole, piece, other = (
        tag("دونالد ترامب", "دونالد ترامب"),
        tag("ترامب", "ترامب"),
        tag("الصين", "صين"),
    )
    assert fragments([whole, piece, other]) == [piece]
    assert fragments([piece, other]) == []


def test_tags_are_matched_to_labels_by_their_shown_spelling():
    labels = [
        {"id": "a", "tag": "القاهرة", "label": "good"},
        {"id": "a", "tag": "بالقاهرة", "label": "cut"},
        {"id": "a", "tag": "اليوم", "label": "generic"},
        {"id": "b", "tag": "الرئيس", "label": "cut"},
    ]
    now = {
        "a": [tag("القاهرَة", "قاهره"), tag("بالقاهرة", "بالقاهره"), tag("مصر", "مصر")],
        "b": [tag("الرئيس", "رئيس")],
    }
    score = score_tags(labels, now, now)
    assert score.articles == 2
    assert score.extracted == 4
    assert score.labelled == {"good": 1, "cut": 2}
    assert score.unlabelled == (("a", "مصر"),)
    assert score.dropped == {"generic": 1}
    assert (score.fragments, score.fragments_cut) == (0, 0)


def test_a_headline_subject_is_tagged_by_its_key_or_in_part_by_a_run_of_it():
    rows = [
        {"id": "a", "subjects": ["دونالد ترامب", "الصين"]},
        {"id": "b", "subjects": ["مصر"]},
        {"id": "c", "subjects": []},
    ]
    key_of = {"دونالد ترامب": "دونالد ترامب", "الصين": "صين", "مصر": "مصر"}
    tags_of = {"a": [tag("ترامب", "ترامب"), tag("الصين", "صين")], "b": [tag("مصر", "مصر")]}
    score = score_subjects(rows, tags_of, key_of)
    assert (score.articles, score.covered, score.covered_in_part) == (2, 1, 2)
    assert (score.subjects, score.tagged, score.tagged_in_part) == (3, 2, 3)


def test_a_subject_is_tagged_by_the_label_readers_see_whatever_the_key():
    rows = [{"id": "a", "subjects": ["عمر الرزاز"]}, {"id": "b", "subjects": ["عمر الرزاز"]}]
    key_of = {"عمر الرزاز": "عمر رزاز"}
    tags_of = {"a": [tag("عمر الرزاز", "رزاز")], "b": [tag("الرزاز", "رزاز")]}
    score = score_subjects(rows, tags_of, key_of)
    assert (score.covered, score.covered_in_part) == (1, 2)


def test_only_the_first_links_are_judged_and_the_first_one_is_followed():
    labels = [
        {"article": "a", "candidate": "x", "label": "unrelated"},
        {"article": "a", "candidate": "y", "label": "related"},
        {"article": "b", "candidate": "x", "label": "weak"},
        {"article": "c", "candidate": "x", "label": "related"},
    ]
    links = {"a": ["x", "y", "z", "y2", "y3"], "b": ["w", "x"], "c": []}
    score = score_related(labels, links)
    assert score.articles == 3
    assert score.links == 5
    assert score.labelled == {"unrelated": 1, "related": 1, "weak": 1}
    assert score.unlabelled == (("a", "z"), ("b", "w"))
    assert score.without_links == 1
    assert (score.first_labelled, score.first_unrelated) == (1, 1)


def test_pairs_count_grouped_and_true_apart():
    rows = [
        {"a": "1", "b": "2", "same_event": True},
        {"a": "3", "b": "4", "same_event": True},
        {"a": "5", "b": "6", "same_event": False},
        {"a": "7", "b": "8", "same_event": False},
    ]
    together = {("1", "2"), ("5", "6")}
    score = score_pairs(rows, lambda a, b: (a, b) in together)
    assert (score.pairs, score.true, score.grouped, score.grouped_true) == (4, 2, 2, 1)


def test_a_share_shows_its_count_and_survives_an_empty_total():
    assert share(31, 50) == "62% (31/50)"
    assert share(0, 0) == "– (0/0)"


def test_pages_of_given_tags_are_left_out_and_each_page_lists_its_articles():
    section, named = tag("رياضة", "رياضه"), tag("ريال مدريد", "ريال مدريد")
    articles = tuple(
        dataclasses.replace(
            _article(f"a{n}"),
            given_tags=("رياضة",),
            tags=(section, named) if n < 2 else (section,),
        )
        for n in range(3)
    )
    held = extracted_pages(articles, (named, section))
    assert {key: [a.id for a in found] for key, found in held.items()} == {
        "ريال مدريد": ["a0", "a1"]
    }


def _article(article_id: str) -> Article:
    return Article(
        id=article_id,
        slug=article_id,
        title="",
        published=datetime(2018, 7, 1, tzinfo=UTC),
        source="test",
        origin="test",
    )


def test_a_page_whose_articles_a_site_merges_away_is_none():
    """A repost merged away leaves a page of one text with one article: no page; a page
    keeps its other articles, counted."""
    held = {"فوكودا": ["a0", "a1"], "اليابان": ["a0", "a1", "a2"], "طوكيو": ["a2", "a3"]}
    held = {key: [_article(i) for i in ids] for key, ids in held.items()}
    assert shown_pages(held, {"a0", "a2", "a3"}, 2) == {"اليابان": 2, "طوكيو": 2}
    assert shown_pages(held, {"a0", "a2", "a3"}, 3) == {}


def test_labelled_pages_are_counted_apart_when_no_longer_made():
    rows = [
        {"key": "ريال مدريد", "label": "good"},
        {"key": "طبول حرب", "label": "generic"},
        {"key": "سي نيوز", "label": "cut"},
    ]
    score = score_pages(rows, {"ريال مدريد": 40, "سي نيوز": 2, "مصر": 300})
    assert score.made == {"good": 1, "cut": 1}
    assert score.gone == {"generic": 1}
