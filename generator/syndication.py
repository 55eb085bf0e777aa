"""What feed readers, crawlers and the host read: RSS 2.0 feeds and the sitemap, built as
XML by code (never by text templates), ``robots.txt`` and ``.nojekyll``.

Each feed is a ``Channel`` made once from the site, so that the RSS feed and the JSON Feed
beside it (``jsonfeed``) carry the same items. Links are absolute (from ``base_url``), dates
RFC 822 in English, ids stable, and nothing depends on the wall clock: ``lastBuildDate`` is
the newest item's date.

Feed readers show ``description`` and ``content:encoded`` as HTML. Plain text bound for
them goes through ``html_text`` before the XML writer escapes it again; article bodies
are already sanitized HTML and go as they are, inside an element that gives their
language and direction (a reader would otherwise lay Arabic out left to right). Titles,
creators and categories are plain text, as RSS has them.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from email.utils import format_datetime
from html import escape
from types import MappingProxyType
from typing import TypeVar
from xml.sax.saxutils import XMLGenerator

from . import urls
from .config import SiteConfig
from .localize import text_direction
from .model import Article, Digest, OutputFile, Site, Tag
from .pages import Context, listed_paths
from .xmlchars import xml_text

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_PATH = "sitemap.xml"

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Creator:
    """Who an item is from: a source, and its home page when known."""

    name: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class FeedItem:
    title: str  # plain text
    link: str
    guid: str
    published: datetime
    summary: str  # plain text
    content_html: str  # sanitized, wrapped in its language and direction
    language: str = ""
    creators: tuple[Creator, ...] = ()
    categories: tuple[str, ...] = ()
    original: str = ""  # the story at its source, when known


@dataclass(frozen=True, slots=True)
class Channel:
    """One feed, whatever its format: what the RSS and the JSON Feed of it both say."""

    path: str  # of the RSS feed, e.g. ``tags/x/feed.xml``
    title: str  # plain text
    description: str  # plain text
    home: str  # absolute
    language: str
    items: tuple[FeedItem, ...]


def channel_inputs(site: Site) -> Iterator[tuple[str, Callable[[], Channel], object]]:
    """The site's feed and one per tag that has a page: each channel's path, a way to make
    it, and what it is made from besides the settings (its days, or its tag and articles),
    by which a build tells whether the last one made it from the same."""
    listed = site.config.feed_items
    yield urls.FEED_PATH, functools.partial(site_channel, site), site.digests[:listed]
    for tag in site.tags:
        made = functools.partial(tag_channel, site, tag)
        yield urls.tag_feed_path(tag.slug), made, (tag, site.tag_index.get(tag.key, ())[:listed])


def site_channel(site: Site) -> Channel:
    """One item per digest, its stories in ``content:encoded``, newest digests first."""
    config, link = site.config, site.urls
    items = []
    for digest in site.digests[: config.feed_items]:
        stories = [site.articles[story.headline] for story in digest.stories]
        newest = max(article.published for article in stories)
        url = link.absolute(urls.digest_path(digest.slug))
        stories_html = "".join(_story_html(article, link, config) for article in stories)
        items.append(
            FeedItem(
                title=f"{config.title}: {site.localizer.full_date(digest.date)}",
                link=url,
                guid=url,
                published=max(newest, _local_midnight(digest, config)),
                summary=" · ".join(article.title for article in stories),
                content_html=_directed(stories_html, config.language, config.direction),
                language=config.language,
                creators=_distinct(_creator(article) for article in stories if article.source),
                categories=_distinct(tag.label for article in stories for tag in article.tags),
            )
        )
    return Channel(
        path=urls.FEED_PATH,
        title=config.title,
        description=config.description or config.title,
        home=link.absolute(""),
        language=config.language,
        items=tuple(items),
    )


def tag_channel(site: Site, tag: Tag) -> Channel:
    """The newest articles carrying a tag, one item each."""
    config, link = site.config, site.urls
    items = tuple(
        FeedItem(
            title=article.title,
            link=link.absolute(urls.article_path(article.slug)),
            guid=link.absolute(urls.article_path(article.slug)),
            published=article.published,
            summary=article.summary,
            content_html=_directed(article.body_html, article.lang, article.dir),
            language=article.lang,
            creators=(_creator(article),) if article.source else (),
            categories=tuple(t.label for t in article.tags),
            original=article.url,
        )
        for article in site.tag_index.get(tag.key, ())[: config.feed_items]
    )
    return Channel(
        path=urls.tag_feed_path(tag.slug),
        title=f"{config.title}: {tag.label}",
        description=f"{config.title}: {tag.label}",
        home=link.absolute(urls.tag_path(tag.slug)),
        language=config.language,
        items=items,
    )


def sitemap(site: Site, contexts: Sequence[Context] | None = None) -> tuple[OutputFile, ...]:
    """Every page but the 404 page, for search engines (``listed_paths``)."""
    link = site.urls
    out = io.StringIO()
    xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
    xml.startDocument()
    xml.startElement("urlset", {"xmlns": SITEMAP})
    for path in sorted(listed_paths(site, contexts)):
        xml.startElement("url", {})
        text_element(xml, "loc", link.absolute(path))
        xml.endElement("url")
    xml.endElement("urlset")
    xml.endDocument()
    return (OutputFile(SITEMAP_PATH, (out.getvalue() + "\n").encode("utf-8")),)


def hosting_files(site: Site) -> tuple[OutputFile, ...]:
    """``robots.txt`` pointing crawlers to the sitemap, and ``.nojekyll`` so that GitHub
    Pages serves the files as they are."""
    robots = f"User-agent: *\nAllow: /\nSitemap: {site.urls.absolute(SITEMAP_PATH)}\n"
    return (OutputFile(".nojekyll", b""), OutputFile("robots.txt", robots.encode("utf-8")))


def _local_midnight(digest: Digest, config: SiteConfig) -> datetime:
    return datetime.combine(digest.date, time(), tzinfo=config.tz)


def html_text(text: str) -> str:
    """Plain text as HTML that shows exactly that text: what a feed's HTML elements need,
    since the XML escaping alone is undone by the reader before it reads the HTML."""
    return escape(text)


def _directed(html: str, lang: str, direction: str) -> str:
    """The HTML inside a ``div`` giving its language (when known) and direction; a reader
    shows a feed item's HTML in its own page, which knows neither."""
    direction = direction if direction in {"rtl", "ltr"} else text_direction(lang)
    language = f' lang="{html_text(lang)}"' if lang else ""
    return f'<div dir="{direction}"{language}>{html}</div>'


