from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from generator.digests import (
    category_sections,
    group_into_digests,
    lay_out,
    rank_stories,
    section_of,
    story_anchor,
)
from generator.leads import first_sentence, lead_sentence
from generator.model import Article, Story


def _article(article_id: str, moment: datetime) -> Article:
    return Article(
        id=article_id, slug=article_id, title=article_id, published=moment, source="s", origin="o"
    )


def test_stories_fall_on_their_local_day_newest_first() -> None:
    articles = {
        a.id: a
        for a in (
            _article("late", datetime(2023, 9, 13, 22, 0, tzinfo=UTC)),  # 14th in Riyadh
            _article("morning", datetime(2023, 9, 13, 6, 0, tzinfo=UTC)),
            _article("noon", datetime(2023, 9, 13, 9, 0, tzinfo=UTC)),
            _article("tie", datetime(2023, 9, 13, 9, 0, tzinfo=UTC)),
        )
    }
    stories = [Story(i) for i in ("morning", "tie", "late", "noon")]
    digests = group_into_digests(stories, articles, ZoneInfo("Asia/Riyadh"))
    assert [d.date for d in digests] == [date(2023, 9, 14), date(2023, 9, 13)]
    assert [s.headline for s in digests[1].stories] == ["noon", "tie", "morning"]
    utc = group_into_digests(stories, articles, ZoneInfo("UTC"))
    assert [d.date for d in utc] == [date(2023, 9, 13)]


def _from(article_id: str, moment: datetime, source: str) -> Article:
    return Article(
        id=article_id,
        slug=article_id,
        title=article_id,
        published=moment,
        source=source,
        origin="o",
    )


def test_stories_reported_by_more_sources_come_first_then_the_newest() -> None:
    at = [datetime(2023, 9, 13, hour, 0, tzinfo=UTC) for hour in range(8)]
    articles = {
        a.id: a
        for a in (
            _from("newest-alone", at[7], "a"),
            _from("early-three", at[1], "a"),
            _from("early-three-b", at[2], "b"),
            _from("early-three-c", at[3], "c"),
            _from("late-two", at[5], "a"),
            _from("late-two-b", at[6], "b"),
            _from("earlier-two", at[0], "a"),
            _from("earlier-two-b", at[4], "b"),
            _from("one-source-twice", at[6], "c"),
            _from("one-source-twice-c", at[7], "c"),
        )
    }
    stories = [
        Story("newest-alone"),
        Story("earlier-two", ("earlier-two-b",)),
        Story("one-source-twice", ("one-source-twice-c",)),
        Story("early-three", ("early-three-b", "early-three-c")),
        Story("late-two", ("late-two-b",)),
    ]
    (digest,) = group_into_digests(stories, articles, ZoneInfo("UTC"))
    assert [s.headline for s in digest.stories] == [
        "early-three",
        "late-two",
        "earlier-two",
        "newest-alone",
        "one-source-twice",  # two versions, but one source: ranked as one source
    ]


def _story_article(
    article_id: str, hour: int, source: str = "s", tags: tuple[str, ...] = (), **fields
) -> Article:
    return Article(
        id=article_id,
        slug=f"slug-{article_id}",
        title=f"title {article_id}",
        published=datetime(2023, 9, 13, hour, 0, tzinfo=UTC),
        source=source,
        origin="o",
        given_tags=tags,
        **fields,
    )


def test_rank_stories_is_the_order_of_a_digest() -> None:
    articles = {
        a.id: a
        for a in (
            _story_article("old-two", 1, "a"),
            _story_article("old-two-b", 2, "b"),
            _story_article("new-one", 9, "a"),
            _story_article("mid-one", 5, "b"),
        )
    }
    stories = [Story("mid-one"), Story("new-one"), Story("old-two", ("old-two-b",))]
    ranked = rank_stories(stories, articles)
    assert [s.headline for s in ranked] == ["old-two", "new-one", "mid-one"]
    assert rank_stories(reversed(stories), articles) == ranked


def test_a_story_is_anchored_to_its_first_version_whatever_its_headline() -> None:
    articles = {
        a.id: a
        for a in (
            _story_article("b", 3, "x"),
            _story_article("a", 3, "y"),  # as early as b, smaller id
            _story_article("c", 1, "z"),
        )
    }
    assert story_anchor(Story("b"), articles) == "story-slug-b"
    assert story_anchor(Story("b", ("a",)), articles) == "story-slug-a"
    assert story_anchor(Story("a", ("b",)), articles) == "story-slug-a"
    assert story_anchor(Story("b", ("a", "c")), articles) == "story-slug-c"


SECTIONS = {"سياسة": ("العالم", "الشرق الأوسط"), "اقتصاد": ("اقتصاد", "أعمال", "Business")}


