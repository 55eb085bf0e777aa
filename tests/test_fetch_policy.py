"""What a feed may make the fetcher do: which addresses it may reach, what its failures
tell, and how long all the feeds may take together.

The test server is on 127.0.0.1, a private address, and it plays both parts: the feed's
server, and the private service a hostile feed would like to reach. A feed on it is fetched
only with ``allow_private``. To play a public server, it is given a made-up name
(``feeds.example``) through the resolver the fetch policy takes, which says that name has a
public address, 127.0.0.1; every other name and address is resolved and judged as usual.
"""

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedserver import FeedServer, Reply

from generator.config import (
    FeedConfig,
    SiteConfig,
    format_duration,
    load_config,
    parse_duration,
)
from generator.feeds import collect_feed_articles
from generator.fetch import FetchPolicy, FetchRequest, fetch_all, site_policy
from generator.fetchguard import HostAddress, is_public_address, resolve
from generator.problems import ConfigError

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
PUBLIC_NAME = "feeds.example"


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


class Network:
    """The system's resolver, except that ``feeds.example`` is a public host at 127.0.0.1."""

    def __init__(self, **names: tuple[HostAddress, ...]) -> None:
        self.names = {PUBLIC_NAME: (HostAddress("127.0.0.1", public=True),), **names}
        self.asked: list[str] = []

    def __call__(self, host: str) -> tuple[HostAddress, ...]:
        self.asked.append(host)
        return self.names[host] if host in self.names else resolve(host)


def policy(network: Network | None = None, **changes) -> FetchPolicy:
    settings = {
        "user_agent": "news-digest-test",
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "total_timeout": 3.0,
        "backoff": 0.05,
        "resolve": network or Network(),
    }
    return FetchPolicy(**{**settings, **changes})


def public(url: str) -> str:
    """The test server's URL under its made-up public name."""
    return url.replace("127.0.0.1", PUBLIC_NAME)


def fetch(url: str, *, allow_private: bool = False, network: Network | None = None, **changes):
    request = FetchRequest(url, allow_private=allow_private)
    return fetch_all([request], policy(network, **changes))[0]


# --- which addresses are public ----------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "is_public"),
    [
        ("127.0.0.1", False),
        ("127.255.0.9", False),
        ("10.0.0.1", False),
        ("10.255.255.254", False),
        ("172.16.0.1", False),
        ("172.31.255.255", False),
        ("172.15.255.255", True),
        ("172.32.0.1", True),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # the cloud metadata service
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("239.255.255.250", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("192.0.2.1", False),  # documentation
        ("::1", False),
        ("::", False),
        ("fc00::1", False),
        ("fd12:3456::1", False),
        ("fe80::1", False),
        ("fe80::1%1", False),
        ("fec0::1", False),  # site-local, deprecated but routable in places
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:169.254.169.254", False),
        ("::127.0.0.1", False),  # IPv4-compatible, deprecated
        ("64:ff9b::a00:1", False),  # NAT64 for 10.0.0.1
        ("2002:7f00:1::", False),  # 6to4 for 127.0.0.1
        ("2001:db8::1", False),
        ("8.8.8.8", True),
        ("93.184.215.14", True),
        ("1.1.1.1", True),
        ("::ffff:8.8.8.8", True),
        ("64:ff9b::808:808", True),  # NAT64 for 8.8.8.8
        ("2606:4700:4700::1111", True),
        ("2a00:1450:4001:80b::200e", True),
    ],
)
def test_addresses_are_public_only_on_the_public_internet(address, is_public):
    assert is_public_address(address) is is_public


# --- the feed's own address --------------------------------------------------------------


def test_a_feed_on_a_private_address_is_refused_before_connecting(server):
    url = server.route("/feed.xml", Reply(200, FEED))
    result = fetch(url)
    assert (result.status, result.attempts, result.transient) == (0, 1, False)
    assert result.error == "refused: the address is private (allow_private is not set for it)"
    assert server.seen("/feed.xml") == []
    assert fetch(url, allow_private=True).status == 200


def test_a_name_that_resolves_to_a_private_address_is_refused(server):
    url = server.route("/feed.xml", Reply(200, FEED)).replace("127.0.0.1", "localhost")
    result = fetch(url)
    assert result.error.startswith("refused: the address is private")
    assert server.seen("/feed.xml") == []


def test_a_name_with_a_private_address_among_public_ones_is_refused(server):
    network = Network(
        **{
            "mixed.example": (
                HostAddress("127.0.0.1", public=True),
                HostAddress("10.0.0.1", public=False),
            )
        }
    )
    url = server.route("/feed.xml", Reply(200, FEED)).replace("127.0.0.1", "mixed.example")
    assert fetch(url, network=network).error.startswith("refused: the address is private")
    assert server.seen("/feed.xml") == []


