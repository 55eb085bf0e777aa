"""Saved articles: Markdown files with YAML front matter under ``content/articles/``.

These are the curator's own files: they are read, never written. A broken file is
reported with its line and skipped, so one typo never costs the rest of the site.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import markdown

from . import frontmatter
from .config import SiteConfig
from .localize import text_direction
from .model import Article
from .problems import Problem
from .sanitize import clean_html, clean_text, html_to_text
from .slugs import slugify

_SUMMARY_WORDS = 45


def read_saved_articles(config: SiteConfig) -> tuple[tuple[Article, ...], tuple[Problem, ...]]:
    """Every readable article under ``content/articles/``, and a problem for each other one."""
    folder = config.content_dir / "articles"
    articles: list[Article] = []
    problems: list[Problem] = []
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else ():
        origin = path.relative_to(config.root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            problems.append(Problem(origin, None, f"the file is not UTF-8 text ({error.reason})"))
            continue
        article_id = path.relative_to(folder).with_suffix("").as_posix()
        try:
            article, warnings = parse_saved_article(text, article_id, origin, config)
        except frontmatter.FrontMatterError as error:
            problems.append(Problem(origin, error.line, error.message))
            continue
        articles.append(article)
        problems.extend(warnings)
    return tuple(articles), tuple(problems)


def parse_saved_article(
    text: str, article_id: str, origin: str, config: SiteConfig
) -> tuple[Article, tuple[Problem, ...]]:
    """One saved article from its text; raises FrontMatterError for a file it cannot use."""
    front = frontmatter.read(text, origin)
    warnings = list(front.warnings)
    title = clean_text(front.required_text("title"))
    published = front.moment("date", config.tz)
    lang = front.text("lang") or config.language
    direction = front.text("dir") or text_direction(lang)
    url = front.text("url")
    if url and urlsplit(url).scheme not in {"http", "https"}:
        warnings.append(
            Problem(
                origin,
                front.line("url"),
                "'url' should start with http:// or https://",
                "the link to the original was left out",
            )
        )
        url = ""
    body_html = clean_html(markdown.markdown(front.body, extensions=["extra", "sane_lists"]))
    return Article(
        id=article_id,
        slug=slugify(Path(article_id).name) or slugify(title),
        title=title,
        published=published,
        source=clean_text(front.text("source")),
        origin=origin,
        url=url,
        body_html=body_html,
        summary=summarize(html_to_text(body_html)),
        lang=lang,
        dir=direction if direction in {"rtl", "ltr"} else text_direction(lang),
        given_tags=front.text_list("tags"),
        explicit_related=front.text_list("related"),
    ), tuple(warnings)


def summarize(text: str, words: int = _SUMMARY_WORDS) -> str:
    """The first words of a text, cut at a word boundary, for digest listings."""
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")
