"""Every link of the site, through one place that knows the base path.

A GitHub Pages project site lives under a sub-path (``/news-digest/``), so a link
written as ``/articles/x/`` would break there. Pages link with the base path
included; feeds and the sitemap use absolute URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit


def base_path(base_url: str) -> str:
    """The path part of ``base_url``, always ending in a slash (``/news-digest/``)."""
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


@dataclass(frozen=True, slots=True)
class Urls:
    base_url: str  # e.g. https://example.github.io/news-digest/

    @property
    def base_path(self) -> str:
        return base_path(self.base_url)

    def href(self, path: str) -> str:
        """A link for pages: the base path plus the percent-encoded site path."""
        return self.base_path + quote(path, safe="/#.-_~")

    def absolute(self, path: str) -> str:
        """A full URL, for feeds, the sitemap and canonical links."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}{self.href(path)}"


# Site paths: folders end with a slash and hold an index.html.
def article_path(slug: str) -> str:
    return f"articles/{slug}/"


def digest_path(slug: str) -> str:
    return f"digests/{slug}/"


def tag_path(slug: str, page: int = 1) -> str:
    return f"tags/{slug}/" if page == 1 else f"tags/{slug}/page/{page}/"


def tag_letter_path(letter: str) -> str:
    """The page of the tags filed under one letter (one character, or ``0-9``): under a
    tag's own folder name, it cannot meet that tag's ``page/`` sequels or its feed."""
    return f"tags/letter/{letter}/"


def tag_feed_path(slug: str) -> str:
    return f"tags/{slug}/feed.xml"


def index_path(page: int) -> str:
    return "" if page == 1 else f"page/{page}/"


TAGS_PATH = "tags/"
ARCHIVE_PATH = "archive/"
SOURCES_PATH = "sources/"
FEED_PATH = "feed.xml"


def file_for(path: str) -> str:
    """The file that serves a site path: folders are served by their index.html."""
    return path + "index.html" if path == "" or path.endswith("/") else path
