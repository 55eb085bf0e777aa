"""Feeds into articles: fetch, parse, remember in the feed store, hand back every item.

``collect_feed_articles`` is the one entry point the build calls. It is an edge: it
fetches (or reads local feed files), then writes the feed store and the cache of
validators before it returns, so the store is updated even if the build later fails.
Everything between the bytes and the store is pure: ``feedparse`` reads the bytes, and
``apply_answer`` merges what it read into the store.

Nothing a feed does can stop the build: an unreachable server, an HTML page, a wrong
charset or broken XML becomes a Problem, and the feed's stored items stay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from .config import FeedConfig, SiteConfig
from .feedparse import parse_feed
from .feedstore import (
    FeedState,
    StoredFeed,
    feed_folder,
    merge_items,
    read_feed,
    read_states,
    write_feed,
    write_states,
)
from .fetch import FetchPolicy, FetchRequest, FetchResult, fetch_all, site_policy
from .localize import text_direction
from .model import Article, FeedHealth
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
    articles = []
    for item in stored.items:
        lang = feed.lang or item.lang
        direction = feed.dir or (text_direction(feed.lang) if feed.lang else item.dir)
        articles.append(
            Article(
                id=item.id,
                slug=slugify(item.title),
                title=item.title,
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


# --- one feed's answer applied to its store (pure) -----------------------------------


@dataclass(frozen=True, slots=True)
class _Outcome:
    stored: StoredFeed
    state: FeedState
    health: FeedHealth
    problems: tuple[Problem, ...]
    changed: bool  # the store must be written


def _is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def _failure(result: FetchResult) -> str:
    if result.error:
        return result.error
    if result.status == 404:
        return "the feed was not found (HTTP 404): check its address"
    if result.status == 410:
        return "the feed is gone for good (HTTP 410): remove it from the configuration"
    return f"the server answered HTTP {result.status}"


def apply_answer(
    feed: FeedConfig,
    stored: StoredFeed,
    state: FeedState,
    result: FetchResult,
    *,
    now: datetime,
) -> _Outcome:
    """What one fetch (or file read) does to the feed's store, cache entry and health."""
    problems: list[Problem] = []
    if result.moved_to:
        problems.append(
            Problem(
                feed.url,
                None,
                f"the feed has moved for good to {result.moved_to}: "
                "put the new address in the configuration",
                "fetched from the new address",
            )
        )

    def outcome(status: str, new_stored: StoredFeed, new: int, success: bool) -> _Outcome:
        last_problem = "; ".join(p.message for p in problems)
        new_state = replace(
            state,
            last_fetch=now,
            last_success=now if success else state.last_success,
            last_problem=last_problem,
        )
        if result.status == 200:
            new_state = replace(
                new_state,
                etag=result.headers.get("etag", ""),
                last_modified=result.headers.get("last-modified", ""),
            )
        health = FeedHealth(
            name=feed.name or new_stored.title or feed.url,
            url=feed.url,
            status=status,
            new_items=new,
            total_items=len(new_stored.items),
            # a local file is read, not fetched: a read time would only make two builds
            # of the same files differ
            last_success=new_state.last_success if _is_remote(feed.url) else None,
            last_problem=last_problem,
        )
        return _Outcome(new_stored, new_state, health, tuple(problems), new_stored != stored)

    if result.status == 304:
        return outcome("not modified", stored, 0, success=True)
    if result.status != 200:
        problems.append(Problem(feed.url, None, _failure(result), "kept the stored items"))
        return outcome("failed", stored, 0, success=False)
    parsed = parse_feed(result.content, result.headers, url=result.final_url or feed.url, now=now)
    if not parsed.ok:
        problems.extend(
            Problem(feed.url, None, m, "kept the stored items") for m in parsed.problems
        )
        return outcome("failed", stored, 0, success=False)
    problems.extend(Problem(feed.url, None, m, "read what could be read") for m in parsed.problems)
    items, new = merge_items(
        stored.items, parsed.items, now=now, keep_days=feed.keep_days, undated=parsed.undated
    )
    merged = StoredFeed(
        url=stored.url,
        title=parsed.title or stored.title,
        link=parsed.link or stored.link,
        items=items,
    )
    return outcome("new items", merged, new, success=True)


# --- the edge: disk and network ------------------------------------------------------


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path


def _read_local(feed: FeedConfig, root: Path) -> FetchResult:
    path = root / feed.url
    try:
        return FetchResult(url=feed.url, status=200, content=path.read_bytes())
    except OSError as error:
        return FetchResult(url=feed.url, error=f"the feed file cannot be read ({error.strerror})")


def _refresh_due(feed: FeedConfig, state: FeedState, now: datetime) -> bool:
    return state.last_fetch is None or now - state.last_fetch >= feed.refresh


def collect_feed_articles(
    config: SiteConfig,
    *,
    now: datetime,
    offline: bool,
    progress: Callable[[str], None],
    policy: FetchPolicy | None = None,
    force: bool = False,
) -> FeedResult:
    """Bring every configured feed up to date and return all of their stored items.

    Remote feeds are fetched unless ``offline`` or fetched less than their ``refresh``
    period ago (``force`` fetches anyway); local feed files are always read. The feed
    store (``content/feeds/``) and the validator cache (``.cache/feeds.json``) are written
    before this returns.
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
        if not _is_remote(feed.url):
            answers[feed.url] = _read_local(feed, config.root)
        elif offline:
            skipped[feed.url] = "offline"
        else:
            if force or _refresh_due(feed, state, now):
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
                )
            )
        results = fetch_all(requests, policy or site_policy(config), progress=progress)
        answers.update({result.url: result for result in results})

    health: list[FeedHealth] = []
    new_states = dict(states)
    for feed in config.feeds:
        state = states.get(feed.url, FeedState())
        if feed.url in skipped:
            health.append(
                FeedHealth(
                    name=feed.name or stored[feed.url].title or feed.url,
                    url=feed.url,
                    status=skipped[feed.url],
                    new_items=0,
                    total_items=len(stored[feed.url].items),
                    last_success=state.last_success,
                    last_problem=state.last_problem,
                )
            )
            continue
        outcome = apply_answer(feed, stored[feed.url], state, answers[feed.url], now=now)
        if outcome.changed:
            write_feed(feed_folder(store_dir, feed.url), outcome.stored)
        stored[feed.url] = outcome.stored
        problems.extend(outcome.problems)
        health.append(outcome.health)
        if _is_remote(feed.url):
            new_states[feed.url] = outcome.state
    if new_states != states:
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
