from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from generator import articlecache, articles, workers
from generator.articles import Parsed, read_saved, read_saved_articles
from generator.config import load_config
from generator.frontmatter import Entry
from generator.model import Article, Tag
from generator.problems import Problem

CASES = yaml.safe_load(
    (Path(__file__).parent / "cases" / "front_matter_errors.yaml").read_text("utf-8")
)


def _site(tmp_path: Path, articles: dict[str, str]) -> Path:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "config.yaml").write_text(
        "title: t\nbase_url: https://example.org/\ntimezone: Asia/Riyadh\n", encoding="utf-8"
    )
    folder = tmp_path / "content" / "articles"
    folder.mkdir(parents=True)
    for name, text in articles.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_bad_front_matter_is_reported_with_line_and_skipped(tmp_path: Path, case: dict) -> None:
    good = "---\ntitle: سليم\ndate: 2023-09-13\n---\nنص\n"
    site = _site(tmp_path, {"bad.md": case["text"], "good.md": good})
    articles, problems = read_saved_articles(load_config(site))
    assert [article.title for article in articles] == ["سليم"]
    assert [(p.origin, p.line, p.message) for p in problems] == [
        ("content/articles/bad.md", case["line"], case["message"])
    ]


def test_article_fields_dates_and_sanitized_body(tmp_path: Path) -> None:
    text = (
        "---\ntitle: ' عنوان\u202e مقلوب '\ndate: 2023-09-13\nsource: مصدر\n"
        "url: javascript:alert(1)\ntags: [أ, ب]\nrelated: [other]\nlang: en\n---\n"
        "Hello <script>alert(1)</script><a href='javascript:x' onclick='y'>link</a>\n"
    )
    other = "---\ntitle: other\ndate: 2023-09-13\n---\n"
    site = _site(tmp_path, {"sub/my-story.md": text, "other.md": other})
    (_, article), problems = read_saved_articles(load_config(site))
    assert article.id == "sub/my-story"
    assert article.slug == "my-story"
    assert article.title == "عنوان مقلوب"
    # a date without an offset is midnight in the site's time zone (UTC+3)
    assert article.published == datetime(2023, 9, 12, 21, 0, tzinfo=UTC)
    assert not article.timed  # a date alone: no time of day to show
    assert article.url == ""
    assert article.given_tags == ("أ", "ب")
    assert article.explicit_related == ("other",)
    assert (article.lang, article.dir) == ("en", "ltr")
    assert "<script" not in article.body_html
    assert "javascript:" not in article.body_html
    assert "onclick" not in article.body_html
    assert [p.message for p in problems] == ["'url' should start with http:// or https://"]


def test_unknown_field_is_a_warning_with_a_suggestion(tmp_path: Path) -> None:
    site = _site(tmp_path, {"a.md": "---\ntitle: t\ndate: 2023-09-13\ntagz: [x]\n---\n"})
    articles, problems = read_saved_articles(load_config(site))
    assert len(articles) == 1
    assert [(p.line, p.message, p.action) for p in problems] == [
        (4, "unknown field 'tagz'; did you mean 'tags'?", "ignored")
    ]


def _named(related: str, title: str = "t") -> str:
    return f"---\ntitle: {title}\ndate: 2023-09-13\nrelated: {related}\n---\n"


@pytest.mark.parametrize(
    ("file", "name"),
    [
        ("Two_Story.md", "Two_Story"),  # as README writes it: upper case and underscores
        ("Two_Story.md", "Two_Story.md"),
        ("Two_Story.md", "two-story"),  # the address the file name gives
        ("Two_Story.md", "two_story"),
        ("sub/Two_Story.md", "Two_Story"),  # a file in a sub-folder, by its name alone
        ("sub/Two_Story.md", "sub/Two_Story.md"),
        ("بوتين_يلتقي_كيم.md", "بوتين_يلتقي_كيم"),
        ("بوتين_يلتقي_كيم.md", "بوتين_يلتقي_كيم.md"),
        ("بوتين_يلتقي_كيم.md", "بوتين-يلتقي-كيم"),
        # a name written composed finds a file whose name is stored decomposed, and back
        ("\u0623\u0645\u0633.md", "\u0627\u0654\u0645\u0633"),
        ("\u0627\u0654\u0645\u0633.md", "\u0623\u0645\u0633"),
    ],
)
def test_related_names_a_saved_article_by_file_name_or_address(
    tmp_path: Path, file: str, name: str
) -> None:
    site = _site(tmp_path, {file: _named(""), "one.md": _named(f"['{name}']")})
    articles, problems = read_saved_articles(load_config(site))
    one = next(article for article in articles if article.id == "one")
    assert one.explicit_related == (file.removesuffix(".md"),)
    assert problems == ()


