"""Tag pages at the scale of a large site: 16,000 tags with a page, 2,000 with one article.

The site is made the way a build makes it from its articles (tags assigned by the tagging
stage, so ``tags.min_articles`` decides which tags get a page), without reading files,
then rendered whole. The tag index must stay small (the most used tags and the letters),
every tag with a page must be reachable from it through its letter's page, and a tag's
articles are split into pages of ``tags.page_size``.
"""

from __future__ import annotations

import dataclasses
import math
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from urllib.parse import unquote

import pytest

from generator import alphabet, pages, urls
from generator.config import SiteConfig, load_config
from generator.localize import Localizer
from generator.model import Article, Site, Tag, index_by_tag
from generator.problems import ConfigError
from generator.render import render_contexts
from generator.syndication import sitemap
from generator.tags import assign_tags
from generator.theme_files import load_labels
from generator.urls import Urls
from tests.html_parts import Parts

BASE_URL = "https://example.github.io/news-digest/"
BASE_PATH = "/news-digest/"
TAGS_WITH_PAGES = 16_000
LONE_TAGS = 2_000  # carried by one article each: below tags.min_articles
BUSY_TAG = "Mega story"
BUSY_ARTICLES = 120
# Letters whose shapes differ, so that no two generated tags read as spellings of one.
_BODY = "ادرسصطعمهوك"  # no ل: «ا» + «ل…» would begin with the article
# How generated tags begin, and the letter of the index each is filed under.
_FIRST = {
    "ا": "ا", "أ": "ا", "إ": "ا", "آ": "ا", "ب": "ب", "ت": "ت", "ج": "ج", "الت": "ت",
    "الص": "ص", "ش": "ش", "ظ": "ظ", "غ": "غ", "ق": "ق", "ى": "ي", "Z": "Z", "é": "E",
    "": alphabet.NO_LETTER,  # a number
}  # fmt: skip
_PREFIXES = tuple(_FIRST)


