"""The one place that knows the order of the stages.

``build`` reads top to bottom like the pipeline: each stage's result is a named local,
handed on explicitly. Everything is gathered and computed into a ``Site`` before anything is
written; each output then turns the site into files, written one by one as they are made.
A new kind of output (a search index, another feed format) is one function added to
``OUTPUTS``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from . import articlecache, pagecache, tagcache, tokencache, unchanged, workers
from .articles import Parsed, read_saved
from .config import SiteConfig
from .dedupe import same_story_groups, with_groups
from .digests import group_into_digests
from .feedfiles import feed_files
from .feeds import FeedResult, collect_feed_articles
from .localize import Localizer
from .model import Article, FeedHealth, OutputFile, Site, Tag, index_by_tag
from .opml import sources_opml
from .pages import Context, page_contexts
from .problems import Problem
from .related import find_related
from .render import render_pages
from .search import COPIES_DIR, with_search_index
from .slugs import unique_slugs
from .syndication import hosting_files, sitemap
from .tags import given_tag_problems
from .textindex import Corpus
from .theme_files import load_labels, static_files
from .urls import Urls
from .write import recover, write_site
from .xmlchars import articles_fit_for_xml, check_well_formed

CACHE_DIR = ".cache"  # under the site folder: results reused while their inputs are unchanged
# Articles from which same-story grouping runs in a process of its own while the articles
# are tagged: below, the fork and the tokenized articles' way back cost about what it saves.
_GROUPED_BESIDE_FROM = 1_000

Output = Callable[[Site], Iterable[OutputFile]]
OUTPUTS: tuple[Output, ...] = (
    render_pages,
    feed_files,
    sources_opml,
    sitemap,
    hosting_files,
    static_files,
)


@dataclass(frozen=True, slots=True)
class BuildResult:
    articles: int
    digests: int
    tags: int
    pages: int
    files: int
    problems: tuple[Problem, ...]
    sources: tuple[FeedHealth, ...]
    site: Site | None  # None when nothing changed since the last build, which is kept

    @property
    def unchanged(self) -> bool:
        return self.site is None


@dataclass(frozen=True, slots=True)
class SiteData:
    """The site as computed before anything is rendered: what a build writes, and what
    ``digest explain`` explains."""

    site: Site
    tagged: tuple[Article, ...]  # every article with its tags, before reposts are merged away
    problems: tuple[Problem, ...]
    parsed: Mapping[str, Parsed]  # the saved files' parses, kept by a build for the next
    tokens: tokencache.Tokens | None  # the articles tokenized, if a stage needed them


def build(
    config: SiteConfig,
    *,
    now: datetime,
    offline: bool = False,
    rebuild: bool = False,
    progress: Callable[[str], None] = lambda message: None,
) -> BuildResult:
    """Build the site, unless nothing it reads changed since the last build (and
    ``rebuild`` is false): then the site is kept and the last build's figures returned."""
    output_dir = recover(config.output_dir)  # a site moved away by a killed run is put back
    cache_dir = config.root / CACHE_DIR
    fed = _feeds(config, now=now, offline=offline, progress=progress, keep=True)
    inputs = unchanged.inputs_state(config, cache_dir)
    last = unchanged.read(cache_dir)
    if not rebuild and last is not None and unchanged.is_current(last, inputs, config, cache_dir):
        progress("nothing changed since the last build: the site stays as it is")
        kept = dataclasses.asdict(last.counts)
        return BuildResult(**kept, problems=last.problems, sources=fed.health, site=None)
    unchanged.forget(cache_dir)
    data = analyse(config, fed, progress=progress, cache_dir=cache_dir)
    site = data.site
    progress("rendering and writing pages and feeds")
    kept = pagecache.NOTHING_KEPT if rebuild else pagecache.load(cache_dir, output_dir)
    noted = _PageNotes()
    made = (
        (_producer(output), noted.passing(_producer(output), _well_formed(output(site))))
        for output in _outputs(kept, page_contexts(site))
    )
    copies = cache_dir / COPIES_DIR
    written = write_site(with_search_index(made, site, copies), output_dir)
    articlecache.save(cache_dir, data.parsed)
    if data.tokens is not None:
        tokencache.save(cache_dir, data.tokens)
    noted.note.save(cache_dir)
    pages, feeds = (_producer(output) for output in (render_pages, feed_files))
    if any(noted.kept.values()):
        progress(
            f"{noted.kept[pages]} of {written.get(pages, 0)} pages and {noted.kept[feeds]} of "
            f"{written.get(feeds, 0)} feeds kept as the last build made them"
        )
    counts = unchanged.Counts(
        articles=len(site.articles),
        digests=len(site.digests),
        tags=len(site.tags),
        pages=written.get(pages, 0),
        files=sum(written.values()),
    )
    identity = unchanged.output_identity(output_dir)
    if identity and inputs and unchanged.inputs_state(config, cache_dir) == inputs:
        # not when a file changed while the site was built: it was read before or after
        cache = unchanged.cache_state(cache_dir)
        note = unchanged.LastBuild(inputs, cache, identity, counts, data.problems)
        unchanged.write(cache_dir, note)
    made_now = dataclasses.asdict(counts)
    return BuildResult(**made_now, problems=data.problems, sources=fed.health, site=site)


def _feeds(
    config: SiteConfig,
    *,
    now: datetime,
    offline: bool,
    progress: Callable[[str], None],
    keep: bool,
) -> FeedResult:
    progress("reading feeds")
    return collect_feed_articles(config, now=now, offline=offline, progress=progress, keep=keep)


