"""Saved articles: Markdown files with YAML front matter under ``content/articles/``.

These are the curator's own files: they are read, never written. A broken file is
reported with its line and skipped, so one typo never costs the rest of the site.
"""

from __future__ import annotations

import difflib
from datetime import date, datetime, time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import markdown
import yaml

from .config import SiteConfig
from .localize import text_direction
from .model import Article
from .problems import Problem
from .sanitize import clean_html, clean_text, html_to_text
from .slugs import slugify

FRONT_MATTER_FIELDS = ("title", "date", "source", "url", "tags", "related", "lang", "dir")
# Written by `digest import` when a related story took its date or source from the page it
# was saved with: a note for the curator, with no effect on the site.
NOTE_FIELDS = ("date_inherited", "source_inherited")
_FENCE = "---"
_SUMMARY_WORDS = 45


class _FrontMatterError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


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
        except _FrontMatterError as error:
            problems.append(Problem(origin, error.line, error.message))
            continue
        articles.append(article)
        problems.extend(warnings)
    return tuple(articles), tuple(problems)


def parse_saved_article(
    text: str, article_id: str, origin: str, config: SiteConfig
) -> tuple[Article, tuple[Problem, ...]]:
    """One saved article from its text; raises _FrontMatterError for a file it cannot use."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != _FENCE:
        raise _FrontMatterError(
            1,
            "the file should start with a '---' line, then the front"
            " matter (title, date, ...), then another '---' line",
        )
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == _FENCE)
    except StopIteration:
        raise _FrontMatterError(1, "the front matter has no closing '---' line") from None
    node = _compose(lines[1:end])
    fields, warnings = _read_fields(node, origin)
    title = clean_text(_required_text(fields, "title", node))
    published = _parse_date(fields, "date", node, config.tz)
    lang = _text(fields, "lang") or config.language
    direction = _text(fields, "dir") or text_direction(lang)
    url = _text(fields, "url")
    if url and urlsplit(url).scheme not in {"http", "https"}:
        warnings.append(
            Problem(
                origin,
                _line(fields["url"]),
                "'url' should start with http:// or https://",
                "the link to the original was left out",
            )
        )
        url = ""
    body_html = clean_html(
        markdown.markdown("\n".join(lines[end + 1 :]), extensions=["extra", "sane_lists"])
    )
    return Article(
        id=article_id,
        slug=slugify(Path(article_id).name) or slugify(title),
        title=title,
        published=published,
        source=clean_text(_text(fields, "source")),
        origin=origin,
        url=url,
        body_html=body_html,
        summary=summarize(html_to_text(body_html)),
        lang=lang,
        dir=direction if direction in {"rtl", "ltr"} else text_direction(lang),
        given_tags=_text_list(fields, "tags"),
        explicit_related=_text_list(fields, "related"),
    ), tuple(warnings)


def summarize(text: str, words: int = _SUMMARY_WORDS) -> str:
    """The first words of a text, cut at a word boundary, for digest listings."""
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _compose(lines: list[str]) -> yaml.MappingNode:
    try:
        node = yaml.compose("\n".join(lines), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise _FrontMatterError(
            (mark.line if mark else 0) + 2,
            f"the front matter is not valid YAML ({error.problem}); put a title that contains"
            " ':' in quotes",
        ) from None
    if not isinstance(node, yaml.MappingNode):
        raise _FrontMatterError(2, "the front matter should be 'name: value' lines")
    return node


def _line(node: yaml.Node) -> int:
    """The line in the file: the front matter starts on line 2."""
    return node.start_mark.line + 2


def _read_fields(node: yaml.MappingNode, origin: str) -> tuple[dict, list[Problem]]:
    fields: dict[str, yaml.Node] = {}
    warnings: list[Problem] = []
    for key_node, value_node in node.value:
        key = key_node.value
        if key in FRONT_MATTER_FIELDS:
            fields[key] = value_node
            continue
        if key in NOTE_FIELDS:
            continue
        close = difflib.get_close_matches(key, FRONT_MATTER_FIELDS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        warnings.append(Problem(origin, _line(key_node), f"unknown field '{key}'{hint}", "ignored"))
    return fields, warnings


def _text(fields: dict, name: str) -> str:
    node = fields.get(name)
    if node is None:
        return ""
    if not isinstance(node, yaml.ScalarNode):
        raise _FrontMatterError(_line(node), f"'{name}' should be a single value, not a list")
    return node.value.strip()


def _required_text(fields: dict, name: str, node: yaml.Node) -> str:
    value = _text(fields, name)
    if not value:
        raise _FrontMatterError(_line(fields.get(name, node)), f"'{name}' is missing or empty")
    return value


def _text_list(fields: dict, name: str) -> tuple[str, ...]:
    node = fields.get(name)
    if node is None:
        return ()
    if isinstance(node, yaml.ScalarNode):
        items = [part.strip() for part in node.value.replace("،", ",").split(",")]
    elif isinstance(node, yaml.SequenceNode) and all(
        isinstance(item, yaml.ScalarNode) for item in node.value
    ):
        items = [item.value.strip() for item in node.value]
    else:
        raise _FrontMatterError(_line(node), f"'{name}' should be a list like [a, b]")
    return tuple(item for item in items if item)


def _parse_date(fields: dict, name: str, node: yaml.Node, zone: ZoneInfo) -> datetime:
    """ISO 8601; a date or time without an offset is in the site's time zone."""
    text = _required_text(fields, name, node)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise _FrontMatterError(
            _line(fields[name]),
            f"'{text}' is not a date I can read; write it like"
            " 2023-09-13 or 2023-09-13T09:00:00+03:00",
        ) from None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(ZoneInfo("UTC"))
