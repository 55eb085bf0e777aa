"""The site's feeds as files: each channel (the site's, and one per tag with a page) as RSS
2.0 (``syndication``) and as a JSON Feed (``jsonfeed``) beside it, both made from one
reading of the channel.

A feed whose inputs are those the last build made it from (its days or its tag's articles,
each whole but for its links to other articles, the settings and digest's own code) is
taken from the current site as it is, as pages are (``pagecache``): on a large site most
tags' feeds stay the same from one build to the next, and making thousands of them again
cost seconds. No feed shows an article's related stories or other versions, and an hour's
new articles change those of hundreds of older ones: with them in the key, thousands of
feeds would be made again only to come out the same.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from types import MappingProxyType

from . import unchanged
from .jsonfeed import json_feed, json_path
from .model import OutputFile, Site
from .pagecache import NOTHING_KEPT, InputKeys, KeptPages
from .syndication import Channel, channel_inputs, rss_feed


def feed_files(site: Site, kept: KeptPages = NOTHING_KEPT) -> Iterator[OutputFile]:
    """Each channel's RSS feed, then its JSON Feed; those the last build made from the same
    inputs (``kept``) as they are."""
    site = _as_fed(site)
    keys = InputKeys(site, (unchanged.code_state(), repr(site.config)))
    for rss_path, make, inputs in channel_inputs(site):
        channel: Channel | None = None
        for path, write in ((rss_path, rss_feed), (json_path(rss_path), json_feed)):
            key = keys.of((path, inputs))
            file = kept.kept(path, key)
            if file is None:
                channel = channel or make()
                file = OutputFile(path, write(channel, site.urls), made_from=key)
            yield file


def _as_fed(site: Site) -> Site:
    """The site as its feeds read it: each article without its links to other articles
    (related stories, other versions), which no feed shows."""
    fed = {
        key: dataclasses.replace(article, explicit_related=(), related=(), same_story=())
        for key, article in site.articles.items()
    }
    tag_index = {key: tuple(fed[a.id] for a in listed) for key, listed in site.tag_index.items()}
    return dataclasses.replace(
        site, articles=MappingProxyType(fed), tag_index=MappingProxyType(tag_index)
    )
