"""The computed site rendered to HTML pages with Jinja templates.

Templates come from the site's own ``templates/`` folder first, then the default theme;
``theme/NAME`` always names the default one, so an override can extend it and replace
a single block. Each page kind gets a small documented context, never the raw config.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType

import yaml
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    select_autoescape,
)

from . import urls
from .model import Article, Digest, OutputFile, Site, Story

THEME_DIR = Path(str(files("generator.theme")))
LABELS_FILE = "labels.yaml"


@dataclass(frozen=True, slots=True)
class Page:
    """What every template gets as ``page``."""

    path: str  # site path, e.g. ``articles/x/``
    title: str
    url: str  # absolute, canonical
    feeds: tuple[tuple[str, str], ...]  # (title, absolute URL) for autodiscovery


def render_pages(site: Site) -> tuple[OutputFile, ...]:
    env = _environment(site)
    return tuple(
        OutputFile(
            urls.file_for(path) if path != "404" else "404.html",
            env.get_template(template).render(**context).encode("utf-8"),
        )
        for path, template, context in _pages(site, env)
    )


def _environment(site: Site) -> Environment:
    theme = FileSystemLoader(str(THEME_DIR))
    loaders = [PrefixLoader({"theme": theme}, delimiter="/"), theme]
    own = site.config.root / "templates"
    if own.is_dir():
        loaders.insert(0, FileSystemLoader(str(own)))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    config = site.config
    link = site.urls
    localizer = site.localizer
    env.globals.update(
        site={
            "title": config.title,
            "description": config.description,
            "lang": config.language,
            "dir": config.direction,
            "has_sources": bool(site.sources),
        },
        labels=_labels(env, config.language),
        href=link.href,
        article_href=lambda article: link.href(urls.article_path(article.slug)),
        tag_href=lambda tag: link.href(urls.tag_path(tag.slug)),
        other_sources=lambda story: _other_sources(story, site.articles),
        digest_href=lambda digest: link.href(urls.digest_path(digest.slug)),
        long_date=localizer.long_date,
        full_date=localizer.full_date,
        time_of_day=localizer.time_of_day,
        month=localizer.month,
        number=localizer.number,
    )
    return env


def _other_sources(story: Story, articles: Mapping[str, Article]) -> tuple[Article, ...]:
    """The other versions of a story, one per source other than the headline's (a source
    that ran the story twice is named once, with its earliest version)."""
    seen = {articles[story.headline].source}
    found = []
    for article in (articles[i] for i in story.also_reported_by):
        if article.source not in seen:
            seen.add(article.source)
            found.append(article)
    return tuple(found)


def _labels(env: Environment, language: str) -> Mapping[str, str]:
    """The theme's interface words in the site's language (English where none are given)."""
    source, _, _ = env.loader.get_source(env, LABELS_FILE)
    by_language = yaml.safe_load(source)
    base = language.split("-")[0].split("_")[0]
    return MappingProxyType({**by_language["en"], **by_language.get(base, {})})


def _pages(site: Site, env: Environment) -> Iterator[tuple[str, str, dict]]:
    config = site.config
    link = site.urls
    site_feed = (config.title, link.absolute(urls.FEED_PATH))
    labels = env.globals["labels"]

    def page(path: str, title: str, *extra_feeds: tuple[str, str]) -> Page:
        return Page(path, title, link.absolute(path), (site_feed, *extra_feeds))

    articles = site.articles
    tag_articles = site.tag_index
    tags_with_pages = {tag.key for tag in site.tags}
    digest_of = {
        article_id: digest
        for digest in site.digests
        for story in digest.stories
        for article_id in (story.headline, *story.also_reported_by)
    }

    per_page = config.digests_per_page
    chunks = [site.digests[i : i + per_page] for i in range(0, len(site.digests), per_page)]
    for number, chunk in enumerate(chunks or [()], start=1):
        path = urls.index_path(number)
        yield (
            path,
            "index.html",
            {
                "page": page(path, "" if number == 1 else f"{labels['page']} {number}"),
                "digests": chunk,
                "articles": articles,
                "pagination": {
                    "number": number,
                    "total": len(chunks),
                    "previous": link.href(urls.index_path(number - 1)) if number > 1 else "",
                    "next": link.href(urls.index_path(number + 1)) if number < len(chunks) else "",
                },
            },
        )

    for position, digest in enumerate(site.digests):
        path = urls.digest_path(digest.slug)
        yield (
            path,
            "digest.html",
            {
                "page": page(path, env.globals["full_date"](digest.date)),
                "digest": digest,
                "articles": articles,
                "newer": site.digests[position - 1] if position > 0 else None,
                "older": site.digests[position + 1] if position + 1 < len(site.digests) else None,
            },
        )

    for article in sorted(articles.values(), key=lambda a: a.id):
        path = urls.article_path(article.slug)
        yield (
            path,
            "article.html",
            {
                "page": page(path, article.title),
                "article": article,
                "linked_tags": tags_with_pages,
                "related": tuple(articles[i] for i in article.related if i in articles),
                "same_story": tuple(articles[i] for i in article.same_story if i in articles),
                "digest": digest_of.get(article.id),
            },
        )

    for tag in site.tags:
        path = urls.tag_path(tag.slug)
        tag_feed = (f"{config.title}: {tag.label}", link.absolute(urls.tag_feed_path(tag.slug)))
        yield (
            path,
            "tag.html",
            {
                "page": page(path, tag.label, tag_feed),
                "tag": tag,
                "tag_articles": tag_articles.get(tag.key, ()),
            },
        )

    yield (
        urls.TAGS_PATH,
        "tags.html",
        {
            "page": page(urls.TAGS_PATH, labels["tags"]),
            "tags": tuple(
                (tag, len(tag_articles.get(tag.key, ())))
                for tag in sorted(
                    site.tags, key=lambda t: (-len(tag_articles.get(t.key, ())), t.key)
                )
            ),
        },
    )

    months: dict[tuple[int, int], list[Digest]] = defaultdict(list)
    for digest in site.digests:
        months[(digest.date.year, digest.date.month)].append(digest)
    yield (
        urls.ARCHIVE_PATH,
        "archive.html",
        {
            "page": page(urls.ARCHIVE_PATH, labels["archive"]),
            "months": tuple(
                (chunk[0].date, tuple(chunk)) for _, chunk in sorted(months.items(), reverse=True)
            ),
        },
    )

    if site.sources:
        yield (
            urls.SOURCES_PATH,
            "sources.html",
            {
                "page": page(urls.SOURCES_PATH, labels["sources"]),
                "sources": site.sources,
            },
        )

    yield "404", "404.html", {"page": page("404.html", labels["not_found"])}
