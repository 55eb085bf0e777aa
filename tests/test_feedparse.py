import re
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import pytest
import yaml

from generator.feedparse import canonical_url, parse_feed, script_direction

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
CASES = Path(__file__).parent / "cases"
NOW = datetime(2024, 1, 1, tzinfo=UTC)
SITE_ZONE = ZoneInfo("Asia/Riyadh")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(name: str, headers=None, url="https://news.example.com/feed.xml", now=NOW):
    return parse_feed(fixture(name), headers or {}, url=url, now=now, tz=SITE_ZONE)


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
    assert feed.date_problems == (
        "1 item has an impossible date, before 1995 or in the future: '2100-01-01'",
    )
    assert not any("date" in problem for problem in feed.problems)


# --- dates (cases in cases/feed_dates.yaml) ------------------------------------------

DATE_CASES = yaml.safe_load((CASES / "feed_dates.yaml").read_text("utf-8"))


def rss(items: str) -> bytes:
    return (
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>t</title>{items}</channel></rss>"
    ).encode()


def dated_feed(kind: str, dates: dict[str, str]) -> bytes:
    """An RSS or Atom feed of one item with these date elements."""
    elements = "".join(f"<{name}>{escape(text)}</{name}>" for name, text in dates.items())
    if kind == "rss":
        return rss(f"<item><title>خبر</title><guid>item</guid>{elements}</item>")
    entry = f"<entry><title>خبر</title><id>item</id>{elements}</entry>"
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>{entry}</feed>'.encode()


def _case_id(case: dict) -> str:
    return " + ".join(case.get("rss", case.get("atom", {})).values())


@pytest.mark.parametrize("case", DATE_CASES, ids=map(_case_id, DATE_CASES))
def test_item_date_forms(case):
    kind = "rss" if "rss" in case else "atom"
    feed = parse_feed(dated_feed(kind, case[kind]), {}, url="x", now=NOW, tz=SITE_ZONE)
    (item,) = feed.items
    if "utc" in case:
        assert item.published.isoformat() == case["utc"].replace("Z", "+00:00")
        assert item.published.utcoffset().total_seconds() == 0
        assert (feed.undated, feed.date_problems) == (frozenset(), ())
    else:
        assert item.published == NOW
        assert feed.undated == {item.id}
        assert feed.date_problems == (
            f"1 item has a date that cannot be read: '{case['unreadable']}'",
        )


def test_a_date_without_zone_is_in_the_site_zone_whatever_it_is():
    data = dated_feed("rss", {"pubDate": "Wed, 13 Sep 2023 10:30:00"})
    in_new_york = parse_feed(data, {}, url="x", now=NOW, tz=ZoneInfo("America/New_York"))
    assert in_new_york.items[0].published == datetime(2023, 9, 13, 14, 30, tzinfo=UTC)


def test_unreadable_dates_are_reported_once_per_item_with_a_few_of_their_texts():
    texts = ["soon", "قريبا", "later", "يوما ما"]
    items = "".join(
        f"<item><title>خبر {n}</title><guid>item-{n}</guid><pubDate>{text}</pubDate></item>"
        for n, text in enumerate([*texts, "soon"])
    )
    feed = parse_feed(rss(items), {}, url="x", now=NOW, tz=SITE_ZONE)
    assert len(feed.undated) == 5
    assert feed.date_problems == (
        "5 items have a date that cannot be read: 'soon', 'قريبا', 'later' and 1 more",
    )


def test_the_newest_items_of_a_long_feed_have_their_dates_read_in_full():
    items = "".join(
        f"<item><title>{title}</title><pubDate>{date}</pubDate></item>"
        for title, date in [
            ("last year", "Mon, 12 Sep 2022 10:00:00 GMT"),
            ("no zone", "Wed, 13 Sep 2023 10:30:00"),
            ("Arabic", "13 سبتمبر 2023 - 03:00 ص"),
        ]
    )
    feed = parse_feed(rss(items), {}, url="x", now=NOW, tz=SITE_ZONE, max_items=2)
    assert {item.title: item.published.isoformat() for item in feed.items} == {
        "no zone": "2023-09-13T07:30:00+00:00",
        "Arabic": "2023-09-13T00:00:00+00:00",
    }


