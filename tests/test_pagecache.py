"""Pages kept from the last build: which pages a change makes again, and that a kept page
is taken from the current site only while it is the file that build wrote. That every
rebuild still makes the same bytes as a cold build is checked, step by step, in
test_incremental.py."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path
from types import MappingProxyType

import pytest
from conftest import BUILD_TIME, copy_example_site

from generator import pagecache, pagereads, urls
from generator.build import CACHE_DIR, build, compute_site
from generator.config import load_config
from generator.model import Article, OutputFile, Site
from generator.pages import ArticleContext, page_contexts
from generator.problems import BuildError
from generator.render import render_pages

EDITED = "kim-in-russia.md"  # a saved article of the example site


def _site_folder(tmp_path: Path) -> Path:
    site = copy_example_site(tmp_path / "site-folder")
    with (site / "config.yaml").open("a", encoding="utf-8") as file:
        file.write("search: false\n")
    return site


def _computed(site: Path) -> Site:
    return compute_site(load_config(site), now=BUILD_TIME, offline=True, keep=False).site


def _rendered(site: Site) -> dict[str, OutputFile]:
    """Every page, rendered, by site path: each with its key and its trace."""
    return {file.path: file for file in render_pages(site)}


def _keys_now(site: Site, rendered: dict[str, OutputFile]) -> dict[str, str]:
    """Each page's key for ``site`` made from the trace of its rendering in ``rendered``, as
    the next build makes it before deciding to render the page again."""
    keys = pagecache.PageKeys(site, ())
    traces = {path: file.trace for path, file in rendered.items()}
    return {
        context.page.path: keys.of(context, traces[urls.file_for(context.page.path)])
        for context in page_contexts(site)
        if urls.file_for(context.page.path) in traces  # a new page has none
    }


def _changed(before: Site, after: Site) -> set[str]:
    """The pages whose key the change from ``before`` to ``after`` changes."""
    rendered = _rendered(before)
    old, new = _keys_now(before, rendered), _keys_now(after, rendered)
    return {path for path in old if old[path] != new.get(path)}


def _with_article(site: Site, article: Article) -> Site:
    articles = MappingProxyType({**site.articles, article.id: article})
    return dataclasses.replace(site, articles=articles)


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


def test_an_edit_changes_the_keys_of_the_pages_that_read_the_article_only(
    tmp_path: Path,
) -> None:
    folder = _site_folder(tmp_path)
    before = _computed(folder)
    rendered = _rendered(before)
    _edit_body(folder)
    after = _computed(folder)
    old, new = _keys_now(before, rendered), _keys_now(after, rendered)
    changed = {path for path in old if old[path] != new[path]}
    edited = next(a for a in after.articles.values() if a.origin.endswith(EDITED))
    reading = {  # the pages whose last rendering read the edited article
        path
        for path in old
        if pagereads.article_ref(edited.id) in dict(rendered[urls.file_for(path)].trace)
    }
    assert urls.article_path(edited.slug) in changed
    assert changed <= reading
    unrelated = [path for path in old if path.startswith("articles/") and path not in reading]
    assert unrelated
    assert all(old[path] == new[path] for path in unrelated)


def _listed_as_related(site: Site) -> tuple[str, Article]:
    """An article page and an article it lists among its related stories."""
    page = next(
        context
        for context in page_contexts(site)
        if isinstance(context, ArticleContext) and context.related
    )
    return page.page.path, page.related[0]


def test_what_a_page_does_not_show_of_an_article_it_lists_leaves_its_key(
    tmp_path: Path,
) -> None:
    """A related story's own related links, tags and text are not on the page listing it:
    an hour's new articles change those of hundreds of older ones."""
    site = _computed(_site_folder(tmp_path))
    path, listed = _listed_as_related(site)
    unseen = dataclasses.replace(
        listed, related=(), tags=(), body_html="<p>نص آخر</p>", summary="نص آخر"
    )
    changed = _changed(site, _with_article(site, unseen))
    assert urls.article_path(listed.slug) in changed  # its own page shows all of it
    assert path not in changed


