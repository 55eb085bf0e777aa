import gzip
import time
import tracemalloc
import zlib

import brotli
import pytest
from feedserver import FeedServer, Reply

from generator import __version__
from generator.config import SiteConfig
from generator.fetch import FetchPolicy, FetchRequest, fetch_all, site_policy

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def policy(**changes) -> FetchPolicy:
    settings = {
        "user_agent": "news-digest/0.1.0 (+https://example.org/)",
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "total_timeout": 3.0,
        "backoff": 0.05,
    }
    return FetchPolicy(**{**settings, **changes})


def local(url: str, **fields) -> FetchRequest:
    """A request to the test server, which is on 127.0.0.1: a private address."""
    return FetchRequest(url, allow_private=True, **fields)


def fetch_one(url: str, **changes):
    return fetch_all([local(url)], policy(**changes))[0]


def test_a_plain_fetch_names_the_tool_and_asks_for_compression(server):
    url = server.route("/feed.xml", Reply(200, FEED, (("ETag", '"v1"'),)))
    result = fetch_one(url)
    assert (result.status, result.content, result.error) == (200, FEED, "")
    assert result.headers["etag"] == '"v1"'
    sent = server.seen("/feed.xml")[0].headers
    assert sent["user-agent"] == "news-digest/0.1.0 (+https://example.org/)"
    assert sent["accept-encoding"] == "gzip, deflate, br"
    assert "application/rss+xml" in sent["accept"]


def test_conditional_get_sends_the_validators_and_accepts_304(server):
    def answer(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(200, FEED, (("ETag", '"v1"'),))

    url = server.route("/feed.xml", answer=answer)
    request = local(url, etag='"v1"', last_modified="Wed, 13 Sep 2023 06:00:00 GMT")
    result = fetch_all([request], policy())[0]
    assert (result.status, result.content) == (304, b"")
    sent = server.seen("/feed.xml")[0].headers
    assert sent["if-modified-since"] == "Wed, 13 Sep 2023 06:00:00 GMT"


@pytest.mark.parametrize(("status", "moved"), [(301, True), (308, True), (302, False)])
def test_redirects_are_followed_and_permanent_ones_reported(server, status, moved):
    new = server.route("/new.xml", Reply(200, FEED))
    old = server.route("/old.xml", Reply(status, headers=(("Location", new),)))
    result = fetch_one(old)
    assert (result.status, result.content, result.final_url) == (200, FEED, new)
    assert result.moved_to == (new if moved else "")


@pytest.mark.parametrize("status", [404, 410, 403])
def test_client_errors_are_answers_not_retried(server, status):
    url = server.route("/gone.xml", Reply(status, b"no"))
    result = fetch_one(url)
    assert (result.status, result.content, result.attempts) == (status, b"", 1)
    assert len(server.seen("/gone.xml")) == 1


def test_500_then_success_is_retried(server):
    url = server.route("/flaky.xml", Reply(500), Reply(503), Reply(200, FEED))
    result = fetch_one(url)
    assert (result.status, result.content, result.attempts) == (200, FEED, 3)


def test_429_waits_as_long_as_retry_after_says(server):
    url = server.route("/busy.xml", Reply(429, headers=(("Retry-After", "1"),)), Reply(200, FEED))
    result = fetch_one(url)
    first, second = server.seen("/busy.xml")
    assert result.status == 200
    assert second.at - first.at >= 0.95


def test_retry_after_beyond_the_budget_gives_up_at_once(server):
    url = server.route("/busy.xml", Reply(429, headers=(("Retry-After", "3600"),)))
    started = time.monotonic()
    result = fetch_one(url)
    assert result.status == 429
    assert time.monotonic() - started < 1
    assert len(server.seen("/busy.xml")) == 1


def test_a_stalled_connection_times_out_and_is_retried(server):
    url = server.route("/stall.xml", Reply(200, FEED, stall=5), Reply(200, FEED))
    result = fetch_one(url, read_timeout=0.3)
    assert (result.status, result.content, result.attempts) == (200, FEED, 2)


def test_a_stalled_connection_fails_with_a_plain_message(server):
    url = server.route("/stall.xml", Reply(200, FEED, stall=5))
    result = fetch_one(url, read_timeout=0.3, retries=0)
    assert (result.status, result.content) == (0, b"")
    assert result.error == "the server timed out"


def test_a_slow_trickle_is_cut_by_the_total_budget(server):
    url = server.route("/slow.xml", Reply(200, FEED, trickle=0.05))
    started = time.monotonic()
    result = fetch_one(url, total_timeout=0.5)
    assert time.monotonic() - started < 1.5
    assert result.status == 0
    assert "0.5 seconds" in result.error


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data, wbits=-zlib.MAX_WBITS)),
        ("br", brotli.compress),
    ],
)
def test_compressed_bodies_are_decompressed(server, encoding, compress):
    body = FEED * 5000
    url = server.route("/z.xml", Reply(200, compress(body), (("Content-Encoding", encoding),)))
    result = fetch_one(url)
    assert (result.status, result.content, result.error) == (200, body, "")


