import dataclasses
import html
import json
import random
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from generator import tags as tags_module
from generator.articles import read_saved_articles
from generator.config import TagsConfig, load_config
from generator.keyphrases import Corpus, article_words
from generator.model import Article
from generator.normalize import clitic_readings, is_stop_word, tokenize
from generator.slugs import slugify
from generator.tags import assign_tags, given_tag_problems

HERE = Path(__file__).parent
CASES = yaml.safe_load((HERE / "cases" / "tags.yaml").read_text("utf-8"))
SHORT_FORMS = yaml.safe_load((HERE / "cases" / "tags_short_forms.yaml").read_text("utf-8"))
SPELLINGS = yaml.safe_load((HERE / "cases" / "tags_spellings.yaml").read_text("utf-8"))
PLACES = yaml.safe_load((HERE / "cases" / "tags_headline_places.yaml").read_text("utf-8"))
INSIDE = yaml.safe_load((HERE / "cases" / "tags_inside_one_phrase.yaml").read_text("utf-8"))
KINDS = yaml.safe_load((HERE / "cases" / "tags_kinds.yaml").read_text("utf-8"))
KOREA = ("AL-internationalNews-1838-20180708", "AL-internationalNews-1842-20180707")


def _config(settings: dict) -> TagsConfig:
    aliases = {name: tuple(synonyms) for name, synonyms in settings.get("aliases", {}).items()}
    return TagsConfig(
        aliases=aliases,
        ignore=tuple(settings.get("ignore", ())),
        **{k: v for k, v in settings.items() if k in {"max_per_article", "min_articles"}},
    )


def _article(number: int, *, title: str = "", body: str = "", tags=()) -> Article:
    return Article(
        id=f"a{number}",
        slug=f"a{number}",
        title=title,
        published=datetime(2018, 7, 1, tzinfo=UTC),
        source="test",
        origin="test",
        body_html=body,
        given_tags=tuple(tags),
    )


def _fixture_articles(**given: tuple[str, ...]) -> list[Article]:
    articles = []
    lines = (HERE / "fixtures" / "tags" / "articles.jsonl").read_text("utf-8").splitlines()
    for number, line in enumerate(lines):
        row = json.loads(line)
        body = "".join(f"<p>{html.escape(part)}</p>" for part in row["text"].split("\n"))
        article = _article(number, title=row["title"], body=body, tags=given.get(row["id"], ()))
        articles.append(Article(**{**_fields(article), "id": row["id"]}))
    return articles


def _fields(article: Article) -> dict:
    return {name: getattr(article, name) for name in article.__slots__}


def _labels(articles) -> dict[str, list[str]]:
    return {article.id: [tag.label for tag in article.tags] for article in articles}


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_given_tags(case):
    articles = [_article(n, tags=tags) for n, tags in enumerate(case["articles"])]
    tagged, site = assign_tags(articles, _config(case["config"]))
    assert [[tag.label for tag in article.tags] for article in tagged] == case["want"]
    assert [tag.label for tag in site] == case["site"]


@pytest.mark.parametrize("case", SHORT_FORMS, ids=[case["name"] for case in SHORT_FORMS])
def test_a_word_stands_for_a_whole_name_only_when_the_site_writes_it_as_a_name(case):
    articles = [_article(n, title=title) for n, title in enumerate(case["titles"])]
    corpus = Corpus.read(list(map(article_words, articles)), [False] * len(articles))
    word, whole = (" ".join(tokenize(name)) for name in (case["word"], case["whole"]))
    assert corpus.is_short_form(word, whole) is case["short_form"]


@pytest.mark.parametrize("case", PLACES, ids=[case["name"] for case in PLACES])
def test_a_place_the_headline_names_is_a_tag(case):
    articles = [
        dataclasses.replace(_article(n, title=title), lang=case.get("lang", ""))
        for n, title in enumerate(case["titles"])
    ]
    tagged, _ = assign_tags(articles, TagsConfig(ignore=tuple(case.get("ignore", ()))))
    keys = [tag.key for tag in tagged[0].tags]  # by key: a label is the site's spelling
    assert (tags_module.tag_key(case["tag"]) in keys) is case["tagged"]