def test_a_story_goes_to_the_section_of_its_first_named_category() -> None:
    articles = {
        a.id: a
        for a in (
            _story_article("plain", 1, tags=("عاجل", "اقتصاد", "العالم")),
            _story_article("spelled", 1, tags=("الشرق الاوسط",)),  # ا for أ
            _story_article("english", 1, tags=("business",)),
            _story_article("unknown", 1, tags=("رياضة",)),
            _story_article("untagged", 1),
            _story_article("version", 2, "other", tags=("أعمال",)),
        )
    }
    by_category = category_sections(SECTIONS)
    assert section_of(Story("plain"), articles, by_category) == "اقتصاد"
    assert section_of(Story("spelled"), articles, by_category) == "سياسة"
    assert section_of(Story("english"), articles, by_category) == "اقتصاد"
    assert section_of(Story("unknown"), articles, by_category) is None
    assert section_of(Story("untagged", ("version",)), articles, by_category) == "اقتصاد"
    assert section_of(Story("spelled", ("version",)), articles, by_category) == "سياسة"


def test_a_category_named_by_two_sections_belongs_to_the_first() -> None:
    both = {"أولى": ("عام",), "ثانية": ("عام", "خاص")}
    assert category_sections(both) == {"عام": "أولى", "خاص": "ثانية"}


def test_a_day_opens_with_its_top_stories_then_each_other_story_once_in_its_section() -> None:
    tags = {
        "s0": ("العالم",),
        "s1": ("اقتصاد",),
        "s2": (),
        "s3": ("العالم",),
        "s4": ("اقتصاد",),
        "s5": ("اقتصاد",),
        "s6": ("رياضة",),
        "s7": ("العالم",),
        "s8": (),
    }
    articles = {
        f"s{n}": _story_article(f"s{n}", 20 - n, tags=tags[f"s{n}"], summary=f"جملة رقم {n} هنا.")
        for n in range(9)
    }
    articles["s8-b"] = _story_article("s8-b", 1, "other")
    stories = [Story(f"s{n}") for n in range(8)] + [Story("s8", ("s8-b",))]
    (digest,) = group_into_digests(stories, articles, ZoneInfo("UTC"))
    edition = lay_out(digest, articles, SECTIONS, "منوعات")
    assert [e.story.headline for e in edition.top] == ["s8", "s0", "s1", "s2", "s3"]
    assert [(s.name, [e.story.headline for e in s.entries]) for s in edition.sections] == [
        ("سياسة", ["s7"]),
        ("اقتصاد", ["s4", "s5"]),
        ("منوعات", ["s6"]),
    ]
    shown = [*edition.top, *(e for s in edition.sections for e in s.entries)]
    assert sorted(e.story.headline for e in shown) == sorted(s.headline for s in stories)
    assert edition.top[1].lead == "جملة رقم 0 هنا."
    assert edition.top[0].anchor == "story-slug-s8-b"  # its first version, of another source
    assert lay_out(digest, dict(reversed(articles.items())), SECTIONS, "منوعات") == edition


def test_a_section_named_like_the_others_is_one_section() -> None:
    articles = {f"s{n}": _story_article(f"s{n}", n, tags=("عاجل",)) for n in range(7)}
    (digest,) = group_into_digests([Story(i) for i in articles], articles, ZoneInfo("UTC"))
    edition = lay_out(digest, articles, {"منوعات": ("عاجل",)}, "منوعات")
    assert [(s.name, len(s.entries)) for s in edition.sections] == [("منوعات", 2)]


@pytest.mark.parametrize(
    ("body_html", "summary", "lead"),
    [
        ("<p>أول جملة في الخبر هنا. ثم جملة ثانية.</p>", "", "أول جملة في الخبر هنا."),
        ("<h2>عنوان فرعي</h2><p>النص. بعده</p>", "", "عنوان فرعي"),  # a paragraph ends it
        (
            "<p>قال د. محمد علي إن الأسعار سترتفع؟ نعم.</p>",
            "",
            "قال د. محمد علي إن الأسعار سترتفع؟",
        ),
        ("<p>قالت الوكالة «هذا خبر مهم جدا.» ثم</p>", "", "قالت الوكالة «هذا خبر مهم جدا.»"),
        ("<p>نمو بنسبة 3.5 في المئة هذا العام. وبعد</p>", "", "نمو بنسبة 3.5 في المئة هذا العام."),
        ("", "ملخص من الخلاصة دون نهاية…", "ملخص من الخلاصة دون نهاية…"),
        (
            "<p></p><p>a &lt; b &amp; c is the first one. Next</p>",
            "",
            "a < b & c is the first one.",
        ),
        ("<p>title x</p>", "", ""),  # only the headline again
        ("", "", ""),
        ("<p>" + "كلمة " * 50 + "</p>", "", "كلمة " * 39 + "كلمة …"),
    ],
)
def test_a_lead_is_the_first_sentence_of_the_first_paragraph(
    body_html: str, summary: str, lead: str
) -> None:
    article = _story_article("x", 1, body_html=body_html, summary=summary)
    assert lead_sentence(article) == lead


def test_a_first_sentence_needs_a_few_words_before_its_end() -> None:
    assert (
        first_sentence("أ. ف. ب. تقول إن الاجتماع انتهى. ثم") == "أ. ف. ب. تقول إن الاجتماع انتهى."
    )
