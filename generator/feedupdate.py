"""One feed's turn in a run: whether it is due, and what the run does to it.

Pure: the store, the cached state and the answer come in, and a new store, state and
health go out, so every rule here is tested without a server or a disk.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from .config import FeedConfig
from .feedparse import parse_feed
from .feedstore import FeedState, StoredFeed, merge_items
from .fetch import FetchResult
from .model import FeedHealth
from .problems import Problem

SCHEDULE_JITTER = timedelta(minutes=10)
"""How much sooner than its ``refresh`` a feed may be fetched again, at most.

The site workflow runs hourly and ``refresh`` defaults to 1h, but GitHub starts scheduled
runs late by a varying few minutes, so consecutive runs start some 55 to 65 minutes apart.
Measured against the exact time of the last fetch, every run that came less than an hour
after the one before would fetch nothing. Ten minutes absorbs that jitter; for a short
``refresh`` the margin is a sixth of it instead (see ``refresh_margin``), so a feed is
never fetched much more often than its curator asked.
"""

_STANDING = "found by the last fetch; this run did not fetch the feed"


def refresh_margin(refresh: timedelta) -> timedelta:
    """The part of ``refresh`` a run may start early by and still fetch the feed."""
    return min(SCHEDULE_JITTER, refresh / 6)


def is_due(feed: FeedConfig, state: FeedState, now: datetime) -> bool:
    """Whether a remote feed should be fetched in this run.

    A feed that was never fetched, or whose last fetch failed, is always due: a failure
    is retried on the next run, not an hour later.
    """
    if state.last_fetch is None or state.failed:
        return True
    return now - state.last_fetch >= feed.refresh - refresh_margin(feed.refresh)


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """One feed after this run: its store, its cache entry, its health and its problems."""

    stored: StoredFeed
    state: FeedState
    health: FeedHealth
    problems: tuple[Problem, ...]
    changed: bool  # the store must be written


def is_remote(url: str) -> bool:
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
    tz: tzinfo,
) -> FeedOutcome:
    """What one fetch (or file read) does to the feed's store, cache entry and health.

    ``tz`` is the site's zone, for dates that give none. An item whose date cannot be
    read (or cannot be true) is reported by this fetch alone, not kept as the feed's
    last problem for builds that do not fetch it: the item keeps the time it was first
    stored, so those builds show it just as this one does.
    """
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

    def outcome(status: str, new_stored: StoredFeed, new: int, success: bool) -> FeedOutcome:
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
            last_success=new_state.last_success if is_remote(feed.url) else None,
            last_problem=last_problem,
        )
        return FeedOutcome(new_stored, new_state, health, tuple(problems), new_stored != stored)

    if result.status == 304:
        return outcome("not modified", stored, 0, success=True)
    if result.status != 200:
        problems.append(Problem(feed.url, None, _failure(result), "kept the stored items"))
        return outcome("failed", stored, 0, success=False)
    parsed = parse_feed(
        result.content,
        result.headers,
        url=result.final_url or feed.url,
        now=now,
        tz=tz,
        max_items=feed.max_items,
    )
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
    done = outcome("new items" if new else "no new items", merged, new, success=True)
    dates = tuple(
        Problem(feed.url, None, message, "each keeps the time it was first stored")
        for message in parsed.date_problems
    )
    return replace(done, problems=(*done.problems, *dates))


def not_fetched(feed: FeedConfig, stored: StoredFeed, state: FeedState, status: str) -> FeedOutcome:
    """A remote feed this run did not fetch (``offline`` or ``skipped (refresh)``).

    The problem of its last fetch still stands, so it is reported again, as a Problem and
    in the health: a feed that failed must not look healthy because this run left it alone.
    """
    health = FeedHealth(
        name=feed.name or stored.title or feed.url,
        url=feed.url,
        status=status,
        new_items=0,
        total_items=len(stored.items),
        last_success=state.last_success,
        last_problem=state.last_problem,
    )
    standing = (
        (Problem(feed.url, None, state.last_problem, _STANDING),) if state.last_problem else ()
    )
    return FeedOutcome(stored, state, health, standing, changed=False)
