"""A rebuild that reuses what the last build kept (the saved articles as parsed, the tags,
same-story groups and related stories) makes the same site as a cold build of the same
files, and computes again exactly the stages whose inputs changed: real site folders,
built one after the other."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BUILD_TIME, build_site, copy_example_site, tree

from generator import articlecache, tagcache
from generator.articles import Parsed
from generator.build import CACHE_DIR, compute_site
from generator.config import load_config
from generator.theme_files import THEME_DIR


def _site_folder(tmp_path: Path) -> Path:
    """The example site, without the search index: Pagefind orders some of its index
    differently from run to run, and it is made from the pages, not from anything kept."""
    site = copy_example_site(tmp_path / "site-folder")
    with (site / "config.yaml").open("a", encoding="utf-8") as file:
        file.write("search: false\n")
    return site


def _cold_tree(site: Path, scratch: Path) -> dict[str, bytes]:
    """The output of a cold build of the same inputs, in a fresh copy without ``.cache``,
    the site or the spare one."""
    shutil.rmtree(scratch, ignore_errors=True)
    ignored = shutil.ignore_patterns(CACHE_DIR, "site", ".site-spare")
    shutil.copytree(site, scratch, ignore=ignored)
    build_site(scratch)
    return tree(scratch / "site")


def _kept(site: Path) -> dict[str, Parsed]:
    return dict(articlecache.load(site / CACHE_DIR))


def _articles(site: Path) -> Path:
    return site / "content" / "articles"


def _edit_one(site: Path) -> None:
    path = _articles(site) / "kim-in-russia.md"  # published (the first file is broken)
    text = path.read_text("utf-8")
    path.write_text(text.replace("title:", "title: تعديل", 1), "utf-8")


def _add_one(site: Path) -> None:
    (_articles(site) / "new-one.md").write_text(
        "---\ntitle: خبر جديد\ndate: 2023-09-14\ntags: [اقتصاد]\n---\nنص الخبر الجديد.\n",
        "utf-8",
    )


def _lengthen_one(site: Path) -> None:
    """Sixty paragraphs more: the body is then longer than the lead tagging reads."""
    path = _articles(site) / "بوتين-يلتقي-كيم.md"
    paragraph = "\n\nوقال الكرملين إن المحادثات ستتناول التعاون الاقتصادي والوضع في شبه الجزيرة."
    path.write_text(path.read_text("utf-8") + paragraph * 60, "utf-8")


def _edit_far_down(site: Path) -> None:
    path = _articles(site) / "بوتين-يلتقي-كيم.md"
    text = path.read_text("utf-8")
    assert len(text) > 5000
    path.write_text(text + "\n\nوغادر كيم القاعدة مساء اليوم نفسه.\n", "utf-8")


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


def _ignore_a_tag(site: Path) -> None:
    """Leave out the tag most articles carry, under the ``tags:`` settings."""
    site_now = compute_site(load_config(site), now=BUILD_TIME, offline=True, keep=False).site
    label = max(site_now.tags, key=lambda tag: len(site_now.tag_index[tag.key])).label
    config = site / "config.yaml"
    text = config.read_text("utf-8")
    assert "\ntags:\n" in text
    config.write_text(text.replace("\ntags:\n", f'\ntags:\n  ignore: ["{label}"]\n'), "utf-8")


def _fewer_related(site: Path) -> None:
    config = site / "config.yaml"
    assert "related:" not in config.read_text("utf-8")
    with config.open("a", encoding="utf-8") as file:
        file.write("related:\n  min_score: 0.9\n")


def _shorter_tag_pages(site: Path) -> None:
    config = site / "config.yaml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("\ntags:\n", "\ntags:\n  page_size: 1\n"), "utf-8")


def _read_more_in_a_theme(site: Path) -> None:
    """The site's own templates, reading what the theme's do not: the text of every
    article a page lists, and how many articles the site has."""
    own = site / "templates"
    own.mkdir()
    macros = (THEME_DIR / "_macros.html").read_text("utf-8")
    listed = "</h{{ heading }}>"
    assert listed in macros
    length = '<span class="length">{{ article.body_html | length }}</span>'
    (own / "_macros.html").write_text(macros.replace(listed, listed + length, 1), "utf-8")
    index = (THEME_DIR / "index.html").read_text("utf-8")
    end = "{% endblock %}"
    count = '<p class="count">{{ articles | length }}</p>'
    (own / "index.html").write_text(index.replace(end, count + end), "utf-8")


def _override_a_template(site: Path) -> None:
    """The site's own article template: every article page is made again, from it."""
    own = site / "templates" / "article.html"
    own.parent.mkdir(exist_ok=True)
    theme = (THEME_DIR / "article.html").read_text("utf-8")
    own.write_text(theme.replace("</article>", "<p>نسخة الموقع</p></article>", 1), "utf-8")


