"""Plain, immutable data that flows from one pipeline stage to the next.

Relations between articles are by id, never object references, so every stage can
return new values with ``dataclasses.replace`` and nothing is shared or mutated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType

from .config import SiteConfig
from .localize import Localizer
from .urls import Urls


@dataclass(frozen=True, slots=True)
class Tag:
    """A topic: ``key`` matches spelling variants, ``label`` is what readers see."""

    key: str
    label: str
    slug: str


@dataclass(frozen=True, slots=True)
class Article:
    """One story from one source: a saved article or a feed item."""

    id: str
    slug: str
    title: str
    published: datetime  # aware, in UTC
    source: str
    origin: str  # where it came from: a file relative to the site folder, or a feed URL
    url: str = ""  # the original, when known (http or https only)
    body_html: str = ""  # sanitized
    summary: str = ""  # plain text
    lang: str = ""
    dir: str = "rtl"
    given_tags: tuple[str, ...] = ()  # as written by the user or the feed, before cleaning
    tags: tuple[Tag, ...] = ()
    explicit_related: tuple[str, ...] = ()  # ids of the saved articles named under related:
    related: tuple[str, ...] = ()  # article ids
    same_story: tuple[str, ...] = ()  # ids of other sources' versions of this story
    source_url: str = ""  # the source's home page, when known
    timed: bool = True  # the source gave a time of day, not a date alone


@dataclass(frozen=True, slots=True)
class Story:
    """What a digest lists: a headline article and the other sources that reported it."""

    headline: str  # article id
    also_reported_by: tuple[str, ...] = ()  # article ids


@dataclass(frozen=True, slots=True)
class Digest:
    """The stories of one local day in the site's time zone: reported by more sources first,
    then newest first."""

    date: date
    stories: tuple[Story, ...]

    @property
    def slug(self) -> str:
        return self.date.isoformat()


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site: a path relative to the output folder and its bytes. A
    file kept as the last build made it carries no bytes: they stay in the current site
    (``kept_bytes``), which most files of a rebuild are linked to without being read."""

    path: str
    content: bytes
    made_from: str = ""  # a page's key (``pagecache``): the next build may keep the file
    kept: bool = False  # taken as the last build made it, not made again
    content_hash: str = ""  # a kept file's: the hash of its bytes in the current site
    trace: tuple[tuple[str, str], ...] = ()  # what a page read of the site (``pagereads``)


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """How one feed is doing: for the build summary and the sources page."""

    name: str
    url: str
    # 'new items', 'no new items', 'not modified', 'failed', 'skipped (refresh)' or 'offline'
    status: str
    new_items: int
    total_items: int
    last_success: datetime | None
    last_problem: str


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the outputs show, computed once before anything is rendered or written;
    the links, the date formats and each tag's articles are made here once and shared."""

    config: SiteConfig
    articles: Mapping[str, Article]  # by id
    digests: tuple[Digest, ...]  # newest first
    tags: tuple[Tag, ...]  # the tags that have a page, sorted by label
    tag_index: Mapping[str, tuple[Article, ...]]  # tag key → its articles, newest first
    urls: Urls
    localizer: Localizer
    labels: Mapping[str, str]  # the theme's interface words in the site's language
    sources: tuple[FeedHealth, ...] = ()


def newest_first(article: Article) -> tuple[float, str]:
    """Sort key: newest first, ties by id, so equal dates still give one stable order."""
    return (-article.published.timestamp(), article.id)


def index_by_tag(articles: Iterable[Article]) -> Mapping[str, tuple[Article, ...]]:
    """Tag key → the articles carrying it, newest first."""
    members: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        for tag in article.tags:
            members[tag.key].append(article)
    return MappingProxyType(
        {key: tuple(sorted(found, key=newest_first)) for key, found in members.items()}
    )
