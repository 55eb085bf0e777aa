"""What feed readers, crawlers and the host read: RSS 2.0 feeds and the sitemap, built as
XML by code (never by text templates), ``robots.txt`` and ``.nojekyll``.

Links are absolute (from ``base_url``), dates RFC 822 in English, ids stable, and
nothing depends on the wall clock: ``lastBuildDate`` is the newest item's date.

Feed readers show ``description`` and ``content:encoded`` as HTML. Plain text bound for
them goes through ``html_text`` before the XML writer escapes it again; article bodies
are already sanitized HTML and go as they are. Titles and categories are plain text,
as RSS has them.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time
from email.utils import format_datetime
from html import escape
from types import MappingProxyType
from xml.sax.saxutils import XMLGenerator

from . import urls
from .config import SiteConfig
from .model import Article, Digest, OutputFile, Site, Tag
from .pages import listed_paths
from .xmlchars import xml_text

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_PATH = "sitemap.xml"


@dataclass(frozen=True, slots=True)
class FeedItem:
    title: str
    link: str
    guid: str
    published: datetime
    description: str
    content_html: str
    categories: tuple[str, ...] = ()


def feeds(site: Site) -> tuple[OutputFile, ...]:
    """The site's feed and one per tag that has a page."""
    return (site_feed(site), *(tag_feed(site, tag) for tag in site.tags))


def site_feed(site: Site) -> OutputFile:
    """One item per digest, its stories in ``content:encoded``, newest digests first."""
    config, link = site.config, site.urls
    items = []
    for digest in site.digests[: config.feed_items]:
        stories = [site.articles[story.headline] for story in digest.stories]
        newest = max(article.published for article in stories)
        url = link.absolute(urls.digest_path(digest.slug))
        items.append(
            FeedItem(
                title=f"{config.title}: {site.localizer.full_date(digest.date)}",
                link=url,
                guid=url,
                published=max(newest, _local_midnight(digest, config)),
                description=html_text(" · ".join(article.title for article in stories)),
                content_html="".join(_story_html(article, link) for article in stories),
            )
        )
    return OutputFile(
        urls.FEED_PATH,
        _rss(
            config,
            config.title,
            html_text(config.description or config.title),
            link.absolute(""),
            link.absolute(urls.FEED_PATH),
            items,
        ),
    )


def tag_feed(site: Site, tag: Tag) -> OutputFile:
    """The newest articles carrying a tag, one item each."""
    config, link = site.config, site.urls
    items = [
        FeedItem(
            title=article.title,
            link=link.absolute(urls.article_path(article.slug)),
            guid=link.absolute(urls.article_path(article.slug)),
            published=article.published,
            description=html_text(article.summary),
            content_html=article.body_html,
            categories=tuple(t.label for t in article.tags),
        )
        for article in site.tag_index.get(tag.key, ())[: config.feed_items]
    ]
    path = urls.tag_feed_path(tag.slug)
    return OutputFile(
        path,
        _rss(
            config,
            f"{config.title}: {tag.label}",
            html_text(f"{config.title}: {tag.label}"),
            link.absolute(urls.tag_path(tag.slug)),
            link.absolute(path),
            items,
        ),
    )


def sitemap(site: Site) -> tuple[OutputFile, ...]:
    """Every page but the 404 page, for search engines."""
    link = site.urls
    out = io.StringIO()
    xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
    xml.startDocument()
    xml.startElement("urlset", {"xmlns": SITEMAP})
    for path in sorted(listed_paths(site)):
        xml.startElement("url", {})
        _text(xml, "loc", link.absolute(path))
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


def _story_html(article: Article, link: urls.Urls) -> str:
    href = html_text(link.absolute(urls.article_path(article.slug)))
    source = f"<p>{html_text(article.source)}</p>" if article.source else ""
    summary = f"<p>{html_text(article.summary)}</p>" if article.summary else ""
    return f'<h3><a href="{href}">{html_text(article.title)}</a></h3>{source}{summary}'


def _rss(
    config: SiteConfig,
    title: str,
    description: str,
    home: str,
    self_url: str,
    items: list[FeedItem],
) -> bytes:
    out = io.StringIO()
    xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
    xml.startDocument()
    xml.startElement("rss", {"version": "2.0", "xmlns:atom": ATOM, "xmlns:content": CONTENT})
    xml.startElement("channel", {})
    _text(xml, "title", title)
    _text(xml, "link", home)
    _text(xml, "description", description)
    _text(xml, "language", config.language)
    xml.startElement("atom:link", {"href": self_url, "rel": "self", "type": "application/rss+xml"})
    xml.endElement("atom:link")
    if items:
        _text(xml, "lastBuildDate", _rfc822(max(item.published for item in items)))
    for item in items:
        xml.startElement("item", {})
        _text(xml, "title", item.title)
        _text(xml, "link", item.link)
        _text(xml, "guid", item.guid, {"isPermaLink": "true"})
        _text(xml, "pubDate", _rfc822(item.published))
        for category in item.categories:
            _text(xml, "category", category)
        _text(xml, "description", item.description)
        _text(xml, "content:encoded", item.content_html)
        xml.endElement("item")
    xml.endElement("channel")
    xml.endElement("rss")
    xml.endDocument()
    return (out.getvalue() + "\n").encode("utf-8")


def _text(
    xml: XMLGenerator, name: str, value: str, attributes: Mapping[str, str] = MappingProxyType({})
) -> None:
    xml.startElement(name, attributes)
    xml.characters(xml_text(value))
    xml.endElement(name)


def _rfc822(moment: datetime) -> str:
    """RFC 822 in UTC (``Wed, 13 Sep 2023 06:00:00 +0000``), independent of any locale."""
    return format_datetime(moment.astimezone(UTC))
