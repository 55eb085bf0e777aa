from pathlib import Path

import pytest

from generator.model import OutputFile
from generator.problems import BuildError
from generator.write import UnsafePathError, write_site


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
    assert write_site([("test", [OutputFile("index.html", b"y")])], output) == 1
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
