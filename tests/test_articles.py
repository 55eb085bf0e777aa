from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from generator.articles import read_saved_articles
from generator.config import load_config

CASES = yaml.safe_load(
    (Path(__file__).parent / "cases" / "front_matter_errors.yaml").read_text("utf-8")
)


def _site(tmp_path: Path, articles: dict[str, str]) -> Path:
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
    site = _site(tmp_path, {"sub/my-story.md": text})
    (article,), problems = read_saved_articles(load_config(site))
    assert article.id == "sub/my-story"
    assert article.slug == "my-story"
    assert article.title == "عنوان مقلوب"
    # a date without an offset is midnight in the site's time zone (UTC+3)
    assert article.published == datetime(2023, 9, 12, 21, 0, tzinfo=UTC)
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
