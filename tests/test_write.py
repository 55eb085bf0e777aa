import errno
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import GOLDEN_SITE, build_site, copy_example_site, tree

import generator.build as build_module
from generator.model import OutputFile, Site
from generator.pagecache import content_hash
from generator.problems import BuildError
from generator.search import BUNDLE_DIR
from generator.write import Stopped, UnsafePathError, leftovers, spare_folder, write_site

_LONG_AGO = 1_000_000_000  # 2001: a time that no file written today can have


def test_a_name_longer_than_the_file_system_allows_is_refused_before_writing(
    tmp_path: Path,
) -> None:
    name = "\U00020000" * 64  # 256 bytes of UTF-8: one name too long for Linux or macOS
    with pytest.raises(UnsafePathError, match="longer than the file system allows"):
        write_site([("test", [OutputFile(f"articles/{name}/index.html", b"x")])], tmp_path / "s")
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("path", ["../escape.html", "/etc/passwd", "a/../../b", "", "a\\..\\b"])
def test_paths_outside_the_output_folder_are_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(UnsafePathError):
        write_site([("test", [OutputFile(path, b"x")])], tmp_path / "site")
    assert not (tmp_path / "site").exists()
    assert list(tmp_path.iterdir()) == []


def test_failure_midway_keeps_the_previous_site(tmp_path: Path) -> None:
    output = tmp_path / "site"
    old = [OutputFile("index.html", b"old"), OutputFile("a/b.html", b"old b")]
    write_site([("test", old)], output)

    def files():
        yield OutputFile("index.html", b"new")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_site([("test", files())], output)
    assert (output / "index.html").read_bytes() == b"old"
    assert (output / "a" / "b.html").read_bytes() == b"old b"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_new_site_replaces_old_completely(tmp_path: Path) -> None:
    output = tmp_path / "site"
    write_site([("test", [OutputFile("gone.html", b"x")])], output)
    assert write_site([("test", [OutputFile("index.html", b"y")])], output) == {"test": 1}
    assert sorted(p.name for p in output.iterdir()) == ["index.html"]


@pytest.mark.parametrize("second_path", ["feed.xml", "./feed.xml", "feed.xml/"])
def test_two_outputs_writing_one_path_are_refused_naming_both(
    tmp_path: Path, second_path: str
) -> None:
    output = tmp_path / "site"
    write_site([("test", [OutputFile("index.html", b"old")])], output)
    outputs = [
        ("syndication.feeds", [OutputFile("feed.xml", b"rss")]),
        ("jsonfeed.feeds", [OutputFile("index.json", b"{}"), OutputFile(second_path, b"{}")]),
    ]
    with pytest.raises(BuildError) as raised:
        write_site(outputs, output)
    assert str(raised.value) == (
        "'feed.xml' would be written by both syndication.feeds and jsonfeed.feeds; "
        "each file must come from one output"
    )
    assert (output / "index.html").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_one_output_writing_a_path_twice_is_refused(tmp_path: Path) -> None:
    twice = [OutputFile("tags/x/index.html", b"1"), OutputFile("tags/x/index.html", b"2")]
    with pytest.raises(BuildError, match=r"^'tags/x/index.html' would be written twice by pages"):
        write_site([("pages", twice)], tmp_path / "site")
    assert not (tmp_path / "site").exists()


def _folder(path: Path, files: dict[str, bytes]) -> Path:
    for name, content in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(content)
    return path


