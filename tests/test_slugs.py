from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.slugs import MAX_SLUG_BYTES, NAME_MAX_BYTES, name_fits, slugify, unique_slugs


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("بوتين يلتقي “كيم جونج أون” اليوم!", "بوتين-يلتقي-كيم-جونج-أون-اليوم"),
        ("كُوريا الشَّمالية", "كوريا-الشمالية"),
        ("Hello, World", "hello-world"),
        ("../../etc/passwd", "etc-passwd"),
        ("a/b\\c", "a-b-c"),
        ("المناطق_ متابعات", "المناطق-متابعات"),
    ],
)
def test_slugs_keep_letters_and_lose_separators(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize("text", ["", "...", "con", "index", "static"])
def test_empty_and_reserved_slugs_get_a_stable_suffix(text: str) -> None:
    slug = slugify(text)
    assert slug and slug not in {"", ".", "..", "con", "index", "static"}
    assert "/" not in slug and slug == slugify(text)


def test_long_slugs_are_cut_at_a_word() -> None:
    slug = slugify("كلمة " * 40)
    assert len(slug) <= 80 and not slug.endswith("-") and slug.endswith("كلمة")


def test_long_slugs_are_bounded_in_bytes_and_still_make_files(tmp_path: Path) -> None:
    title = "\U00020000" * 64  # four bytes a letter: 256 bytes, one character too many
    slug = slugify(title)
    assert 0 < len(slug.encode()) <= MAX_SLUG_BYTES and title.startswith(slug)
    told_apart = unique_slugs([("a", slug), ("b", slug)])["b"]
    (tmp_path / told_apart).mkdir()
    (tmp_path / f"{told_apart}-{'0' * 8}.md").write_text("x")


def test_byte_bound_cuts_at_a_word_then_at_a_whole_character() -> None:
    words = slugify("كلمة " * 60, max_length=1000)
    assert words.endswith("كلمة") and len(words.encode()) <= MAX_SLUG_BYTES
    one_word = slugify("\U00020000" * 10 + "a", max_bytes=15)
    assert one_word == "\U00020000" * 3


@pytest.mark.parametrize(
    ("text", "device"),
    [("CON", "con"), ("nul", "nul"), ("Aux", "aux"), ("prn", "prn"), ("Com1", "com1"),
     ("lpt9", "lpt9"), ("com0", "com0"), ("com¹", "com1")],
)  # fmt: skip
def test_windows_device_names_get_a_suffix(text: str, device: str) -> None:
    name, suffix = slugify(text).split("-")
    assert name == device and len(suffix) == 8


@pytest.mark.parametrize(("text", "slug"), [("com1 x", "com1-x"), ("con.txt", "con-txt")])
def test_names_that_only_start_like_a_device_are_kept(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_lower_casing_leaves_no_combining_mark() -> None:
    assert slugify("İstanbul") == "istanbul" == slugify(slugify("İstanbul"))


def test_name_fits_counts_bytes() -> None:
    assert name_fits("ك" * (NAME_MAX_BYTES // 2))
    assert not name_fits("ك" * (NAME_MAX_BYTES // 2 + 1))


def test_clashing_slugs_are_told_apart_without_renaming_the_others() -> None:
    first = unique_slugs([("a", "x"), ("b", "y")])
    second = unique_slugs([("a", "x"), ("b", "y"), ("c", "x")])
    assert first == {"a": "x", "b": "y"}
    assert second["b"] == "y"
    assert len({second["a"], second["c"]}) == 2
    assert second == unique_slugs([("c", "x"), ("b", "y"), ("a", "x")])


def test_a_told_apart_slug_is_one_suffix_long_even_when_the_suffix_clashes() -> None:
    first = unique_slugs([("a", "x"), ("b", "x")])["a"]
    wanted = [("a", "x"), ("b", "x"), ("0", first)]
    result = unique_slugs(wanted)
    assert len(set(result.values())) == 3
    assert all(len(slug) == len("x-12345678") for slug in result.values())


def test_a_feed_title_of_four_byte_letters_builds_twice(tmp_path: Path) -> None:
    from generator.build import build
    from generator.config import load_config

    title = "\U00020000" * 64  # 256 bytes: once a folder name the build could not write
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "wide.xml").write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>t</title><link>https://news.example.org/</link>
<item><title>{title}</title><link>https://news.example.org/a</link><guid>a</guid>
<pubDate>Thu, 14 Sep 2023 10:00:00 +0300</pubDate><category>{title}</category>
<description>نص</description></item>
<item><title>{title}</title><link>https://news.example.org/b</link><guid>b</guid>
<pubDate>Thu, 14 Sep 2023 11:00:00 +0300</pubDate><category>{title}</category>
<description>نص آخر</description></item></channel></rss>""",
        encoding="utf-8",
    )
    (tmp_path / "config.yaml").write_text(
        "title: t\nbase_url: https://example.org/\ntimezone: Asia/Riyadh\n"
        "feeds:\n  - url: feeds/wide.xml\n    name: w\n",
        encoding="utf-8",
    )
    for _ in range(2):  # the items stay in the feed store: the next build must work too
        result = build(
            load_config(tmp_path), now=datetime(2026, 1, 1, tzinfo=UTC), offline=True, rebuild=True
        )
    slugs = [article.slug for article in result.site.articles.values()]
    assert len(slugs) == 2 and all(title.startswith(slug.split("-")[0]) for slug in slugs)
    for slug in slugs:
        assert (tmp_path / "site" / "articles" / slug / "index.html").is_file()
    names = [path.name for path in tmp_path.rglob("*")]
    assert all(name_fits(name) for name in names)
