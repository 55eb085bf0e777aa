"""A build killed while the feed store is written loses no item.

The store is written in a child process that exits on the spot (``os._exit``, as a kill
would) after its first, second, third … file write, for every write the update makes;
each time the store read back must still hold every stored item, in its old or its new
version (a new item may be missing: the next fetch brings it again).
"""

import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.feedstore import StoredFeed, StoredItem, item_to_json, read_feed, write_feed

NOW = datetime(2024, 1, 1, tzinfo=UTC)

_CHILD = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from generator.feedstore import StoredFeed, item_from_json, write_feed

    folder, items_path, kill_after = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    items = tuple(map(item_from_json, items_path.read_text(encoding="utf-8").splitlines()))
    writes = 0

    def counted(original):
        def write(*args, **kwargs):
            global writes
            original(*args, **kwargs)
            writes += 1
            if writes == kill_after:
                os._exit(3)
        return write

    os.replace, os.unlink = counted(os.replace), counted(os.unlink)
    write_feed(folder, StoredFeed(url="u", title="new title", items=items))
    print(writes)
    """
)


def day(month: int, number: int) -> datetime:
    return datetime(2023, month, number, 12, 0, tzinfo=UTC)


def item(item_id: str, published: datetime) -> StoredItem:
    return StoredItem(id=item_id, title=f"title {item_id}", published=published, first_seen=NOW)


OLD = (
    item("a", day(8, 1)),
    item("b", day(8, 2)),
    item("c", day(9, 1)),
    item("d", day(9, 2)),
    item("e", day(9, 3)),
    item("f", day(10, 1)),
)
NEW = (
    item("a", day(8, 1)),  # unchanged
    item("b", day(9, 5)),  # moved to a later month
    item("c", day(11, 1)),  # moved to a month that is not stored yet
    item("d", day(8, 5)),  # moved to an earlier month
    replace(item("e", day(9, 3)), title="e, updated"),  # updated in place
    item("f", day(12, 1)),  # moved out of a month it leaves empty
    item("g", day(9, 9)),  # new
)


def run_update(folder: Path, items_path: Path, kill_after: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", _CHILD, str(folder), str(items_path), str(kill_after)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parent.parent,
    )


def fresh_store(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    write_feed(folder, StoredFeed(url="u", title="old title", items=OLD))
    return folder


@pytest.fixture
def items_path(tmp_path: Path) -> Path:
    path = tmp_path / "new.jsonl"
    path.write_text("".join(item_to_json(i) + "\n" for i in NEW), encoding="utf-8")
    return path


def test_the_update_without_a_kill_gives_the_new_store(tmp_path, items_path):
    folder = fresh_store(tmp_path, "whole")
    done = run_update(folder, items_path, kill_after=0)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 6  # the scenario below really covers many writes
    feed, problems = read_feed(folder, "u")
    assert (feed.items, problems) == (tuple(sorted(NEW, key=lambda i: (i.published, i.id))), ())
    assert sorted(p.name for p in folder.iterdir()) == [
        "2023-08.jsonl",
        "2023-09.jsonl",
        "2023-11.jsonl",
        "2023-12.jsonl",
        "feed.json",
    ]


def test_a_kill_after_any_single_write_leaves_every_item_findable(tmp_path, items_path):
    writes = int(run_update(fresh_store(tmp_path, "count"), items_path, kill_after=0).stdout)
    versions = {i.id: {i} for i in OLD}
    for new in NEW:
        versions.setdefault(new.id, set()).add(new)
    for kill_after in range(1, writes + 1):
        folder = fresh_store(tmp_path, f"killed-{kill_after}")
        killed = run_update(folder, items_path, kill_after)
        assert killed.returncode == 3, killed.stderr
        feed, problems = read_feed(folder, "u")
        assert problems == ()
        ids = {i.id for i in feed.items}
        assert {i.id for i in OLD} <= ids, f"killed after {kill_after}: stored items lost"
        assert len(ids) == len(feed.items)
        for stored in feed.items:
            assert stored in versions[stored.id], f"killed after {kill_after}: {stored.id}"
        assert not list(folder.glob(".*.tmp"))
        write_feed(folder, StoredFeed(url="u", title="new title", items=NEW))  # the next run
        assert read_feed(folder, "u")[0].items == read_feed(tmp_path / "count", "u")[0].items