def test_leftovers_of_earlier_runs_are_removed_and_nothing_else(tmp_path: Path) -> None:
    output = tmp_path / "site"
    write_site([("test", [OutputFile("index.html", b"old")])], output)
    left = [".site-new-abcd_123", ".site-old-0a1b2c3d"]
    for name in left:
        _folder(tmp_path / name, {"index.html": b"left", "a/b.html": b"left"})
    kept = [
        ".site-new-abc",  # not as the write names its folders
        ".site-new-abcdefgh9",
        ".site-newer-abcdefgh",
        ".public-new-abcdefgh",  # another output folder's
        "site-new-abcdefgh",
    ]
    for name in kept:
        _folder(tmp_path / name, {"keep.txt": b"mine"})
    (tmp_path / ".site-old-aaaaaaaa").write_bytes(b"a file, not a folder")
    elsewhere = _folder(tmp_path / "elsewhere", {"keep.txt": b"mine"})
    (tmp_path / ".site-old-bbbbbbbb").symlink_to(elsewhere, target_is_directory=True)

    write_site([("test", [OutputFile("index.html", b"new")])], output)

    assert tree(output) == {"index.html": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["site", ".site-spare", *kept, ".site-old-aaaaaaaa", ".site-old-bbbbbbbb", "elsewhere"]
    )
    assert all(tree(tmp_path / name) == {"keep.txt": b"mine"} for name in kept)
    assert tree(elsewhere) == {"keep.txt": b"mine"}


def test_leftovers_are_removed_even_when_the_write_fails(tmp_path: Path) -> None:
    _folder(tmp_path / ".site-new-abcdefgh", {"index.html": b"half"})
    with pytest.raises(UnsafePathError):
        write_site([("test", [OutputFile("../x", b"")])], tmp_path / "site")
    assert list(tmp_path.iterdir()) == []


def test_a_site_moved_away_and_never_replaced_is_put_back_first(tmp_path: Path) -> None:
    """A run ended between moving the old site away and moving the new one in."""
    _folder(tmp_path / ".site-old-k2j4h5g6", {"index.html": b"old", "a/b.html": b"old b"})
    _folder(tmp_path / ".site-new-z9y8x7w6", {"index.html": b"complete?"})

    def failing():
        yield OutputFile("index.html", b"new")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_site([("test", failing())], tmp_path / "site")
    assert tree(tmp_path / "site") == {"index.html": b"old", "a/b.html": b"old b"}
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_both_ways_of_swapping_put_the_new_site_in_place(tmp_path: Path, exchange: bool) -> None:
    output = tmp_path / "site"
    write_site([("test", [OutputFile("old.html", b"old")])], output, exchange=exchange)
    written = write_site(
        [("test", [OutputFile("index.html", b"new"), OutputFile("a/b.html", b"b")])],
        output,
        exchange=exchange,
    )
    assert written == {"test": 2}
    assert tree(output) == {"index.html": b"new", "a/b.html": b"b"}
    assert output.stat().st_mode & 0o777 == 0o755
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site-spare", "site"]
    assert tree(spare_folder(output)) == {"old.html": b"old"}  # the site replaced


