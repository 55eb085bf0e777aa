"""The feed cycle a curator runs, through the `digest` command: 30 feeds from a real
server on 127.0.0.1, fetched twice (the second time with conditional requests), then a
build with the server gone, from the feed store alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from feedserver import FeedServer, Reply

from generator.cli import main

FEEDS = 30


def _feed(number: int) -> bytes:
    items = "".join(
        f"<item><title>خبر رقم {item} من المصدر {number}</title>"
        f"<link>https://source{number}.example.org/{item}</link>"
        f"<guid>source{number}-{item}</guid>"
        f"<pubDate>Wed, 13 Sep 2023 0{item}:00:00 +0000</pubDate>"
        f"<description>نص الخبر {item} من المصدر {number}.</description></item>"
        for item in range(1, 4)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>المصدر {number}</title><link>https://source{number}.example.org/</link>"
        f"<description>d</description><language>ar</language>{items}</channel></rss>"
    ).encode()


def _answer(number: int):
    etag = f'"feed-{number}-v1"'

    def answer(request):
        if request.headers.get("if-none-match") == etag:
            return Reply(304)
        return Reply(200, _feed(number), (("ETag", etag), ("Content-Type", "application/rss+xml")))

    return answer


def test_thirty_feeds_fetched_twice_then_built_with_the_server_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = str(tmp_path)
    with FeedServer() as server:
        urls = [server.route(f"/feed-{n}.xml", answer=_answer(n)) for n in range(FEEDS)]
        feeds = "".join(  # the server is on 127.0.0.1, a private address
            f"  - url: {url}\n    refresh: 0s\n    allow_private: true\n" for url in urls
        )
        (tmp_path / "config.yaml").write_text(
            f"title: موجز\nbase_url: https://example.org/news/\nfeeds:\n{feeds}",
            encoding="utf-8",
        )
        assert main(["fetch", "--site", site]) == 0
        first = capsys.readouterr().out
        assert first.count(": new items, 3 new, 3 items stored") == FEEDS

        assert main(["build", "--site", site]) == 0
        second = capsys.readouterr().out
        assert second.count(": not modified, 3 items stored") == FEEDS
        conditional = [r for r in server.requests if "if-none-match" in r.headers]
        assert len(conditional) == FEEDS and len(server.requests) == 2 * FEEDS

    # the server is gone: every feed fails, and the site is built from the store
    assert main(["build", "--site", site]) == 0
    out, err = capsys.readouterr()
    assert out.count(": failed, 3 items stored") == FEEDS
    assert "Built" in out and "90 articles" in out
    assert err.count("problem: http://127.0.0.1:") == FEEDS
    assert (tmp_path / "site" / "digests" / "2023-09-13" / "index.html").is_file()

    # build and fetch share one rule: problems exit 0, and 1 only with --strict
    assert main(["fetch", "--force", "--site", site]) == 0
    out, err = capsys.readouterr()
    assert "Fetched 30 feeds: 30 failed, 90 items stored, 30 problems." in out
    assert err.count("problem: http://127.0.0.1:") == FEEDS
    assert main(["fetch", "--force", "--strict", "--site", site]) == 1
    assert main(["build", "--strict", "--site", site]) == 1