def test_what_a_page_shows_of_an_article_it_lists_changes_its_key(tmp_path: Path) -> None:
    site = _computed(_site_folder(tmp_path))
    path, listed = _listed_as_related(site)
    for change in ({"title": "عنوان آخر"}, {"source": "مصدر آخر"}, {"slug": "another-slug"}):
        changed = _changed(site, _with_article(site, dataclasses.replace(listed, **change)))
        assert path in changed, change


def test_keys_change_with_what_every_page_shares(tmp_path: Path) -> None:
    site = _computed(_site_folder(tmp_path))
    traces = {path: file.trace for path, file in _rendered(site).items()}
    contexts = page_contexts(site)

    def keys(shared: str) -> list[str]:
        made = pagecache.PageKeys(site, (shared,))
        return [made.of(c, traces[urls.file_for(c.page.path)]) for c in contexts]

    first, second = keys("templates as they were"), keys("a template edited")
    assert all(a != b for a, b in zip(first, second, strict=True))
    assert first == keys("templates as they were")


def test_a_tag_getting_its_page_changes_the_pages_of_its_articles(tmp_path: Path) -> None:
    site = _computed(_site_folder(tmp_path))
    tagged = next(a for a in site.articles.values() if a.tags)
    tag = tagged.tags[0]
    without = dataclasses.replace(site, tags=tuple(t for t in site.tags if t.key != tag.key))
    with_page = dataclasses.replace(site, tags=(*site.tags, tag))
    assert urls.article_path(tagged.slug) in _changed(without, with_page)


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


def test_the_note_gives_back_what_each_page_read(tmp_path: Path) -> None:
    folder = _site_folder(tmp_path)
    _build(folder)
    kept = pagecache.load(folder / CACHE_DIR, folder / "site")
    rendered = _rendered(_computed(folder))
    assert rendered["404.html"].trace == ()  # it reads nothing of the site
    assert any(file.trace for file in rendered.values())
    assert all(kept.trace(path) == file.trace for path, file in rendered.items())


def _untouched_by_the_edit(folder: Path) -> str:
    """The path of an article page whose key ``_edit_body`` leaves as it is."""
    scratch = folder.parent / "scratch"
    shutil.copytree(folder, scratch, ignore=shutil.ignore_patterns("site", CACHE_DIR))
    before = _computed(scratch)
    _edit_body(scratch)
    changed = _changed(before, _computed(scratch))
    shutil.rmtree(scratch)
    return next(
        context.page.path
        for context in page_contexts(before)
        if context.page.path.startswith("articles/") and context.page.path not in changed
    )


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


_OUT_OF_RANGE = b'{"refs": [], "names": [], "files": {"index.html": ["k", "h", [5, 0]]}}'


@pytest.mark.parametrize("damage", [b"{not json", b"[]", b'{"index.html": 3}', b"", _OUT_OF_RANGE])
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


def test_a_kept_page_carries_its_bytes_hash_and_leaves_them_in_the_site(tmp_path: Path) -> None:
    folder = _site_folder(tmp_path)
    _build(folder)
    kept = pagecache.load(folder / CACHE_DIR, folder / "site")
    files = [file for file in render_pages(_computed(folder), kept) if file.kept]
    assert files and not any(file.content for file in files)
    site = folder / "site"
    assert all(
        file.content_hash == pagecache.content_hash((site / file.path).read_bytes())
        for file in files
    )


def test_a_kept_file_changed_in_the_site_since_it_was_checked_stops_the_build(
    tmp_path: Path,
) -> None:
    (tmp_path / "page.html").write_bytes(b"as the last build wrote it")
    file = OutputFile(
        "page.html",
        b"",
        made_from="key",
        kept=True,
        content_hash=pagecache.content_hash(b"as the last build wrote it"),
    )
    assert pagecache.kept_bytes(file, tmp_path) == b"as the last build wrote it"
    (tmp_path / "page.html").write_bytes(b"changed by hand meanwhile")
    with pytest.raises(BuildError, match=r"page\.html changed while the site was being built"):
        pagecache.kept_bytes(file, tmp_path)


def test_render_pages_without_a_note_renders_all(tmp_path: Path) -> None:
    site = _computed(_site_folder(tmp_path))
    files = list(render_pages(site))
    assert files and not any(file.kept for file in files)
    assert all(file.made_from for file in files)