def _first_article_tagged(case: dict) -> bool:
    """Whether the case's tag is one of its first article's, the site being its articles."""
    articles = [
        dataclasses.replace(
            _article(n, title=row["title"], body=f"<p>{row['body']}</p>"),
            lang=case.get("lang", ""),
        )
        for n, row in enumerate(case["articles"])
    ]
    tagged, _ = assign_tags(articles, TagsConfig(min_articles=1))
    return tags_module.tag_key(case["tag"]) in [tag.key for tag in tagged[0].tags]


@pytest.mark.parametrize("case", INSIDE, ids=[case["name"] for case in INSIDE])
def test_a_word_said_only_inside_one_phrase_is_a_piece_of_it(case):
    assert _first_article_tagged(case) is case["tagged"]


@pytest.mark.parametrize("case", KINDS, ids=[case["name"] for case in KINDS])
def test_a_kind_of_thing_several_countries_have_is_no_topic_alone(case):
    assert _first_article_tagged(case) is case["tagged"]


def test_a_headline_country_takes_only_the_room_left():
    """A country the headline names is added where there is room, and takes no other
    tag's place, even one the headline does not say (مينداناو): read on the whole corpus,
    the tags it would replace were often the telling ones (a president for his country).
    The first article at one tag at most, then at three."""
    texts = [
        (
            "الفلبين تستعيد بلدة من داعش جنوبي البلاد",
            "استعاد الجيش بلدة في جزيرة مينداناو "
            "بعد معارك في مينداناو. وقال قائد الجيش إن مينداناو آمنة الآن.",
        ),
        ("أمطار غزيرة في مينداناو", "هطلت أمطار غزيرة على مينداناو وغمرت المياه قرى في مينداناو."),
        (
            "دوتيرتي: الفلبين لن تتراجع",
            "قال دوتيرتي إن بلاده لن تتراجع. وأضاف دوتيرتي أن مينداناو آمنة.",
        ),
        (
            "دوتيرتي يزور مينداناو",
            "زار دوتيرتي مينداناو اليوم، وقال دوتيرتي إن الجيش يحمي الجزيرة.",
        ),
    ]
    articles = [
        _article(n, title=title, body=f"<p>{body}</p>") for n, (title, body) in enumerate(texts)
    ]
    one, _ = assign_tags(articles, TagsConfig(max_per_article=1, min_articles=1))
    assert _labels(one)["a0"] == ["مينداناو"] and _labels(one)["a2"] == ["دوتيرتي"]
    three, _ = assign_tags(articles, TagsConfig(max_per_article=3, min_articles=1))
    assert "الفلبين" in _labels(three)["a0"]


@pytest.mark.parametrize("case", SPELLINGS, ids=[case["name"] for case in SPELLINGS])
def test_spellings_used_the_same_way_are_one_tag(case):
    articles = [
        dataclasses.replace(_article(n, tags=row["tags"]), source=row["source"])
        for n, row in enumerate(case["articles"])
    ]
    tagged, _ = assign_tags(articles, TagsConfig(min_articles=1))
    assert [[tag.label for tag in article.tags] for article in tagged] == [
        row["want"] for row in case["articles"]
    ]


def test_one_tag_object_per_key_with_a_slug_that_keeps_arabic_letters():
    articles = [_article(1, tags=["كوريا الشمالية"]), _article(2, tags=["کوریا الشمالیة"])]
    tagged, site = assign_tags(articles, TagsConfig())
    assert tagged[0].tags == tagged[1].tags == site
    assert site[0].key == "كوريا شماليه"  # the match key, without the article
    assert site[0].slug == slugify("كوريا الشمالية") == "كوريا-الشمالية"


