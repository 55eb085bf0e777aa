"""Search: Pagefind's index of the article pages, the search page, and the Arabic folds
that let any spelling of a word find it, in Python for the index and in the browser's
script for the query."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import BUILD_TIME, build_site, console_messages, copy_example_site

import generator.build as build_module
from generator import search, urls
from generator.build import CACHE_DIR, build
from generator.config import load_config
from generator.model import OutputFile, Site
from generator.normalize import match_key
from generator.problems import BuildError
from generator.search import folded_words

ARTIFACTS = Path(__file__).parent / "artifacts"  # the browser tests' screenshots

# Spellings of one word that a reader may type, each with the key both folds give.
FOLD_CASES = [
    ("أحمد", "احمد"),
    ("إسلام", "اسلام"),
    ("آخر", "اخر"),
    ("مستشفى", "مستشفي"),
    ("مدرسة", "مدرسه"),
    ("کتاب", "كتاب"),
    ("مُدَرِّسَةٌ", "مدرسه"),
    ("رئيس مؤتمر", "رءيس مءتمر"),
    ("الـــقاهرة", "القاهره"),
    ("٢٠٢٣ ۱۴", "2023 14"),
    ("  Kim   JONG  ", "kim jong"),
    ("\u200fبيروت\u200e", "بيروت"),
]


@pytest.mark.parametrize(("written", "key"), FOLD_CASES)
def test_match_key_folds_each_spelling(written: str, key: str) -> None:
    assert match_key(written) == key


def test_the_search_page_script_folds_a_query_as_match_key_does(
    browser, served_example: str
) -> None:
    """The page's own script, as the browser runs it on the search page."""
    browser.get(served_example + "search/")
    inputs = [written for written, _ in FOLD_CASES]
    folded = browser.execute_script("return arguments[0].map(foldArabic)", inputs)
    assert folded == [match_key(written) for written in inputs]


def test_folded_words_add_the_key_and_the_word_without_its_article() -> None:
    words = folded_words("أزمة المياه في القاهرة مع كيم والرئيس للتعاون")
    assert "ازمه" in words and "القاهره" in words and "قاهره" in words and "مياه" in words
    assert "والرءيس" in words and "رءيس" in words and "تعاون" in words
    assert "في" not in words and "مع" not in words  # written as their keys already