def test_the_connection_goes_to_the_address_that_was_checked(server):
    """The name is resolved once, by the policy's resolver, and never again by the client:
    the system knows no ``feeds.example``, so an answer proves the checked address was used.
    """
    network = Network()
    url = public(server.route("/feed.xml", Reply(200, FEED)))
    result = fetch(url, network=network)
    assert (result.status, result.content, result.final_url) == (200, FEED, url)
    assert network.asked == [PUBLIC_NAME]
    (seen,) = server.seen("/feed.xml")
    assert seen.headers["host"] == url.split("/")[2]


def test_the_next_address_of_a_host_is_tried_when_one_refuses(server):
    network = Network(
        **{
            "two.example": (
                HostAddress("::1", public=True),  # the server listens on 127.0.0.1 only
                HostAddress("127.0.0.1", public=True),
            )
        }
    )
    url = server.route("/feed.xml", Reply(200, FEED)).replace("127.0.0.1", "two.example")
    assert fetch(url, network=network).status == 200


# --- redirects ---------------------------------------------------------------------------


def test_a_public_feed_redirecting_to_a_private_address_is_refused_once(server):
    secret = server.route("/internal/feed.xml", Reply(200, b"<rss>internal</rss>"))
    url = public(server.route("/feed.xml", Reply(302, headers=(("Location", secret),))))
    result = fetch(url)
    assert (result.status, result.content, result.transient) == (0, b"", False)
    assert result.error == "refused: redirect to a private address"
    assert len(server.seen("/feed.xml")) == 1  # not retried
    assert server.seen("/internal/feed.xml") == []


def test_a_redirect_to_a_name_with_a_private_address_is_refused(server):
    secret = server.route("/internal/feed.xml", Reply(200, b"<rss>internal</rss>"))
    secret = secret.replace("127.0.0.1", "localhost")
    url = public(server.route("/feed.xml", Reply(301, headers=(("Location", secret),))))
    assert fetch(url).error == "refused: redirect to a private address"
    assert server.seen("/internal/feed.xml") == []


def test_a_feed_allowed_private_addresses_may_redirect_to_another_private_one(server):
    other = server.route("/other.xml", Reply(200, FEED)).replace("127.0.0.1", "localhost")
    url = server.route("/feed.xml", Reply(302, headers=(("Location", other),)))
    result = fetch(url, allow_private=True)
    assert (result.status, result.content, result.final_url) == (200, FEED, other)
    assert len(server.seen("/other.xml")) == 1


def test_public_redirects_are_followed(server):
    new = public(server.route("/new.xml", Reply(200, FEED)))
    url = public(server.route("/old.xml", Reply(301, headers=(("Location", "/new.xml"),))))
    result = fetch(url)
    assert (result.status, result.final_url, result.moved_to) == (200, new, new)


@pytest.mark.parametrize(
    "target",
    ["file:///etc/passwd", "ftp://ftp.example.org/feed.xml", "gopher://127.0.0.1:25/"],
)
@pytest.mark.parametrize("allow_private", [False, True])
def test_a_redirect_that_is_not_http_is_refused_once(server, target, allow_private):
    url = public(server.route("/feed.xml", Reply(302, headers=(("Location", target),))))
    result = fetch(url, allow_private=allow_private, retries=2)
    assert (result.status, result.attempts, result.transient) == (0, 1, False)
    assert result.error == "refused: redirect to an address that is not http or https"
    assert len(server.seen("/feed.xml")) == 1


def test_too_many_redirects_end_the_fetch(server):
    loop = public(server.route("/loop.xml", Reply(302, headers=(("Location", "/loop.xml"),))))
    result = fetch(loop, max_redirects=3)
    assert (result.status, result.error) == (0, "too many redirects")
    assert len(server.seen("/loop.xml")) == 4


# --- what a failure says -----------------------------------------------------------------


def failing_feeds(server: FeedServer, closed: str) -> dict[str, tuple[FeedConfig, str]]:
    """Feeds that fail in every way the network can, and what each failure is called."""
    private = server.route("/private.xml", Reply(200, FEED))
    redirected = public(server.route("/moved.xml", Reply(302, headers=(("Location", private),))))
    cases = {
        "refused": (private, False, "refused: the address is private"),
        "redirect": (redirected, False, "refused: redirect to a private address"),
        "closed": (closed, True, "the server could not be reached"),
        "dropped": (
            server.route("/drop.xml", Reply(drop=True)),
            True,
            "the connection failed",
        ),
        "stalled": (
            server.route("/stall.xml", Reply(200, FEED, stall=5)),
            True,
            "the server timed out",
        ),
        "unknown": ("http://nowhere.example/feed.xml", False, "the server's name was not found"),
        "unavailable": (
            server.route("/busy.xml", Reply(503)),
            True,
            "the server answered HTTP 503",
        ),
    }
    return {
        name: (FeedConfig(url=url, allow_private=allowed), kind)
        for name, (url, allowed, kind) in cases.items()
    }