def test_slugs_that_collide_are_told_apart_and_do_not_depend_on_other_tags():
    # Slugs are cut at 80 characters: these two labels differ after that.
    long = "مؤتمر " * 16
    clashing = [_article(n, tags=[f"{long}الأول", f"{long}الثاني"]) for n in (1, 2)]
    _, site = assign_tags(clashing, TagsConfig())
    assert len({tag.slug for tag in site}) == 2
    more = [*clashing, _article(3, tags=["مصر"]), _article(4, tags=["مصر"])]
    _, more_site = assign_tags(more, TagsConfig())
    assert {tag.key: tag.slug for tag in site}.items() <= {
        tag.key: tag.slug for tag in more_site
    }.items()


def test_extracted_phrases_on_real_articles():
    tagged, site = assign_tags(_fixture_articles(), TagsConfig(min_articles=1))
    labels = _labels(tagged)
    for korea in KOREA:
        assert {"كوريا الشمالية", "بومبيو"} <= set(labels[korea])
    assert any("السلاح النووي" in label for label in labels[KOREA[0]])
    assert "كوريا الشمالية" in labels["AL-economy-870-20180623"]
    for sport in ("AL-sport-1101-20180405", "AL-sport-1147-20180407"):
        assert {"ليفربول", "صلاح"} <= set(labels[sport])
    for economy in ("AL-economy-476-20180502", "AL-economy-648-20180523"):
        assert "صندوق النقد الدولي" in labels[economy]
    assert all(len(tags) <= 4 for tags in labels.values())  # a few good ones, not five
    assert {"كوريا الشمالية", "بومبيو", "ليفربول", "صلاح"} <= {tag.label for tag in site}


def test_extracted_phrases_are_shared_by_min_articles_articles():
    for min_articles in (2, 3):
        tagged, site = assign_tags(_fixture_articles(), TagsConfig(min_articles=min_articles))
        carried = {tag.key: sum(tag in a.tags for a in tagged) for tag in site}
        assert all(count >= min_articles for count in carried.values())
        assert {tag for article in tagged for tag in article.tags} >= set(site)
        # fewer articles carry only a headline's subject, which has no page then
        pageless = [(a, tag) for a in tagged for tag in a.tags if tag not in site]
        assert all(tag.label in article.title for article, tag in pageless), pageless
        assert list(site) == sorted(site, key=lambda tag: tag.label)
        shared = {"كوريا الشمالية", "بومبيو"} | (
            {"ليفربول", "صلاح"} if min_articles == 2 else set()
        )
        assert shared <= {tag.label for tag in site}


def test_extracted_phrases_occur_in_their_article_and_do_not_end_in_stop_words():
    for article in assign_tags(_fixture_articles(), TagsConfig())[0]:
        text = [
            {_without_article(reading) for reading in clitic_readings(token)}
            for token in tokenize(f"{article.title} {article.body_html}")
        ]
        for tag in article.tags:
            words = tag.key.split()
            assert not is_stop_word(words[0]) and not is_stop_word(words[-1]), tag
            assert any(
                all(word in readings for word, readings in zip(words, text[start:], strict=False))
                for start in range(len(text) - len(words) + 1)
            ), (article.id, tag.label)


def _without_article(word: str) -> str:
    while word.startswith("ال") and len(word) > 4:
        word = word[2:]
    return word


def test_definite_and_indefinite_forms_are_one_tag():
    articles = [
        _article(1, tags=["الانتخابات"]),
        _article(2, tags=["انتخابات"]),
        _article(3, tags=["الانتخابات"]),
    ]
    tagged, site = assign_tags(articles, TagsConfig())
    assert [tag.label for tag in site] == ["الانتخابات"]
    assert {article.tags for article in tagged} == {site}


