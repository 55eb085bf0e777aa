"""The pages of the site, one function per kind, each page as the context its template gets.

A context is a small frozen dataclass whose fields are exactly the variables its template
receives (besides the globals of ``render``); ``TEMPLATE`` names that template. These
types are the theme's contract, documented field by field in ``docs/themes.md``.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import ClassVar, get_args

from babel import Locale
from babel.dates import get_day_names

from . import alphabet, urls
from .digests import Edition, lay_out
from .model import Article, Digest, FeedHealth, Site, Tag
from .search import SEARCH_PATH, bundle_paths, has_search


@dataclass(frozen=True, slots=True)
class Page:
    """What every template gets as ``page``."""

    path: str  # site path, e.g. ``articles/x/``
    title: str
    url: str  # absolute, canonical
    feeds: tuple[tuple[str, str], ...]  # (title, absolute URL) for autodiscovery


@dataclass(frozen=True, slots=True)
class Pagination:
    number: int  # this page's number, from 1
    total: int  # how many pages
    previous: str  # link to the page before (newer digests or articles), or ""
    next: str  # link to the page after (older ones), or ""


@dataclass(frozen=True, slots=True)
class IndexContext:
    TEMPLATE: ClassVar[str] = "index.html"
    page: Page
    edition: Edition | None  # the latest day in full, on the first page only
    digests: tuple[Digest, ...]  # the other days of this page, listed
    articles: Mapping[str, Article]
    pagination: Pagination


@dataclass(frozen=True, slots=True)
class DigestContext:
    TEMPLATE: ClassVar[str] = "digest.html"
    page: Page
    digest: Digest
    edition: Edition
    articles: Mapping[str, Article]
    newer: Digest | None
    older: Digest | None


@dataclass(frozen=True, slots=True)
class ArticleContext:
    TEMPLATE: ClassVar[str] = "article.html"
    page: Page
    article: Article
    linked_tags: frozenset[str]
    related: tuple[Article, ...]
    same_story: tuple[Article, ...]
    digest: Digest | None


@dataclass(frozen=True, slots=True)
class TagContext:
    TEMPLATE: ClassVar[str] = "tag.html"
    page: Page
    tag: Tag
    tag_articles: tuple[Article, ...]  # this page's share, newest first
    pagination: Pagination


@dataclass(frozen=True, slots=True)
class TagLetter:
    """A letter of the tag index and the page of the tags filed under it."""

    letter: str
    href: str
    count: int  # how many tags it lists


@dataclass(frozen=True, slots=True)
class TagsContext:
    TEMPLATE: ClassVar[str] = "tags.html"
    page: Page
    tags: tuple[tuple[Tag, int], ...]  # the most used, at most tags.most_used
    letters: tuple[TagLetter, ...]


@dataclass(frozen=True, slots=True)
class TagLetterContext:
    TEMPLATE: ClassVar[str] = "tag_letter.html"
    page: Page
    letter: TagLetter
    letters: tuple[TagLetter, ...]
    tags: tuple[tuple[Tag, int], ...]  # in alphabetical order


@dataclass(frozen=True, slots=True)
class CalendarDay:
    date: date
    digest: Digest | None


@dataclass(frozen=True, slots=True)
class CalendarMonth:
    """A month as a calendar: weeks of seven days from Saturday, with None before its
    first day and after its last."""

    month: date  # its first day
    weeks: tuple[tuple[CalendarDay | None, ...], ...]


@dataclass(frozen=True, slots=True)
class ArchiveContext:
    TEMPLATE: ClassVar[str] = "archive.html"
    page: Page
    weekdays: tuple[str, ...]  # the short names of the days, from Saturday
    months: tuple[CalendarMonth, ...]


@dataclass(frozen=True, slots=True)
class SourcesContext:
    TEMPLATE: ClassVar[str] = "sources.html"
    page: Page
    sources: tuple[FeedHealth, ...]


@dataclass(frozen=True, slots=True)
class NotFoundContext:
    TEMPLATE: ClassVar[str] = "404.html"
    page: Page


@dataclass(frozen=True, slots=True)
class SearchContext:
    TEMPLATE: ClassVar[str] = "search.html"
    page: Page
    bundles: tuple[str, ...]  # links to the index's bundles, a month each, newest first


Context = (
    IndexContext
    | DigestContext
    | ArticleContext
    | TagContext
    | TagsContext
    | TagLetterContext
    | ArchiveContext
    | SourcesContext
    | NotFoundContext
    | SearchContext
)


def _page(site: Site, path: str, title: str, *extra_feeds: tuple[str, str]) -> Page:
    site_feed = (site.config.title, site.urls.absolute(urls.FEED_PATH))
    return Page(path, title, site.urls.absolute(path), (site_feed, *extra_feeds))


def index_pages(site: Site) -> tuple[IndexContext, ...]:
    """The home page and its sequels, ``digests_per_page`` days each: the home page shows
    the latest day as its own page does and lists the others, its sequels list theirs."""
    per_page = site.config.digests_per_page
    chunks = [site.digests[i : i + per_page] for i in range(0, len(site.digests), per_page)]
    total = len(chunks)
    latest = _edition(site, site.digests[0]) if site.digests else None
    return tuple(
        IndexContext(
            page=_page(site, urls.index_path(number), _page_title(site, number)),
            edition=latest if number == 1 else None,
            digests=chunk[1:] if number == 1 else chunk,
            articles=site.articles,
            pagination=_pagination(site, number, total, urls.index_path),
        )
        for number, chunk in enumerate(chunks or [()], start=1)
    )


def _pagination(site: Site, number: int, total: int, path: Callable[[int], str]) -> Pagination:
    return Pagination(
        number=number,
        total=total,
        previous=site.urls.href(path(number - 1)) if number > 1 else "",
        next=site.urls.href(path(number + 1)) if number < total else "",
    )


def _page_title(site: Site, number: int) -> str:
    return "" if number == 1 else f"{site.labels['page']} {number}"


def _edition(site: Site, digest: Digest) -> Edition:
    return lay_out(digest, site.articles, site.config.sections, site.labels["other_news"])


def digest_pages(site: Site) -> tuple[DigestContext, ...]:
    digests = site.digests
    return tuple(
        DigestContext(
            page=_page(site, urls.digest_path(digest.slug), site.localizer.full_date(digest.date)),
            digest=digest,
            edition=_edition(site, digest),
            articles=site.articles,
            newer=digests[position - 1] if position > 0 else None,
            older=digests[position + 1] if position + 1 < len(digests) else None,
        )
        for position, digest in enumerate(digests)
    )


def article_pages(site: Site) -> tuple[ArticleContext, ...]:
    """Newest first: the search index of the newest days, where new articles go, is made
    as soon as their pages are (``search``)."""
    articles = site.articles
    linked_tags = frozenset(tag.key for tag in site.tags)
    digest_of = {
        article_id: digest
        for digest in site.digests
        for story in digest.stories
        for article_id in (story.headline, *story.also_reported_by)
    }
    return tuple(
        ArticleContext(
            page=_page(site, urls.article_path(article.slug), article.title),
            article=article,
            linked_tags=linked_tags,
            related=tuple(articles[i] for i in article.related if i in articles),
            same_story=tuple(articles[i] for i in article.same_story if i in articles),
            digest=digest_of.get(article.id),
        )
        for article in sorted(articles.values(), key=lambda a: (-a.published.timestamp(), a.id))
    )


def tag_pages(site: Site) -> tuple[TagContext, ...]:
    """Each tag's articles, ``tags.page_size`` a page: ``tags/<slug>/``, then
    ``tags/<slug>/page/2/`` and on, every page announcing the tag's feed."""
    return tuple(chain.from_iterable(_one_tag_pages(site, tag) for tag in site.tags))