def _creator(article: Article) -> Creator:
    return Creator(article.source, article.source_url)


def _distinct(values: Iterable[_T]) -> tuple[_T, ...]:
    return tuple(dict.fromkeys(values))


def _story_html(article: Article, link: urls.Urls, config: SiteConfig) -> str:
    """A story of a digest: its own language and direction where they are not the site's."""
    href = html_text(link.absolute(urls.article_path(article.slug)))
    source = f"<p>{html_text(article.source)}</p>" if article.source else ""
    summary = f"<p>{html_text(article.summary)}</p>" if article.summary else ""
    story = f'<h3><a href="{href}">{html_text(article.title)}</a></h3>{source}{summary}'
    if (article.lang or config.language, article.dir) == (config.language, config.direction):
        return story
    return _directed(story, article.lang, article.dir)


def rss_feed(channel: Channel, link: urls.Urls) -> bytes:
    """A channel as RSS 2.0."""
    out = io.StringIO()
    xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
    xml.startDocument()
    namespaces = {"xmlns:atom": ATOM, "xmlns:content": CONTENT, "xmlns:dc": DC}
    xml.startElement("rss", {"version": "2.0", **namespaces})
    xml.startElement("channel", {})
    text_element(xml, "title", channel.title)
    text_element(xml, "link", channel.home)
    text_element(xml, "description", html_text(channel.description))
    text_element(xml, "language", channel.language)
    self_url = link.absolute(channel.path)
    xml.startElement("atom:link", {"href": self_url, "rel": "self", "type": "application/rss+xml"})
    xml.endElement("atom:link")
    if channel.items:
        text_element(xml, "lastBuildDate", _rfc822(max(item.published for item in channel.items)))
    for item in channel.items:
        xml.startElement("item", {})
        text_element(xml, "title", item.title)
        text_element(xml, "link", item.link)
        text_element(xml, "guid", item.guid, {"isPermaLink": "true"})
        text_element(xml, "pubDate", _rfc822(item.published))
        for creator in item.creators:
            text_element(xml, "dc:creator", creator.name)
        for category in item.categories:
            text_element(xml, "category", category)
        text_element(xml, "description", html_text(item.summary))
        text_element(xml, "content:encoded", item.content_html)
        xml.endElement("item")
    xml.endElement("channel")
    xml.endElement("rss")
    xml.endDocument()
    return (out.getvalue() + "\n").encode("utf-8")


def text_element(
    xml: XMLGenerator, name: str, value: str, attributes: Mapping[str, str] = MappingProxyType({})
) -> None:
    """An element holding only text, without the characters XML cannot hold."""
    xml.startElement(name, attributes)
    xml.characters(xml_text(value))
    xml.endElement(name)


def _rfc822(moment: datetime) -> str:
    """RFC 822 in UTC (``Wed, 13 Sep 2023 06:00:00 +0000``), independent of any locale."""
    return format_datetime(moment.astimezone(UTC))