def test_an_oversized_body_is_refused(server):
    url = server.route("/big.xml", Reply(200, b"x" * 5000))
    result = fetch_one(url, max_bytes=4096)
    assert (result.status, result.content) == (0, b"")
    assert result.error == "the feed is larger than 4 KiB"


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [("gzip", gzip.compress), ("br", lambda data: brotli.compress(data, quality=1))],
)
def test_a_compression_bomb_stops_at_the_limit_without_using_the_memory(server, encoding, compress):
    bomb = compress(b"\0" * (64 * 1024 * 1024))
    assert len(bomb) < 100 * 1024
    url = server.route("/bomb.xml", Reply(200, bomb, (("Content-Encoding", encoding),)))
    tracemalloc.start()
    try:
        result = fetch_one(url, max_bytes=1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error == "the feed is larger than 1024 KiB"
    assert peak < 16 * 1024 * 1024


def test_an_unreachable_server_is_a_failure_not_an_exception():
    with FeedServer() as gone:
        url = gone.base + "/feed.xml"
    result = fetch_one(url, retries=2)
    assert result.status == 0
    assert result.error.startswith("the server could not be reached")
    assert (result.transient, result.attempts) == (False, 1)  # a refusal is not retried


def test_feeds_are_fetched_concurrently_but_at_most_two_per_host(server):
    urls = [server.route(f"/f{i}.xml", Reply(200, FEED, delay=0.3)) for i in range(6)]
    started = time.monotonic()
    results = fetch_all([local(url) for url in urls], policy())
    elapsed = time.monotonic() - started
    assert [r.url for r in results] == urls
    assert all(r.status == 200 for r in results)
    assert server.most_active == 2  # concurrent, and never more than two at once
    assert elapsed > 0.85  # six answers of 0.3 s, two at a time


def test_feeds_on_different_hosts_run_side_by_side():
    with FeedServer() as one, FeedServer() as two, FeedServer() as three:
        urls = [
            s.route(f"/f{i}.xml", Reply(200, FEED, delay=0.4))
            for s in (one, two, three)
            for i in range(2)
        ]
        results = fetch_all([local(url) for url in urls], policy())
        arrivals = [seen.at for s in (one, two, three) for seen in s.requests]
    assert all(r.status == 200 for r in results)
    # every request reached its server before any was answered: one host after another
    # would leave 0.4 s between two of them at the least
    assert max(arrivals) - min(arrivals) < 0.4


def test_the_site_policy_names_the_tool_its_version_and_the_site():
    config = SiteConfig(title="t", base_url="https://example.org/news/")
    assert (
        site_policy(config).user_agent == f"news-digest/{__version__} (+https://example.org/news/)"
    )


def test_the_site_policy_takes_the_size_limit_of_the_sites_files():
    config = SiteConfig(title="t", base_url="https://example.org/news/", max_file_mib=3)
    assert site_policy(config).max_bytes == 3 * 1024 * 1024
