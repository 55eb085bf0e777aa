import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedserver import FeedServer, Reply

from generator.build import build
from generator.config import FeedConfig, SiteConfig, load_config
from generator.feedparse import parse_feed
from generator.feeds import collect_feed_articles, feed_articles
from generator.feedstore import FeedState, StoredFeed, feed_folder
from generator.feedupdate import is_due
from generator.fetch import FetchPolicy
from generator.problems import ConfigError

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
NOW = datetime(2024, 1, 1, tzinfo=UTC)
LATER = datetime(2024, 1, 2, tzinfo=UTC)
_KEEPS_FIRST_TIME = "each keeps the time it was first stored"


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- collecting: store, cache, health ------------------------------------------------


def site(tmp_path: Path, *feeds: FeedConfig) -> SiteConfig:
    feeds = tuple(replace(feed, allow_private=True) for feed in feeds)  # the server is 127.0.0.1
    return SiteConfig(title="t", base_url="https://digest.example.org/", feeds=feeds, root=tmp_path)


def quick() -> FetchPolicy:
    return FetchPolicy(
        user_agent="digest-test", read_timeout=0.5, total_timeout=2.0, retries=1, backoff=0.05
    )


def collect(config: SiteConfig, now=NOW, offline=False, **options):
    return collect_feed_articles(
        config, now=now, offline=offline, progress=lambda _: None, policy=quick(), **options
    )


def test_local_feed_files_become_articles_and_are_stored(tmp_path):
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "news.xml").write_bytes(fixture("synthetic/arabic-utf8.xml"))
    feed = FeedConfig(url="feeds/news.xml", name="المثال", tags=("أخبار",))
    result = collect(site(tmp_path, feed), offline=True)
    assert [h.status for h in result.health] == ["new items"]
    assert (result.health[0].new_items, result.health[0].total_items) == (4, 4)
    putin = next(a for a in result.articles if a.id == "https://news.example.com/world/putin-kim")
    assert putin.source == "المثال"
    assert putin.origin == "feeds/news.xml"
    assert putin.slug == "بوتين-يلتقي-كيم-جونج-أون-في-مركز-فوستوشني-للفضاء"
    assert putin.given_tags == ("أخبار", "روسيا", "كوريا الشمالية")
    assert putin.source_url == "https://news.example.com/"
    assert (putin.lang, putin.dir) == ("ar", "rtl")
    folder = feed_folder(tmp_path / "content" / "feeds", "feeds/news.xml")
    assert sorted(p.name for p in folder.iterdir()) == [
        "2023-09.jsonl",
        "2024-01.jsonl",
        "feed.json",
    ]
    assert not (tmp_path / ".cache").exists()


def test_config_lang_and_dir_win_over_the_feed(tmp_path):
    stored = parse_feed(
        fixture("synthetic/mixed-direction.xml"), {}, url="x.xml", now=NOW, tz=UTC
    ).items
    feed = FeedConfig(url="x.xml", lang="fa")
    articles = feed_articles(feed, StoredFeed(url="x.xml", items=stored))
    assert {(a.lang, a.dir) for a in articles} == {("fa", "rtl")}
    articles = feed_articles(
        FeedConfig(url="x.xml", dir="ltr"), StoredFeed(url="x.xml", items=stored)
    )
    assert {a.dir for a in articles} == {"ltr"}


