import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedserver import FeedServer, Reply

from generator.config import FeedConfig, SiteConfig
from generator.feeds import (
    canonical_url,
    collect_feed_articles,
    feed_articles,
    parse_feed,
    script_direction,
)
from generator.feedstore import StoredFeed, feed_folder
from generator.fetch import FetchPolicy

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
NOW = datetime(2024, 1, 1, tzinfo=UTC)
LATER = datetime(2024, 1, 2, tzinfo=UTC)


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(name: str, headers=None, url="https://news.example.com/feed.xml", now=NOW):
    return parse_feed(fixture(name), headers or {}, url=url, now=now)


# --- URLs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "base", "expected"),
    [
        (
            "https://a.example/x?utm_source=rss&id=7&fbclid=z#top",
            "",
            "https://a.example/x?id=7#top",
        ),
        ("/world/1?gclid=1&UTM_Medium=x", "https://a.example/feed", "https://a.example/world/1"),
        ("story.html", "https://a.example/news/feed.xml", "https://a.example/news/story.html"),
        ("HTTP://A.Example:80", "", "http://a.example/"),
        ("https://a.example:8443/p?q=%D8%A8", "", "https://a.example:8443/p?q=%D8%A8"),
        ("javascript:alert(1)", "https://a.example/", ""),
        ("data:text/html,<script>", "", ""),
        ("vbscript:msgbox", "", ""),
        ("ftp://a.example/file", "", ""),
        ("mailto:x@a.example", "", ""),
        ("", "", ""),
        ("http://[::1", "", ""),
    ],
)
def test_canonical_url(link, base, expected):
    assert canonical_url(link, base) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("هیات والیبال استان اردبیل", "rtl"),
        ("Web 2.0 או איך למדתי לאהוב", "rtl"),
        ("New Calming Traffic Island", "ltr"),
        ("2023 - 10", ""),
    ],
)
def test_script_direction(text, expected):
    assert script_direction(text) == expected


# --- parsing real shapes -------------------------------------------------------------


def test_the_bbc_urdu_feed_gives_readable_urdu_right_to_left():
    feed = parse("real/urdu_UTF8.xml")
    assert feed.ok and not feed.problems
    assert feed.title.startswith("BBC News اردو")
    assert len(feed.items) == 26
    first = next(
        item for item in feed.items if item.id == "http://www.bbc.com/urdu/pakistan-41019799"
    )
    assert first.title.startswith("’پاکستان نے اپنے رویے کو تبدیل")
    assert (first.lang, first.dir) == ("ur", "rtl")
    assert first.published == datetime(2017, 8, 22, 23, 6, 7, tzinfo=UTC)
    assert all(item.dir == "rtl" and item.lang == "ur" for item in feed.items)


def test_hebrew_windows_1255_rss_091_with_the_netscape_dtd():
    feed = parse("synthetic/hebrew-windows-1255.xml")
    assert feed.ok
    assert feed.title == "חדשות הבלוג"
    titles = [item.title for item in feed.items]
    assert titles == ["Web 2.0 או איך למדתי לאהוב את הפיד", ": 6/1 : הפגנות בירושלים"]
    assert {(item.lang, item.dir) for item in feed.items} == {("he-il", "rtl")}
    first = feed.items[0]
    assert first.url == "http://blog.example.co.il/post/17"
    assert first.body_html == "<p>שלום <b>עולם</b></p>"
    assert first.summary == "שלום עולם"


def test_a_mixed_feed_without_language_gets_a_direction_per_item():
    feed = parse("synthetic/mixed-direction.xml")
    assert [(item.id, item.lang, item.dir) for item in feed.items] == [
        ("diary-1", "", "rtl"),
        ("diary-2", "", "ltr"),
        ("diary-3", "", "rtl"),
    ]


def test_arabic_items_are_cleaned_and_made_trustworthy():
    feed = parse("synthetic/arabic-utf8.xml")
    items = {item.title: item for item in feed.items}
    putin = items["بوتين يلتقي كيم جونج أون في مركز فوستوشني للفضاء"]
    assert putin.id == "https://news.example.com/world/putin-kim"
    assert putin.url == "https://news.example.com/world/putin-kim?id=7"
    assert putin.categories == ("روسيا", "كوريا الشمالية")
    assert putin.enclosures == ("https://news.example.com/img/summit.jpg",)
    assert "onclick" not in putin.body_html and "data:" not in putin.body_html
    assert 'href="https://news.example.com/tags/putin"' in putin.body_html
    assert 'src="https://news.example.com/img/summit.jpg"' in putin.body_html
    assert putin.summary == "التقى الرئيس الروسي بالزعيم الكوري الشمالي."
    assert putin.published == datetime(2023, 9, 13, 6, 0, tzinfo=UTC)