def test_a_linked_output_folder_is_refused_and_its_target_left_alone(tmp_path: Path) -> None:
    target = _folder(tmp_path / "published", {"index.html": b"published", "CNAME": b"x.org"})
    (tmp_path / "site").symlink_to(target, target_is_directory=True)
    with pytest.raises(BuildError) as raised:
        write_site([("test", [OutputFile("index.html", b"new")])], tmp_path / "site")
    message = str(raised.value)
    assert f"{tmp_path / 'site'} is a link to {target}" in message
    assert "remove the link, build, then copy site/ to where it is needed" in message
    assert tree(target) == {"index.html": b"published", "CNAME": b"x.org"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["published", "site"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_while_writing_cleans_up_and_restores_the_handler(
    tmp_path: Path, signum: signal.Signals
) -> None:
    output = _folder(tmp_path / "site", {"index.html": b"old"})
    received: list[int] = []
    previous = signal.signal(signum, lambda number, _frame: received.append(number))

    def interrupted():
        yield OutputFile("index.html", b"new")
        signal.raise_signal(signum)
        yield OutputFile("never.html", b"never")

    try:
        with pytest.raises(Stopped, match=f"stopped by {signum.name}"):
            write_site([("test", interrupted())], output)
        assert received == []  # the write's handler had it, not the one before
        signal.raise_signal(signum)
        assert received == [signum]  # and the one before is back
    finally:
        signal.signal(signum, previous)
    assert tree(output) == {"index.html": b"old"}
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_an_ignored_signal_stays_ignored_while_writing(tmp_path: Path) -> None:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)

    def ignored():
        signal.raise_signal(signal.SIGINT)
        yield OutputFile("index.html", b"new")

    try:
        assert write_site([("test", ignored())], tmp_path / "site") == {"test": 1}
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
    assert tree(tmp_path / "site") == {"index.html": b"new"}


@pytest.mark.skipif(sys.platform != "linux", reason="one-step exchange of folders is Linux's")
def test_the_output_folder_is_never_missing_while_swapped(tmp_path: Path) -> None:
    """Another process looks for the output folder as fast as it can all along."""
    output = tmp_path / "site"
    write_site([("test", [OutputFile("index.html", b"0")])], output)
    stop = tmp_path / "stop"
    looking = subprocess.Popen(
        [sys.executable, "-c", _LOOK_FOR_FOLDER, str(output), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert looking.stdout is not None
    assert looking.stdout.readline() == "looking\n"
    for version in range(1, 60):
        write_site([("test", [OutputFile("index.html", str(version).encode())])], output)
    stop.touch()
    missing, looks = map(int, looking.communicate(timeout=10)[0].split())
    assert looks > 1000
    assert missing == 0
    assert tree(output) == {"index.html": b"59"}


_LOOK_FOR_FOLDER = """
import os, sys
folder, stop = sys.argv[1:]
print("looking", flush=True)
missing = looks = 0
while not os.path.exists(stop):
    looks += 1
    missing += not os.path.isdir(folder)
print(missing, looks)
"""


def _age(folder: Path) -> None:
    """Every file under the folder made old, so that any file written again shows it."""
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (_LONG_AGO, _LONG_AGO))


def _identities(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under the folder with its inode and modification time: a file written
    again has another inode, since the old one lives on in the spare site."""
    return {
        path.relative_to(folder).as_posix(): (status.st_ino, status.st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
        for status in [path.stat()]
    }


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_files_whose_bytes_are_unchanged_keep_their_inode_and_time(
    tmp_path: Path, exchange: bool
) -> None:
    output = tmp_path / "site"
    first = {"index.html": b"home", "a/same.html": b"same", "a/changed.html": b"before"}
    write_site([("test", [OutputFile(path, b) for path, b in first.items()])], output)
    (output / "gone.html").write_bytes(b"gone")
    _age(output)
    before = _identities(output)
    second = {**first, "a/changed.html": b"after!", "new.html": b"new"}  # same size, other bytes
    write_site(
        [("test", [OutputFile(path, b) for path, b in second.items()])], output, exchange=exchange
    )
    after = _identities(output)
    assert tree(output) == second
    assert {path for path in after if after[path] == before.get(path)} == {
        "index.html",
        "a/same.html",
    }
    assert after["a/changed.html"][1] > _LONG_AGO * 10**9
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site-spare", "site"]
    assert tree(spare_folder(output)) == {**first, "gone.html": b"gone"}  # the site replaced
    assert (output / "index.html").samefile(spare_folder(output) / "index.html")


def test_a_write_starts_from_the_spare_site_and_leaves_exactly_the_new_one(
    tmp_path: Path,
) -> None:
    """What the spare holds is kept if wanted, replaced if not (a folder where a file
    goes, a file where a folder goes, a link), and removed if the new site lacks it;
    a link in it is removed, never followed."""
    outside = _folder(tmp_path / "outside", {"page.html": b"same", "in/x.html": b"x"})
    output = tmp_path / "site"
    first = {"index.html": b"home", "a/same.html": b"same", "a/changed.html": b"one"}
    write_site(
        [("test", [OutputFile(p, b) for p, b in {**first, "old/x.html": b"x"}.items()])], output
    )
    second = {**first, "a/changed.html": b"two", "file.html": b"a file"}
    write_site([("test", [OutputFile(p, b) for p, b in second.items()])], output)
    spare = spare_folder(output)
    folder = spare.joinpath("a").stat().st_ino
    (spare / "junk.html").write_bytes(b"junk")
    (spare / "a" / "page.html").symlink_to(outside / "page.html")
    (spare / "in").symlink_to(outside / "in", target_is_directory=True)
    before = _identities(output)
    outside_before = _identities(outside)

    third = {
        **first,
        "a/changed.html": b"three",
        "old": b"a file where a folder was",
        "file.html/index.html": b"a folder where a file was",
        "a/page.html": b"same",
        "in/x.html": b"x",
    }
    write_site([("test", [OutputFile(p, b) for p, b in third.items()])], output)

    assert tree(output) == third
    assert not any(path.is_symlink() for path in output.rglob("*"))
    assert output.joinpath("a").stat().st_ino == folder  # the spare's folder, used again
    after = _identities(output)
    assert {path for path in after if after[path] == before.get(path)} == {
        "index.html",
        "a/same.html",
    }
    assert _identities(outside) == outside_before
    assert tree(spare) == second  # the site just replaced


def test_a_spare_site_that_is_a_link_is_neither_used_nor_followed(tmp_path: Path) -> None:
    elsewhere = _folder(tmp_path / "elsewhere", {"index.html": b"mine"})
    output = tmp_path / "site"
    write_site([("test", [OutputFile("index.html", b"old")])], output)
    spare_folder(output).symlink_to(elsewhere, target_is_directory=True)
    write_site([("test", [OutputFile("index.html", b"new")])], output)
    assert tree(output) == {"index.html": b"new"}
    assert spare_folder(output).is_symlink()
    assert tree(elsewhere) == {"index.html": b"mine"}


def test_a_file_reached_through_a_link_in_the_old_site_is_written_not_linked(
    tmp_path: Path,
) -> None:
    """A link in the old site may lead out of it: the new site never shares a file that
    lives elsewhere, even one with the same bytes."""
    elsewhere = _folder(tmp_path / "elsewhere", {"a/index.html": b"same", "b.html": b"same"})
    output = tmp_path / "site"
    write_site([("test", [OutputFile("index.html", b"home")])], output)
    (output / "a").symlink_to(elsewhere / "a", target_is_directory=True)
    (output / "b.html").symlink_to(elsewhere / "b.html")
    outside = _identities(elsewhere)
    files = [OutputFile("a/index.html", b"same"), OutputFile("b.html", b"same")]
    write_site([("test", files)], output)
    assert tree(output) == {"a/index.html": b"same", "b.html": b"same"}
    assert not any(path.is_symlink() for path in output.rglob("*"))
    inside = {inode for inode, _ in _identities(output).values()}
    assert inside.isdisjoint(inode for inode, _ in outside.values())
    assert _identities(elsewhere) == outside


def test_a_kept_file_reached_through_a_link_is_written_from_its_bytes(tmp_path: Path) -> None:
    """A kept file carries no bytes; where the current site's file cannot be linked to,
    its bytes are read from it, checked, and written."""
    elsewhere = _folder(tmp_path / "elsewhere", {"a/index.html": b"same"})
    output = tmp_path / "site"
    write_site([("test", [OutputFile("index.html", b"home")])], output)
    (output / "a").symlink_to(elsewhere / "a", target_is_directory=True)
    kept = OutputFile("a/index.html", b"", kept=True, content_hash=content_hash(b"same"))
    write_site([("test", [kept])], output)
    assert tree(output) == {"a/index.html": b"same"}
    assert not any(path.is_symlink() for path in output.rglob("*"))


def test_where_no_link_can_be_made_an_unchanged_file_is_copied_with_its_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when the output folder is a mount of its own, or its file system has no links."""

    def no_link(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    output = tmp_path / "site"
    write_site([("test", [OutputFile("index.html", b"home")])], output)
    _age(output)
    (inode, _) = _identities(output)["index.html"]
    monkeypatch.setattr(os, "link", no_link)
    write_site([("test", [OutputFile("index.html", b"home")])], output)
    assert tree(output) == {"index.html": b"home"}
    assert _identities(output)["index.html"][1] == _LONG_AGO * 10**9
    assert _identities(output)["index.html"][0] != inode


def test_a_rebuild_with_nothing_changed_keeps_every_file_and_makes_the_golden_site(
    tmp_path: Path,
) -> None:
    site = copy_example_site(tmp_path / "news")
    build_site(site)
    _age(site / "site")
    old, before = tree(site / "site"), _identities(site / "site")
    result = build_site(site)
    new, after = tree(site / "site"), _identities(site / "site")
    changed = {path for path, content in new.items() if old.get(path) != content}
    assert {path for path in after if after[path] != before.get(path)} == changed
    # only in Pagefind's bundle, which orders some of its index differently from run to run
    searched = {path for path in new if path.startswith(f"{BUNDLE_DIR}/")}
    assert changed <= searched
    assert {path: new[path] for path in new.keys() - searched} == tree(GOLDEN_SITE)
    assert result.files == len(after)
    assert result.pages == sum(path.endswith(".html") for path in after)


def test_a_rebuild_after_an_article_changed_rewrites_only_the_files_whose_bytes_changed(
    tmp_path: Path,
) -> None:
    site = copy_example_site(tmp_path / "news")
    build_site(site)
    output = site / "site"
    _age(output)
    old, old_identities = tree(output), _identities(output)
    article = site / "content" / "articles" / "صاروخ-جديد.md"
    article.write_text(article.read_text("utf-8") + "\nفقرة أضيفت إلى الخبر.\n", "utf-8")
    build_site(site)
    new, new_identities = tree(output), _identities(output)
    changed = {path for path, content in new.items() if old.get(path) != content}
    rewritten = {path for path in new if old_identities.get(path) != new_identities[path]}
    assert 0 < len(changed) < len(new)
    assert rewritten == changed
    assert tree(spare_folder(output)) == old  # the site replaced, kept for the next build


def _midway(site: Site) -> Iterator[OutputFile]:
    """Fails once every other output's files are in the new folder, each unchanged one
    already a link to the file in the current site."""
    (staging,) = leftovers(site.config.output_dir)
    assert (staging / "index.html").samefile(site.config.output_dir / "index.html")
    yield OutputFile("extra/one.html", b"one")
    raise RuntimeError("the output failed")


def _broken_feed(site: Site) -> Iterator[OutputFile]:
    yield OutputFile("extra/one.html", b"one")
    yield OutputFile("extra/feed.xml", b"<rss><channel></rss>")


@pytest.mark.parametrize(
    ("output", "error", "message"),
    [
        (_midway, RuntimeError, "the output failed"),
        (_broken_feed, BuildError, r"^extra/feed\.xml, line 1: the XML made is broken"),
    ],
    ids=["raises", "broken-xml"],
)
def test_an_output_failing_midway_leaves_the_site_exactly_as_before(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    output: build_module.Output,
    error: type[Exception],
    message: str,
) -> None:
    site = copy_example_site(tmp_path / "news")
    build_site(site)
    _age(site / "site")
    before, identities = tree(site / "site"), _identities(site / "site")
    monkeypatch.setattr(build_module, "OUTPUTS", (*build_module.OUTPUTS, output))
    with pytest.raises(error, match=message):
        build_site(site, rebuild=True)
    assert tree(site / "site") == before
    assert _identities(site / "site") == identities
    assert leftovers(site / "site") == ()