def _label(number: int) -> str:
    prefix = _PREFIXES[number % len(_PREFIXES)]
    if not prefix:
        return f"{number}"
    return prefix + "".join(_BODY[number // 11**place % 11] for place in range(5))


def _expected_letter(label: str) -> str:
    if label == BUSY_TAG:
        return "M"
    return _FIRST[next(p for p in sorted(_PREFIXES, key=len, reverse=True) if label.startswith(p))]


def _articles() -> list[Article]:
    """Each tag on as many articles as it should have, five tags an article at most."""
    counts = [(BUSY_TAG, BUSY_ARTICLES)]
    counts += [(_label(n), 2) for n in range(1, TAGS_WITH_PAGES)]
    counts += [(_label(n), 1) for n in range(TAGS_WITH_PAGES, TAGS_WITH_PAGES + LONE_TAGS)]
    slots = [label for label, count in counts for _ in range(count)]
    total = math.ceil(len(slots) / 5)
    given: list[list[str]] = [[] for _ in range(total)]
    for position, label in enumerate(slots):  # a tag's slots fall on different articles
        given[position % total].append(label)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    return [
        Article(
            id=f"a{number:05d}",
            slug=f"a{number:05d}",
            title=f"{number}",
            published=start + timedelta(minutes=number),
            source="وكالة",
            origin="content/a.md",
            given_tags=tuple(tags),
        )
        for number, tags in enumerate(given)
    ]


def _site(config: SiteConfig, articles: list[Article]) -> Site:
    tagged, tags = assign_tags(articles, config.tags)
    return Site(
        config=config,
        articles=MappingProxyType({article.id: article for article in tagged}),
        digests=(),
        tags=tags,
        tag_index=index_by_tag(tagged),
        urls=Urls(config.base_url),
        localizer=Localizer(config.language, config.timezone),
        labels=load_labels(config),
    )


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("big-site")
    return _site(SiteConfig(title="موجز", base_url=BASE_URL, root=root), _articles())


@pytest.fixture(scope="module")
def page_files(big_site: Site) -> frozenset[str]:
    """The file of every page of the site."""
    return frozenset(urls.file_for(context.page.path) for context in pages.page_contexts(big_site))


@pytest.fixture(scope="module")
def rendered(big_site: Site) -> dict[str, str]:
    """The HTML of the tag index, the letter pages, and the pages of the busiest tag and
    of the last, by their files' paths."""
    shown = {_busy(big_site), big_site.tags[-1]}
    contexts = (
        *pages.tags_page(big_site),
        *pages.tag_letter_pages(big_site),
        *(context for context in pages.tag_pages(big_site) if context.tag in shown),
    )
    return {file.path: file.content.decode("utf-8") for file in render_contexts(big_site, contexts)}


def _busy(site: Site) -> Tag:
    return next(tag for tag in site.tags if tag.label == BUSY_TAG)


def _links(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """The page's links to other pages (not to a place on the same page)."""
    found = [(attrs["href"] or "", attrs) for tag, attrs in Parts(html).elements if tag == "a"]
    return [(href, attrs) for href, attrs in found if not href.startswith("#")]


def _file(href: str) -> str:
    assert href.startswith(BASE_PATH), href
    return urls.file_for(unquote(href.removeprefix(BASE_PATH)))


def _tag_hrefs(html: str) -> set[str]:
    return {href for href, attrs in _links(html) if attrs.get("rel") == "tag"}


def test_tags_with_fewer_articles_than_min_articles_have_no_page(
    big_site: Site, page_files: frozenset[str]
) -> None:
    carried = Counter(tag for article in big_site.articles.values() for tag in article.tags)
    assert len(carried) == TAGS_WITH_PAGES + LONE_TAGS
    minimum = big_site.config.tags.min_articles
    assert set(big_site.tags) == {tag for tag, count in carried.items() if count >= minimum}
    assert len(big_site.tags) == TAGS_WITH_PAGES
    for tag, count in carried.items():
        has_page = urls.file_for(urls.tag_path(tag.slug)) in page_files
        assert has_page is (count >= minimum), tag.label


def test_the_tag_index_lists_at_most_most_used_tags_and_every_letter(
    big_site: Site, rendered: dict[str, str], page_files: frozenset[str]
) -> None:
    index = rendered[urls.file_for(urls.TAGS_PATH)]
    listed = _tag_hrefs(index)
    assert len(listed) == big_site.config.tags.most_used
    assert big_site.urls.href(urls.tag_path(_busy(big_site).slug)) in listed
    letter_pages = {path for path in page_files if path.startswith("tags/letter/")}
    linked = {_file(href) for href, _ in _links(index) if "/tags/letter/" in href}
    assert linked == letter_pages
    assert len(index.encode()) < 100_000


def test_every_tag_with_a_page_is_reachable_through_its_letter(
    big_site: Site, rendered: dict[str, str], page_files: frozenset[str]
) -> None:
    index = rendered[urls.file_for(urls.TAGS_PATH)]
    reached: set[str] = set()
    for href, _ in _links(index):
        if "/tags/letter/" in href:
            letter_page = rendered[_file(href)]
            tags_here = _tag_hrefs(letter_page)
            assert len(tags_here) < len(big_site.tags) / 2
            reached |= tags_here
    assert reached == {big_site.urls.href(urls.tag_path(tag.slug)) for tag in big_site.tags}
    assert all(_file(href) in page_files for href in reached)


def test_a_tag_is_filed_under_its_first_letter_without_the_article(big_site: Site) -> None:
    filed = {
        tag.label: context.letter.letter
        for context in pages.tag_letter_pages(big_site)
        for tag, _ in context.tags
    }
    assert filed == {tag.label: _expected_letter(tag.label) for tag in big_site.tags}


def test_the_letters_come_in_arabic_alphabetical_order_then_latin_then_numbers(
    big_site: Site,
) -> None:
    [index] = pages.tags_page(big_site)
    letters = [letter.letter for letter in index.letters]
    assert letters == [
        "ا", "ب", "ت", "ج", "ش", "ص", "ظ", "غ", "ق", "ي", "E", "M", "Z", alphabet.NO_LETTER,
    ]  # fmt: skip


def test_labels_sort_in_arabic_alphabetical_order() -> None:
    labels = [
        "Zebra", "ثورة", "الصين", "ب", "أمن", "تونس", "ءامن", "إيران", "Égypte", "2023",
        "جدة", "يمن", "خبر", "حرب", "ذهب", "دولة", "غزة", "عمان", "ضوء", "صنعاء", "ظفار",
        "طرابلس", "ز", "ر", "شعر", "سوريا", "فن", "قطر", "كويت", "لبنان", "مصر", "نفط", "هدنة",
        "ولاية", "ىى",
    ]  # fmt: skip
    by_letter = sorted(labels, key=lambda label: alphabet.letter_key(alphabet.letter_of(label)))
    assert [alphabet.letter_of(label) for label in by_letter] == [
        "ا", "ا", "ا", "ب", "ت", "ث", "ج", "ح", "خ", "د", "ذ", "ر", "ز", "س", "ش", "ص", "ص",
        "ض", "ط", "ظ", "ع", "غ", "ف", "ق", "ك", "ل", "م", "ن", "ه", "و", "ي", "ي", "E", "Z",
        alphabet.NO_LETTER,
    ]  # fmt: skip
    assert sorted(["صنعاء", "الصين", "صحة"], key=alphabet.sort_key) == ["صحة", "صنعاء", "الصين"]


def test_a_letter_page_lists_its_tags_alphabetically(big_site: Site) -> None:
    for context in pages.tag_letter_pages(big_site):
        keys = [alphabet.sort_key(tag.label) for tag, _ in context.tags]
        assert keys == sorted(keys)


@pytest.mark.parametrize("page_size", [30, 7, 120, 500])
def test_a_tag_with_120_articles_has_a_page_per_page_size(big_site: Site, page_size: int) -> None:
    config = big_site.config
    site = dataclasses.replace(
        big_site,
        config=dataclasses.replace(
            config, tags=dataclasses.replace(config.tags, page_size=page_size)
        ),
    )
    busy = _busy(site)
    own = [context for context in pages.tag_pages(site) if context.tag == busy]
    assert len(own) == math.ceil(BUSY_ARTICLES / page_size)
    assert [context.page.path for context in own] == [
        urls.tag_path(busy.slug, number) for number in range(1, len(own) + 1)
    ]
    shown = [article for context in own for article in context.tag_articles]
    assert shown == list(site.tag_index[busy.key])
    assert all(len(context.tag_articles) <= page_size for context in own)


def test_tag_pages_link_each_other_with_rel_prev_and_next(
    big_site: Site, rendered: dict[str, str]
) -> None:
    busy = _busy(big_site)
    total = math.ceil(BUSY_ARTICLES / big_site.config.tags.page_size)
    for number in range(1, total + 1):
        html = rendered[urls.file_for(urls.tag_path(busy.slug, number))]
        rels = {attrs.get("rel"): _file(href) for href, attrs in _links(html)}
        expected_prev = urls.file_for(urls.tag_path(busy.slug, number - 1)) if number > 1 else None
        expected_next = (
            urls.file_for(urls.tag_path(busy.slug, number + 1)) if number < total else None
        )
        assert rels.get("prev") == expected_prev
        assert rels.get("next") == expected_next
    one_page = rendered[urls.file_for(urls.tag_path(big_site.tags[-1].slug))]
    assert 'class="pagination"' not in one_page


def test_every_tag_link_is_under_the_sub_path(rendered: dict[str, str]) -> None:
    for path, html in rendered.items():
        for href, _ in _links(html):
            assert href.startswith(BASE_PATH), (path, href)


def test_the_sitemap_lists_every_letter_page_and_tag_sequel(
    big_site: Site, page_files: frozenset[str]
) -> None:
    [file] = sitemap(big_site)
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = {
        _file(unquote(loc.text or "").removeprefix(BASE_URL.removesuffix(BASE_PATH)))
        for loc in ET.fromstring(file.content).findall("s:url/s:loc", namespace)
    }
    tag_files = {path for path in page_files if path.startswith("tags/")}
    assert tag_files <= listed
    assert any("/page/" in path for path in tag_files)
    assert any(path.startswith("tags/letter/") for path in tag_files)


def test_tag_pages_do_not_depend_on_the_order_of_the_tags(big_site: Site) -> None:
    shuffled = dataclasses.replace(big_site, tags=tuple(reversed(big_site.tags)))
    for kind in (pages.tags_page, pages.tag_letter_pages):
        assert kind(shuffled) == kind(big_site)


@pytest.mark.parametrize("setting", ["most_used", "page_size"])
def test_tag_page_settings_must_be_one_or_more(tmp_path: Path, setting: str) -> None:
    (tmp_path / "config.yaml").write_text(
        f"title: موجز\nbase_url: {BASE_URL}\ntags:\n  {setting}: 0\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path)
    assert f"config.yaml, line 4: 'tags.{setting}' should be 1 or more." in str(error.value)
