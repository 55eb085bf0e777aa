"""``digest serve``: requests answered as GitHub Pages answers them, and rebuilds on changes."""

from __future__ import annotations

import http.client
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from conftest import BASE_PATH, BUILD_TIME, copy_example_site

from generator.build import build
from generator.config import SiteConfig, load_config
from generator.routing import Route, route
from generator.serve import RELOAD_SCRIPT, VERSION_PATH, Preview, with_reload

SITE_FILES = {
    "index.html": "file",
    "404.html": "file",
    "feed.xml": "file",
    "about.html": "file",
    "archive": "dir",
    "archive/index.html": "file",
    "articles": "dir",
    "articles/بوتين": "dir",
    "articles/بوتين/index.html": "file",
    "static": "dir",
}
ARABIC = quote("بوتين")

ROUTES = [
    ("/news-digest/", Route(200, "index.html")),
    ("/news-digest/index.html", Route(200, "index.html")),
    ("/news-digest/?page=2", Route(200, "index.html")),
    ("/news-digest", Route(301, location="/news-digest/")),
    ("/", Route(301, location="/news-digest/")),
    ("/news-digest/archive/", Route(200, "archive/index.html")),
    ("/news-digest/archive", Route(301, location="/news-digest/archive/")),
    ("/news-digest/archive?x=1", Route(301, location="/news-digest/archive/?x=1")),
    (f"/news-digest/articles/{ARABIC}/", Route(200, "articles/بوتين/index.html")),
    (f"/news-digest/articles/{ARABIC}", Route(301, location=f"/news-digest/articles/{ARABIC}/")),
    ("/news-digest/feed.xml", Route(200, "feed.xml")),
    ("/news-digest/about", Route(200, "about.html")),
    ("/news-digest/static/", Route(404, "404.html")),  # a folder without index.html
    ("/news-digest/no-such-page/", Route(404, "404.html")),
    ("/news-digest/no-such-file.css", Route(404, "404.html")),
    ("/index.html", Route(404, "404.html")),  # outside the base path
    ("/other/news-digest/", Route(404, "404.html")),
    ("/news-digest/../index.html", Route(404, "404.html")),
    ("/news-digest/%2e%2e/index.html", Route(404, "404.html")),
    ("/news-digest/a%5c..%5cindex.html", Route(404, "404.html")),
    ("/news-digest/%ff/", Route(404, "404.html")),  # not UTF-8
]


@pytest.mark.parametrize(("path", "expected"), ROUTES)
def test_requests_map_to_site_files_as_on_github_pages(path: str, expected: Route) -> None:
    assert route(path, BASE_PATH, SITE_FILES.get) == expected


def test_a_site_at_the_domain_root_has_no_prefix() -> None:
    assert route("/", "/", SITE_FILES.get) == Route(200, "index.html")
    assert route("/archive", "/", SITE_FILES.get) == Route(301, location="/archive/")


def test_without_a_404_page_missing_pages_get_none() -> None:
    assert route("/news-digest/x/", BASE_PATH, {}.get) == Route(404)


def test_the_reload_script_goes_before_the_end_of_the_body() -> None:
    page = b"<html><body><p>x</p></BODY></html>"
    assert with_reload(page) == b"<html><body><p>x</p>" + RELOAD_SCRIPT + b"</BODY></html>"
    assert with_reload(b"<p>x</p>") == b"<p>x</p>" + RELOAD_SCRIPT


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    """One request, redirects not followed."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Preview, SiteConfig]]:
    site_dir = copy_example_site(tmp_path / "site-src")

    def rebuild() -> SiteConfig:
        config = load_config(site_dir)
        build(config, now=BUILD_TIME, offline=True)
        return config

    config = rebuild()
    with Preview(config, rebuild=rebuild) as running:
        yield running, config


def test_the_preview_serves_pages_under_the_sub_path(
    preview: tuple[Preview, SiteConfig],
) -> None:
    running, config = preview
    assert urlsplit(running.url).hostname == "127.0.0.1"
    assert urlsplit(running.url).path == BASE_PATH

    status, headers, body = _get(running.url)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == with_reload((config.output_dir / "index.html").read_bytes())

    article = quote("articles/بوتين-يلتقي-كيم/")
    assert _get(running.url + article)[0] == 200
    assert _get(running.url + "feed.xml")[1]["Content-Type"].startswith("application/")

    status, _, body = _get(running.url + "no-such-page/")
    assert status == 404
    assert body == with_reload((config.output_dir / "404.html").read_bytes())

    status, headers, _ = _get(running.url + "archive")
    assert (status, headers["Location"]) == (301, BASE_PATH + "archive/")
    status, headers, _ = _get(running.url.replace(BASE_PATH, "/"))
    assert (status, headers["Location"]) == (301, BASE_PATH)


def test_the_built_files_never_get_the_reload_script(
    preview: tuple[Preview, SiteConfig],
) -> None:
    running, config = preview
    _get(running.url)
    assert all(RELOAD_SCRIPT not in path.read_bytes() for path in config.output_dir.rglob("*.html"))


def test_a_changed_article_rebuilds_the_site_and_bumps_the_version(
    preview: tuple[Preview, SiteConfig],
) -> None:
    running, config = preview
    version_url = running.url.replace(BASE_PATH, VERSION_PATH)
    before = _get(version_url)[2]
    assert before == str(running.version).encode()

    article = config.content_dir / "articles" / "kim-in-russia.md"
    article.write_text(
        article.read_text("utf-8").replace("Kim Jong Un arrives in Russia", "A changed headline"),
        encoding="utf-8",
    )
    deadline = time.monotonic() + 15
    while _get(version_url)[2] == before and time.monotonic() < deadline:
        time.sleep(0.1)

    assert _get(version_url)[2] != before
    page = _get(running.url + "articles/kim-in-russia/")[2].decode("utf-8")
    assert "A changed headline" in page


def test_the_feed_store_written_by_a_build_does_not_trigger_another(
    preview: tuple[Preview, SiteConfig],
) -> None:
    running, config = preview
    before = running.version
    store = config.content_dir / "feeds" / "written-by-the-build.jsonl"
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text("{}\n", encoding="utf-8")
    (config.root / "notes.txt").write_text("not a source", encoding="utf-8")
    time.sleep(1.5)  # longer than the watcher's debounce
    assert running.version == before


def test_config_changes_rebuild_even_when_an_editor_replaces_the_file(
    preview: tuple[Preview, SiteConfig],
) -> None:
    running, config = preview
    config_file = config.root / "config.yaml"
    for title in ("العنوان الأول", "العنوان الثاني"):
        before = running.version
        replacement = config.root / "config.yaml.new"
        replacement.write_text(
            re.sub(r"(?m)^title: .*$", f"title: {title}", config_file.read_text("utf-8")),
            encoding="utf-8",
        )
        os.replace(replacement, config_file)  # as many editors save
        deadline = time.monotonic() + 15
        while running.version == before and time.monotonic() < deadline:
            time.sleep(0.1)
        assert title in _get(running.url)[2].decode("utf-8")
