"""A build with nothing new to read keeps the site as it is, reports what the last build
reported, and any change of what a build reads builds again: real site folders, built
one after the other."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BUILD_TIME, build_site, copy_example_site, tree

from generator import unchanged
from generator.build import CACHE_DIR, build
from generator.cli import main
from generator.config import load_config
from generator.search import COPIES_DIR


def _articles(site: Path) -> Path:
    return site / "content" / "articles"


def _identity(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_ino, status.st_mtime_ns


def _built(tmp_path: Path) -> Path:
    site = copy_example_site(tmp_path / "news")
    with (site / "config.yaml").open("a", encoding="utf-8") as file:
        file.write("search: false\n")  # faster; the search index is no part of the check
    build_site(site)
    return site


def test_nothing_changed_keeps_the_site_and_reports_the_last_build(tmp_path: Path) -> None:
    site = _built(tmp_path)
    first = build_site(site, rebuild=True)
    folder, files = _identity(site / "site"), tree(site / "site")
    again = build_site(site)
    assert again.unchanged and not first.unchanged
    assert _identity(site / "site") == folder  # not swapped for a new folder
    assert tree(site / "site") == files
    counts = ("articles", "digests", "tags", "pages", "files")
    assert [getattr(again, name) for name in counts] == [getattr(first, name) for name in counts]
    assert again.problems == first.problems and any("broken.md" in p.origin for p in again.problems)
    assert again.sources == first.sources


def _edit_article(site: Path) -> None:
    path = _articles(site) / "kim-in-russia.md"
    path.write_text(path.read_text("utf-8").replace("title:", "title: تعديل", 1), "utf-8")


def _same_bytes_new_time(site: Path) -> None:
    path = _articles(site) / "kim-in-russia.md"
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))


def _hidden_article(site: Path) -> None:
    (_articles(site) / ".draft.md").write_text("---\ntitle: مسودة\ndate: 2023-09-13\n---\nنص.\n")


def _change_setting(site: Path) -> None:
    with (site / "config.yaml").open("a", encoding="utf-8") as file:
        file.write("feed_items: 3\n")


def _own_template(site: Path) -> None:
    (site / "templates").mkdir()
    (site / "templates" / "tag.html").write_text('{% extends "theme/tag.html" %}\n', "utf-8")


def _change_feed_file(site: Path) -> None:
    path = site / "feeds" / "sample.xml"
    path.write_text(path.read_text("utf-8").replace("</title>", " محدث</title>", 1), "utf-8")


def _damage_kept_results(site: Path) -> None:
    (site / CACHE_DIR / "articles-v1.json").write_text("{broken", "utf-8")


def _delete_site(site: Path) -> None:
    shutil.rmtree(site / "site")


def _put_another_site(site: Path) -> None:
    shutil.copytree(site / "site", site / "copy")
    shutil.rmtree(site / "site")
    (site / "copy").rename(site / "site")


CHANGES: tuple[Callable[[Path], None], ...] = (
    _edit_article,
    _same_bytes_new_time,
    _hidden_article,
    _change_setting,
    _own_template,
    _change_feed_file,
    _damage_kept_results,
    _delete_site,
    _put_another_site,
)


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__[1:] for change in CHANGES])
def test_a_change_of_what_a_build_reads_builds_again(
    tmp_path: Path, change: Callable[[Path], None]
) -> None:
    site = _built(tmp_path)
    assert build_site(site).unchanged  # the check that the site would be kept otherwise
    change(site)
    assert not build_site(site).unchanged
    assert build_site(site).unchanged  # and the next one, with nothing new, keeps it


def test_an_empty_folder_is_read_too(tmp_path: Path) -> None:
    """A folder named like an article is an input: reading it stops the build."""
    site = _built(tmp_path)
    (_articles(site) / "folder.md").mkdir()
    with pytest.raises(IsADirectoryError):
        build_site(site)


def test_a_file_changed_while_building_is_read_again_by_the_next_build(tmp_path: Path) -> None:
    site = _built(tmp_path)
    build_site(site, rebuild=True)

    def edit_while_writing(message: str) -> None:
        if message.startswith("rendering"):
            _edit_article(site)

    build(
        load_config(site), now=BUILD_TIME, offline=True, rebuild=True, progress=edit_while_writing
    )
    result = build_site(site)
    assert not result.unchanged
    assert result.site is not None
    assert any(a.title.startswith("تعديل") for a in result.site.articles.values())


def test_a_link_in_the_site_folder_always_builds(tmp_path: Path) -> None:
    """A link's own time says nothing of what it points to."""
    site = _built(tmp_path)
    outside = tmp_path / "elsewhere.md"
    outside.write_text("---\ntitle: خارج\ndate: 2023-09-13\n---\nنص.\n", "utf-8")
    (_articles(site) / "linked.md").symlink_to(outside)
    build_site(site)
    assert not build_site(site).unchanged


def test_the_command_says_the_site_was_kept_and_rebuild_builds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _built(tmp_path)
    main(["build", "--site", str(site), "--offline", "--rebuild"])
    built = capsys.readouterr().out.splitlines()[-1]
    main(["build", "--site", str(site), "--offline"])
    kept = capsys.readouterr()
    assert built.startswith("Built") and kept.out.splitlines()[-1].startswith("Nothing changed")
    assert built.rpartition(" s: ")[2] == kept.out.splitlines()[-1].rpartition(" s: ")[2]
    assert "nothing changed since the last build" in kept.err
    folder = _identity(site / "site")
    main(["build", "--site", str(site), "--offline", "--rebuild"])
    assert capsys.readouterr().out.splitlines()[-1].startswith("Built")
    assert _identity(site / "site") != folder


def test_digest_s_own_code_is_known_by_its_bytes_not_its_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh install (a CI run) gives the same files other times: the pages it would make
    are the same, so its state is too; an edited module's is not."""
    code = tmp_path / "generator"
    shutil.copytree(unchanged._CODE_DIR, code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(unchanged, "_CODE_DIR", code)
    before = unchanged.code_state()
    module = code / "render.py"
    os.utime(module, ns=(1, 1))
    assert unchanged.code_state() == before
    module.write_text(module.read_text("utf-8") + "\n# edited\n", "utf-8")
    assert unchanged.code_state() != before


def test_the_search_copies_are_no_input_of_a_kept_site(tmp_path: Path) -> None:
    """The pages as Pagefind reads them are made from the pages, which a kept site keeps:
    they change no build's inputs, and a build made again makes them again."""
    site = copy_example_site(tmp_path / "news")
    build_site(site)
    copies = site / CACHE_DIR / COPIES_DIR
    shutil.rmtree(copies)
    assert build_site(site).unchanged
    _edit_article(site)
    assert not build_site(site).unchanged
    assert any(copies.rglob("*.html"))