STAGES = ("tags", "same-story", "related")  # the analysis results kept in .cache/

# Each step, and the analysis stages it must compute again; the others are read back.
STEPS: tuple[tuple[str, Callable[[Path], None], frozenset[str]], ...] = (
    ("cold", lambda site: None, frozenset(STAGES)),
    ("no change", lambda site: None, frozenset()),
    # pages are made again from what they read, whatever their templates read
    ("a theme that reads more", _read_more_in_a_theme, frozenset()),
    ("edit one", _edit_one, frozenset(STAGES)),
    ("add one", _add_one, frozenset(STAGES)),
    ("delete one", _delete_one, frozenset(STAGES)),
    # dates are all tagging does not read
    ("change time zone", _change_timezone, frozenset({"same-story", "related"})),
    # other tags make other related stories, not other stories
    ("change a tag setting", _ignore_a_tag, frozenset({"tags", "related"})),
    ("change the related setting", _fewer_related, frozenset({"related"})),
    # how tag pages are laid out is no input of tagging
    ("change a tag page setting", _shorter_tag_pages, frozenset()),
    ("override a template", _override_a_template, frozenset()),
    ("lengthen one", _lengthen_one, frozenset(STAGES)),
    # tagging reads the title and the lead only
    ("edit far down the body", _edit_far_down, frozenset({"same-story", "related"})),
)


def _stage_results(site: Path) -> dict[str, str]:
    """Each analysis stage's kept result, by the name of its file (its inputs' hash)."""
    found = {}
    for path in (site / CACHE_DIR).glob("*.json"):
        stage, _, _ = path.name.rpartition("-")
        if stage in STAGES:
            assert stage not in found, f"{stage} is kept twice"
            found[stage] = path.name
    return found


def test_each_rebuild_makes_what_a_cold_build_makes(tmp_path: Path) -> None:
    site = _site_folder(tmp_path)
    shutil.rmtree(site / CACHE_DIR, ignore_errors=True)
    files = len(list(_articles(site).rglob("*.md")))
    built: dict[str, bytes] = {}
    for name, change, recomputed in STEPS:
        change(site)
        before, stages_before = _kept(site), _stage_results(site)
        build_site(site)
        previous, built = built, tree(site / "site")
        assert built == _cold_tree(site, tmp_path / "cold"), name
        assert (built != previous) == (name != "no change"), f"{name}: the site changes"
        stages = _stage_results(site)
        assert stages.keys() == set(STAGES), name
        changed = {stage for stage in STAGES if stages[stage] != stages_before.get(stage)}
        assert changed == recomputed, name
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
    site = _site_folder(tmp_path)
    build_site(site)
    for name in (articlecache.FILE_NAME, tagcache.WORDS_FILE):
        (site / CACHE_DIR / name).write_bytes(damage)
    result = build_site(site)
    assert result.articles > 0
    assert tree(site / "site") == _cold_tree(site, tmp_path / "cold")
    assert _kept(site)  # written again, whole
    words = json.loads((site / CACHE_DIR / tagcache.WORDS_FILE).read_text("utf-8"))["words"]
    assert len(words) == result.articles


