"""Whether a file lies in a folder: the checker for many files answers as ``is_inside``
does for each, whatever links lie on the way."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.localfiles import inside_checker, is_inside


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """content/ with plain files, links to files and folders in and out of it, and a
    folder outside."""
    content, outside = tmp_path / "content", tmp_path / "outside"
    (content / "articles" / "sub").mkdir(parents=True)
    (content / "drafts").mkdir()
    outside.mkdir()
    for file in (
        content / "articles" / "plain.md",
        content / "articles" / "sub" / "deep.md",
        content / "drafts" / "draft.md",
        outside / "secret.md",
    ):
        file.write_text("x", encoding="utf-8")
    (content / "articles" / "leak.md").symlink_to(outside / "secret.md")
    (content / "articles" / "draft.md").symlink_to(content / "drafts" / "draft.md")
    (content / "articles" / "out").symlink_to(outside)
    (content / "articles" / "drafts").symlink_to(content / "drafts")
    (content / "articles" / "loop.md").symlink_to(content / "articles" / "loop.md")
    (tmp_path / "linked-content").symlink_to(content)
    return tmp_path


def paths(tree: Path) -> list[Path]:
    articles = tree / "content" / "articles"
    return [
        articles / "plain.md",
        articles / "sub" / "deep.md",
        articles / "leak.md",
        articles / "draft.md",
        articles / "out" / "secret.md",
        articles / "drafts" / "draft.md",
        articles / "loop.md",
        articles / "missing.md",
        tree / "linked-content" / "articles" / "plain.md",
        tree / "outside" / "secret.md",
    ]


@pytest.mark.parametrize("folder", ["content", "linked-content", "outside"])
def test_the_checker_answers_as_is_inside_for_every_file(tree: Path, folder: str) -> None:
    inside = inside_checker(tree / folder)
    found = {path: inside(path) for path in paths(tree)}
    assert found == {path: is_inside(path, tree / folder) for path in paths(tree)}
    assert any(found.values()) and not all(found.values())
