from pathlib import Path

import pytest

from generator.model import OutputFile
from generator.write import UnsafePathError, write_site


@pytest.mark.parametrize("path", ["../escape.html", "/etc/passwd", "a/../../b", "", "a\\..\\b"])
def test_paths_outside_the_output_folder_are_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(UnsafePathError):
        write_site([OutputFile(path, b"x")], tmp_path / "site")
    assert not (tmp_path / "site").exists()
    assert list(tmp_path.iterdir()) == []


def test_failure_midway_keeps_the_previous_site(tmp_path: Path) -> None:
    output = tmp_path / "site"
    write_site([OutputFile("index.html", b"old"), OutputFile("a/b.html", b"old b")], output)

    def files():
        yield OutputFile("index.html", b"new")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_site(files(), output)
    assert (output / "index.html").read_bytes() == b"old"
    assert (output / "a" / "b.html").read_bytes() == b"old b"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_new_site_replaces_old_completely(tmp_path: Path) -> None:
    output = tmp_path / "site"
    write_site([OutputFile("gone.html", b"x")], output)
    assert write_site([OutputFile("index.html", b"y")], output) == 1
    assert sorted(p.name for p in output.iterdir()) == ["index.html"]