def test_the_build_makes_the_index_and_the_search_page(built_example) -> None:
    site_dir, result = built_example
    site = site_dir / "site"
    (bundle,) = search.bundle_paths(result.site)  # the example has fewer than 5,000 articles
    assert bundle == "pagefind/2023-09-11/"  # named by its first day
    entry = json.loads((site / bundle / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["ar"]
    assert entry["languages"]["ar"]["page_count"] == result.articles  # articles only
    page = (site / "search" / "index.html").read_text()
    assert 'src="/news-digest/pagefind/2023-09-11/pagefind-ui.js"' in page
    assert 'data-bundles="/news-digest/pagefind/2023-09-11/"' in page
    assert 'href="/news-digest/search/"' in (site / "index.html").read_text()
    assert "wasm-unsafe-eval" in page


def _bundle(site: Path) -> dict[str, tuple[bytes, int]]:
    folder = site / "site" / "pagefind"
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_ino)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_rebuild_of_the_same_articles_keeps_the_index_and_a_change_remakes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind orders filter values differently on each run: the index of unchanged
    pages is kept as it was published, so the site's files change only with its pages."""
    site_dir = copy_example_site(tmp_path / "site-src")
    build_site(site_dir)
    first = _bundle(site_dir)
    with monkeypatch.context() as patch:  # Pagefind is not run again for the same pages
        patch.setattr(search, "_executable", lambda: pytest.fail("Pagefind ran again"))
        build_site(site_dir, rebuild=True)
    assert _bundle(site_dir) == first  # the same bytes, the same files
    saved = next((site_dir / "content" / "articles").glob("kim-in-russia.md"))
    saved.write_text(saved.read_text("utf-8").replace("title:", "title: تعديل", 1), "utf-8")
    build_site(site_dir)
    remade = _bundle(site_dir)
    stamp, entry = "2023-09-11/digest-pages.sha256", "2023-09-11/pagefind-entry.json"
    assert remade[stamp] != first[stamp]
    assert remade[entry][1] != first[entry][1]


def test_pages_whose_indexed_text_is_the_same_do_not_make_the_index_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fewer related links change every article page, outside the text Pagefind reads."""
    site_dir = copy_example_site(tmp_path / "site-src")
    build_site(site_dir)
    first = _bundle(site_dir)
    pages = {p: p.read_bytes() for p in (site_dir / "site" / "articles").rglob("*.html")}
    with (site_dir / "config.yaml").open("a", encoding="utf-8") as config:
        config.write("related:\n  min_score: 0.9\n")
    with monkeypatch.context() as patch:
        patch.setattr(search, "_executable", lambda: pytest.fail("Pagefind ran again"))
        build_site(site_dir)
    assert any(page.read_bytes() != content for page, content in pages.items())
    assert _bundle(site_dir) == first


AUGUST = """---
title: مهرجان الزعفران في الوادي
date: 2023-08-02T10:00:00+03:00
source: Example desk
tags: [زراعة]
---
افتتح مهرجان الزعفران السنوي في الوادي بمشاركة المزارعين.
"""


def _two_months(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example site with an article of the month before its others, and bundles of
    one day each (a bundle takes days until it holds 5,000 articles)."""
    monkeypatch.setattr(search, "_BUNDLE_ARTICLES", 1)
    site_dir = copy_example_site(tmp_path / "site-src")
    (site_dir / "content" / "articles" / "august.md").write_text(AUGUST, "utf-8")
    return site_dir


AUGUST_BUNDLE = "2023-08-02"  # the August article's day


def _page_counts(bundle_files: dict[str, tuple[bytes, int]]) -> dict[str, int]:
    """Each bundle's number of pages, as its Pagefind entry gives it."""
    return {
        path.partition("/")[0]: json.loads(content)["languages"]["ar"]["page_count"]
        for path, (content, _) in bundle_files.items()
        if path.endswith("/pagefind-entry.json")
    }


def test_each_bundle_has_its_index_and_a_change_indexes_its_bundle_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_dir = _two_months(tmp_path, monkeypatch)
    result = build_site(site_dir)
    zone = result.site.config.tz
    days = sorted({search.day_of(a, zone) for a in result.site.articles.values()}, reverse=True)
    paths = search.bundle_paths(result.site)
    assert paths == tuple(f"pagefind/{day}/" for day in days)  # newest first
    assert paths[-1] == f"pagefind/{AUGUST_BUNDLE}/" and len(paths) > 2
    first = _bundle(site_dir)
    counts = _page_counts(first)
    assert counts.keys() == set(days)
    assert counts[AUGUST_BUNDLE] == 1
    assert sum(counts.values()) == result.articles
    page = (site_dir / "site" / "search" / "index.html").read_text()
    assert f'data-bundles="{" ".join(f"/news-digest/{path}" for path in paths)}"' in page
    saved = site_dir / "content" / "articles" / "august.md"
    saved.write_text(AUGUST + "وحضره الآلاف.\n", "utf-8")
    runs: list[list[str]] = []
    with monkeypatch.context() as patch:
        real = search.subprocess.Popen
        patch.setattr(
            search.subprocess,
            "Popen",
            lambda command, **kw: runs.append(command) or real(command, **kw),
        )
        build_site(site_dir)
    assert len(runs) == 1 and runs[0][runs[0].index("--site") + 1].endswith(AUGUST_BUNDLE)
    second = _bundle(site_dir)
    assert {p: second[p] for p in second if not p.startswith(f"{AUGUST_BUNDLE}/")} == {
        p: first[p] for p in first if not p.startswith(f"{AUGUST_BUNDLE}/")
    }
    entry = f"{AUGUST_BUNDLE}/pagefind-entry.json"
    assert second[entry][1] != first[entry][1]
    saved.unlink()
    result = build_site(site_dir)
    assert search.bundle_paths(result.site) == paths[:-1]
    assert not (site_dir / "site" / "pagefind" / AUGUST_BUNDLE).exists()


@pytest.mark.parametrize(
    ("counts", "most", "bundles"),
    [
        ({"2023-09-14": 40}, 5000, {"2023-09-14": "2023-09-14"}),
        (  # a small site is one bundle, however many days
            {"2022-12-30": 3, "2023-01-02": 900, "2023-02-11": 1200},
            5000,
            {"2022-12-30": "2022-12-30", "2023-01-02": "2022-12-30", "2023-02-11": "2022-12-30"},
        ),
        (  # days join a bundle until it holds enough; the next day starts the next
            {"2023-01-01": 1, "2023-01-02": 1, "2023-01-03": 2, "2023-01-04": 5, "2023-02-01": 1},
            3,
            {"2023-01-01": "2023-01-01", "2023-01-02": "2023-01-01", "2023-01-03": "2023-01-01",
             "2023-01-04": "2023-01-04", "2023-02-01": "2023-02-01"},
        ),
    ],
)  # fmt: skip
def test_days_are_grouped_into_bundles_of_whole_days(
    counts: dict[str, int], most: int, bundles: dict[str, str]
) -> None:
    assert search.grouped_days(counts, most) == bundles


def test_a_busy_month_is_cut_so_no_bundle_holds_much_more_than_the_most() -> None:
    april = {f"2018-04-{day:02d}": 330 for day in range(1, 31)}  # 9,900 articles in a month
    counts = {"2018-03-31": 4900, **april}
    held: Counter[str] = Counter()
    for day, bundle in search.grouped_days(counts, 5000).items():
        held[bundle] += counts[day]
    assert len(held) == 3 and max(held.values()) <= 5000 + 330


def test_a_new_day_leaves_the_bundles_before_it_as_they_are() -> None:
    counts = {f"2023-{m:02d}-{d:02d}": 20 + 3 * d for m in range(1, 13) for d in range(1, 29)}
    before = search.grouped_days(counts, 2000)
    after = search.grouped_days({**counts, "2024-01-01": 5}, 2000)
    assert {day: after[day] for day in before} == before


def test_a_new_article_leaves_the_bundles_of_older_ones_as_they_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new article gives the August article's tag its page: the August page changes
    (the tag is now a link), what Pagefind reads of it does not."""
    site_dir = _two_months(tmp_path, monkeypatch)
    build_site(site_dir)
    first = _bundle(site_dir)
    page = site_dir / "site" / "articles" / "august" / "index.html"
    before = page.read_bytes()
    (site_dir / "content" / "articles" / "september.md").write_text(
        AUGUST.replace("2023-08-02", "2023-09-14").replace("مهرجان", "موسم"), "utf-8"
    )
    build_site(site_dir)
    second = _bundle(site_dir)
    assert page.read_bytes() != before
    assert {p: second[p] for p in second if p.startswith(f"{AUGUST_BUNDLE}/")} == {
        p: first[p] for p in first if p.startswith(f"{AUGUST_BUNDLE}/")
    }
    entry = "2023-09-14/pagefind-entry.json"  # the bundle of the new article's day
    assert second[entry] != first[entry]


def test_a_query_finds_articles_of_every_month_in_a_browser(
    browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.serve import Preview

    site_dir = _two_months(tmp_path, monkeypatch)
    result = build_site(site_dir)
    with Preview(result.site.config) as preview:
        console_messages(browser)
        browser.get(preview.url + "search/")
        assert _search(browser, "الزعفران") == ["/news-digest/articles/august/"]
        assert _search(browser, "اسعار") == ["/news-digest/articles/أسعار-النفط-ترتفع/"]
        messages = console_messages(browser)
    assert [m for m in messages if "Content Security Policy" in m or "rror" in m] == []


def _copies(site_dir: Path) -> dict[str, tuple[int, int]]:
    """The pages as kept for Pagefind between builds: each file's inode and time."""
    folder = site_dir / CACHE_DIR / search.COPIES_DIR
    return {
        path.relative_to(folder).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*.html"))
    }


def test_only_the_pages_that_changed_are_copied_for_the_index_again(tmp_path: Path) -> None:
    site_dir = copy_example_site(tmp_path / "site-src")
    build_site(site_dir)
    first = _copies(site_dir)
    saved = site_dir / "content" / "articles" / "kim-in-russia.md"
    saved.write_text(saved.read_text("utf-8") + "\nA sentence added later.\n", "utf-8")
    result = build_site(site_dir)
    second = _copies(site_dir)
    edited = next(a for a in result.site.articles.values() if a.origin.endswith(saved.name))
    copy = f"2023-09-11/articles/{edited.slug}/index.html"  # in the example's one bundle
    assert second[copy] != first[copy]
    assert (
        "A sentence added later." in (site_dir / CACHE_DIR / search.COPIES_DIR / copy).read_text()
    )
    assert second.keys() == first.keys()
    assert [path for path in second if second[path] == first[path]]  # the others stay
    saved.unlink()
    result = build_site(site_dir)
    assert _copies(site_dir).keys() == first.keys() - {copy}  # nothing stale is indexed
    assert not (site_dir / CACHE_DIR / search.COPIES_DIR / copy).parent.exists()
    (bundle,) = search.bundle_paths(result.site)
    entry = json.loads((site_dir / "site" / bundle / "pagefind-entry.json").read_text())
    assert entry["languages"]["ar"]["page_count"] == result.articles


def test_copies_lost_are_made_again_from_the_pages_the_build_keeps(tmp_path: Path) -> None:
    """A kept page carries no bytes: its copy is made from the page in the current site."""
    site_dir = copy_example_site(tmp_path / "site-src")
    build_site(site_dir)
    folder = site_dir / CACHE_DIR / search.COPIES_DIR
    first = {path: path.read_bytes() for path in folder.rglob("*.html")}
    shutil.rmtree(folder)
    saved = site_dir / "content" / "articles" / "kim-in-russia.md"
    saved.write_text(saved.read_text("utf-8") + "\nA sentence added later.\n", "utf-8")
    lines: list[str] = []
    result = build(load_config(site_dir), now=BUILD_TIME, offline=True, progress=lines.append)
    kept = re.search(r"(\d+) of (\d+) pages and", "\n".join(lines))
    assert kept and 0 < int(kept[1]) < int(kept[2])
    again = {path: path.read_bytes() for path in folder.rglob("*.html")}
    assert again.keys() == first.keys()
    assert sum(again[path] == first[path] for path in first) == len(first) - 1  # all but its
    (bundle,) = search.bundle_paths(result.site)
    entry = json.loads((site_dir / "site" / bundle / "pagefind-entry.json").read_text())
    assert entry["languages"]["ar"]["page_count"] == result.articles


@pytest.mark.parametrize("damage", [b"{not json", b"[]", b""])
def test_copies_without_a_note_to_trust_are_all_made_again(tmp_path: Path, damage: bytes) -> None:
    site_dir = copy_example_site(tmp_path / "site-src")
    build_site(site_dir)
    first = _copies(site_dir)
    (site_dir / CACHE_DIR / search.COPIES_DIR / ".made-from.json").write_bytes(damage)
    build_site(site_dir, rebuild=True)
    second = _copies(site_dir)
    assert second.keys() == first.keys()
    assert all(second[path] != first[path] for path in first)


def test_search_false_makes_no_index_page_or_link(tmp_path: Path) -> None:
    site_dir = copy_example_site(tmp_path / "site-src")
    config = site_dir / "config.yaml"
    config.write_text(config.read_text() + "search: false\n")
    build_site(site_dir)
    site = site_dir / "site"
    assert not (site / "pagefind").exists() and not (site / "search").exists()
    home = (site / "index.html").read_text()
    assert "/search/" not in home and "wasm-unsafe-eval" not in home


def _search(browser, query: str) -> list[str]:
    box = browser.find_element("css selector", ".pagefind-ui__search-input")
    box.clear()
    box.send_keys(query)
    # Pagefind shows results as each one loads: the list is read once it has stayed the
    # same for a second (or at the deadline, empty when nothing matches).
    found: list[str] = []
    steady_since = time.monotonic()
    deadline = steady_since + 15
    while time.monotonic() < deadline:
        time.sleep(0.3)
        links = browser.find_elements("css selector", ".pagefind-ui__result-link")
        now = [unquote(urlsplit(link.get_attribute("href")).path) for link in links]
        if now != found:
            found, steady_since = now, time.monotonic()
        elif found and time.monotonic() - steady_since >= 1.0:
            break
    return found


def test_a_query_in_other_spellings_finds_the_article_in_a_browser(
    browser, served_example: str
) -> None:
    console_messages(browser)
    browser.get(served_example + "search/")
    # أسعار written with ا; الشمالية with ه for ة and without ال
    assert _search(browser, "اسعار") == ["/news-digest/articles/أسعار-النفط-ترتفع/"]
    assert "/news-digest/articles/صاروخ-جديد/" in _search(browser, "كوريا شماليه")
    assert "/news-digest/articles/صاروخ-جديد/" in _search(browser, "الصواريخ الباليستيّة")
    # written والرئيس in the article
    assert _search(browser, "رئيس") == ["/news-digest/articles/بوتين-يلتقي-كيم/"]
    assert _search(browser, "لاتوجدهذهالكلمة") == []
    messages = console_messages(browser)
    assert [m for m in messages if "Content Security Policy" in m or "rror" in m] == []
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(entry => entry.name)"
    )
    assert any(
        urlsplit(url).path == "/news-digest/pagefind/2023-09-11/pagefind.js" for url in loaded
    )
    assert {urlsplit(url).hostname for url in loaded} == {"127.0.0.1"}


