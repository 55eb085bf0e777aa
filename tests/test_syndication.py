"""Every generated feed read by a real feed reader's parser: feedparser for RSS, and for the
JSON Feeds (which feedparser 6 does not read) Python's JSON parser and the rules of JSON
Feed 1.1; the OPML list of sources read by an XML parser."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from xml.etree import ElementTree

import feedparser
import pytest
from conftest import build_site

from generator.feedstore import StoredFeed, StoredItem, feed_folder, write_feed
from generator.slugs import slugify

BASE = "https://example.github.io/news-digest/"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")


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
        assert set(_elements(content.text or "")) == {"div", "h3", "a", "p"}


# --- RSS items: source, tags, direction ---------------------------------------------


def _article_by_link(result) -> dict:
    site = result.site
    return {
        BASE + quote(f"articles/{article.slug}/"): article for article in site.articles.values()
    }


def _directed(content: str) -> tuple[str, str]:
    """(dir, lang) of the element a feed item's HTML is wrapped in."""
    found = re.match(r'^<div dir="(rtl|ltr)"(?: lang="([^"]*)")?>', content)
    assert found, content[:80]
    return found[1], found[2] or ""


def test_tag_feed_items_name_their_source_tags_and_direction(built_example) -> None:
    site_dir, result = built_example
    articles = _article_by_link(result)
    tag_feeds = [p for p in _feeds(site_dir / "site") if "tags" in p.parts]
    assert tag_feeds
    for path in tag_feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0
        for entry in parsed.entries:
            article = articles[entry.link]
            assert entry.author == article.source
            assert [tag.term for tag in entry.tags] == [tag.label for tag in article.tags]
            assert _directed(entry.content[0].value) == (article.dir, article.lang)
        creators = [el.text for el in ElementTree.parse(path).getroot().iter(DC_CREATOR)]
        assert len(creators) == len(parsed.entries)  # dc:creator, in its namespace


def test_digest_items_name_their_stories_sources_and_tags(built_example) -> None:
    site_dir, result = built_example
    site = result.site
    parsed = feedparser.parse((site_dir / "site" / "feed.xml").read_bytes())
    for entry, digest in zip(parsed.entries, site.digests, strict=True):
        stories = [site.articles[story.headline] for story in digest.stories]
        sources = list(dict.fromkeys(article.source for article in stories))
        assert [author.name for author in entry.authors] == sources
        labels = {tag.label for article in stories for tag in article.tags}
        assert {tag.term for tag in entry.tags} == labels
        assert _directed(entry.content[0].value) == ("rtl", "ar")


# --- JSON Feed ---------------------------------------------------------------------

_TOP = {"version", "title", "home_page_url", "feed_url", "description", "language", "items"}
_ITEM = {
    "id", "url", "external_url", "title", "content_html", "summary", "date_published",
    "authors", "tags", "language",
}  # fmt: skip


def _follows_json_feed_1_1(feed: dict) -> None:
    """The rules of https://www.jsonfeed.org/version/1.1/ for the fields the site writes."""
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert set(feed) <= _TOP and isinstance(feed["items"], list)
    for key in ("home_page_url", "feed_url"):
        assert urlsplit(feed[key]).scheme == "https", key
    for item in feed["items"]:
        assert set(item) <= _ITEM
        assert isinstance(item["id"], str) and item["id"]
        assert isinstance(item.get("content_html"), str)  # content_html or content_text
        assert RFC3339.match(item["date_published"])
        for author in item.get("authors", []):
            assert set(author) <= {"name", "url"} and author["name"]
        assert all(isinstance(tag, str) for tag in item.get("tags", []))


def _no_extension_keys(value) -> bool:
    """JSON Feed keeps keys starting with ``_`` for extensions; the site writes none."""
    if isinstance(value, dict):
        return all(not k.startswith("_") and _no_extension_keys(v) for k, v in value.items())
    if isinstance(value, list):
        return all(map(_no_extension_keys, value))
    return True


