"""Titles typed on a Persian or Urdu keyboard: Arabic letters in Arabic articles only.

Each stage that reads a title (feed items, saved articles; imported pages are in
test_importer.py) uses ``normalize.arabic_letters``, so the title and the address made
from it have ك and ي in an Arabic article and keep ک and ی in a Persian one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.articles import read_saved_articles
from generator.config import FeedConfig, SiteConfig
from generator.feedparse import parse_feed
from generator.feeds import feed_articles
from generator.feedstore import StoredFeed

NOW = datetime(2023, 9, 14, tzinfo=UTC)


def rss(language: str, title: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>أخبار</title><link>https://news.example.com/</link><language>{language}</language>"
        f"<item><title>{title}</title><link>https://news.example.com/1</link>"
        "<pubDate>Wed, 13 Sep 2023 10:00:00 GMT</pubDate><description>نص</description></item>"
        "</channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("language", "title", "shown"),
    [
        ("ar", "معرض الکتاب الدولی", "معرض الكتاب الدولي"),
        ("ar-SA", "مکتبۃ المدینہ", "مكتبة المدينه"),
        ("fa", "نمایشگاه بین‌المللی کتاب", "نمایشگاه بین‌المللی کتاب"),
        ("ur", "کتاب میلہ", "کتاب میلہ"),
    ],
)
def test_feed_item_titles(language: str, title: str, shown: str) -> None:
    feed = parse_feed(
        rss(language, title), {}, url="https://news.example.com/feed", now=NOW, tz=UTC
    )
    [item] = feed.items
    assert item.title == shown


def saved(root: Path, name: str, front: str) -> tuple[str, str]:
    folder = root / "content" / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.md").write_text(f"---\n{front}date: 2023-09-13\n---\nنص.\n", "utf-8")
    config = SiteConfig(title="موجز", base_url="https://example.org/", root=root)
    (article,), problems = read_saved_articles(config)
    assert not problems
    return article.title, article.slug


def test_a_saved_arabic_article_gets_arabic_letters_in_title_and_address(tmp_path: Path) -> None:
    assert saved(tmp_path, "معرض-الکتاب", "title: معرض الکتاب الدولی\n") == (
        "معرض الكتاب الدولي",
        "معرض-الكتاب",
    )


def test_a_saved_persian_article_keeps_its_letters(tmp_path: Path) -> None:
    assert saved(tmp_path, "نمایشگاه-کتاب", "title: نمایشگاه کتاب\nlang: fa\n") == (
        "نمایشگاه کتاب",
        "نمایشگاه-کتاب",
    )


def test_a_feed_whose_language_is_set_only_in_config_gets_arabic_letters() -> None:
    """The feed declares no language; config.yaml says it is Arabic."""
    feed = parse_feed(
        rss("", "معرض الکتاب"), {}, url="https://news.example.com/feed", now=NOW, tz=UTC
    )
    feed_url = "https://news.example.com/feed"
    stored = StoredFeed(url=feed_url, title="أخبار", link="", items=feed.items)
    [article] = feed_articles(FeedConfig(url=feed_url, lang="ar"), stored)
    assert article.title == "معرض الكتاب"
    assert article.slug == "معرض-الكتاب"
