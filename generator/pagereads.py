"""What a page read of the site's articles and days while it was rendered: its trace.

A page's variables hold articles (its own, its related ones, a tag's, a day's) and days
(``Digest``), and an index or a day's page may look up any article of the site. A
template reads few of their fields: a related article's title, source and date, not its
body, its tags or its own related links. A page's key (``pagecache``) is made of what its
last rendering read, so that an hour's new articles, which change the related links of
hundreds of older ones, make again only the pages that show something that changed.

Everything a template reads goes through Jinja's ``getattr`` and ``getitem`` (``a.b``,
``a["b"]``, and filters such as ``map(attribute=…)`` or ``sort(attribute=…)``), through
the site's article map and the set of tags with pages, both given to templates wrapped
here, or through the globals of ``render``, which say what they read. An article or a day
printed whole (``{{ article }}``) counts as read whole.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Set
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment

from .model import Article, Digest

Trace = tuple[tuple[str, str], ...]  # (what was read, which of its fields), sorted

WHOLE = "*"  # read whole: printed, or read by code that reads it all
PRESENCE = ""  # looked up: whether it is there
ALL_ARTICLES = "articles"  # which articles the site has: iterated or counted
ALL_TAG_PAGES = "tag pages"  # which tags have a page: iterated or counted
# The variables a page gets that are the whole site's: wrapped so that a page is made from
# what it looks up in them, not from all of them.
SITE_WIDE = frozenset({"articles", "linked_tags"})


def article_ref(article_id: str) -> str:
    return f"a:{article_id}"


def digest_ref(day: Digest) -> str:
    return f"d:{day.date.isoformat()}"


def tag_page_ref(tag_key: str) -> str:
    return f"t:{tag_key}"


def site_ref(what: str) -> str:
    return f"*:{what}"


@dataclass(slots=True)
class Reads:
    """The reads of the page being rendered; one page at a time (``begin``, ``trace``)."""

    _fields: dict[str, set[str]] = field(default_factory=dict)

    def begin(self) -> None:
        self._fields = {}

    def trace(self) -> Trace:
        return tuple(sorted((ref, _names(fields)) for ref, fields in self._fields.items()))

    def note(self, ref: str, name: str) -> None:
        self._fields.setdefault(ref, set()).add(name)

    def attribute(self, value: object, name: str) -> None:
        """``value.name`` read by a template or a global, if ``value`` is an article or a day."""
        if type(value) is Article:
            self.note(article_ref(value.id), name)
        elif type(value) is Digest:
            self.note(digest_ref(value), name)

    def field(self, value: object, name: str) -> object:
        """``value.name``, noted: what a global reads of an article or a day."""
        self.attribute(value, name)
        return getattr(value, name)

    def printed(self, value: object) -> object:
        """A value a template prints (Jinja's ``finalize``): an article or a day printed
        whole is read whole."""
        if isinstance(value, tuple | list):
            for item in value:
                self.attribute(item, WHOLE)
        else:
            self.attribute(value, WHOLE)
        return value

    def site_articles(self, articles: Mapping[str, Article]) -> Mapping[str, Article]:
        return _NotedArticles(articles, self)

    def tag_pages(self, keys: Set[str]) -> Set[str]:
        return _NotedTagPages(keys, self, ALL_TAG_PAGES)


def _names(fields: set[str]) -> str:
    """The fields read, as a trace says them: all of them when one read it whole."""
    return WHOLE if WHOLE in fields else " ".join(sorted(fields))


class _NotedWhole:
    """A site-wide collection a template may go through or count: that reads all of it."""

    def __init__(self, whole: Collection[str], reads: Reads, what: str) -> None:
        self._whole, self._reads, self._ref = whole, reads, site_ref(what)

    def __iter__(self) -> Iterator[str]:
        self._reads.note(self._ref, WHOLE)
        return iter(self._whole)

    def __len__(self) -> int:
        self._reads.note(self._ref, WHOLE)
        return len(self._whole)


class _NotedArticles(_NotedWhole, Mapping[str, Article]):
    """The site's articles by id, as a template looks them up."""

    def __init__(self, articles: Mapping[str, Article], reads: Reads) -> None:
        super().__init__(articles, reads, ALL_ARTICLES)
        self._articles = articles

    def __getitem__(self, article_id: str) -> Article:
        self._reads.note(article_ref(article_id), PRESENCE)
        return self._articles[article_id]


class _NotedTagPages(_NotedWhole, Set[str]):
    """The keys of the tags that have a page, as a template asks about them."""

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):  # no other key is ever there
            self._reads.note(tag_page_ref(key), PRESENCE)
        return key in self._whole


class NotingEnvironment(Environment):
    """Jinja's environment, noting what each page reads of the site's articles and days
    as its template runs."""

    def __init__(self, reads: Reads, **options: Any) -> None:
        super().__init__(finalize=reads.printed, **options)
        self.reads = reads

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.reads.attribute(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str):
            self.reads.attribute(obj, argument)
        return super().getitem(obj, argument)

    def noted(self, name: str, value: object) -> object:
        """A page's variable as its template gets it: the site-wide ones wrapped so that
        what the page looks up in them is noted."""
        if name not in SITE_WIDE:
            return value
        if isinstance(value, Mapping):
            return self.reads.site_articles(value)
        return self.reads.tag_pages(value)  # type: ignore[arg-type]