def test_a_json_feed_beside_every_rss_feed_says_the_same(built_example) -> None:
    site_dir, _ = built_example
    site = site_dir / "site"
    rss_paths = [p for p in _feeds(site) if p.name == "feed.xml"]
    assert len(rss_paths) >= 3
    for rss_path in rss_paths:
        json_path = rss_path.with_name("feed.json")
        feed = json.loads(json_path.read_text("utf-8"))
        _follows_json_feed_1_1(feed)
        assert _no_extension_keys(feed)
        rss = feedparser.parse(rss_path.read_bytes())
        raw_items = ElementTree.parse(rss_path).getroot().iter("item")
        assert feed["feed_url"] == BASE + quote(json_path.relative_to(site).as_posix())
        assert feed["home_page_url"] == rss.feed.link
        assert (feed["title"], feed["language"]) == (rss.feed.title, "ar")
        items = feed["items"]
        assert [item["id"] for item in items] == [entry.id for entry in rss.entries]
        for item, entry, raw in zip(items, rss.entries, raw_items, strict=True):
            assert item["url"].startswith(BASE) and item["title"] == entry.title
            assert item["content_html"] == raw.findtext(CONTENT)  # the same sanitized HTML
            assert item["summary"] == html.unescape(entry.summary)  # plain text
            published = datetime.fromisoformat(item["date_published"])
            assert published == parsedate_to_datetime(entry.published)
            assert [a["name"] for a in item["authors"]] == [a.name for a in entry.authors]
            assert item.get("tags", []) == [tag.term for tag in entry.get("tags", [])]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alternates: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link" and dict(attrs).get("rel") == "alternate":
            self.alternates.append(dict(attrs))


def test_every_page_links_the_json_feeds_beside_its_rss_feeds(built_example) -> None:
    site_dir, _ = built_example
    site = site_dir / "site"
    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        links = _Links()
        links.feed(page.read_text("utf-8"))
        rss = [a for a in links.alternates if a["type"] == "application/rss+xml"]
        json_feeds = [a for a in links.alternates if a["type"] == "application/feed+json"]
        assert rss, page
        assert [(a["title"], a["href"]) for a in json_feeds] == [
            (a["title"], a["href"].removesuffix(".xml") + ".json") for a in rss
        ]
        for link in json_feeds:
            assert link["href"].startswith(BASE)
            assert (site / unquote(link["href"].removeprefix(BASE))).is_file(), link


# --- a site following feeds of several kinds ------------------------------------------

AR_ITEM = StoredItem(
    id="ar-1",
    title="الأسواق تغلق على ارتفاع",
    published=datetime(2023, 9, 13, 9, tzinfo=UTC),
    first_seen=datetime(2023, 9, 13, 9, 5, tzinfo=UTC),
    url="https://news.example.com/markets",
    body_html="<p>أغلقت الأسواق على ارتفاع.</p>",
    summary="أغلقت الأسواق على ارتفاع.",
    lang="ar",
    dir="rtl",
)
EN_ITEM = StoredItem(
    id="en-1",
    title="Markets close higher",
    published=datetime(2023, 9, 13, 10, tzinfo=UTC),
    first_seen=datetime(2023, 9, 13, 10, 5, tzinfo=UTC),
    url="https://world.example.org/markets",
    body_html="<p>Markets closed higher.</p>",
    summary="Markets closed higher.",
    lang="en",
    dir="ltr",
)
TAG = "اقتصاد"
# (config lines, the name the site knows the feed by)
FOLLOWED = (
    ("url: https://news.example.com/rss.xml\n    name: وكالة الأنباء", "وكالة الأنباء"),
    ("url: https://world.example.org/feed", "World Wire"),  # named by its own title
    ("url: http://10.0.0.5/internal.xml\n    name: داخلي\n    allow_private: true", "داخلي"),
    ("url: https://reader:secret@private.example.net/feed.xml\n    name: خاص", "خاص"),
    ("url: feeds/local.xml\n    name: محلي", "محلي"),
)
LOCAL_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local</title><link>https://local.example/</link>
<description>x</description><language>ar</language>
<item><title>خبر محلي عن الأسواق</title><link>https://local.example/1</link>
<guid>local-1</guid><pubDate>Wed, 13 Sep 2023 08:00:00 +0000</pubDate>
<description>نص محلي.</description></item></channel></rss>
"""


@pytest.fixture(scope="module")
def followed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site under a sub-path following an Arabic and an English feed (their items already
    stored, as a build finds them), a feed on a private network, one whose address holds a
    password and a local feed file; built offline. Its output folder."""
    root = tmp_path_factory.mktemp("followed") / "site-src"
    (root / "feeds").mkdir(parents=True)
    (root / "feeds" / "local.xml").write_text(LOCAL_FEED, encoding="utf-8")
    listed = "".join(f"  - {lines}\n    tags: [{TAG}]\n" for lines, _ in FOLLOWED)
    (root / "config.yaml").write_text(
        f"title: موجز\nbase_url: {BASE}\nlanguage: ar\nfeeds:\n{listed}", encoding="utf-8"
    )
    store = root / "content" / "feeds"
    for url, title, home, item in (
        ("https://news.example.com/rss.xml", "News", "https://news.example.com/", AR_ITEM),
        ("https://world.example.org/feed", "World Wire", "https://world.example.org/", EN_ITEM),
    ):
        write_feed(feed_folder(store, url), StoredFeed(url, title, home, (item,)))
    build_site(root)
    return root / "site"