def test_given_tags_come_first_and_extracted_ones_reuse_given_spellings():
    # One article names the tag on a Persian keyboard; the others find it in their text.
    given = {KOREA[0]: ("أخبار آسيا", "کوریا الشمالیة")}
    tagged, _ = assign_tags(_fixture_articles(**given), TagsConfig(min_articles=1))
    tags = {article.id: article.tags for article in tagged}
    assert [tag.label for tag in tags[KOREA[0]][:2]] == ["أخبار آسيا", "كوريا الشمالية"]
    assert len(tags[KOREA[0]]) == 5
    korea = tags[KOREA[0]][1]
    assert korea in tags[KOREA[1]] and korea in tags["AL-economy-870-20180623"]


def test_aliases_and_ignore_apply_to_extracted_phrases():
    config = TagsConfig(aliases={"مايك بومبيو": ("بومبيو",)}, ignore=("ليفربول",))
    tagged, site = assign_tags(_fixture_articles(), config)
    labels = _labels(tagged)
    for korea in KOREA:
        assert "مايك بومبيو" in labels[korea] and "بومبيو" not in labels[korea]
    assert not any("ليفربول" in tags for tags in labels.values())
    assert "مايك بومبيو" in {tag.label for tag in site}


def test_articles_with_enough_given_tags_get_no_extracted_ones():
    given = {KOREA[0]: ("أ", "ب")}
    tagged, _ = assign_tags(_fixture_articles(**given), TagsConfig(max_per_article=2))
    assert _labels(tagged)[KOREA[0]] == ["أ", "ب"]


def test_the_same_articles_in_any_order_get_the_same_tags():
    articles = _fixture_articles()
    tagged, site = assign_tags(articles, TagsConfig())
    shuffled = articles[:]
    random.Random(7).shuffle(shuffled)
    tagged_again, site_again = assign_tags(shuffled, TagsConfig())
    assert {a.id: a.tags for a in tagged} == {a.id: a.tags for a in tagged_again}
    assert site == site_again
    assert [a.id for a in tagged_again] == [a.id for a in shuffled]


def test_no_articles():
    assert assign_tags([], TagsConfig()) == ((), ())


def test_given_tags_beyond_the_limit_are_reported_once_per_article():
    many = _article(1, title="خبر بألف وسم", tags=[f"وسم {n}" for n in range(1000)])
    few = _article(2, tags=["مصر", "الأردن"])
    tagged, _ = assign_tags([many, few], TagsConfig())
    assert len(tagged[0].tags) == 5
    (problem,) = given_tag_problems([many, few], TagsConfig())
    assert problem.origin == many.origin
    assert str(problem) == (
        'test: "خبر بألف وسم" has 1,000 tags: 995 more than the 5 an article keeps'
        " (max_per_article under tags: in config.yaml) (left out)"
    )


def test_given_tags_with_nothing_to_name_a_tag_by_are_reported():
    article = _article(1, title="عنوان " * 20, tags=["مصر", "!!!", "\u200f", "— —"])
    (problem,) = given_tag_problems([article], TagsConfig(max_per_article=1))
    title = ("عنوان " * 20)[:60]  # a long title is cut
    assert problem.message == f'"{title}…" has 4 tags: 3 with no letter or digit'


def test_ignored_and_repeated_given_tags_are_no_problem():
    article = _article(1, tags=["مصر", "مِصر", "مصر", "أخبار", *(f"وسم {n}" for n in range(4))])
    assert given_tag_problems([article], TagsConfig(ignore=("أخبار",))) == ()
    assert len(given_tag_problems([article], TagsConfig(max_per_article=4))) == 1


def test_a_tag_given_and_extracted_again_is_carried_once():
    """An extracted word that stands for a longer name (كوريا for كوريا الشمالية) may
    become a tag the article was already given."""
    given = {row_id: ("كوريا الشمالية", "كوريا") for row_id in KOREA}
    tagged, _ = assign_tags(_fixture_articles(**given), TagsConfig(min_articles=1))
    for article in tagged:
        keys = [tag.key for tag in article.tags]
        assert len(keys) == len(set(keys)), article.id


