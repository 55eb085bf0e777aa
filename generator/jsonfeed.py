"""A JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) beside each RSS feed: ``feed.json``
next to ``feed.xml``, with the same items, for readers that prefer JSON.

The items come from the same ``Channel`` as the RSS feed, so both say the same: titles and
summaries are plain text, ``content_html`` is the RSS feed's sanitized HTML with its
language and direction. Keys come in one fixed order and dates in UTC, so a build of the
same site gives the same bytes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from . import urls
from .syndication import Channel, Creator, FeedItem
from .xmlchars import xml_text

VERSION = "https://jsonfeed.org/version/1.1"
MEDIA_TYPE = "application/feed+json"


def json_path(rss_path: str) -> str:
    """Where the JSON Feed of an RSS feed is: ``tags/x/feed.xml`` → ``tags/x/feed.json``."""
    return rss_path.removesuffix(".xml") + ".json"


def json_feed(channel: Channel, link: urls.Urls) -> bytes:
    """A channel as a JSON Feed."""
    feed = {
        "version": VERSION,
        "title": channel.title,
        "home_page_url": channel.home,
        "feed_url": link.absolute(json_path(channel.path)),
        "description": channel.description,
        "language": channel.language,
        "items": [_item(item) for item in channel.items],
    }
    # Articles lost the characters XML cannot hold when they entered the build; the config's
    # text loses them here, as in every other file the site publishes.
    return (xml_text(json.dumps(feed, ensure_ascii=False, indent=2)) + "\n").encode("utf-8")


def _item(item: FeedItem) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": item.guid,
        "url": item.link,
        "external_url": item.original,
        "title": item.title,
        "content_html": item.content_html,
        "summary": item.summary,
        "date_published": rfc3339(item.published),
        "authors": [_author(creator) for creator in item.creators],
        "tags": list(item.categories),
        "language": item.language,
    }
    return {key: value for key, value in fields.items() if value}  # the spec omits what's unknown


def _author(creator: Creator) -> dict[str, str]:
    return {"name": creator.name, "url": creator.url} if creator.url else {"name": creator.name}


def rfc3339(moment: datetime) -> str:
    """RFC 3339 in UTC to the second (``2023-09-13T06:00:00Z``), as JSON Feed wants it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