def _one_tag_pages(site: Site, tag: Tag) -> Iterator[TagContext]:
    size = site.config.tags.page_size
    tagged = site.tag_index.get(tag.key, ())
    chunks = [tagged[i : i + size] for i in range(0, len(tagged), size)] or [()]
    feed = (f"{site.config.title}: {tag.label}", site.urls.absolute(urls.tag_feed_path(tag.slug)))
    for number, chunk in enumerate(chunks, start=1):
        title = tag.label if number == 1 else f"{tag.label} · {_page_title(site, number)}"
        yield TagContext(
            page=_page(site, urls.tag_path(tag.slug, number), title, feed),
            tag=tag,
            tag_articles=chunk,
            pagination=_pagination(site, number, len(chunks), lambda n: urls.tag_path(tag.slug, n)),
        )


def _counted_tags(site: Site) -> list[tuple[Tag, int]]:
    return [(tag, len(site.tag_index.get(tag.key, ()))) for tag in site.tags]


def _by_letter(site: Site) -> dict[str, list[tuple[Tag, int]]]:
    """The tags with a page under the letter each is filed under, letters in alphabetical
    order and each letter's tags too."""
    filed = sorted(
        _counted_tags(site), key=lambda pair: (alphabet.sort_key(pair[0].label), pair[0].key)
    )
    letters: dict[str, list[tuple[Tag, int]]] = {}
    for pair in filed:
        letters.setdefault(alphabet.letter_of(pair[0].label), []).append(pair)
    return dict(sorted(letters.items(), key=lambda item: alphabet.letter_key(item[0])))