def test_fetch_store_then_304_then_refresh_then_offline(server, tmp_path):
    def answer(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(200, fixture("real/urdu_UTF8.xml"), (("ETag", '"v1"'),))

    url = server.route("/urdu.xml", answer=answer)
    config = site(tmp_path, FeedConfig(url=url, refresh=timedelta(hours=1)))
    first = collect(config)
    assert [(h.status, h.new_items, h.total_items) for h in first.health] == [("new items", 26, 26)]
    assert len(first.articles) == 26
    cache = json.loads((tmp_path / ".cache" / "feeds.json").read_text(encoding="utf-8"))
    assert cache[url]["etag"] == '"v1"'
    assert cache[url]["last_success"] == "2024-01-01T00:00:00Z"

    second = collect(config, now=LATER)
    assert [(h.status, h.total_items) for h in second.health] == [("not modified", 26)]
    assert second.articles == first.articles
    assert server.seen("/urdu.xml")[1].headers["if-none-match"] == '"v1"'

    third = collect(config, now=LATER)
    assert [h.status for h in third.health] == ["skipped (refresh)"]
    assert len(server.seen("/urdu.xml")) == 2
    assert collect(config, now=LATER, force=True).health[0].status == "not modified"

    offline = collect(config, now=LATER, offline=True)
    assert [h.status for h in offline.health] == ["offline"]
    assert offline.articles == first.articles
    assert offline.health[0].last_success == LATER


def test_items_that_leave_the_feed_stay_and_updates_are_not_duplicated(server, tmp_path):
    data = fixture("synthetic/mixed-direction.xml")
    without_first = re.sub(rb"<item>.*?diary-1.*?</item>", b"", data, flags=re.S)
    updated = without_first.replace(b"New traffic island", b"New traffic island (updated)")
    url = server.route("/d.xml", Reply(200, data), Reply(200, updated))
    config = site(tmp_path, FeedConfig(url=url, refresh=timedelta(minutes=1)))
    collect(config)
    result = collect(config, now=LATER)
    assert result.health[0].new_items == 0
    titles = sorted(a.title for a in result.articles)
    assert titles == sorted(
        ["New traffic island (updated)", "کتابخانه‌های شهر تبریز", "هیات والیبال استان اردبیل"]
    )


def test_an_undated_item_keeps_its_first_seen_date(tmp_path):
    (tmp_path / "news.xml").write_bytes(fixture("synthetic/arabic-utf8.xml"))
    config = site(tmp_path, FeedConfig(url="news.xml"))
    collect(config)
    again = collect(config, now=LATER)
    undated = next(a for a in again.articles if a.title == "خبر بلا تاريخ")
    assert undated.published == NOW


def test_keep_days_forgets_old_items(tmp_path):
    (tmp_path / "news.xml").write_bytes(fixture("synthetic/arabic-utf8.xml"))
    result = collect(site(tmp_path, FeedConfig(url="news.xml", keep_days=30)))
    assert sorted(a.title for a in result.articles) == ["خبر بلا تاريخ", "خبر من المستقبل"]


def test_an_item_whose_date_cannot_be_read_keeps_its_first_time_and_each_fetch_says_so(
    server, tmp_path
):
    items = (
        "<title>خبر قديم</title><guid>dated</guid><pubDate>13 سبتمبر 2023 - 10:30 ص</pubDate>",
        "<title>خبر غامض</title><guid>vague</guid><pubDate>قريبا جدا</pubDate>",
    )
    url = server.route("/feed.xml", Reply(200, rss(*items)))
    config = replace(site(tmp_path, FeedConfig(url=url)), timezone="Asia/Riyadh")
    unreadable = ("1 item has a date that cannot be read: 'قريبا جدا'", _KEEPS_FIRST_TIME)
    for now in (NOW, LATER, LATER + timedelta(days=1)):
        result = collect(config, now=now, force=True)
        dates = {a.title: a.published for a in result.articles}
        assert dates == {"خبر قديم": datetime(2023, 9, 13, 7, 30, tzinfo=UTC), "خبر غامض": NOW}
        assert [(p.origin, p.message, p.action) for p in result.problems] == [(url, *unreadable)]
        assert result.health[0].last_problem == ""
    offline = collect(config, now=LATER + timedelta(days=2), offline=True)
    assert {a.title: a.published for a in offline.articles}["خبر غامض"] == NOW
    assert offline.problems == ()


def test_an_item_at_2350_in_the_site_zone_is_in_that_days_digest(server, tmp_path):
    """The feed says no zone: it is the site's, so 23:50 is not 02:50 the next day."""
    item = (
        "<title>خبر آخر الليل</title><guid>late</guid><pubDate>Wed, 13 Sep 2023 23:50:00</pubDate>"
    )
    url = server.route("/feed.xml", Reply(200, rss(item)))
    (tmp_path / "config.yaml").write_text(
        "title: موجز\nbase_url: https://digest.example.org/\ntimezone: Asia/Riyadh\n"
        f"feeds:\n  - url: {url}\n    allow_private: true\n",
        encoding="utf-8",
    )
    result = build(load_config(tmp_path), now=datetime(2023, 9, 14, 12, tzinfo=UTC))
    assert result.problems == ()
    assert [digest.slug for digest in result.site.digests] == ["2023-09-13"]
    page = (tmp_path / "site" / "digests" / "2023-09-13" / "index.html").read_text("utf-8")
    assert "خبر آخر الليل" in page


def test_one_bad_feed_never_stops_the_others(server, tmp_path):
    good = server.route("/good.xml", Reply(200, fixture("synthetic/mixed-direction.xml")))
    flaky = server.route(
        "/flaky.xml",
        Reply(200, fixture("synthetic/arabic-utf8.xml")),
        Reply(500),
    )
    page = server.route("/page.xml", Reply(200, b"<html><body>Welcome</body></html>"))
    gone = server.route("/gone.xml", Reply(410))
    missing = server.route("/missing.xml", Reply(404))
    stalled = server.route("/stalled.xml", Reply(200, b"<rss>", stall=5))
    feeds = [
        FeedConfig(url=u, refresh=timedelta(minutes=1))
        for u in (good, flaky, page, gone, missing, stalled)
    ]
    config = site(tmp_path, *feeds)
    collect(config)
    result = collect(config, now=LATER)
    status = {h.url: (h.status, h.total_items) for h in result.health}
    assert status == {
        good: ("no new items", 3),  # read again, nothing new
        flaky: ("failed", 4),
        page: ("failed", 0),
        gone: ("failed", 0),
        missing: ("failed", 0),
        stalled: ("failed", 0),
    }
    messages = {p.origin: p.message for p in result.problems}
    assert messages[flaky] == "the server answered HTTP 500"
    assert messages[page] == "the address gave a web page, not a feed"
    assert "HTTP 410" in messages[gone] and "remove it" in messages[gone]
    assert "HTTP 404" in messages[missing]
    assert messages[stalled] == "the server timed out"
    flaky_health = next(h for h in result.health if h.url == flaky)
    assert flaky_health.last_success == NOW
    assert flaky_health.last_problem == "the server answered HTTP 500"
    assert len(result.articles) == 7


def test_a_moved_feed_is_fetched_and_reported(server, tmp_path):
    new = server.route("/new.xml", Reply(200, fixture("synthetic/mixed-direction.xml")))
    old = server.route("/old.xml", Reply(301, headers=(("Location", new),)))
    result = collect(site(tmp_path, FeedConfig(url=old)))
    assert result.health[0].status == "new items"
    assert result.problems[0].message == (
        f"the feed has moved for good to {new}: put the new address in the configuration"
    )


def test_a_wrong_charset_over_http_is_read_right_and_reported(server, tmp_path):
    url = server.route(
        "/ar.xml",
        Reply(
            200,
            fixture("synthetic/arabic-utf8.xml"),
            (("Content-Type", "text/xml; charset=ISO-8859-1"),),
        ),
    )
    result = collect(site(tmp_path, FeedConfig(url=url)))
    assert result.articles[0].source == "أخبار المثال"
    assert "charset is iso-8859-1, but the feed is UTF-8" in result.problems[0].message


def test_the_same_item_in_two_feeds_is_shown_once(tmp_path):
    (tmp_path / "a.xml").write_bytes(fixture("synthetic/mixed-direction.xml"))
    (tmp_path / "b.xml").write_bytes(fixture("synthetic/mixed-direction.xml"))
    result = collect(site(tmp_path, FeedConfig(url="a.xml"), FeedConfig(url="b.xml")))
    assert len(result.articles) == 3
    assert {a.origin for a in result.articles} == {"a.xml"}
    assert len([p for p in result.problems if p.action == "shown once"]) == 3


def test_a_damaged_store_line_is_reported_relative_to_the_site(tmp_path):
    (tmp_path / "news.xml").write_bytes(fixture("synthetic/mixed-direction.xml"))
    config = site(tmp_path, FeedConfig(url="news.xml"))
    collect(config)
    month = next(feed_folder(tmp_path / "content" / "feeds", "news.xml").glob("*.jsonl"))
    month.write_text("{oops\n" + month.read_text(encoding="utf-8"), encoding="utf-8")
    result = collect(config)
    damaged = [p for p in result.problems if p.message == "a damaged line"]
    assert [(p.origin, p.line) for p in damaged] == [(month.relative_to(tmp_path).as_posix(), 1)]
    assert len(result.articles) == 3


# --- which feed is due: a fake clock, a real server -----------------------------------

STANDING = "found by the last fetch; this run did not fetch the feed"


@pytest.mark.parametrize(
    ("refresh", "since_last_fetch", "last_fetch_failed", "due"),
    [
        (timedelta(hours=1), timedelta(minutes=49), False, False),
        (timedelta(hours=1), timedelta(minutes=50), False, True),
        (timedelta(hours=1), timedelta(minutes=65), False, True),
        (timedelta(minutes=30), timedelta(minutes=24), False, False),
        (timedelta(minutes=30), timedelta(minutes=25), False, True),
        (timedelta(days=1), timedelta(hours=23, minutes=49), False, False),
        (timedelta(days=1), timedelta(hours=23, minutes=50), False, True),
        (timedelta(0), timedelta(0), False, True),
        (timedelta(hours=1), timedelta(minutes=1), True, True),
        (timedelta(days=7), timedelta(0), True, True),
    ],
)
def test_a_feed_is_due_a_little_before_its_refresh_and_always_after_a_failure(
    refresh, since_last_fetch, last_fetch_failed, due
):
    last_fetch = NOW - since_last_fetch
    state = FeedState(last_fetch=last_fetch, last_success=None if last_fetch_failed else last_fetch)
    feed = FeedConfig(url="https://news.example.com/feed.xml", refresh=refresh)
    assert is_due(feed, state, NOW) is due
    assert is_due(feed, FeedState(), NOW)  # never fetched


@pytest.mark.parametrize(
    ("minutes_between_runs", "fetched"),
    [
        ([55, 65, 57, 63, 55, 60, 64, 56], [True] * 8),  # hourly runs, started early or late
        ([60, 30, 30], [True, False, True]),  # a run between two hourly ones
        ([45, 45, 45], [False, True, False]),
    ],
)
def test_scheduled_runs_fetch_when_an_hour_is_nearly_up(
    server, tmp_path, minutes_between_runs, fetched
):
    def answer(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(200, fixture("synthetic/mixed-direction.xml"), (("ETag", '"v1"'),))

    url = server.route("/hourly.xml", answer=answer)
    config = site(tmp_path, FeedConfig(url=url))  # the default refresh, 1h
    collect(config)
    start, statuses = NOW, []
    for minutes in minutes_between_runs:
        start += timedelta(minutes=minutes)
        statuses.append(collect(config, now=start).health[0].status)
    assert [status != "skipped (refresh)" for status in statuses] == fetched
    assert len(server.seen("/hourly.xml")) == 1 + sum(fetched)


OK_FEED = Reply(200, fixture("synthetic/mixed-direction.xml"))
WRONG_CHARSET = Reply(
    200,
    fixture("synthetic/mixed-direction.xml"),
    (("Content-Type", "application/rss+xml; charset=iso-8859-1"),),
)
NOT_FOUND = "the feed was not found (HTTP 404): check its address"
CHARSET = "the server says the charset is iso-8859-1, but the feed is UTF-8: read as UTF-8"


@pytest.mark.parametrize(
    ("replies", "runs"),
    [
        pytest.param(
            [Reply(404), OK_FEED],
            [
                (0, False, "failed", NOT_FOUND, "kept the stored items"),
                (5, False, "new items", "", ""),  # retried at once, though refresh is 1h
                (10, False, "skipped (refresh)", "", ""),
            ],
            id="a failed feed is fetched again on the next run",
        ),
        pytest.param(
            [OK_FEED, Reply(404), OK_FEED],
            [
                (0, False, "new items", "", ""),
                (60, False, "failed", NOT_FOUND, "kept the stored items"),
                (61, True, "offline", NOT_FOUND, STANDING),
                (62, False, "no new items", "", ""),  # the same items again
                (63, False, "skipped (refresh)", "", ""),
            ],
            id="the problem stays across an offline run until a fetch succeeds",
        ),
        pytest.param(
            [WRONG_CHARSET, OK_FEED],
            [
                (0, False, "new items", CHARSET, "read what could be read"),
                (30, False, "skipped (refresh)", CHARSET, STANDING),
                (60, False, "no new items", "", ""),  # the same items, now read right
            ],
            id="the problem stays across a run skipped for refresh",
        ),
    ],
)
def test_the_last_problem_of_a_feed_is_reported_until_a_fetch_goes_well(
    server, tmp_path, replies, runs
):
    url = server.route("/feed.xml", *replies)
    config = site(tmp_path, FeedConfig(url=url))
    fetches = 0
    for minutes, offline, status, problem, action in runs:
        result = collect(config, now=NOW + timedelta(minutes=minutes), offline=offline)
        health = result.health[0]
        assert (health.status, health.last_problem) == (status, problem), minutes
        reported = [(p.message, p.action) for p in result.problems]
        assert reported == ([(problem, action)] if problem else []), minutes
        fetches += status not in ("offline", "skipped (refresh)")
        assert len(server.seen("/feed.xml")) == fetches, minutes


# --- bounded work: items per feed, size of a feed file ----------------------------------


def rss(*items: str, size: int = 0) -> bytes:
    """An RSS document of these ``<item>`` bodies, grown to ``size`` bytes by a comment."""
    body = "".join(f"<item>{item}</item>" for item in items)
    document = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<rss version="2.0"><channel><title>t</title>{body}</channel></rss>'
    ).encode()
    padding = size - len(document) - len(b"<!---->")
    return document + (b"<!--" + b"x" * padding + b"-->" if padding >= 0 else b"")


def dated(number: int) -> str:
    return (
        f"<guid>n{number}</guid><title>خبر {number}</title>"
        f"<pubDate>Mon, {number:02d} Oct 2023 08:00:00 GMT</pubDate>"
    )


def test_a_feed_over_its_item_limit_gives_its_newest_items_and_says_so(tmp_path):
    order = [3, 9, 1, 7, 5, 2]  # the feed's own order is not by date
    (tmp_path / "big.xml").write_bytes(rss(*(dated(n) for n in order)))
    assert FeedConfig(url="x").max_items == 2000
    result = collect(site(tmp_path, FeedConfig(url="big.xml", max_items=3)))
    assert sorted(a.id for a in result.articles) == ["n5", "n7", "n9"]
    assert [(p.origin, p.message) for p in result.problems] == [
        (
            "big.xml",
            "the feed has 6 items, more than the limit of 3: only the 3 newest were read "
            "(the limit is the feed's 'max_items' in config.yaml)",
        )
    ]
    assert collect(site(tmp_path, FeedConfig(url="big.xml", max_items=6))).problems == ()


def test_a_local_feed_file_over_the_size_limit_is_not_read(tmp_path):
    config = replace(site(tmp_path, FeedConfig(url="big.xml")), max_file_mib=1)
    (tmp_path / "big.xml").write_bytes(rss(dated(1), size=1024 * 1024))
    assert len(collect(config).articles) == 1  # at the limit: read
    (tmp_path / "big.xml").write_bytes(rss(dated(2), size=1024 * 1024 + 1))
    result = collect(config)
    assert [a.id for a in result.articles] == ["n1"]  # the stored item stays
    assert result.health[0].status == "failed"
    assert [(p.origin, p.message) for p in result.problems] == [
        (
            "big.xml",
            "the feed file is larger than 1 MiB, the limit set by 'max_file_mib' in config.yaml",
        )
    ]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("max_file_mib: 0\n", "line 3: 'max_file_mib' should be 1 or more."),
        ("feeds:\n  - url: a.xml\n    max_items: 0\n", "line 5: 'max_items' should be 1 or more."),
    ],
)
def test_the_limits_are_at_least_one(tmp_path, setting, message):
    text = "title: t\nbase_url: https://example.org/\n" + setting
    (tmp_path / "config.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.messages == (f"config.yaml, {message}",)


# --- feed files stay in the site folder --------------------------------------------------

OUTSIDE = (
    "the feed file is outside the site folder: move it into the site folder, "
    "or give this feed 'allow_outside: true' in config.yaml"
)


def test_a_feed_file_outside_the_site_folder_is_not_read_unless_allowed(tmp_path):
    root = tmp_path / "site"
    (root / "feeds").mkdir(parents=True)
    secret = tmp_path / "secret.xml"
    secret.write_bytes(fixture("synthetic/mixed-direction.xml"))
    (root / "feeds" / "real.xml").write_bytes(fixture("real/urdu_UTF8.xml"))
    (root / "feeds" / "out.xml").symlink_to(secret)
    (root / "feeds" / "in.xml").symlink_to(root / "feeds" / "real.xml")
    outside = [str(secret), "../secret.xml", "feeds/../../secret.xml", "feeds/out.xml"]
    result = collect(site(root, *(FeedConfig(url=url) for url in outside)))
    assert result.articles == ()
    assert [(p.origin, p.message) for p in result.problems] == [(url, OUTSIDE) for url in outside]
    assert {h.status for h in result.health} == {"failed"}

    allowed = collect(site(root, FeedConfig(url="../secret.xml", allow_outside=True)))
    assert (len(allowed.articles), allowed.problems) == (3, ())
    inside = collect(site(root, FeedConfig(url="feeds/in.xml")))
    assert (len(inside.articles), inside.problems) == (26, ())