def test_a_phrase_across_the_edge_of_a_longer_tag_is_no_tag():
    """«الشمالي كيم» ends one name (الزعيم الكوري الشمالي) and starts another (كيم جونغ
    أون); the example site's articles on Kim's visit, given the longer tags, write it."""
    example = Path(__file__).parents[1] / "content" / "articles"
    config = load_config(example.parents[1])
    articles, _ = read_saved_articles(config)
    tagged, _ = assign_tags(articles, config.tags)
    kim = [a for a in tagged if any(t.label == "كيم جونغ أون" for t in a.tags)]
    assert len(kim) >= 3
    for article in kim:
        words = " ".join(f"<{tag.key}>" for tag in article.tags)
        assert "<شمالي كيم>" not in words, (article.id, words)


def test_a_name_merged_with_its_piece_is_labelled_whole():
    """A tag for which most articles say only a piece of the name (لوبيز أوبرادور) is
    shown as the whole name one of them writes: the label names the tag's subject. ANT
    headlines and sentences, unchanged (BB-internationalNews-729-20180702,
    FR-internationalNews-2290-20180714, SK-internationalNews-2839-20180801)."""
    articles = [
        _article(
            0,
            title="لوبيز أوبرادور يتصدر الانتخابات الرئاسية في المكسيك",
            body="<p>تشير استطلاعات الرأي في المكسيك إلى فوز واضح للمرشح اليساري، أندريس"
            " مانويل لوبيز أوبرادور، في الانتخابات الرئاسية.</p>",
        ),
        _article(1, title="بومبيو يلتقي لوبيز أوبرادور وسط تزايد الخلافات بين واشنطن ومكسيكو"),
        _article(
            2,
            title='المكسيك تطالب الولايات المتحدة بـ"تصفيح الحدود"',
            body="<p>وحول تصريحات ترامب، دعا الرئيس المكسيكي المنتخب، لوبيز أوبرادور، إلى"
            ' "الحوار".</p>',
        ),
    ]
    corpus = Corpus.read(list(map(article_words, articles)), [True] * len(articles))
    whole, piece = "مانويل لوبيز اوبرادور", "لوبيز اوبرادور"
    picks = [[(whole, whole)], [(piece, whole)], [(piece, whole)]]
    spellings = tags_module._spellings(corpus, picks, {})
    assert tags_module._labels_of(spellings) == {whole: "مانويل لوبيز أوبرادور"}


def _lopez_obrador_articles(month: int, first: int, source: str = "test") -> list[Article]:
    """Three ANT articles about one Mexican election (as above), published in ``month``
    of 2018 by ``source`` (another source's are not reposts of the first's)."""
    texts = [
        (
            "لوبيز أوبرادور يتصدر الانتخابات الرئاسية في المكسيك",
            "<p>تشير استطلاعات الرأي في المكسيك إلى فوز واضح للمرشح اليساري، أندريس"
            " مانويل لوبيز أوبرادور، في الانتخابات الرئاسية.</p>",
        ),
        ("بومبيو يلتقي لوبيز أوبرادور وسط تزايد الخلافات بين واشنطن ومكسيكو", ""),
        (
            'المكسيك تطالب الولايات المتحدة بـ"تصفيح الحدود"',
            '<p>وحول تصريحات ترامب، دعا الرئيس المكسيكي المنتخب، لوبيز أوبرادور، إلى "الحوار".</p>',
        ),
    ]
    return [
        dataclasses.replace(
            _article(first + number, title=title, body=body),
            published=datetime(2018, month, 2 + number, tzinfo=UTC),
            source=source,
        )
        for number, (title, body) in enumerate(texts)
    ]


def test_tags_by_month_score_an_article_against_its_month_alone():
    """With ``window: month`` the articles of another month change nothing in a month's
    tags (so a rebuild re-tags the changed month only); scored against the whole site,
    the same articles published by another source a month later do change them (the
    same source's would be reposts, which count once)."""
    july, august = _lopez_obrador_articles(7, 0), _lopez_obrador_articles(8, 10, "أخرى")

    def july_tags(articles: list[Article], config: TagsConfig) -> list[tuple[str, ...]]:
        tagged, _ = assign_tags(articles, config)
        return [tuple(tag.key for tag in article.tags) for article in tagged[: len(july)]]

    by_month = TagsConfig(window="month")
    assert july_tags(july + august, by_month) == july_tags(july, by_month)
    assert july_tags(july + august, TagsConfig()) != july_tags(july, TagsConfig())