def _letter_path(letter: str) -> str:
    return urls.tag_letter_path("0-9" if letter == alphabet.NO_LETTER else letter)


def tags_page(site: Site) -> tuple[TagsContext, ...]:
    """The most used tags, and the letters that lead to all the others: one page that
    stays small however many tags the site has."""
    most_used = sorted(_counted_tags(site), key=lambda pair: (-pair[1], pair[0].key))
    return (
        TagsContext(
            page=_page(site, urls.TAGS_PATH, site.labels["tags"]),
            tags=tuple(most_used[: site.config.tags.most_used]),
            letters=_letters(site, _by_letter(site)),
        ),
    )


def _letters(site: Site, by_letter: Mapping[str, list[tuple[Tag, int]]]) -> tuple[TagLetter, ...]:
    return tuple(
        TagLetter(letter, site.urls.href(_letter_path(letter)), len(tags))
        for letter, tags in by_letter.items()
    )


def tag_letter_pages(site: Site) -> tuple[TagLetterContext, ...]:
    """One page per letter of the tag index, listing every tag filed under it."""
    by_letter = _by_letter(site)
    letters = _letters(site, by_letter)
    return tuple(
        TagLetterContext(
            page=_page(
                site, _letter_path(letter.letter), f"{site.labels['tags']}: {letter.letter}"
            ),
            letter=letter,
            letters=letters,
            tags=tuple(by_letter[letter.letter]),
        )
        for letter in letters
    )


def archive_page(site: Site) -> tuple[ArchiveContext, ...]:
    """A calendar of every month that has a digest, newest month first."""
    by_day = {digest.date: digest for digest in site.digests}
    months = sorted({day.replace(day=1) for day in by_day}, reverse=True)
    names = get_day_names("short", locale=Locale.parse(site.config.language, sep="-"))
    return (
        ArchiveContext(
            page=_page(site, urls.ARCHIVE_PATH, site.labels["archive"]),
            weekdays=tuple(names[(calendar.SATURDAY + i) % 7] for i in range(7)),
            months=tuple(_calendar(month, by_day) for month in months),
        ),
    )


def _calendar(month: date, by_day: Mapping[date, Digest]) -> CalendarMonth:
    weeks = calendar.Calendar(firstweekday=calendar.SATURDAY).monthdatescalendar(
        month.year, month.month
    )
    return CalendarMonth(
        month=month,
        weeks=tuple(
            tuple(
                CalendarDay(day, by_day.get(day)) if day.month == month.month else None
                for day in week
            )
            for week in weeks
        ),
    )


def sources_page(site: Site) -> tuple[SourcesContext, ...]:
    """How each feed is doing; a site without feeds has no such page."""
    if not site.sources:
        return ()
    return (
        SourcesContext(
            page=_page(site, urls.SOURCES_PATH, site.labels["sources"]),
            sources=site.sources,
        ),
    )


def not_found_page(site: Site) -> tuple[NotFoundContext, ...]:
    return (NotFoundContext(page=_page(site, "404.html", site.labels["not_found"])),)


def search_page(site: Site) -> tuple[SearchContext, ...]:
    """The page searching the articles, when the site has an index (``has_search``)."""
    if not has_search(site):
        return ()
    return (
        SearchContext(
            page=_page(site, SEARCH_PATH, site.labels["search"]),
            bundles=tuple(site.urls.href(path) for path in bundle_paths(site)),
        ),
    )


PAGE_KINDS: tuple[Callable[[Site], tuple[Context, ...]], ...] = (
    index_pages,
    digest_pages,
    article_pages,
    tag_pages,
    tags_page,
    tag_letter_pages,
    archive_page,
    sources_page,
    not_found_page,
    search_page,
)
CONTEXTS: tuple[type[Context], ...] = get_args(Context)


def page_contexts(site: Site) -> tuple[Context, ...]:
    """Every page of the site, in a stable order."""
    return tuple(chain.from_iterable(kind(site) for kind in PAGE_KINDS))


def listed_paths(site: Site, contexts: Sequence[Context] | None = None) -> tuple[str, ...]:
    """The site paths a search engine should list: every page but the 404 page. A build
    gives the ``page_contexts`` it renders, as laying out every page again costs seconds
    on a large site."""
    return tuple(
        context.page.path
        for context in (page_contexts(site) if contexts is None else contexts)
        if not isinstance(context, NotFoundContext)
    )