def test_a_related_name_of_no_saved_article_is_one_problem_on_its_line(tmp_path: Path) -> None:
    text = "---\ntitle: one\ndate: 2023-09-13\nrelated:\n  - two\n  - Missing_Story\n---\n"
    site = _site(tmp_path, {"one.md": text, "two.md": _named("")})
    (one, _), problems = read_saved_articles(load_config(site))
    assert one.explicit_related == ("two",)
    assert [(p.origin, p.line, p.message, p.action) for p in problems] == [
        (
            "content/articles/one.md",
            6,
            "'related' names 'Missing_Story', but there is no saved article with that file name",
            "the link was left out",
        )
    ]


def test_the_most_exact_name_wins_and_an_ambiguous_one_is_reported(tmp_path: Path) -> None:
    text = _named("[Two_Story, two-story, story, a/story]")
    files = {"Two_Story.md": _named(""), "two_story.md": _named(""), "one.md": text}
    site = _site(tmp_path, {**files, "a/story.md": _named(""), "b/story.md": _named("")})
    articles, problems = read_saved_articles(load_config(site))
    one = next(article for article in articles if article.id == "one")
    assert one.explicit_related == ("Two_Story", "a/story")
    assert [p.message for p in problems] == [
        "'related' names 'two-story', which could be any of content/articles/Two_Story.md,"
        " content/articles/two_story.md; write its file name as it is in the folder,"
        " like 'Two_Story'",
        "'related' names 'story', which could be any of content/articles/a/story.md,"
        " content/articles/b/story.md; write its file name as it is in the folder,"
        " like 'a/story'",
    ]


def test_links_survive_the_suffix_a_clashing_address_gets(tmp_path: Path) -> None:
    from generator.build import build

    story = "---\ntitle: {}\ndate: 2023-09-13\n---\nنص عن {}\n"
    files = {f"{folder}/story.md": story.format(folder, folder) for folder in ("a", "b")}
    site = _site(tmp_path, {**files, "one.md": _named("[b/story, a/story]", "one")})
    result = build(load_config(site), now=datetime(2026, 1, 1, tzinfo=UTC), offline=True)
    articles = result.site.articles
    assert articles["a/story"].slug != articles["b/story"].slug  # one got a suffix
    assert articles["one"].related[:2] == ("b/story", "a/story")
    assert [str(problem) for problem in result.problems] == []


def test_a_saved_article_over_the_size_limit_is_reported_and_skipped(tmp_path: Path) -> None:
    head = "---\ntitle: t\ndate: 2023-09-13\n---\n"
    limit = 1024 * 1024
    site = _site(
        tmp_path, {"at.md": head + "x" * (limit - len(head)), "over.md": head + "x" * limit}
    )
    (site / "config.yaml").write_text(
        "title: t\nbase_url: https://example.org/\nmax_file_mib: 1\n", encoding="utf-8"
    )
    articles, problems = read_saved_articles(load_config(site))
    assert [article.id for article in articles] == ["at"]
    assert [(p.origin, p.message) for p in problems] == [
        (
            "content/articles/over.md",
            "the file is larger than 1 MiB, the limit set by 'max_file_mib' in config.yaml",
        )
    ]


def test_an_article_file_linking_out_or_to_nothing_is_reported_and_skipped(tmp_path: Path) -> None:
    text = "---\ntitle: t\ndate: 2023-09-13\n---\nنص\n"
    site = _site(tmp_path, {})
    (tmp_path / "secret.md").write_text(text, encoding="utf-8")
    (site / "content" / "drafts").mkdir()
    (site / "content" / "drafts" / "draft.md").write_text(text, encoding="utf-8")
    articles_dir = site / "content" / "articles"
    (articles_dir / "leak.md").symlink_to(tmp_path / "secret.md")
    (articles_dir / "draft.md").symlink_to(site / "content" / "drafts" / "draft.md")
    (articles_dir / "gone.md").symlink_to(site / "content" / "drafts" / "gone.md")
    (articles_dir / "loop.md").symlink_to(articles_dir / "loop.md")
    articles, problems = read_saved_articles(load_config(site))
    assert [article.id for article in articles] == ["draft"]
    nothing = "the file is a link to nothing (no such file, or links in a loop): not published"
    assert [(p.origin, p.message) for p in problems] == [
        ("content/articles/gone.md", nothing),
        (
            "content/articles/leak.md",
            "the file is a link to a file outside the content folder: not published",
        ),
        ("content/articles/loop.md", nothing),
    ]