def compute_site(
    config: SiteConfig,
    *,
    now: datetime,
    offline: bool = False,
    progress: Callable[[str], None] = lambda message: None,
    keep: bool = True,
) -> SiteData:
    """Every stage up to the ``Site``. With ``keep`` false nothing is written, so a
    command that only looks at the result changes nothing: the feed store is not updated
    from local feed files and the analysis results are neither read from nor kept in
    the cache."""
    fed = _feeds(config, now=now, offline=offline, progress=progress, keep=keep)
    cache_dir = config.root / CACHE_DIR if keep else None
    return analyse(config, fed, progress=progress, cache_dir=cache_dir)


def analyse(
    config: SiteConfig,
    fed: FeedResult,
    *,
    progress: Callable[[str], None] = lambda message: None,
    cache_dir: Path | None,
) -> SiteData:
    """The stages after the feeds are read, with their results kept in ``cache_dir``
    (none: computed, and neither read nor kept)."""
    progress("reading saved articles")
    read = read_saved(config, articlecache.load(cache_dir) if cache_dir else {})
    saved, saved_problems = read.articles, read.problems
    fit, unfit = articles_fit_for_xml((*saved, *fed.articles))
    articles = _with_unique_slugs(fit)
    # tokenized once, and only if needed; unchanged texts as an earlier build tokenized them
    tokens = functools.cache(lambda: tokencache.encoded(articles, cache_dir=cache_dir))

    def corpus() -> Corpus:
        return tokens().corpus

    def grouping() -> tuple[list[list[str]], tokencache.Tokens | None]:
        """The same-story groups, and the articles tokenized if that was needed."""
        groups = same_story_groups(articles, config.same_story, cache_dir=cache_dir, corpus=corpus)
        return groups, tokens() if tokens.cache_info().currsize else None

    progress(f"tagging {len(articles)} articles")
    with workers.beside(grouping, worth_it=len(articles) >= _GROUPED_BESIDE_FROM) as grouped:
        tagged, tags = tagcache.assign_tags(
            articles, config.tags, cache_dir=cache_dir, zone=config.tz
        )
        progress("grouping stories reported by several sources")
        groups, tokenized = grouped()
    grouped_articles, stories = with_groups(tagged, groups)
    progress("finding related stories")
    related = find_related(
        grouped_articles,
        config.related,
        cache_dir=cache_dir,
        corpus=tokenized.corpus if tokenized else corpus,
    )
    if tokenized is None and tokens.cache_info().currsize:
        tokenized = tokens()
    by_id = MappingProxyType({article.id: article for article in related})
    tag_index = index_by_tag(related)
    site = Site(
        config=config,
        articles=by_id,
        digests=group_into_digests(stories, by_id, config.tz),
        tags=_still_with_pages(tags, tag_index, config.tags.min_articles),
        tag_index=tag_index,
        urls=Urls(config.base_url),
        localizer=Localizer(config.language, config.timezone, config.digits, config.hijri),
        labels=load_labels(config),
        sources=fed.health,
    )
    given = given_tag_problems(articles, config.tags)
    problems = (*saved_problems, *fed.problems, *unfit, *given)
    return SiteData(site, tagged, problems, read.parsed, tokenized)


def _with_unique_slugs(articles: tuple[Article, ...]) -> tuple[Article, ...]:
    """Two articles with the same title still get two pages; each keeps its slug stably."""
    final = unique_slugs([(article.id, article.slug) for article in articles])
    return tuple(
        article
        if final[article.id] == article.slug
        else dataclasses.replace(article, slug=final[article.id])
        for article in sorted(articles, key=lambda a: a.id)
    )


def _still_with_pages(
    tags: tuple[Tag, ...], tag_index: Mapping[str, tuple[Article, ...]], min_articles: int
) -> tuple[Tag, ...]:
    """The tags that had a page when tagged, less those whose articles were partly reposts
    merged away since: no tag page lists fewer than ``min_articles`` articles. Merging only
    removes articles, so no other tag can have gained a page."""
    return tuple(tag for tag in tags if len(tag_index.get(tag.key, ())) >= min_articles)


def _outputs(kept: pagecache.KeptPages, contexts: Sequence[Context]) -> tuple[Output, ...]:
    """``OUTPUTS``, the pages taken from ``kept`` where the last build made them from the
    same inputs, and the pages and the sitemap made from one layout of the pages
    (``contexts``)."""
    given = {
        render_pages: functools.partial(render_pages, kept=kept, contexts=contexts),
        feed_files: functools.partial(feed_files, kept=kept),
        sitemap: functools.partial(sitemap, contexts=contexts),
    }
    return tuple(
        functools.update_wrapper(given[output], output) if output in given else output
        for output in OUTPUTS
    )


@dataclass(slots=True)
class _PageNotes:
    """What a build learns of its pages and feeds as they pass on to be written."""

    note: pagecache.Note = field(default_factory=pagecache.Note)  # for the next build
    kept: Counter[str] = field(default_factory=Counter)  # by output: as the last build made

    def passing(self, producer: str, files: Iterable[OutputFile]) -> Iterator[OutputFile]:
        for file in files:
            if file.made_from:
                self.note.add(file)
                self.kept[producer] += file.kept
            yield file


def _well_formed(files: Iterable[OutputFile]) -> Iterator[OutputFile]:
    """Each file as it is made, once checked: a broken feed stops the build before the
    new site is swapped in, however many files were written before it. A file kept as the
    last build made it was checked then."""
    for file in files:
        if not file.kept:
            check_well_formed((file,))
        yield file


def _producer(output: Output) -> str:
    """An output as its error messages name it, e.g. ``feedfiles.feed_files``."""
    return f"{output.__module__.rpartition('.')[2]}.{output.__name__}"