def test_a_date_too_long_to_be_one_is_not_read():
    text = "13 سبتمبر 2023" + " -" * 40  # read as 13 September without the limit
    feed = parse_feed(dated_feed("rss", {"pubDate": text}), {}, url="x", now=NOW, tz=SITE_ZONE)
    assert feed.items[0].published == NOW
    assert feed.date_problems[0].startswith("1 item has a date that cannot be read: '13 سبتمبر")


def test_a_wrong_charset_header_does_not_turn_arabic_into_mojibake():
    headers = {"Content-Type": "text/xml; charset=iso-8859-1"}
    feed = parse("synthetic/arabic-utf8.xml", headers)
    assert feed.title == "أخبار المثال"
    assert feed.problems[0] == (
        "the server says the charset is iso-8859-1, but the feed is UTF-8: read as UTF-8"
    )


def test_a_right_charset_header_wins_over_a_wrong_declaration():
    data = fixture("synthetic/hebrew-windows-1255.xml").replace(b"windows-1255", b"utf-8", 1)
    feed = parse_feed(
        data, {"content-type": "text/xml; charset=windows-1255"}, url="x", now=NOW, tz=SITE_ZONE
    )
    assert feed.title == "חדשות הבלוג"


def test_an_html_page_is_not_a_feed():
    page = b"<!DOCTYPE html><html><head><title>Home</title></head><body>hi</body></html>"
    feed = parse_feed(page, {"content-type": "text/html"}, url="x", now=NOW, tz=SITE_ZONE)
    assert not feed.ok
    assert feed.problems == ("the address gave a web page, not a feed",)


@pytest.mark.parametrize("data", [b"", b"just some text", b"\x00\xff\xfe garbage"])
def test_garbage_is_not_a_feed(data):
    feed = parse_feed(data, {}, url="x", now=NOW, tz=SITE_ZONE)
    assert (feed.ok, feed.items) == (False, ())


def test_truncated_xml_keeps_the_items_that_parsed():
    data = fixture("synthetic/mixed-direction.xml")
    cut = data[: data.index(b"<item>", data.index(b"diary-2")) + 30]
    feed = parse_feed(cut, {}, url="x", now=NOW, tz=SITE_ZONE)
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
        feed = parse_feed(
            path.read_bytes(), {}, url="https://example.org/feed", now=NOW, tz=SITE_ZONE
        )
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
        feed = parse_feed(
            data, _headers_of(data), url="http://example.org/feed", now=NOW, tz=SITE_ZONE
        )
        for item in feed.items:
            assert item.id and item.published.tzinfo is not None, path.name


# --- charsets: damaged UTF-8, mislabelled and legacy feeds ------------------------------

PUTIN = "بوتين يلتقي كيم جونج أون في مركز فوستوشني للفضاء"


def damaged_utf8(
    declaration: bytes = b'<?xml version="1.0" encoding="utf-8"?>',
) -> tuple[bytes, int]:
    """The Arabic feed with two bad bytes in one title, and the offset of the first."""
    data = fixture("synthetic/arabic-utf8.xml").replace(
        b'<?xml version="1.0" encoding="utf-8"?>', declaration, 1
    )
    word = "يلتقي".encode()
    offset = data.index(word) + len(word)
    return data[:offset] + b"\xff\xfe" + data[offset:], offset


@pytest.mark.parametrize(
    ("declaration", "headers", "notes"),
    [
        pytest.param(b'<?xml version="1.0" encoding="utf-8"?>', {}, [], id="declared in the XML"),
        pytest.param(b'<?xml version="1.0"?>', {}, [], id="UTF-8 as XML's default"),
        pytest.param(b"\xef\xbb\xbf", {}, [], id="a byte order mark"),
        pytest.param(
            b'<?xml version="1.0" encoding="utf-8"?>',
            {"Content-Type": "application/rss+xml; charset=UTF-8"},
            [],
            id="by the server",
        ),
        pytest.param(
            b'<?xml version="1.0" encoding="utf-8"?>',
            {"Content-Type": "text/xml; charset=iso-8859-1"},
            ["the server says the charset is iso-8859-1, but the feed is UTF-8: read as UTF-8"],
            id="mislabelled by the server",
        ),
    ],
)
def test_a_utf8_feed_with_bad_bytes_stays_utf8_and_the_first_bad_byte_is_named(
    declaration, headers, notes
):
    data, offset = damaged_utf8(declaration)
    feed = parse_feed(data, headers, url="https://news.example.com/feed.xml", now=NOW, tz=SITE_ZONE)
    assert feed.title == "أخبار المثال"
    titles = {item.title for item in feed.items}
    assert PUTIN.replace("يلتقي", "يلتقي\ufffd\ufffd") in titles
    assert not any("Ø" in title for title in titles)
    assert list(feed.problems[: len(notes) + 1]) == [
        *notes,
        f"the feed is UTF-8 but has 2 damaged bytes, the first at byte offset {offset}: "
        "each was replaced by \ufffd and the rest was read as UTF-8",
    ]


