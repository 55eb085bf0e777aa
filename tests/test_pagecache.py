"""Pages kept from the last build: which pages a change makes again, and that a kept page
is taken from the current site only while it is the file that build wrote. That every
rebuild still makes the same bytes as a cold build is checked, step by step, in
test_incremental.py."""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
from conftest import BUILD_TIME, copy_example_site

from generator import pagecache, urls
from generator.build import CACHE_DIR, build, compute_site
from generator.config import load_config
from generator.model import Article, Site, Story
from generator.pages import page_contexts
from generator.render import render_pages

EDITED = "kim-in-russia.md"  # a saved article of the example site


def _site_folder(tmp_path: Path) -> Path:
    site = copy_example_site(tmp_path / "site-folder")
    with (site / "config.yaml").open("a", encoding="utf-8") as file:
        file.write("search: false\n")
    return site


def _computed(site: Path) -> Site:
    return compute_site(load_config(site), now=BUILD_TIME, offline=True, keep=False).site


def _keys(site: Site) -> dict[str, str]:
    keys = pagecache.PageKeys(site, ())
    return {context.page.path: keys.of(context) for context in page_contexts(site)}


def _edit_body(site: Path) -> None:
    path = site / "content" / "articles" / EDITED
    path.write_text(path.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")


def _build(site: Path) -> list[str]:
    """Build, and return the progress lines."""
    lines: list[str] = []
    build(load_config(site), now=BUILD_TIME, offline=True, progress=lines.append)
    return lines


def _kept_count(lines: list[str]) -> tuple[int, int] | None:
    found = [line.split() for line in lines if line.endswith("kept as the last build made them")]
    return (int(found[0][0]), int(found[0][2])) if found else None


def test_an_edit_changes_the_keys_of_the_pages_that_show_the_article_only(
    tmp_path: Path,
) -> None:
    folder = _site_folder(tmp_path)
    before_site = _computed(folder)
    before = _keys(before_site)
    _edit_body(folder)
    after_site = _computed(folder)
    after = _keys(after_site)
    assert before.keys() == after.keys()
    changed = {path for path in before if before[path] != after[path]}
    edited = next(a for a in after_site.articles.values() if a.origin.endswith(EDITED))
    showing = {  # the pages whose context holds the edited article, or its day
        context.page.path
        for context in page_contexts(after_site)
        if edited.id in _article_ids(context)
    }
    assert urls.article_path(edited.slug) in changed
    assert changed <= showing
    unrelated = [path for path in after if path.startswith("articles/") and path not in showing]
    assert unrelated
    assert all(before[path] == after[path] for path in unrelated)


def _article_ids(value: object) -> set[str]:
    """Every article id a page's context reaches: its articles, and those of its stories."""
    if isinstance(value, Article):
        return {value.id}
    if isinstance(value, Story):
        return {value.headline, *value.also_reported_by}
    if isinstance(value, Mapping):
        return set(value.keys())  # the whole site's articles
    if isinstance(value, tuple | frozenset):
        return set().union(*map(_article_ids, value))
    if dataclasses.is_dataclass(value):
        return set().union(
            *(_article_ids(getattr(value, f.name)) for f in dataclasses.fields(value))
        )
    return set()


def test_keys_change_with_what_every_page_shares(tmp_path: Path) -> None:
    site = _computed(_site_folder(tmp_path))
    contexts = page_contexts(site)
    first = pagecache.PageKeys(site, ("templates as they were",))
    second = pagecache.PageKeys(site, ("a template edited",))
    assert all(first.of(c) != second.of(c) for c in contexts)
    assert [first.of(c) for c in contexts] == [
        pagecache.PageKeys(site, ("templates as they were",)).of(c) for c in contexts
    ]


def test_a_tag_getting_its_page_changes_the_pages_of_its_articles(tmp_path: Path) -> None:
    site = _computed(_site_folder(tmp_path))
    tagged = next(a for a in site.articles.values() if a.tags)
    tag = tagged.tags[0]
    without = Site(**{**_fields(site), "tags": tuple(t for t in site.tags if t.key != tag.key)})
    with_page = Site(**{**_fields(site), "tags": (*site.tags, tag)})
    path = urls.article_path(tagged.slug)
    assert _keys(without)[path] != _keys(with_page)[path]


def _fields(site: Site) -> dict[str, object]:
    return {name: getattr(site, name) for name in site.__dataclass_fields__}


def test_a_build_takes_the_pages_it_would_make_the_same(tmp_path: Path) -> None:
    site = _site_folder(tmp_path)
    assert _kept_count(_build(site)) is None  # nothing to take on a first build
    _edit_body(site)
    kept, pages = _kept_count(_build(site)) or (0, 0)
    assert 0 < kept < pages


def test_a_site_restored_elsewhere_is_taken_from_too(tmp_path: Path) -> None:
    """As a CI run restores ``site/`` from a cache: other inodes, other times."""
    site = _site_folder(tmp_path)
    _build(site)
    shutil.move(site / "site", tmp_path / "saved")
    shutil.copytree(tmp_path / "saved", site / "site", copy_function=shutil.copy)
    _edit_body(site)
    kept, pages = _kept_count(_build(site)) or (0, 0)
    assert 0 < kept < pages


def _untouched_by_the_edit(folder: Path) -> str:
    """The path of an article page whose key ``_edit_body`` leaves as it is."""
    scratch = folder.parent / "scratch"
    shutil.copytree(folder, scratch, ignore=shutil.ignore_patterns("site", CACHE_DIR))
    before = _keys(_computed(scratch))
    _edit_body(scratch)
    after = _keys(_computed(scratch))
    shutil.rmtree(scratch)
    return next(p for p in sorted(before) if p.startswith("articles/") and before[p] == after[p])


@pytest.mark.parametrize("change", ["in place", "rewritten", "removed", "linked"])
def test_a_page_changed_since_is_made_again(tmp_path: Path, change: str) -> None:
    site = _site_folder(tmp_path)
    _build(site)
    path = urls.file_for(_untouched_by_the_edit(site))
    page = site / "site" / path
    cold = page.read_bytes()
    marked = cold.replace(b"<title>", b"<title>#", 1)
    if change == "in place":  # the same size, time and inode: no editor does that
        status = page.stat()
        with page.open("r+b") as file:
            file.write(marked[: len(cold)])
        os.utime(page, ns=(status.st_atime_ns, status.st_mtime_ns))
    elif change == "rewritten":
        page.write_bytes(marked)
    elif change == "removed":
        page.unlink()
    else:
        outside = tmp_path / "elsewhere.html"
        shutil.copy(page, outside)
        page.unlink()
        page.symlink_to(outside)
    _edit_body(site)
    kept, pages = _kept_count(_build(site)) or (0, 0)
    assert 0 < kept < pages
    assert page.read_bytes() == cold
    assert not page.is_symlink()


@pytest.mark.parametrize("damage", [b"{not json", b"[]", b'{"index.html": 3}', b""])
def test_a_damaged_note_renders_every_page(tmp_path: Path, damage: bytes) -> None:
    site = _site_folder(tmp_path)
    _build(site)
    (site / CACHE_DIR / pagecache.FILE_NAME).write_bytes(damage)
    _edit_body(site)
    assert _kept_count(_build(site)) is None


def test_rebuild_renders_every_page(tmp_path: Path) -> None:
    site = _site_folder(tmp_path)
    _build(site)
    lines: list[str] = []
    build(load_config(site), now=BUILD_TIME, offline=True, rebuild=True, progress=lines.append)
    assert _kept_count(lines) is None


def test_render_pages_without_a_note_renders_all(tmp_path: Path) -> None:
    site = _computed(_site_folder(tmp_path))
    files = list(render_pages(site))
    assert files and not any(file.kept for file in files)
    assert all(file.made_from for file in files)
