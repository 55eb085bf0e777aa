"""How long fetching many slow feeds takes: local servers that answer after a delay.

Usage: python bench/fetch_bench.py [--feeds 200] [--hosts 20] [--delay 0.2]

The servers listen on 127.0.0.1, 127.0.0.2, ... (all loopback), so the per-host limit
applies as it would to real sites. Fetched one after another, the feeds would take
feeds x delay seconds; the figure printed is what ``collect_feed_articles`` takes,
parsing and storing included.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from generator.config import FeedConfig, SiteConfig
from generator.feeds import collect_feed_articles


def feed_bytes(number: int) -> bytes:
    items = "".join(
        f"<item><title>خبر رقم {number}-{i}</title><link>https://example.org/{number}/{i}</link>"
        f"<pubDate>Wed, 13 Sep 2023 0{i}:00:00 GMT</pubDate>"
        f"<description>نص الخبر {i}</description></item>"
        for i in range(5)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>مصدر {number}</title><link>https://example.org/</link>{items}</channel></rss>"
    ).encode()


def slow_server(host: str, delay: float) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: object) -> None:
            pass

        def do_GET(self) -> None:
            time.sleep(delay)
            body = feed_bytes(int(self.path.strip("/").split(".")[0]))
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.2)
    args = parser.parse_args()
    servers = [slow_server(f"127.0.0.{n + 1}", args.delay) for n in range(args.hosts)]
    try:
        feeds = tuple(
            FeedConfig(url=f"http://{host}:{port}/{i}.xml")
            for i in range(args.feeds)
            for host, port in [servers[i % len(servers)].server_address[:2]]
        )
        with tempfile.TemporaryDirectory() as root:
            config = SiteConfig(
                title="bench", base_url="https://example.org/", feeds=feeds, root=Path(root)
            )
            started = time.perf_counter()
            result = collect_feed_articles(
                config, now=datetime.now(UTC), offline=False, progress=lambda _: None
            )
            elapsed = time.perf_counter() - started
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    failed = [h for h in result.health if h.status != "new items"]
    print(f"{args.feeds} feeds on {args.hosts} hosts, each answering after {args.delay:g} s")
    print(f"one after another: {args.feeds * args.delay:.1f} s")
    print(f"collect_feed_articles: {elapsed:.2f} s, {len(result.articles)} articles", end="")
    print(f", {len(failed)} failed")


if __name__ == "__main__":
    main()
