"""The built site served under its GitHub Pages sub-path: every link of every page works."""

from __future__ import annotations

import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import quote, urldefrag, urljoin, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src"} and value:
                self.found.append(value)


def _fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        return error.code, b"", ""


def test_every_internal_link_resolves_under_the_sub_path(built_example, served_example) -> None:
    root = served_example
    host = urlsplit(root).netloc
    to_visit, seen, broken = [root], set(), []
    while to_visit:
        url = to_visit.pop()
        if url in seen:
            continue
        seen.add(url)
        status, body, kind = _fetch(url)
        if status != 200:
            broken.append(url)
            continue
        if kind != "text/html":
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        for link in parser.found:
            target = urldefrag(urljoin(url, link)).url
            if urlsplit(target).netloc == "example.github.io":
                # absolute links to the published site (canonical, feeds): check them locally
                target = root + target.split("/news-digest/", 1)[1]
            if urlsplit(target).netloc == host:
                assert urlsplit(target).path.startswith("/news-digest/"), (url, link)
                to_visit.append(target)
    assert broken == []
    # every page of the site is reachable by following links from the front page
    site = built_example[0] / "site"
    built = {
        quote(path.relative_to(site).as_posix()).removesuffix("index.html")
        for path in site.rglob("*.html")
        if path.name != "404.html"
    }
    assert {urlsplit(u).path.removeprefix("/news-digest/") for u in seen} >= built


def test_missing_page_is_not_served(served_example: str) -> None:
    assert _fetch(served_example + "no-such-page/")[0] == 404
