"""The site's feeds as files: each channel (the site's, and one per tag with a page) as RSS
2.0 (``syndication``) and as a JSON Feed (``jsonfeed``) beside it, both made from one
reading of the channel.

A feed whose inputs are those the last build made it from (its days or its tag's articles,
each whole, the settings and digest's own code) is taken from the current site as it is,
as pages are (``pagecache``): on a large site most tags' feeds stay the same from one build
to the next, and making thousands of them again cost seconds.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import unchanged
from .jsonfeed import json_feed, json_path
from .model import OutputFile, Site
from .pagecache import NOTHING_KEPT, KeptPages, PageKeys
from .syndication import Channel, channel_inputs, rss_feed


def feed_files(site: Site, kept: KeptPages = NOTHING_KEPT) -> Iterator[OutputFile]:
    """Each channel's RSS feed, then its JSON Feed; those the last build made from the same
    inputs (``kept``) as they are."""
    keys = PageKeys(site, (unchanged.code_state(), repr(site.config)))
    for rss_path, make, inputs in channel_inputs(site):
        channel: Channel | None = None
        for path, write in ((rss_path, rss_feed), (json_path(rss_path), json_feed)):
            key = keys.of((path, inputs))
            content = kept.content(path, key)
            if content is None:
                channel = channel or make()
                yield OutputFile(path, write(channel, site.urls), made_from=key)
            else:
                yield OutputFile(path, content, made_from=key, kept=True)