def test_bidi_overrides_and_unsafe_links_are_removed():
    feed = parse("synthetic/arabic-utf8.xml")
    reversed_item = next(item for item in feed.items if "معكوس" in item.title)
    assert reversed_item.title == "عنوان معكوس"
    assert reversed_item.url == ""
    assert reversed_item.id.startswith("sha256:")
    assert parse("synthetic/arabic-utf8.xml").items == feed.items  # ids are stable


def test_impossible_and_missing_dates_become_the_first_seen_time():
    feed = parse("synthetic/arabic-utf8.xml")
    by_title = {item.title: item for item in feed.items}
    assert by_title["خبر من المستقبل"].published == NOW
    assert by_title["خبر بلا تاريخ"].published == NOW
    assert feed.undated == {"https://news.example.com/future", "https://news.example.com/undated"}
    assert any("1 items had an impossible date (such as 2100-01-01)" in p for p in feed.problems)


def test_a_wrong_charset_header_does_not_turn_arabic_into_mojibake():
    headers = {"Content-Type": "text/xml; charset=iso-8859-1"}
    feed = parse("synthetic/arabic-utf8.xml", headers)
    assert feed.title == "أخبار المثال"
    assert feed.problems[0] == (
        "the server says the charset is iso-8859-1, but the feed is UTF-8: read as UTF-8"
    )


def test_a_right_charset_header_wins_over_a_wrong_declaration():
    data = fixture("synthetic/hebrew-windows-1255.xml").replace(b"windows-1255", b"utf-8", 1)
    feed = parse_feed(data, {"content-type": "text/xml; charset=windows-1255"}, url="x", now=NOW)
    assert feed.title == "חדשות הבלוג"


def test_an_html_page_is_not_a_feed():
    page = b"<!DOCTYPE html><html><head><title>Home</title></head><body>hi</body></html>"
    feed = parse_feed(page, {"content-type": "text/html"}, url="x", now=NOW)
    assert not feed.ok
    assert feed.problems == ("the address gave a web page, not a feed",)


@pytest.mark.parametrize("data", [b"", b"just some text", b"\x00\xff\xfe garbage"])
def test_garbage_is_not_a_feed(data):
    feed = parse_feed(data, {}, url="x", now=NOW)
    assert (feed.ok, feed.items) == (False, ())


def test_truncated_xml_keeps_the_items_that_parsed():
    data = fixture("synthetic/mixed-direction.xml")
    cut = data[: data.index(b"<item>", data.index(b"diary-2")) + 30]
    feed = parse_feed(cut, {}, url="x", now=NOW)
    assert feed.ok
    assert [item.id for item in feed.items][:2] == ["diary-1", "diary-2"]
    assert any("not well-formed" in p for p in feed.problems)


# --- feedparser's own hostile and broken feeds ---------------------------------------

_UNSAFE = re.compile(r"<script|\son\w+\s*=|javascript:|vbscript:|data:", re.IGNORECASE)


def _headers_of(data: bytes) -> dict[str, str]:
    text = data[:2000].decode("latin-1")
    return dict(
        (name.strip(), value.strip())
        for name, value in (m.split(":", 1) for m in re.findall(r"^Header:\s*(.+)$", text, re.M))
    )


def test_no_script_event_handler_or_unsafe_url_survives_the_sanitize_cases():
    cases = sorted((FIXTURES / "feedparser" / "sanitize").glob("*.xml"))
    assert len(cases) == 745
    leaks = []
    for path in cases:
        feed = parse_feed(path.read_bytes(), {}, url="https://example.org/feed", now=NOW)
        fields = [feed.title, feed.link]
        for item in feed.items:
            fields.extend((item.body_html, item.title, item.url, item.summary, *item.enclosures))
        for field in fields:
            if _UNSAFE.search(field):
                leaks.append((path.name, field[:200]))
    assert leaks == []


@pytest.mark.parametrize("group", ["encoding", "illformed", "illformed/chardet", "illformed/geo"])
def test_encoding_and_illformed_cases_do_not_crash(group):
    for path in sorted((FIXTURES / "feedparser" / group).glob("*.xml")):
        data = path.read_bytes()
        feed = parse_feed(data, _headers_of(data), url="http://example.org/feed", now=NOW)
        for item in feed.items:
            assert item.id and item.published.tzinfo is not None, path.name


# --- collecting: store, cache, health ------------------------------------------------


def site(tmp_path: Path, *feeds: FeedConfig) -> SiteConfig:
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
    stored = parse("synthetic/mixed-direction.xml").items
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
    config = site(tmp_path, FeedConfig(url=url, refresh="1h"))
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
    config = site(tmp_path, FeedConfig(url=url, refresh="1m"))
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
    feeds = [FeedConfig(url=u, refresh="1m") for u in (good, flaky, page, gone, missing, stalled)]
    config = site(tmp_path, *feeds)
    collect(config)
    result = collect(config, now=LATER)
    status = {h.url: (h.status, h.total_items) for h in result.health}
    assert status == {
        good: ("new items", 3),
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