def test_a_kept_parse_is_used_instead_of_the_file(tmp_path: Path) -> None:
    """The check that the cache is read at all: a parse kept under a file's key is what the
    build publishes, even if it no longer matches the file (which a key never allows)."""
    site = _site_folder(tmp_path)
    build_site(site)
    kept = _kept(site)
    key, parsed = next((k, p) for k, p in kept.items() if p.article is not None)
    assert parsed.article is not None
    marked = dataclasses.replace(parsed.article, title="عنوان من الذاكرة")
    articlecache.save(site / CACHE_DIR, {**kept, key: Parsed(marked, parsed.related, ())})
    result = build_site(site)
    assert "عنوان من الذاكرة" in {article.title for article in result.site.articles.values()}


def test_kept_tags_are_used_instead_of_tagging_again(tmp_path: Path) -> None:
    """The check that the kept tags are read at all: a label changed in the kept result is
    what the build publishes (a changed input never finds such a result)."""
    site = _site_folder(tmp_path)
    build_site(site)
    (kept,) = (site / CACHE_DIR).glob("tags-*.json")
    result = json.loads(kept.read_text("utf-8"))
    result["tags"][0][1] = "وسم من الذاكرة"
    kept.write_text(json.dumps(result, ensure_ascii=False), "utf-8")
    built = build_site(site).site
    assert "وسم من الذاكرة" in {tag.label for a in built.articles.values() for tag in a.tags}


def test_kept_words_are_read_instead_of_the_text(tmp_path: Path) -> None:
    """The check that the words tagging reads are taken from the cache: kept words that
    differ from the article's (which a key never allows) make another tagging input."""
    site = _site_folder(tmp_path)
    build_site(site)
    path = site / CACHE_DIR / tagcache.WORDS_FILE
    (tagged,) = (site / CACHE_DIR).glob("tags-*.json")
    kept = json.loads(path.read_text("utf-8"))
    first = next(iter(kept["words"]))
    kept["words"][first][0] += "\nكلمة"
    path.write_text(json.dumps(kept, ensure_ascii=False), "utf-8")
    tagged.unlink()
    build_site(site)
    assert [path.name for path in (site / CACHE_DIR).glob("tags-*.json")] != [tagged.name]


def test_a_look_without_keeping_neither_reads_nor_writes_the_parses(tmp_path: Path) -> None:
    site = _site_folder(tmp_path)
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


def _tag_windows(site: Path) -> dict[str, tuple[str, int]]:
    """The kept key phrases of each month (``tags: window: month``), by month: the file's
    name (its inputs' hash) and inode (a file computed again is written anew)."""
    found = {}
    for path in (site / CACHE_DIR).glob("tagwindow-*.json"):
        month, _, _ = path.name.removeprefix("tagwindow-").rpartition("-")
        found[month] = (path.name, path.stat().st_ino)
    return found


def test_tags_by_month_are_found_again_for_the_changed_month_only(tmp_path: Path) -> None:
    """With ``tags: window: month`` an edit re-tags its month alone, the other months'
    phrases are read back, and the site is the one a cold build makes."""
    site = _site_folder(tmp_path)
    config = site / "config.yaml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("\ntags:\n", "\ntags:\n  window: month\n"), "utf-8")
    (_articles(site) / "october.md").write_text(
        "---\ntitle: كيم يزور موسكو مجددا\ndate: 2023-10-02\n---\nوصل كيم إلى موسكو.\n",
        "utf-8",
    )
    build_site(site)
    before = _tag_windows(site)
    assert before.keys() == {"2023-09", "2023-10"}
    _edit_one(site)  # an article of September
    build_site(site)
    after = _tag_windows(site)
    assert after["2023-10"] == before["2023-10"]
    assert after["2023-09"] != before["2023-09"]
    assert tree(site / "site") == _cold_tree(site, tmp_path / "cold")
    moved = _articles(site) / "kim-in-russia.md"  # to October: the same words, another month
    moved.write_text(moved.read_text("utf-8").replace("date: 2023-09-12", "date: 2023-10-12"))
    build_site(site)
    assert tree(site / "site") == _cold_tree(site, tmp_path / "cold")
    assert _tag_windows(site)["2023-10"] != after["2023-10"]
    for name in ("october.md", "kim-in-russia.md"):
        (_articles(site) / name).unlink()
    build_site(site)
    assert _tag_windows(site).keys() == {"2023-09"}  # an emptied month leaves nothing
    assert tree(site / "site") == _cold_tree(site, tmp_path / "cold")
