"""A rebuild that reuses the saved articles parsed by the last build makes the same site as
a cold build of the same files: real site folders, built one after the other."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BUILD_TIME, build_site, copy_example_site, tree

from generator import articlecache
from generator.articles import Parsed
from generator.build import CACHE_DIR, compute_site
from generator.config import load_config


def _cold_tree(site: Path, scratch: Path) -> dict[str, bytes]:
    """The output of a cold build of the same inputs, in a fresh copy without ``.cache``."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(site, scratch, ignore=shutil.ignore_patterns(CACHE_DIR, "site"))
    build_site(scratch)
    return tree(scratch / "site")


def _kept(site: Path) -> dict[str, Parsed]:
    return dict(articlecache.load(site / CACHE_DIR))


def _articles(site: Path) -> Path:
    return site / "content" / "articles"


def _edit_one(site: Path) -> None:
    path = sorted(_articles(site).rglob("*.md"))[0]
    text = path.read_text("utf-8")
    path.write_text(text.replace("title:", "title: تعديل", 1), "utf-8")


def _add_one(site: Path) -> None:
    (_articles(site) / "new-one.md").write_text(
        "---\ntitle: خبر جديد\ndate: 2023-09-14\ntags: [اقتصاد]\n---\nنص الخبر الجديد.\n",
        "utf-8",
    )


def _delete_one(site: Path) -> None:
    sorted(_articles(site).rglob("*.md"))[-1].unlink()


def _change_timezone(site: Path) -> None:
    config = site / "config.yaml"
    text = config.read_text("utf-8")
    assert "timezone:" in text
    lines = [
        "timezone: America/New_York" if line.startswith("timezone:") else line
        for line in text.splitlines()
    ]
    config.write_text("\n".join(lines) + "\n", "utf-8")


STEPS: tuple[tuple[str, Callable[[Path], None]], ...] = (
    ("cold", lambda site: None),
    ("no change", lambda site: None),
    ("edit one", _edit_one),
    ("add one", _add_one),
    ("delete one", _delete_one),
    ("change time zone", _change_timezone),
)


def test_each_rebuild_makes_what_a_cold_build_makes(tmp_path: Path) -> None:
    site = copy_example_site(tmp_path / "site-folder")
    shutil.rmtree(site / CACHE_DIR, ignore_errors=True)
    files = len(list(_articles(site).rglob("*.md")))
    for name, change in STEPS:
        change(site)
        before = _kept(site)
        build_site(site)
        assert tree(site / "site") == _cold_tree(site, tmp_path / "cold"), name
        kept = _kept(site)
        # one parse kept per file, of the files there are now: nothing stale stays
        assert len(kept) == len(list(_articles(site).rglob("*.md"))), name
        if name == "no change":
            assert kept.keys() == before.keys()
        if name == "edit one":
            assert len(kept.keys() - before.keys()) == 1
        if name == "change time zone":
            assert not kept.keys() & before.keys()
    assert files > 1


@pytest.mark.parametrize(
    "damage",
    [
        b"{not json",
        b'{"0": {"article": {"id": 3}}}',
        b"[]",
        b"",
        b"\xff\xfe",
    ],
    ids=["broken", "wrong-fields", "not-a-mapping", "empty", "not-utf8"],
)
def test_a_damaged_cache_is_ignored(tmp_path: Path, damage: bytes) -> None:
    site = copy_example_site(tmp_path / "site-folder")
    build_site(site)
    (site / CACHE_DIR / articlecache.FILE_NAME).write_bytes(damage)
    result = build_site(site)
    assert result.articles > 0
    assert tree(site / "site") == _cold_tree(site, tmp_path / "cold")
    assert _kept(site)  # written again, whole


def test_a_kept_parse_is_used_instead_of_the_file(tmp_path: Path) -> None:
    """The check that the cache is read at all: a parse kept under a file's key is what the
    build publishes, even if it no longer matches the file (which a key never allows)."""
    site = copy_example_site(tmp_path / "site-folder")
    build_site(site)
    kept = _kept(site)
    key, parsed = next((k, p) for k, p in kept.items() if p.article is not None)
    assert parsed.article is not None
    marked = dataclasses.replace(parsed.article, title="عنوان من الذاكرة")
    articlecache.save(site / CACHE_DIR, {**kept, key: Parsed(marked, parsed.related, ())})
    result = build_site(site)
    assert "عنوان من الذاكرة" in {article.title for article in result.site.articles.values()}


def test_a_look_without_keeping_neither_reads_nor_writes_the_parses(tmp_path: Path) -> None:
    site = copy_example_site(tmp_path / "site-folder")
    config = load_config(site)
    compute_site(config, now=BUILD_TIME, offline=True, keep=False)
    assert not (site / CACHE_DIR / articlecache.FILE_NAME).exists()
    build_site(site)
    kept = _kept(site)
    key, parsed = next((k, p) for k, p in kept.items() if p.article is not None)
    assert parsed.article is not None
    marked = dataclasses.replace(parsed.article, title="عنوان من الذاكرة")
    articlecache.save(site / CACHE_DIR, {**kept, key: Parsed(marked, parsed.related, ())})
    data = compute_site(config, now=BUILD_TIME, offline=True, keep=False)
    assert "عنوان من الذاكرة" not in {a.title for a in data.site.articles.values()}
    assert _kept(site)[key].article == marked  # left as it was