def test_a_story_in_another_language_keeps_its_direction_in_every_feed(followed_site) -> None:
    tag_dir = followed_site / "tags" / slugify(TAG)
    rss = feedparser.parse((tag_dir / "feed.xml").read_bytes())
    by_title = {entry.title: entry for entry in rss.entries}
    english, arabic = by_title[EN_ITEM.title], by_title[AR_ITEM.title]
    assert _directed(english.content[0].value) == ("ltr", "en")
    assert _directed(arabic.content[0].value) == ("rtl", "ar")
    assert (english.author, arabic.author) == ("World Wire", "وكالة الأنباء")
    assert TAG in {tag.term for tag in english.tags}
    items = {
        item["title"]: item for item in json.loads((tag_dir / "feed.json").read_text())["items"]
    }
    assert _directed(items[EN_ITEM.title]["content_html"]) == ("ltr", "en")
    assert items[EN_ITEM.title]["language"] == "en"
    assert items[EN_ITEM.title]["authors"] == [
        {"name": "World Wire", "url": "https://world.example.org/"}
    ]
    assert items[EN_ITEM.title]["external_url"] == EN_ITEM.url
    digest = feedparser.parse((followed_site / "feed.xml").read_bytes()).entries[0]
    assert _directed(digest.content[0].value) == ("rtl", "ar")
    assert '<div dir="ltr" lang="en"><h3>' in digest.content[0].value
    assert f">{html.escape(EN_ITEM.title)}</a></h3>" in digest.content[0].value


def test_the_sources_list_names_every_feed_and_gives_only_public_addresses(
    followed_site,
) -> None:
    text = (followed_site / "sources.opml").read_text("utf-8")
    root = ElementTree.fromstring(text)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "موجز: المصادر"
    outlines = root.findall("body/outline")
    assert [o.get("text") for o in outlines] == [name for _, name in FOLLOWED]
    followed = [o.attrib for o in outlines if o.get("type") == "rss"]
    assert followed == [
        {
            "type": "rss",
            "text": "وكالة الأنباء",
            "title": "وكالة الأنباء",
            "xmlUrl": "https://news.example.com/rss.xml",
            "htmlUrl": "https://news.example.com/",
        },
        {
            "type": "rss",
            "text": "World Wire",
            "title": "World Wire",
            "xmlUrl": "https://world.example.org/feed",
            "htmlUrl": "https://world.example.org/",
        },
    ]
    assert [o.attrib for o in outlines[2:]] == [
        {"text": "داخلي"},
        {"text": "خاص"},
        {"type": "link", "text": "محلي", "url": "https://local.example/"},
    ]
    for private in ("10.0.0.5", "secret", "private.example.net", "feeds/local.xml"):
        assert private not in text


def test_the_sources_page_links_the_sources_list(followed_site) -> None:
    page = (followed_site / "sources" / "index.html").read_text("utf-8")
    assert 'href="/news-digest/sources.opml"' in page


def test_a_site_without_feeds_has_no_sources_list(tmp_path: Path) -> None:
    root = tmp_path / "site-src"
    (root / "content" / "articles").mkdir(parents=True)
    (root / "config.yaml").write_text(f"title: موجز\nbase_url: {BASE}\n", encoding="utf-8")
    build_site(root)
    assert (root / "site" / "feed.json").is_file()
    assert not (root / "site" / "sources.opml").exists()
