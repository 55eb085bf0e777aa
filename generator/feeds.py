"""Feeds into articles: fetch, parse, remember in the feed store, hand back every item.

``collect_feed_articles`` is the one entry point the build calls. It is an edge: it
fetches (or reads local feed files), then writes the feed store and the cache of
validators before it returns, so the store is updated even if the build later fails.
Everything between the bytes and the store is pure: ``feedupdate`` decides which feeds
are due and what each answer does to the store, with ``feedparse`` reading the bytes.

Nothing a feed does can stop the build: an unreachable server, an HTML page, a wrong
charset or broken XML becomes a Problem, and the feed's stored items stay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from .config import FeedConfig, SiteConfig
from .feedstore import (
    FeedState,
    StoredFeed,
    feed_folder,
    read_feed,
    read_states,
    write_feed,
    write_states,
)
from .feedupdate import apply_answer, is_due, is_remote, not_fetched
from .fetch import FetchPolicy, FetchRequest, FetchResult, fetch_all, site_policy
from .localfiles import TooLarge, is_inside, read_limited
from .localize import text_direction
from .model import Article, FeedHealth
from .normalize import arabic_letters
from .problems import Problem
from .slugs import slugify


@dataclass(frozen=True, slots=True)
class FeedResult:
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]
    health: tuple[FeedHealth, ...]


# --- from stored items to articles ---------------------------------------------------


def feed_articles(feed: FeedConfig, stored: StoredFeed) -> tuple[Article, ...]:
    """The stored items as articles; the feed's config (name, lang, dir, tags) wins."""
    source = feed.name or stored.title or feed.url
    feed_dir = feed.dir or (text_direction(feed.lang) if feed.lang else "")
    articles = []
    for item in stored.items:
        lang = feed.lang or item.lang
        title = arabic_letters(item.title, lang)  # also for a language set only in config
        direction = feed_dir or item.dir
        articles.append(
            Article(
                id=item.id,
                slug=slugify(title),
                title=title,
                published=item.published,
                source=source,
                origin=feed.url,
                url=item.url,
                body_html=item.body_html,
                summary=item.summary,
                lang=lang,
                dir=direction or (text_direction(lang) if lang else "rtl"),
                given_tags=tuple(dict.fromkeys((*feed.tags, *item.categories))),
                source_url=stored.link,
            )
        )
    return tuple(articles)


# --- the edge: disk and network ------------------------------------------------------


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path


def _read_local(feed: FeedConfig, config: SiteConfig) -> FetchResult:
    path = config.root / feed.url
    if not feed.allow_outside and not is_inside(path, config.root):
        return FetchResult(
            url=feed.url,
            error="the feed file is outside the site folder: move it into the site folder, "
            "or give this feed 'allow_outside: true' in config.yaml",
        )
    try:
        content = read_limited(path, config.max_file_bytes)
    except TooLarge:
        return FetchResult(
            url=feed.url,
            error=f"the feed file is larger than {config.max_file_mib} MiB, "
            "the limit set by 'max_file_mib' in config.yaml",
        )
    except OSError as error:
        return FetchResult(url=feed.url, error=f"the feed file cannot be read ({error.strerror})")
    return FetchResult(url=feed.url, status=200, content=content)


def collect_feed_articles(
    config: SiteConfig,
    *,
    now: datetime,
    offline: bool,
    progress: Callable[[str], None],
    policy: FetchPolicy | None = None,
    force: bool = False,
    keep: bool = True,
) -> FeedResult:
    """Bring every configured feed up to date and return all of their stored items.

    Remote feeds are fetched unless ``offline`` or not yet due (``feedupdate.is_due``;
    ``force`` fetches anyway); local feed files are always read. A feed left alone still
    reports the problem of its last fetch. The feed store (``content/feeds/``) and the
    validator cache (``.cache/feeds.json``) are written before this returns, unless
    ``keep`` is false (for a command that only looks).
    """
    store_dir = config.content_dir / "feeds"
    cache_path = config.root / ".cache" / "feeds.json"
    states = read_states(cache_path)
    problems: list[Problem] = []
    stored: dict[str, StoredFeed] = {}
    for feed in config.feeds:
        stored[feed.url], damaged = read_feed(feed_folder(store_dir, feed.url), feed.url)
        problems.extend(replace(p, origin=_relative(p.origin, config.root)) for p in damaged)

    to_fetch: list[FeedConfig] = []
    answers: dict[str, FetchResult] = {}
    skipped: dict[str, str] = {}
    for feed in config.feeds:
        state = states.get(feed.url, FeedState())
        if not is_remote(feed.url):
            answers[feed.url] = _read_local(feed, config)
        elif offline:
            skipped[feed.url] = "offline"
        elif force or is_due(feed, state, now):
            to_fetch.append(feed)
        else:
            skipped[feed.url] = "skipped (refresh)"
    if to_fetch:
        progress(f"fetching {len(to_fetch)} feeds")
        requests = []
        for feed in to_fetch:
            state = states.get(feed.url, FeedState())
            known = bool(stored[feed.url].items)  # no validators for a store that was lost
            requests.append(
                FetchRequest(
                    feed.url,
                    etag=state.etag if known else "",
                    last_modified=state.last_modified if known else "",
                    allow_private=feed.allow_private,
                )
            )
        results = fetch_all(requests, policy or site_policy(config), progress=progress)
        answers.update({result.url: result for result in results})

    health: list[FeedHealth] = []
    new_states = dict(states)
    for feed in config.feeds:
        state = states.get(feed.url, FeedState())
        if feed.url in skipped:
            outcome = not_fetched(feed, stored[feed.url], state, skipped[feed.url])
        else:
            outcome = apply_answer(
                feed, stored[feed.url], state, answers[feed.url], now=now, tz=config.tz
            )
        if outcome.changed and keep:
            write_feed(feed_folder(store_dir, feed.url), outcome.stored)
        stored[feed.url] = outcome.stored
        problems.extend(outcome.problems)
        health.append(outcome.health)
        if is_remote(feed.url) and outcome.state != state:
            new_states[feed.url] = outcome.state
    if new_states != states and keep:
        write_states(cache_path, new_states)

    articles: list[Article] = []
    seen: dict[str, str] = {}
    for feed in config.feeds:
        for article in feed_articles(feed, stored[feed.url]):
            if article.id in seen:
                if seen[article.id] != feed.url:
                    problems.append(
                        Problem(
                            feed.url,
                            None,
                            f"an item is also in the feed {seen[article.id]}: {article.title}",
                            "shown once",
                        )
                    )
                continue
            seen[article.id] = feed.url
            articles.append(article)
    return FeedResult(tuple(articles), tuple(problems), tuple(health))