def test_an_article_body_reads_the_same_alone_and_after_others(tmp_path: Path) -> None:
    """Link definitions, footnotes, abbreviations and open HTML blocks of one file never
    reach the next one."""
    bodies = {
        "a.md": "See [the source][src] and HTML[^1].\n\n[src]: https://a.example/\n"
        '[^1]: A note.\n\n*[HTML]: Hyper Text\n\n<div markdown="1">\n*open*\n',
        "b.md": "See [the source][src] and HTML[^1].\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        "c.md": '```\ncode\n```\n\n1. one\n* two\n\n<div markdown="1">\n*open*\n',
        "d.md": "HTML[^1] again, [src] again.\n\n[^1]: Another note.\n",
    }
    front = "---\ntitle: t\ndate: 2023-09-13\n---\n"
    together, _ = read_saved_articles(
        load_config(_site(tmp_path / "all", {n: front + b for n, b in bodies.items()}))
    )
    alone = [
        read_saved_articles(load_config(_site(tmp_path / name, {name: front + body})))[0][0]
        for name, body in bodies.items()
    ]
    assert [a.body_html for a in together] == [a.body_html for a in alone]
    assert "a.example" not in together[1].body_html + together[3].body_html


def test_a_kept_parse_reads_back_equal_with_every_field(tmp_path: Path) -> None:
    """Every Article field survives the cache: a field added later and left out of it
    would come back as its default and fail here."""

    article = Article(
        id="sub/one",
        slug="one",
        title="عنوان",
        published=datetime(2023, 9, 13, 6, 30, tzinfo=ZoneInfo("UTC")),
        source="مصدر",
        origin="content/articles/sub/one.md",
        url="https://example.org/one",
        body_html="<p>نص</p>",
        summary="نص",
        lang="en",
        dir="ltr",
        given_tags=("a", "ب"),
        tags=(Tag("k", "label", "slug"),),
        explicit_related=("two",),
        related=("three",),
        same_story=("four",),
        source_url="https://example.org/",
        timed=False,
    )
    parsed = {
        "k1": Parsed(article, (Entry("two", 5),), (Problem("o", 3, "m", "a"),)),
        "k2": Parsed(None, (), (Problem("content/articles/bad.md", None, "broken"),)),
    }
    articlecache.save(tmp_path / "cache", parsed)
    assert articlecache.load(tmp_path / "cache") == parsed
    assert articlecache.load(tmp_path / "missing") == {}


def test_a_file_is_parsed_only_when_its_key_is_new(tmp_path: Path) -> None:

    site = _site(tmp_path, {"a.md": "---\ntitle: أ\ndate: 2023-09-13\n---\nنص\n"})
    config = load_config(site)
    first = read_saved(config, {})
    again = read_saved(config, first.parsed)
    assert again.parsed == first.parsed and again.articles == first.articles
    (site / "content" / "articles" / "a.md").write_text(
        "---\ntitle: ب\ndate: 2023-09-13\n---\nنص\n", "utf-8"
    )
    changed = read_saved(config, first.parsed)
    assert changed.parsed.keys().isdisjoint(first.parsed.keys())
    assert [article.title for article in changed.articles] == ["ب"]


def test_an_article_dated_with_a_time_has_one_and_one_dated_by_day_has_none(
    tmp_path: Path,
) -> None:
    dated = {
        "by-day.md": "---\ntitle: يوم\ndate: 2023-09-13\n---\n",
        "at-noon.md": "---\ntitle: ظهر\ndate: 2023-09-13T12:00:00+03:00\n---\n",
        "at-midnight.md": "---\ntitle: منتصف\ndate: 2023-09-13T00:00\n---\n",
    }
    articles, _ = read_saved_articles(load_config(_site(tmp_path, dated)))
    assert {article.title: article.timed for article in articles} == {
        "يوم": False,
        "ظهر": True,
        "منتصف": True,
    }


def test_files_parsed_by_workers_read_as_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles, problems and their order, with a broken file and a cached one among them."""
    files = {case["name"].replace(" ", "-") + ".md": case["text"] for case in CASES}
    files |= {
        f"sub/story-{n}.md": f"---\ntitle: خبر {n}\ndate: 2023-09-1{n % 10}\n---\nنص *{n}*.\n"
        for n in range(30)
    }
    config = load_config(_site(tmp_path, files))
    alone = read_saved(config, {})
    some_known = dict(list(alone.parsed.items())[::3])
    monkeypatch.setattr(articles, "PARALLEL_FROM", 1)
    monkeypatch.setattr(workers, "cores", lambda: 2)
    shared = read_saved(config, some_known)
    assert shared.articles == alone.articles and len(alone.articles) >= 30
    assert shared.problems == alone.problems and alone.problems
    assert shared.parsed == alone.parsed
