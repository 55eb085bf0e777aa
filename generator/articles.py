"""Saved articles: Markdown files with YAML front matter under ``content/articles/``.

These are the curator's own files: they are read, never written. A broken file is
reported with its line and skipped, so one typo never costs the rest of the site.

An article names others under ``related:`` by file name, as the curator sees them in the
folder (``Two_Story``, ``Two_Story.md``, ``sub/Two_Story``), or by address (``two-story``).
The names are made article ids here, where every saved file is known: an id never
changes, while an address may still get a suffix when two articles would share it.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

import markdown

from . import __version__, frontmatter, workers
from .config import SiteConfig
from .localfiles import TooLarge, inside_checker, read_limited
from .localize import text_direction
from .model import Article
from .normalize import arabic_letters
from .problems import Problem
from .sanitize import clean_html, clean_text, html_to_text
from .slugs import slugify

_SUMMARY_WORDS = 45
# Fewer files than this to parse are parsed in the build's own process: starting others
# would cost more than it saves.
PARALLEL_FROM = 500
# Bumped whenever a file's text can come out as another Article, Problem or related name:
# a parse kept from an earlier version is then never reused.
PARSE_VERSION = 2


@dataclass(frozen=True, slots=True)
class Parsed:
    """What one file's text gave: an article (and the ``related:`` names it wrote, before
    they are resolved) with its warnings, or no article and the problem that stopped it.
    It depends only on the text, the file's place and the settings in ``parse_key``, so
    a build may keep it and reuse it while those are unchanged."""

    article: Article | None
    related: tuple[frontmatter.Entry, ...]  # the names as written, with their lines
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class SavedArticles:
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]
    parsed: Mapping[str, Parsed]  # every file's parse by its ``parse_key``


def read_saved_articles(config: SiteConfig) -> tuple[tuple[Article, ...], tuple[Problem, ...]]:
    """Every readable article under ``content/articles/``, and a problem for each other
    one and for each ``related:`` name that is no saved article."""
    saved = read_saved(config, {})
    return saved.articles, saved.problems


def read_saved(config: SiteConfig, known: Mapping[str, Parsed]) -> SavedArticles:
    """As ``read_saved_articles``, reusing the parse in ``known`` of each file whose
    ``parse_key`` is there: parsing (YAML, Markdown, sanitizing) is most of a build's
    reading, and most files are unchanged from one build to the next."""
    folder = config.content_dir / "articles"
    problems: list[Problem] = []
    in_order: list[str | Problem] = []  # each file's parse key, or the problem reading it
    to_parse: dict[str, tuple[str, str, str]] = {}  # key: text, article id, origin
    in_content = inside_checker(config.content_dir)
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else ():
        origin = path.relative_to(config.root).as_posix()
        if path.is_symlink() and not path.exists():
            message = (
                "the file is a link to nothing (no such file, or links in a loop): not published"
            )
            in_order.append(Problem(origin, None, message))
            continue
        if not in_content(path):
            message = "the file is a link to a file outside the content folder: not published"
            in_order.append(Problem(origin, None, message))
            continue
        try:
            data = read_limited(path, config.max_file_bytes)
            text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        except TooLarge:
            message = (
                f"the file is larger than {config.max_file_mib} MiB, "
                "the limit set by 'max_file_mib' in config.yaml"
            )
            in_order.append(Problem(origin, None, message))
            continue
        except UnicodeDecodeError as error:
            in_order.append(Problem(origin, None, f"the file is not UTF-8 text ({error.reason})"))
            continue
        article_id = path.relative_to(folder).with_suffix("").as_posix()
        key = parse_key(data, article_id, config)
        in_order.append(key)
        if key not in known:
            to_parse[key] = (text, article_id, origin)
    parsed_now = dict(
        zip(
            to_parse,
            workers.mapped(
                _parse_job,
                (config, _markdown_converter()),
                list(to_parse.values()),
                at_least=PARALLEL_FROM,
            ),
            strict=True,
        )
    )
    parsed: dict[str, Parsed] = {}
    for entry in in_order:
        if isinstance(entry, Problem):
            problems.append(entry)
        else:
            parsed[entry] = known.get(entry) or parsed_now[entry]
            problems.extend(parsed[entry].problems)
    read = [(item.article, item.related) for item in parsed.values() if item.article]
    articles, link_problems = _resolve_related(read)
    return SavedArticles(articles, (*problems, *link_problems), MappingProxyType(parsed))


def parse_key(data: bytes, article_id: str, config: SiteConfig) -> str:
    """A name for everything a file's parse depends on: its bytes, its place under
    ``content/articles/`` (the article's id and origin), the settings parsing reads, and
    the versions of the parser and of Markdown."""
    digest = hashlib.sha256()
    for part in (
        PARSE_VERSION,
        __version__,
        markdown.__version__,
        config.language,
        config.timezone,
        article_id,
    ):
        digest.update(str(part).encode("utf-8") + b"\0")
    digest.update(data)
    return digest.hexdigest()


def _parse_file(
    text: str, article_id: str, origin: str, config: SiteConfig, converter: markdown.Markdown
) -> Parsed:
    try:
        return _parse(text, article_id, origin, config, converter)
    except frontmatter.FrontMatterError as error:
        return Parsed(None, (), (Problem(origin, error.line, error.message),))


def _parse_job(shared: tuple[SiteConfig, markdown.Markdown], job: tuple[str, str, str]) -> Parsed:
    config, converter = shared
    text, article_id, origin = job
    return _parse_file(text, article_id, origin, config, converter)


def _markdown_converter() -> markdown.Markdown:
    """One converter for every file of a build: making one loads its extensions, a good
    share of the time a file takes. ``reset`` before each file forgets the last one's link
    definitions, footnotes and abbreviations."""
    return markdown.Markdown(extensions=["extra", "sane_lists"])


def _parse(
    text: str, article_id: str, origin: str, config: SiteConfig, converter: markdown.Markdown
) -> Parsed:
    """One saved article from its text; raises FrontMatterError for a file it cannot use."""
    front = frontmatter.read(text, origin)
    warnings = list(front.warnings)
    title = clean_text(front.required_text("title"))
    published = front.moment("date", config.tz)
    lang = front.text("lang") or config.language
    title = arabic_letters(title, lang)  # and the address below: الکتاب is الكتاب
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
    body_html = clean_html(converter.reset().convert(front.body))
    article = Article(
        id=article_id,
        slug=slugify(arabic_letters(Path(article_id).name, lang)) or slugify(title),
        title=title,
        published=published,
        timed=front.has_time("date"),
        source=clean_text(front.text("source")),
        origin=origin,
        url=url,
        body_html=body_html,
        summary=summarize(html_to_text(body_html)),
        lang=lang,
        dir=direction if direction in {"rtl", "ltr"} else text_direction(lang),
        given_tags=front.text_list("tags"),
    )
    return Parsed(article, front.entries("related"), tuple(warnings))


def _resolve_related(
    read: Sequence[tuple[Article, tuple[frontmatter.Entry, ...]]],
) -> tuple[tuple[Article, ...], tuple[Problem, ...]]:
    """Each article with ``explicit_related`` set to the ids its names resolve to, and a
    problem for each name that resolves to no article, or to more than one."""
    if not any(related for _, related in read):  # the index of every name is not needed
        return tuple(article for article, _ in read), ()
    names = _NameIndex([article for article, _ in read])
    origins = {article.id: article.origin for article, _ in read}
    articles: list[Article] = []
    problems: list[Problem] = []
    for article, related in read:
        ids: list[str] = []
        for entry in related:
            found = names.lookup(entry.value)
            if len(found) == 1:
                ids.extend(found)
                continue
            if found:
                files = ", ".join(origins[i] for i in found)
                message = (
                    f"'related' names '{entry.value}', which could be any of {files};"
                    f" write its file name as it is in the folder, like '{found[0]}'"
                )
            else:
                message = (
                    f"'related' names '{entry.value}', but there is no saved article"
                    " with that file name"
                )
            problems.append(Problem(article.origin, entry.line, message, "the link was left out"))
        articles.append(replace(article, explicit_related=tuple(dict.fromkeys(ids))))
    return tuple(articles), tuple(problems)


class _NameIndex:
    """Article ids by the names a curator may give them, most exact first: the path under
    ``content/articles/``, the file name alone, then the address either makes."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self._levels: tuple[defaultdict[str, list[str]], ...] = tuple(
            defaultdict(list) for _ in range(3)
        )
        path, name, address = self._levels
        for article in articles:
            path[_nfc(article.id)].append(article.id)
            name[_nfc(Path(article.id).name)].append(article.id)
            for slug in dict.fromkeys((article.slug, slugify(article.id))):
                address[slug].append(article.id)

    def lookup(self, name: str) -> tuple[str, ...]:
        """The ids the most exact matching kind of name gives: one, several, or none."""
        written = _nfc(name.strip())
        if written[-3:].lower() == ".md":
            written = written[:-3]
        keys = (written, written, slugify(written))
        for level, key in zip(self._levels, keys, strict=True):
            found = level.get(key)
            if found:
                return tuple(found)
        return ()


def _nfc(text: str) -> str:
    """One spelling of a name: a file name on disk may be decomposed (macOS) or not."""
    return unicodedata.normalize("NFC", text)


def summarize(text: str, words: int = _SUMMARY_WORDS) -> str:
    """The first words of a text, cut at a word boundary, for digest listings."""
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")