def test_windows_are_the_calendar_months_in_order():
    articles = [*_lopez_obrador_articles(8, 0), *_lopez_obrador_articles(7, 10)]
    assert tags_module.windows(articles, TagsConfig(window="month")) == [
        ("2018-07", (3, 4, 5)),
        ("2018-08", (0, 1, 2)),
    ]
    assert tags_module.windows(articles, TagsConfig()) == [("site", tuple(range(6)))]


def test_why_a_tag_by_month_is_told_from_its_month():
    """``digest explain`` scores a phrase as tagging did: with ``window: month``, in how
    many articles of the month it occurs, among how many."""
    july, august = _lopez_obrador_articles(7, 0), _lopez_obrador_articles(8, 10, "أخرى")
    by_month = TagsConfig(window="month")
    month = tags_module.phrase_scores(july + august, by_month, july[0].id)
    assert month == tags_module.phrase_scores(july, by_month, july[0].id)
    site = tags_module.phrase_scores(july + august, TagsConfig(), july[0].id)
    assert site != month


def test_a_month_is_the_month_of_the_digest_day():
    """An article published at 01:30 in Riyadh on 1 October (22:30 UTC on 30 September)
    is on the digest of 1 October, and tagged with October's articles."""
    article = dataclasses.replace(
        _article(0, title="خبر"), published=datetime(2018, 9, 30, 22, 30, tzinfo=UTC)
    )
    by_month = TagsConfig(window="month")
    assert tags_module.window_of(article, by_month, ZoneInfo("Asia/Riyadh")) == "2018-10"
    assert tags_module.window_of(article, by_month) == "2018-09"
    assert tags_module.window_of(article, TagsConfig(), ZoneInfo("Asia/Riyadh")) == "site"


@pytest.mark.parametrize("second_source", ["فرانس 24", "بي بي سي"])
def test_a_repost_counts_once(second_source):
    """A source that publishes one text twice (in two sections' feeds) has it once on the
    site: its phrases are not those of two articles, while the same text from two sources
    is two articles saying them. France 24's report of 2 July 2018 (ANT
    FR-internationalNews-2108 and FR-middleEast-719), with two other headlines of the day."""
    title = 'منظمات غير حكومية تتهم باريس بدعم نظام السيسي و"المشاركة في سحق الشعب المصري"'
    body = (
        "<p>اتهمت منظمات غير حكومية حقوقية فرنسا بتقديم الدعم لنظام الرئيس عبد الفتاح السيسي "
        'على مدى الخمس سنوات الأخيرة لـ"سحق الشعب المصري". ويتمثل الدعم وفق ما ذكر تقرير '
        "المنظمات الحقوقية الاثنين أن باريس سلمت القاهرة أسلحة حرب وبرامج ومعدات معلوماتية "
        'أتاحت للنظام "قمع" الشعب.</p>'
    )
    articles = [
        dataclasses.replace(_article(0, title=title, body=body), source="فرانس 24"),
        dataclasses.replace(_article(1, title=title, body=body), source=second_source),
        _article(2, title="مصر تعلن نسبة نمو الناتج المحلي"),
        _article(3, title="ماكرون يستقبل السيسي في باريس"),
    ]
    tagged, _ = assign_tags(articles, TagsConfig())
    labels = _labels(tagged)
    assert labels["a0"] == labels["a1"]
    assert ("سحق الشعب المصري" in labels["a0"]) is (second_source != "فرانس 24")
    # explain reads either copy as tagging read the first
    scores = [tags_module.phrase_scores(articles, TagsConfig(), i) for i in ("a0", "a1")]
    assert scores[0] == scores[1]