def test_search_results_fit_a_phone_and_a_desktop(browser, served_example: str) -> None:
    """Results for a query, at 390 and 1280 px, light and dark, without sideways scrolling; the
    screenshots are kept with the other browser tests' to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        for width, scheme in itertools.product((390, 1280), ("light", "dark")):
            browser.execute_cdp_cmd(
                "Emulation.setEmulatedMedia",
                {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
            )
            browser.set_window_size(width, 900)
            browser.get(served_example + "search/")
            assert _search(browser, "كوريا") != []
            scroll = browser.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert scroll <= 0, f"{width} px: {scroll} px of sideways scrolling"
            browser.save_screenshot(str(ARTIFACTS / f"search-{width}-{scheme}.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_a_theme_whose_articles_lose_the_index_mark_is_told_how_to_fix_it(
    tmp_path: Path,
) -> None:
    site_dir = copy_example_site(tmp_path / "site-src")
    (site_dir / "templates").mkdir(exist_ok=True)
    (site_dir / "templates" / "article.html").write_text(
        '{% extends "theme/base.html" %}{% block content %}<h1>{{ article.title }}</h1>'
        "{% endblock %}"
    )
    with pytest.raises(BuildError, match=r"data-pagefind-body.*search: false"):
        build_site(site_dir)
    assert not (site_dir / "site").exists()


def _pagefind_stand_in(folder: Path, script: str) -> Path:
    """An executable that stands in for Pagefind, running a shell script."""
    path = folder / "pagefind-stand-in"
    path.write_text(f"#!/bin/sh\n{script}\n", "utf-8")
    path.chmod(0o755)
    return path


def test_pagefind_failing_stops_the_build_with_its_reason_and_the_site_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_dir = copy_example_site(tmp_path / "site-src")
    build_site(site_dir)
    before = (site_dir / "site" / "index.html").read_bytes()
    failing = _pagefind_stand_in(tmp_path, 'echo "Error: out of luck" >&2; exit 3')
    monkeypatch.setattr(search, "_executable", lambda: failing)
    (site_dir / "content" / "articles" / "new.md").write_text(
        "---\ntitle: خبر جديد عن الأمطار\ndate: 2023-09-14T10:00:00+03:00\n---\nنص الخبر.\n",
        "utf-8",
    )
    with pytest.raises(BuildError, match="the search index could not be made: Error: out of luck"):
        build_site(site_dir)
    assert (site_dir / "site" / "index.html").read_bytes() == before


def test_pagefind_still_running_when_the_build_fails_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind runs while the outputs after the pages are made: one of them failing
    stops it rather than leaving it to run on."""
    site_dir = copy_example_site(tmp_path / "site-src")
    pid_file = tmp_path / "pagefind.pid"
    sleeper = _pagefind_stand_in(tmp_path, f'echo $$ > "{pid_file}"; exec sleep 600')
    monkeypatch.setattr(search, "_executable", lambda: sleeper)

    def failing_output(site):
        waited = 0
        while not pid_file.exists() and waited < 3000:  # Pagefind starts after the pages
            time.sleep(0.01)
            waited += 1
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build_module, "OUTPUTS", (*build_module.OUTPUTS, failing_output))
    with pytest.raises(OSError, match="No space left"):
        build_site(site_dir)
    pid = int(pid_file.read_text())  # it was running while the outputs were made
    assert not Path(f"/proc/{pid}").exists()
    assert not (site_dir / "site").exists()


