"""``digest import``: saved news pages, HTML pages and URLs made into saved articles.

Each input is read (a file, or a URL fetched once), turned into one article plus one
per ``إقرأ أيضاً`` story, checked against the articles already in ``content/articles/``
and written as Markdown with YAML front matter. The curator's folder is never put at
risk: an existing file is never overwritten (files are created exclusively), an article
already there is reported instead of written again, and ``--dry-run`` writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from pathlib import Path
from urllib.parse import urlsplit

import charset_normalizer
import trafilatura

from . import frontmatter
from .articles import read_saved_articles
from .config import SiteConfig
from .dates import DateError, parse_date
from .fetch import FetchPolicy, FetchRequest, fetch_all, site_policy
from .normalize import arabic_letters, tokenize
from .problems import Problem
from .report import Count, Report
from .saved_page import PageError, SavedPage, parse_saved_page, split_keywords
from .slugs import short_hash, slugify

_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)")
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)",
                         re.IGNORECASE | re.DOTALL)  # fmt: skip
_HTML_LANG = re.compile(rb"<html\b[^>]*?\slang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)")
# htmldate returns a date with its time when the page gives one, and nothing it guessed.
_DATE_EXTRACTION = {"outputformat": "%Y-%m-%dT%H:%M:%S%z", "original_date": True,
                    "extensive_search": False}  # fmt: skip
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]])")
_MARKDOWN_BLOCK_START = re.compile(r"^(?:[#>+=|-]|\d+(?=[.)](?:\s|$)))")
_HTML_LIKE = re.compile(r"<(?=[A-Za-z/!?])|&(?=#?\w+;)")


class ImportFailure(Exception):
    """Why one input could not be imported, in words for the curator."""


@dataclass(frozen=True, slots=True)
class ImportedArticle:
    """An article about to be saved; ``*_inherited`` mark values taken from the main story."""

    title: str
    published: datetime
    source: str
    paragraphs: tuple[str, ...]
    tags: tuple[str, ...] = ()
    url: str = ""
    lang: str = ""
    date_inherited: bool = False
    source_inherited: bool = False


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str  # after redirects
    content: bytes
    content_type: str = ""
    encoding: str = ""  # as the server declared it


@dataclass(frozen=True, slots=True)
class _Known:
    """An article already in ``content/articles/``."""

    name: str  # its id, the exact name ``related:`` gives it
    path: Path
    url: str
    title_key: str
    day: date


@dataclass(frozen=True, slots=True)
class _Planned:
    article: ImportedArticle
    name: str  # for ``related:``: the article's id
    path: Path
    existing: bool  # already imported: ``path`` is the file that has it
    related: tuple[str, ...] = ()


def run_import(
    config: SiteConfig,
    inputs: Sequence[str],
    *,
    dry_run: bool = False,
    echo: Callable[[str], None] = print,
) -> int:
    """Import every input, tell what became of each, and return the exit code: an input
    that could not be imported is a problem, and makes it 1."""
    folder = config.content_dir / "articles"
    known = _known_articles(config)
    failures: list[Problem] = []
    written = 0
    for name in inputs:
        echo(name)
        try:
            articles, notes = read_input(name, config)
            planned = _plan(articles, folder, known, config.tz)
            main, *related = planned
            if main.existing and any(not item.existing for item in related):
                notes.append(f"{_shown(main.path, config)} is left unchanged, so it does not"
                             " link to its new related stories")  # fmt: skip
            for note in notes:
                echo(f"  {note}")
            for item in planned:
                _report(item, config, dry_run, echo)
                if not item.existing and not dry_run:
                    _write_new(item.path, render_article(item.article, item.related))
            written += sum(not item.existing for item in planned)
            known += tuple(_known(item, config.tz) for item in planned if not item.existing)
        except ImportFailure as failure:
            echo(f"  failed: {failure}")
            failures.append(Problem(name, None, str(failure), "not imported"))
    imported = len(inputs) - len(failures)
    done = "to write" if dry_run else "written"
    return Report(
        f"{'Read' if dry_run else 'Imported'} {imported} of {Count(len(inputs), 'input')}",
        (Count(written, f"article {done}", f"articles {done}"),),
        tuple(failures),
        strict=True,
    ).show(write=echo)


def read_input(name: str, config: SiteConfig) -> tuple[tuple[ImportedArticle, ...], list[str]]:
    """The articles of one input (a file or an http(s) URL), and notes for the report."""
    notes: list[str] = []
    if urlsplit(name).scheme in {"http", "https"}:
        fetched = fetch_page(name, site_policy(config))
        is_html = "html" in fetched.content_type or (
            "text/plain" not in fetched.content_type and _HTML_START.match(fetched.content)
        )
        data, url = fetched.content, fetched.url
        declared = fetched.encoding
    else:
        try:
            data = Path(name).read_bytes()
        except OSError as error:
            raise ImportFailure(f"cannot read the file ({error.strerror})") from None
        is_html = Path(name).suffix.lower() in _HTML_SUFFIXES or bool(_HTML_START.match(data))
        url, declared = "", ""
    if is_html:
        page, url, lang = _html_page(data, url, declared)
    else:
        text, encoding = decode_text(data, declared)
        if encoding != "utf-8":
            notes.append(f"read as {encoding} text")
        page, lang = _parse(text), ""
    articles, skipped = page_articles(
        page, config.tz, url=url, lang=lang, site_language=config.language
    )
    notes.extend(f"related story without text, not saved: {title}" for title in skipped)
    return articles, notes


def fetch_page(url: str, policy: FetchPolicy) -> FetchedPage:
    """One page over HTTP with the feeds' polite settings (User-Agent, timeouts, retries,
    size limit checked while reading, redirects followed). The address is the person's own
    choice, typed on the command line, so it may be a private one, like its redirects."""
    (result,) = fetch_all([FetchRequest(url, allow_private=True)], policy)
    if result.error:
        raise ImportFailure(f"cannot fetch the page: {result.error}")
    if result.status != 200:
        raise ImportFailure(f"the server answered {result.status}")
    content_type = result.headers.get("content-type", "").lower()
    charset = _CHARSET.search(content_type)
    return FetchedPage(
        url=result.final_url or url,
        content=result.content,
        content_type=content_type,
        encoding=charset[1] if charset else "",
    )


def decode_text(data: bytes, declared: str = "") -> tuple[str, str]:
    """The text of a file and the encoding it was read with: a byte order mark, the
    declared encoding, UTF-8, or else what charset-normalizer recognizes (windows-1256
    is still common for saved Arabic pages)."""
    if not data.strip():
        raise ImportFailure("the file is empty")
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return data[len(mark) :].decode(encoding, errors="replace"), encoding
    if b"\x00" in data:
        raise ImportFailure("this is not a text file (it contains binary data)")
    for encoding in (declared, "utf-8"):
        try:
            return data.decode(encoding), encoding if encoding else "utf-8"
        except (LookupError, UnicodeDecodeError):
            continue
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise ImportFailure("the text encoding is not recognized; save the page as UTF-8")
    return str(best), best.encoding


def page_articles(
    page: SavedPage, tz: tzinfo, *, url: str = "", lang: str = "", site_language: str = ""
) -> tuple[tuple[ImportedArticle, ...], list[str]]:
    """The main story and its related stories as articles, and the headlines of related
    stories skipped because they have no text (a bare list of links).

    A headline in Arabic (the page's language, or else the site's) is written in Arabic
    letters, so that the file name and the address made from it are too: الکتاب, typed
    on a Persian keyboard, becomes الكتاب.
    """
    text_language = lang or site_language
    if not page.paragraphs:
        raise ImportFailure(f"no text under the headline {page.title!r}")
    if not page.date:
        raise ImportFailure(
            "no publication date: add a line like 'تاريخ النشر: 2023-09-13' under the headline"
        )
    main = ImportedArticle(
        title=arabic_letters(page.title, text_language),
        published=_date(page.date, tz),
        source=page.source,
        paragraphs=page.paragraphs,
        tags=_tags(page),
        url=url,
        lang=lang,
    )
    related = tuple(
        ImportedArticle(
            title=arabic_letters(story.title, text_language),
            published=_date(story.date, tz) if story.date else main.published,
            source=story.source or main.source,
            paragraphs=story.paragraphs,
            tags=_tags(story),
            lang=lang,
            date_inherited=not story.date,
            source_inherited=not story.source and bool(main.source),
        )
        for story in page.related
        if story.paragraphs
    )
    return (main, *related), [story.title for story in page.related if not story.paragraphs]


def _date(text: str, tz: tzinfo) -> datetime:
    try:
        return parse_date(text, tz)
    except DateError as error:
        raise ImportFailure(str(error)) from None


def _tags(story: SavedPage) -> tuple[str, ...]:
    if not story.keywords:
        return ()
    return split_keywords(story.keywords, (*story.paragraphs, story.title))


def _parse(text: str) -> SavedPage:
    try:
        return parse_saved_page(text)
    except PageError as error:
        raise ImportFailure(str(error)) from None


def _html_page(data: bytes, url: str, declared: str) -> tuple[SavedPage, str, str]:
    """The page's article as a saved page, its address and its language.

    trafilatura finds the article text and the metadata; the text then goes through the
    saved-page reader, so a keyword line or an ``إقرأ أيضاً`` block inside it is
    recognized as in a saved text page, and the metadata fills in what the text lacks.
    """
    if not data.strip():
        raise ImportFailure("the file is empty")
    html: bytes | str = data
    if declared:
        html = data.decode(declared, errors="replace")
    document = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params=_DATE_EXTRACTION,
    )
    if document is None or not (document.text or "").strip():
        raise ImportFailure("no article text found in the page")
    page = _parse("\n".join(filter(None, (document.title, document.text))))
    page = replace(
        page,
        date=page.date or document.date or "",
        source=page.source or document.sitename or document.author or document.hostname or "",
        keywords=page.keywords or ", ".join(document.tags or ()),
    )
    canonical = document.url or ""
    if not url and urlsplit(canonical).scheme in {"http", "https"}:
        url = canonical
    lang = _HTML_LANG.search(data[:4096])
    return page, url, lang[1].decode("ascii").lower() if lang else ""


def render_article(article: ImportedArticle, related: Sequence[str] = ()) -> str:
    """The saved-article file: the fields that have a value (and ``tags``, even empty,
    for the curator to fill in), then the paragraphs in Markdown."""
    fields: dict[str, object] = {
        "title": article.title,
        "date": article.published,
        "source": article.source,
        "url": article.url,
        "tags": list(article.tags),
        "related": list(related),
        "lang": article.lang,
        "date_inherited": article.date_inherited,
        "source_inherited": article.source_inherited,
    }
    kept = {key: value for key, value in fields.items() if value or key == "tags"}
    body = "\n\n".join(markdown_paragraph(paragraph) for paragraph in article.paragraphs)
    return frontmatter.write(kept, body)


def markdown_paragraph(text: str) -> str:
    """Plain text as a Markdown paragraph that renders as the same text."""
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    text = _HTML_LIKE.sub(lambda match: "&lt;" if match[0] == "<" else "&amp;", text)
    start = _MARKDOWN_BLOCK_START.match(text)
    if start is None:
        return text
    if start[0].isdigit():
        return f"{start[0]}\\{text[start.end() :]}"
    return f"\\{text}"


def _known_articles(config: SiteConfig) -> tuple[_Known, ...]:
    """What is already saved, to recognize a page imported before (unreadable files are
    the build's to report; their names are still taken, see ``_free_path``)."""
    articles, _ = read_saved_articles(config)
    folder = config.content_dir / "articles"
    return tuple(
        _Known(
            name=article.id,
            path=folder / f"{article.id}.md",
            url=_url_key(article.url),
            title_key=_title_key(article.title),
            day=article.published.astimezone(config.tz).date(),
        )
        for article in articles
    )


def _known(item: _Planned, tz: tzinfo) -> _Known:
    return _Known(
        name=item.name,
        path=item.path,
        url=_url_key(item.article.url),
        title_key=_title_key(item.article.title),
        day=item.article.published.astimezone(tz).date(),
    )


def _title_key(title: str) -> str:
    """The title's words only: quote marks and punctuation vary between copies."""
    return " ".join(tokenize(title))


def _url_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}?{parts.query}" if url else ""