def test_a_failure_on_the_sources_page_names_its_kind_and_nothing_of_the_network(tmp_path):
    with FeedServer() as gone:
        closed = gone.route("/feed.xml", Reply(200, FEED))
    with FeedServer() as server:
        feeds = failing_feeds(server, closed)
        config = SiteConfig(
            title="t",
            base_url="https://digest.example.org/",
            feeds=tuple(feed for feed, _ in feeds.values()),
            root=tmp_path,
        )
        network = Network(**{"nowhere.example": ()})
        result = collect_feed_articles(
            config,
            now=datetime(2024, 1, 1, tzinfo=UTC),
            offline=False,
            progress=lambda _: None,
            policy=policy(network, read_timeout=0.3, retries=0),
        )
    problems = [health.last_problem for health in result.health]
    for problem, (name, (_, kind)) in zip(problems, feeds.items(), strict=True):
        assert problem.startswith(kind), name
        assert not re.search(r"127\.0\.0\.1|localhost|:\d|errno|\[", problem, re.I), problem
    assert [p.message for p in result.problems] == problems


# --- the deadline of a run ---------------------------------------------------------------


def test_feeds_not_fetched_by_the_deadline_are_given_up_and_reported():
    with FeedServer() as quick, FeedServer() as stalled:
        fast = [quick.route(f"/f{i}.xml", Reply(200, FEED)) for i in range(2)]
        slow = [stalled.route(f"/s{i}.xml", Reply(200, FEED, delay=30)) for i in range(6)]
        requests = [FetchRequest(url, allow_private=True) for url in fast + slow]
        started = time.monotonic()
        results = fetch_all(requests, policy(deadline=1.0, read_timeout=60, total_timeout=60))
        elapsed = time.monotonic() - started
        assert len(stalled.requests) == 2  # two at a time from one host: four never began
    assert 1.0 <= elapsed < 10  # the stalled feeds would answer after 30 s
    assert [(r.status, r.error) for r in results[:2]] == [(200, "")] * 2
    assert [(r.status, r.error) for r in results[2:]] == [
        (0, "not fetched: the fetch deadline of 1s passed")
    ] * 6


def test_a_feed_left_by_the_deadline_keeps_its_items_and_is_reported(tmp_path):
    feed = Path(__file__).parent / "fixtures" / "feeds" / "synthetic" / "mixed-direction.xml"
    with FeedServer() as server:
        url = server.route("/feed.xml", Reply(200, feed.read_bytes()), Reply(200, FEED, delay=30))
        config = SiteConfig(
            title="t",
            base_url="https://digest.example.org/",
            feeds=(FeedConfig(url=url, allow_private=True),),
            root=tmp_path,
        )

        def collect(deadline: float):
            return collect_feed_articles(
                config,
                now=datetime(2024, 1, 1, tzinfo=UTC),
                offline=False,
                progress=lambda _: None,
                policy=policy(deadline=deadline, read_timeout=60, total_timeout=60),
                force=True,
            )

        stored = collect(deadline=5).articles
        assert stored
        later = collect(deadline=0.5)
    assert later.articles == stored
    assert [(p.message, p.action) for p in later.problems] == [
        ("not fetched: the fetch deadline of 0.5s passed", "kept the stored items")
    ]
    assert later.health[0].status == "failed"


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("", 300), ("fetch_deadline: 90s\n", 90), ("fetch_deadline: 2m\n", 120)],
)
def test_the_deadline_is_set_in_config_yaml(tmp_path, written, seconds):
    text = "title: t\nbase_url: https://example.org/\n" + written
    (tmp_path / "config.yaml").write_text(text, encoding="utf-8")
    assert site_policy(load_config(tmp_path)).deadline == seconds


def test_a_deadline_of_nothing_is_a_config_error(tmp_path):
    text = "title: t\nbase_url: https://example.org/\nfetch_deadline: 0m\n"
    (tmp_path / "config.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.messages == (
        "config.yaml, line 3: 'fetch_deadline' should be longer than 0s.",
    )


@pytest.mark.parametrize(
    ("period", "written"),
    [
        (timedelta(minutes=5), "5m"),
        (timedelta(hours=1), "1h"),
        (timedelta(seconds=90), "90s"),
        (timedelta(days=14), "2w"),
        (timedelta(seconds=0.5), "0.5s"),
    ],
)
def test_periods_are_written_as_in_config_yaml(period, written):
    assert format_duration(period) == written
    if "." not in written:
        assert parse_duration(written) == period