def test_each_bundle_is_indexed_once_its_last_article_page_has_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind needs only a bundle's article pages: the newest days' bundle is indexed
    while older days' pages, and the pages after the articles, are made."""
    monkeypatch.setattr(search, "_BUNDLE_ARTICLES", 1)  # a bundle a day
    site_dir = copy_example_site(tmp_path / "site-src")
    events: list[tuple[str, str]] = []  # ("page", path) and ("ready", bundle), in order
    ready = search._Indexing.ready

    def recording(indexing: search._Indexing, bundle: str) -> None:
        events.append(("ready", bundle))
        ready(indexing, bundle)

    def pages(site: Site) -> Iterator[OutputFile]:
        for file in build_module.render_pages(site):
            events.append(("page", file.path))
            yield file

    monkeypatch.setattr(search._Indexing, "ready", recording)
    outputs = (pages if o is build_module.render_pages else o for o in build_module.OUTPUTS)
    monkeypatch.setattr(build_module, "OUTPUTS", tuple(outputs))
    site = build_site(site_dir).site
    assert site is not None
    bundle_of_day = search.bundle_of_day(site)
    bundle_of_page = {
        urls.file_for(urls.article_path(a.slug)): bundle_of_day[search.day_of(a, site.config.tz)]
        for a in site.articles.values()
    }
    readied = [at for at, (kind, _) in enumerate(events) if kind == "ready"]
    assert sorted(events[at][1] for at in readied) == sorted(set(bundle_of_page.values()))
    for at in readied:
        bundle = events[at][1]
        last = max(i for i, (kind, path) in enumerate(events) if bundle_of_page.get(path) == bundle)
        assert at == last + 1  # right after its last page, before the next one is made
    last_article = max(i for i, (_, path) in enumerate(events) if path in bundle_of_page)
    assert min(readied) < last_article  # the first bundle before the other days' pages