def _plan(
    articles: Sequence[ImportedArticle], folder: Path, known: Sequence[_Known], tz: tzinfo
) -> tuple[_Planned, ...]:
    """Where each article goes (or is already), the main one and its related stories
    naming each other."""
    taken = {Path(item.name).name for item in known}
    placed: list[_Planned] = []
    for article in articles:
        match = _find(article, known, tz)
        if match is not None:
            placed.append(_Planned(article, match.name, match.path, existing=True))
            continue
        path = _free_path(article, folder, taken)
        taken.add(path.stem)
        placed.append(_Planned(article, path.stem, path, existing=False))
    main, *related = placed
    return (
        replace(main, related=tuple(item.name for item in related)),
        *(replace(item, related=(main.name,)) for item in related),
    )


def _find(article: ImportedArticle, known: Sequence[_Known], tz: tzinfo) -> _Known | None:
    url = _url_key(article.url)
    title_key = _title_key(article.title)
    day = article.published.astimezone(tz).date()
    return next(
        (
            item
            for item in known
            if (url and item.url == url) or (item.title_key == title_key and item.day == day)
        ),
        None,
    )


def _free_path(article: ImportedArticle, folder: Path, taken: set[str]) -> Path:
    """A new file for the article, named by its title; a hash of title and date tells it
    apart from a different article with the same title."""
    base = slugify(article.title)
    slug, attempt = base, 0
    while slug in taken or (folder / f"{slug}.md").exists():
        attempt += 1
        slug = f"{base}-{short_hash(f'{article.title}|{article.published.isoformat()}|{attempt}')}"
    path = folder / f"{slug}.md"
    if "/" in slug or "\\" in slug or not path.resolve().is_relative_to(folder.resolve()):
        raise ImportFailure(f"cannot make a safe file name from the title {article.title!r}")
    return path


def _report(item: _Planned, config: SiteConfig, dry_run: bool, echo: Callable[[str], None]) -> None:
    article = item.article
    where = _shown(item.path, config)
    inherited = " (from the main story)"
    echo(f"  {article.title}")
    echo(f"    date: {article.published.isoformat()}{inherited if article.date_inherited else ''}")
    if article.source:
        echo(f"    source: {article.source}{inherited if article.source_inherited else ''}")
    echo(f"    tags: {'، '.join(article.tags) if article.tags else '(none)'}")
    if item.existing:
        echo(f"    already imported: {where} (left unchanged)")
    elif dry_run:
        echo(f"    would write {where}:")
        for line in render_article(article, item.related).splitlines():
            echo(f"      {line}")
    else:
        echo(f"    wrote {where}")


def _shown(path: Path, config: SiteConfig) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return path.as_posix()


def _write_new(path: Path, text: str) -> None:
    """Create the file, failing rather than replacing one that appeared meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except FileExistsError:
        raise ImportFailure(
            f"{path.name} appeared while importing; it was left unchanged"
        ) from None
    except OSError as error:
        raise ImportFailure(f"cannot write {path.name} ({error.strerror})") from None
