"""The example site built end to end: golden output, determinism, atomicity, summary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GOLDEN_SITE, build_site, copy_example_site, site_tree, tree

import generator.build as build_module
from generator.model import OutputFile, Site
from generator.problems import BuildError


def test_example_site_matches_golden_output(built_example, update_golden: bool) -> None:
    site_dir, _ = built_example
    produced = site_tree(site_dir / "site")
    if update_golden:
        shutil.rmtree(GOLDEN_SITE, ignore_errors=True)
        shutil.copytree(site_dir / "site", GOLDEN_SITE, ignore=shutil.ignore_patterns("pagefind"))
    expected = tree(GOLDEN_SITE)
    assert sorted(produced) == sorted(expected)
    for path, content in produced.items():
        assert content == expected[path], f"{path} differs from the golden copy"


def test_example_site_has_every_kind_of_page(built_example) -> None:
    site_dir, result = built_example
    out = site_dir / "site"
    for path in (
        "index.html",
        "404.html",
        ".nojekyll",
        "robots.txt",
        "sitemap.xml",
        "feed.xml",
        "tags/index.html",
        "archive/index.html",
        "static/style.css",
        "digests/2023-09-13/index.html",
        "articles/بوتين-يلتقي-كيم/index.html",
    ):
        assert (out / path).is_file(), path
    assert result.digests == len(list((out / "digests").iterdir()))
    # the feed item published 23:30 UTC on the 13th is on the 14th in Riyadh
    oil = (out / "digests/2023-09-14/index.html").read_text("utf-8")
    assert "أسعار النفط ترتفع" in oil
    # the broken article is reported with its file and line, and the build went on
    assert any(p.origin == "content/articles/broken.md" and p.line == 3 for p in result.problems)


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = copy_example_site(tmp_path / "one")
    second = copy_example_site(tmp_path / "two")
    build_site(first)
    build_site(second)
    build_site(second)  # a rebuild over an existing site changes nothing either
    assert site_tree(first / "site") == site_tree(second / "site")


def test_stories_grouped_in_another_process_while_tagging_give_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    beside = copy_example_site(tmp_path / "beside")
    monkeypatch.setattr(build_module, "_GROUPED_BESIDE_FROM", 0)
    monkeypatch.setattr(build_module.workers, "cores", lambda: 2)
    grouped_in = tmp_path / "grouped-in"  # a file: the worker's memory is its own
    groups = build_module.same_story_groups

    def same_story_groups(*args, **options):
        grouped_in.write_text(str(os.getpid()))
        return groups(*args, **options)

    monkeypatch.setattr(build_module, "same_story_groups", same_story_groups)
    build_site(beside)
    assert int(grouped_in.read_text()) != os.getpid()
    assert site_tree(beside / "site") == tree(GOLDEN_SITE)


def test_failed_build_leaves_previous_site_untouched(tmp_path: Path) -> None:
    site_dir = copy_example_site(tmp_path / "site-src")
    build_site(site_dir)
    before = tree(site_dir / "site")
    templates = site_dir / "templates"
    templates.mkdir()
    (templates / "article.html").write_text("{{ no_such_variable }}", encoding="utf-8")
    with pytest.raises(BuildError, match="no_such_variable"):
        build_site(site_dir)
    assert tree(site_dir / "site") == before
    assert sorted(p.name for p in site_dir.iterdir() if p.name.startswith(".site")) == []


def test_a_site_moved_away_by_a_killed_run_is_back_even_if_the_next_build_fails(
    tmp_path: Path,
) -> None:
    """A kill between the two renames of a swap leaves only ``.site-old-*``: the next build
    puts it back before it does anything that could fail."""
    site_dir = copy_example_site(tmp_path / "site-src")
    build_site(site_dir)
    before = tree(site_dir / "site")
    (site_dir / "site").rename(site_dir / ".site-old-k1ll3d00")
    templates = site_dir / "templates"
    templates.mkdir()
    (templates / "article.html").write_text("{{ no_such_variable }}", encoding="utf-8")
    with pytest.raises(BuildError):
        build_site(site_dir)
    assert tree(site_dir / "site") == before
    assert sorted(p.name for p in site_dir.iterdir() if p.name.startswith(".site")) == []


def test_site_templates_override_one_block_of_the_theme(tmp_path: Path) -> None:
    site_dir = copy_example_site(tmp_path / "site-src")
    (site_dir / "templates").mkdir()
    (site_dir / "templates" / "base.html").write_text(
        '{% extends "theme/base.html" %}{% block footer %}<p id="mine">override</p>'
        "{{ super() }}{% endblock %}",
        encoding="utf-8",
    )
    build_site(site_dir)
    page = (site_dir / "site" / "index.html").read_text("utf-8")
    assert '<p id="mine">override</p>' in page
    assert 'dir="rtl"' in page


def test_cli_build_prints_a_summary(tmp_path: Path) -> None:
    site_dir = copy_example_site(tmp_path / "site-src")
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", "--offline", "--site", str(site_dir)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert done.returncode == 0, done.stderr
    assert "articles" in done.stdout and "digests" in done.stdout and "1 problem." in done.stdout
    assert "content/articles/broken.md, line 3" in done.stderr


def test_cli_invalid_config_exits_2_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("title: x\nbase_url: nowhere\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", "--site", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert done.returncode == 2
    assert "config.yaml, line 2: 'base_url' should be a full address" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "site").exists()


def test_a_tag_whose_articles_are_one_repost_gets_no_page(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(
        "title: موجز\nbase_url: https://example.org/news/\n", encoding="utf-8"
    )
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    repost = (
        "---\ntitle: خبر منشور مرتين\ndate: 2023-09-13\nsource: مصدر\ntags: [وسم فريد]\n---\n"
        "نص الخبر نفسه كما نشره المصدر مرتين في اليوم ذاته.\n"
    )
    (articles / "first.md").write_text(repost, encoding="utf-8")
    (articles / "second.md").write_text(repost, encoding="utf-8")
    result = build_site(tmp_path)
    assert result.articles == 1  # the repost was merged
    assert result.site.tags == ()
    assert not (tmp_path / "site" / "tags" / "وسم-فريد").exists()


def _search_index(site: Site) -> tuple[OutputFile, ...]:
    titles = sorted(article.title for article in site.articles.values())
    return (OutputFile("search.json", json.dumps(titles, ensure_ascii=False).encode("utf-8")),)


def _second_feed(site: Site) -> tuple[OutputFile, ...]:
    return (OutputFile("feed.xml", b"<rss/>"),)


def test_a_new_output_is_one_function_added_to_the_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_dir = copy_example_site(tmp_path / "site-src")
    monkeypatch.setattr(build_module, "OUTPUTS", (*build_module.OUTPUTS, _search_index))
    result = build_site(site_dir)
    titles = json.loads((site_dir / "site" / "search.json").read_text("utf-8"))
    assert len(titles) == result.articles
    assert "بوتين يلتقي كيم جونج أون اليوم في مركز فوستوشني للفضاء" in titles


def test_an_output_claiming_another_outputs_file_stops_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_dir = copy_example_site(tmp_path / "site-src")
    build_site(site_dir)
    before = tree(site_dir / "site")
    monkeypatch.setattr(build_module, "OUTPUTS", (*build_module.OUTPUTS, _second_feed))
    with pytest.raises(BuildError) as raised:
        build_site(site_dir, rebuild=True)
    assert str(raised.value).startswith(
        "'feed.xml' would be written by both feedfiles.feed_files and test_build._second_feed"
    )
    assert tree(site_dir / "site") == before


def test_given_tags_left_out_are_reported_by_the_build(tmp_path: Path) -> None:
    site_dir = copy_example_site(tmp_path / "site-src")
    many = "\n".join(f"  - وسم {number}" for number in range(1000))
    (site_dir / "content" / "articles" / "many-tags.md").write_text(
        f"---\ntitle: خبر بألف وسم\ndate: 2023-09-13\ntags:\n{many}\n---\nنص الخبر.\n",
        encoding="utf-8",
    )
    result = build_site(site_dir)
    [problem] = [p for p in result.problems if p.origin.endswith("many-tags.md")]
    assert "1,000 tags" in problem.message and problem.action == "left out"