def arabic_1256(declaration: str) -> bytes:
    text = fixture("synthetic/arabic-utf8.xml").decode("utf-8")
    return text.replace('encoding="utf-8"', declaration, 1).encode("cp1256")


@pytest.mark.parametrize(
    ("declaration", "headers"),
    [
        ('encoding="windows-1256"', {}),
        ('encoding="windows-1256"', {"content-type": "text/xml; charset=utf-8"}),
        ("", {"content-type": "application/xml; charset=windows-1256"}),
    ],
    ids=["declared in the XML", "in the XML, against the server", "by the server"],
)
def test_a_windows_1256_arabic_feed_is_read_in_its_own_charset(declaration, headers):
    feed = parse_feed(
        arabic_1256(declaration), headers, url="https://n.example/f", now=NOW, tz=SITE_ZONE
    )
    assert feed.title == "أخبار المثال"
    assert PUTIN in {item.title for item in feed.items}
    assert not any("\ufffd" in item.title for item in feed.items)


def test_bytes_naming_a_file_are_not_read_from_that_file(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(fixture("synthetic/arabic-utf8.xml"))
    feed = parse_feed(str(path).encode(), {}, url="https://n.example/f", now=NOW, tz=SITE_ZONE)
    assert (feed.ok, feed.items) == (False, ())


# --- items the feed gets wrong: a reused guid, no title ---------------------------------


def channel(*items: str) -> bytes:
    body = "".join(f"<item>{item}</item>" for item in items)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<rss version="2.0"><channel><title>t</title>{body}</channel></rss>'
    ).encode()


def test_two_stories_under_one_guid_are_both_kept_under_stable_ids():
    data = channel(
        "<guid>urn:g1</guid><title>الأولى</title><link>https://n.example/1</link>",
        "<guid>urn:g1</guid><title>الثانية</title><link>https://n.example/2</link>",
        "<guid>urn:g1</guid><title>الأولى</title><link>https://n.example/1</link>",  # a repeat
        "<guid>urn:g1</guid><title>الثانية</title><link>https://n.example/2</link>",  # a repeat
    )
    feed = parse_feed(data, {}, url="https://n.example/f", now=NOW, tz=SITE_ZONE)
    assert [item.title for item in feed.items] == ["الأولى", "الثانية"]
    first, second = (item.id for item in feed.items)
    assert first == "urn:g1" and second.startswith("urn:g1#") and len(second) > 7
    assert (
        parse_feed(data, {}, url="https://n.example/f", now=NOW, tz=SITE_ZONE).items == feed.items
    )
    assert feed.problems == (
        "item 2 of the feed had the id of an earlier item but another title or link: "
        "kept as a story of its own",
    )


def test_an_untitled_item_is_named_by_its_first_words_and_an_empty_one_is_left_out():
    data = channel(
        "<guid>urn:a</guid>"
        + "<description>واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة</description>",
        "<guid>urn:b</guid><description>نص قصير</description>",
        "<guid>urn:c</guid><link>https://n.example/c</link>",
        "<guid>urn:d</guid><title> </title>"
        + "<description><![CDATA[<img src='x.jpg'>]]></description>",
    )
    feed = parse_feed(data, {}, url="https://n.example/f", now=NOW, tz=SITE_ZONE)
    assert [(item.id, item.title) for item in feed.items] == [
        ("urn:a", "واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية…"),
        ("urn:b", "نص قصير"),
    ]
    assert feed.problems == (
        "items 3 and 4 of the feed had neither a title nor any text: left out",
    )
