"""``sources.opml``: the feeds the site follows as an OPML 2.0 list (http://opml.org/spec2.opml),
which a feed reader imports to follow the same sources.

Every feed of the config is listed by name, but only those a reader can fetch are listed as
feeds to follow (``type="rss"`` with their ``xmlUrl``): a feed read from a file in the site
folder has no address to give, and the address of a feed on a private network
(``allow_private``) or one carrying a user name or password is not published. Those are
listed as a link to their home page (``type="link"``) when the feed named one, else by name
alone. A feed's home page is the one the feed itself names.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from urllib.parse import urlsplit
from xml.sax.saxutils import XMLGenerator

from .config import FeedConfig
from .model import OutputFile, Site
from .syndication import text_element
from .xmlchars import xml_text

OPML_PATH = "sources.opml"
SPEC = "http://opml.org/spec2.opml"


def sources_opml(site: Site) -> tuple[OutputFile, ...]:
    """The list of the site's feeds, for a site that follows feeds (as its sources page):
    OPML's body holds one outline at least."""
    if not site.sources:
        return ()
    homes, names = _home_pages(site), _names(site)
    out = io.StringIO()
    xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
    xml.startDocument()
    xml.startElement("opml", {"version": "2.0"})
    xml.startElement("head", {})
    text_element(xml, "title", f"{site.config.title}: {site.labels['sources']}")
    text_element(xml, "docs", SPEC)
    xml.endElement("head")
    xml.startElement("body", {})
    for feed in site.config.feeds:
        name = xml_text(names.get(feed.url) or feed.name or feed.url)
        xml.startElement("outline", _outline(feed, name, homes.get(feed.url, "")))
        xml.endElement("outline")
    xml.endElement("body")
    xml.endElement("opml")
    xml.endDocument()
    return (OutputFile(OPML_PATH, (out.getvalue() + "\n").encode("utf-8")),)


def _outline(feed: FeedConfig, name: str, home: str) -> dict[str, str]:
    if _public(feed):
        followed = {"type": "rss", "text": name, "title": name, "xmlUrl": xml_text(feed.url)}
        return {**followed, "htmlUrl": home} if home else followed
    return {"type": "link", "text": name, "url": home} if home else {"text": name}


def _public(feed: FeedConfig) -> bool:
    """Whether the feed's address may be published and fetched by anyone."""
    parts = urlsplit(feed.url)
    credentials = parts.username is not None or parts.password is not None
    return parts.scheme in {"http", "https"} and not feed.allow_private and not credentials


def _names(site: Site) -> Mapping[str, str]:
    """Each feed's name as its sources page shows it (its own title when not named)."""
    return {health.url: health.name for health in site.sources}


def _home_pages(site: Site) -> Mapping[str, str]:
    """Feed address → the home page its items name (always http or https)."""
    homes: dict[str, str] = {}
    for article in site.articles.values():
        if article.source_url:
            homes.setdefault(article.origin, article.source_url)
    return homes
