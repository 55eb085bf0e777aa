import json
from dataclasses import replace
from datetime import UTC, datetime

from generator.feedstore import (
    FeedState,
    StoredFeed,
    StoredItem,
    feed_folder,
    item_from_json,
    item_to_json,
    merge_items,
    month_files,
    read_feed,
    read_states,
    write_feed,
    write_states,
)

SEP = datetime(2023, 9, 13, 6, 0, tzinfo=UTC)
OCT = datetime(2023, 10, 2, 8, 30, tzinfo=UTC)
NOW = datetime(2024, 1, 1, tzinfo=UTC)


def item(item_id: str, published: datetime = SEP, **fields) -> StoredItem:
    return StoredItem(
        id=item_id, title=f"عنوان {item_id}", published=published, first_seen=NOW, **fields
    )


def test_an_item_survives_the_round_trip_through_one_line_of_text():
    original = item(
        "https://a.example/1",
        url="https://a.example/1",
        body_html="<p>نص</p>",
        summary="نص",
        lang="ar",
        dir="rtl",
        categories=("روسيا",),
        enclosures=("https://a.example/1.jpg",),
    )
    line = item_to_json(original)
    assert "\n" not in line and "عنوان" in line  # UTF-8, not \\u escapes
    assert list(json.loads(line)) == sorted(json.loads(line))
    assert item_from_json(line) == original


def test_month_files_are_split_by_month_and_sorted_by_date_then_id():
    files = month_files([item("b", OCT), item("z", SEP), item("a", SEP)])
    assert list(files) == ["2023-09.jsonl", "2023-10.jsonl"]
    ids = [json.loads(line)["id"] for line in files["2023-09.jsonl"].splitlines()]
    assert ids == ["a", "z"]
    assert files["2023-09.jsonl"].endswith("\n")


def test_merge_updates_in_place_keeps_first_sight_and_keeps_items_that_left():
    old = [item("a"), replace(item("b"), first_seen=SEP)]
    fetched = [replace(item("b"), title="جديد", first_seen=NOW), item("c", OCT)]
    merged, new = merge_items(old, fetched, now=NOW)
    assert new == 1
    assert [i.id for i in merged] == ["a", "b", "c"]
    b = merged[1]
    assert (b.title, b.first_seen) == ("جديد", SEP)


def test_an_undated_item_keeps_its_stored_date():
    stored = [replace(item("a"), published=SEP)]
    merged, _ = merge_items(stored, [replace(item("a"), published=NOW)], now=NOW, undated={"a"})
    assert merged[0].published == SEP
    merged, _ = merge_items(stored, [replace(item("a"), published=OCT)], now=NOW)
    assert merged[0].published == OCT


def test_keep_days_drops_old_items_and_zero_keeps_all():
    items = [item("old", SEP), item("new", datetime(2023, 12, 20, tzinfo=UTC))]
    assert [i.id for i in merge_items([], items, now=NOW, keep_days=30)[0]] == ["new"]
    assert len(merge_items([], items, now=NOW)[0]) == 2


def test_write_then_read_gives_the_same_feed_and_leaves_no_temporary_files(tmp_path):
    feed = StoredFeed(url="https://a.example/feed", title="أخبار", link="https://a.example/",
                      items=(item("a", SEP), item("b", OCT)))  # fmt: skip
    folder = feed_folder(tmp_path, feed.url)
    write_feed(folder, feed)
    assert sorted(p.name for p in folder.iterdir()) == [
        "2023-09.jsonl",
        "2023-10.jsonl",
        "feed.json",
    ]
    assert read_feed(folder, feed.url) == (feed, ())


def test_rewriting_drops_emptied_months_and_leaves_unchanged_files_alone(tmp_path):
    folder = tmp_path / "f"
    write_feed(folder, StoredFeed(url="u", items=(item("a", SEP), item("b", OCT))))
    september = folder / "2023-09.jsonl"
    moved = replace(item("b", OCT), published=SEP + (OCT - SEP) / 100)
    write_feed(folder, StoredFeed(url="u", items=(item("a", SEP), moved)))
    assert not (folder / "2023-10.jsonl").exists()
    assert len(september.read_text(encoding="utf-8").splitlines()) == 2
    before = september.stat().st_ino
    write_feed(folder, StoredFeed(url="u", items=(item("a", SEP), moved)))
    assert september.stat().st_ino == before  # not replaced: nothing changed
    assert sorted(p.name for p in folder.iterdir()) == ["2023-09.jsonl", "feed.json"]


def test_a_damaged_line_is_reported_and_the_rest_is_read(tmp_path):
    folder = tmp_path / "f"
    write_feed(folder, StoredFeed(url="u", items=(item("a"), item("b"))))
    path = folder / "2023-09.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(lines[0] + "\n{broken\n" + lines[1] + "\n", encoding="utf-8")
    feed, problems = read_feed(folder, "u")
    assert [i.id for i in feed.items] == ["a", "b"]
    assert [(p.line, p.message) for p in problems] == [(2, "a damaged line")]


def test_feed_folders_are_readable_and_distinct(tmp_path):
    one = feed_folder(tmp_path, "https://news.example.com/rss/world.xml")
    assert one.name.startswith("news-example-com-rss-world-xml-")
    assert one != feed_folder(tmp_path, "https://news.example.com/rss/world-xml")
    assert feed_folder(tmp_path, "feeds/local.xml").name.startswith("feeds-local-xml-")


def test_the_cache_of_validators_round_trips_and_a_damaged_one_is_empty(tmp_path):
    path = tmp_path / ".cache" / "feeds.json"
    states = {
        "https://b.example/feed": FeedState(etag='"x"', last_fetch=NOW, last_success=SEP),
        "https://a.example/feed": FeedState(last_modified="Wed, 13 Sep 2023 06:00:00 GMT",
                                            last_problem="the server timed out"),
    }  # fmt: skip
    write_states(path, states)
    assert read_states(path) == states
    text = path.read_text(encoding="utf-8")
    assert text.index("a.example") < text.index("b.example")
    path.write_text("{not json", encoding="utf-8")
    assert read_states(path) == {}
    assert read_states(tmp_path / "missing.json") == {}


def test_an_item_left_in_two_months_is_read_once_from_the_later_month(tmp_path):
    folder = tmp_path / "f"
    moved = replace(item("a", OCT), title="moved")
    folder.mkdir()
    (folder / "2023-10.jsonl").write_text(item_to_json(moved) + "\n", encoding="utf-8")
    (folder / "2023-09.jsonl").write_text(item_to_json(item("a")) + "\n", encoding="utf-8")
    feed, problems = read_feed(folder, "u")
    assert (feed.items, problems) == ((moved,), ())
    write_feed(folder, feed)
    assert sorted(p.name for p in folder.iterdir()) == ["2023-10.jsonl", "feed.json"]


def test_a_temporary_file_left_by_a_killed_build_is_removed_by_the_next_write(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / ".2023-09.jsonl.abc123.tmp").write_text('{"id": "half', encoding="utf-8")
    write_feed(folder, StoredFeed(url="u", items=(item("a"),)))
    assert sorted(p.name for p in folder.iterdir()) == ["2023-09.jsonl", "feed.json"]
