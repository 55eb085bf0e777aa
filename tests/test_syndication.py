"""Every generated feed read by a real feed reader's parser (feedparser)."""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import quote
from xml.etree import ElementTree

import feedparser

BASE = "https://example.github.io/news-digest/"


def _feeds(site):
    return sorted(site.rglob("*.xml"))


def test_every_feed_parses_cleanly_with_absolute_links(built_example) -> None:
    site_dir, _ = built_example
    feeds = [p for p in _feeds(site_dir / "site") if p.name == "feed.xml"]
    assert len(feeds) >= 3  # the site feed and at least two tag feeds
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.version == "rss20"
        assert parsed.feed.language == "ar"
        self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
        assert self_links == [BASE + quote(path.relative_to(site_dir / "site").as_posix())]
        assert parsed.entries
        for entry in parsed.entries:
            assert entry.link.startswith(BASE)
            assert entry.id.startswith(BASE)
            parsedate_to_datetime(entry.published)  # RFC 822
            assert entry.published[:3] in {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}


def test_site_feed_has_one_item_per_digest_with_its_stories(built_example) -> None:
    site_dir, result = built_example
    parsed = feedparser.parse((site_dir / "site" / "feed.xml").read_bytes())
    assert len(parsed.entries) == result.digests
    newest = parsed.entries[0]
    assert newest.link == BASE + "digests/2023-09-14/"
    assert "أسعار النفط ترتفع" in newest.content[0].value
    assert "<script" not in newest.content[0].value


def test_tag_feed_lists_the_tagged_articles(built_example) -> None:
    site_dir, _ = built_example
    tag_feeds = {p.parent.name: p for p in _feeds(site_dir / "site") if "tags" in p.parts}
    parsed = feedparser.parse(tag_feeds["كوريا-الشمالية"].read_bytes())
    titles = {entry.title for entry in parsed.entries}
    assert "كوريا الشمالية تستعرض أحدث الصواريخ الباليستية" in titles
    assert "بوتين يلتقي كيم جونج أون اليوم في مركز فوستوشني للفضاء" in titles


def test_sitemap_lists_every_page_with_absolute_urls(built_example) -> None:
    site_dir, result = built_example
    root = ElementTree.parse(site_dir / "site" / "sitemap.xml").getroot()
    locs = [el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) == result.pages - 1  # every page but 404.html
    assert all(loc.startswith(BASE) for loc in locs)
    assert BASE in locs


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append(tag)


def _elements(fragment: str) -> list[str]:
    parser = _Elements()
    parser.feed(fragment)
    parser.close()
    return parser.found


def test_descriptions_are_text_and_digest_items_only_the_stories_markup(built_example) -> None:
    site_dir, _ = built_example
    for path in _feeds(site_dir / "site"):
        if path.name != "feed.xml":
            continue
        root = ElementTree.parse(path).getroot()
        assert all(_elements(d.text or "") == [] for d in root.iter("description")), path
    site_feed = ElementTree.parse(site_dir / "site" / "feed.xml").getroot()
    for content in site_feed.iter("{http://purl.org/rss/1.0/modules/content/}encoded"):
        assert set(_elements(content.text or "")) == {"h3", "a", "p"}
