"""The search index: Pagefind run over the article pages as the build writes them.

Pagefind indexes built HTML, so the index is made from the pages themselves: each
article page (the only pages whose template marks their content with
``data-pagefind-body``) is copied to a temporary folder as it passes on to be written,
and once every page is made Pagefind's bundled binary indexes that folder; its bundle is
then written under ``pagefind/`` like any other output, so a failed index leaves the
previous site as it was.

Pagefind matches words as written, and Arabic writes one word many ways (أ or ا, ة or
ه, with or without diacritics). The copy given to Pagefind, never the published page,
gets the article's words in ``match_key`` form, and without the article ال, so a query
folded the same way in the browser (``static/search.js``) finds them. The copy also
carries the article's filters: source, section and month.
"""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import itertools
import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from . import urls
from .digests import category_sections, section_of
from .model import Article, OutputFile, Site, Story
from .normalize import match_keys, written_words
from .problems import BuildError
from .textindex import article_text

SEARCH_PATH = "search/"
BUNDLE_DIR = "pagefind"
FINGERPRINT = "digest-pages.sha256"  # in the bundle: what its index was made from
_PRODUCER = "search.pagefind"
_BODY_MARK = b"data-pagefind-body"
_BODY_OPEN = re.compile(rb"<([a-z]+)\b[^>]*\bdata-pagefind-body\b[^>]*>")
_META, _META_IGNORED = b'<p class="meta">', b'<p class="meta" data-pagefind-ignore>'  # the theme's
# The article ال as written joined to a word, alone or after و ف ب ك ل (ل + ال is لل).
_ARTICLE = ("وال", "فال", "بال", "كال", "ال", "لل")
_MIN_STEM = 3  # ال is only taken off a word that keeps this many letters


def folded_words(text: str) -> tuple[str, ...]:
    """The words of the text a folded query may ask for but Pagefind would not find as
    written: each word's match key where it differs, and the key without ال (and the
    و ف ب ك ل written before it)."""
    found: dict[str, None] = {}
    words = [word for word in written_words(text) if word]
    for word, key in zip(words, match_keys(words), strict=True):
        if key != word.casefold():
            found[key] = None
        article = next((form for form in _ARTICLE if key.startswith(form)), "")
        if article and len(key) - len(article) >= _MIN_STEM:
            found[key[len(article) :]] = None
    return tuple(found)


def index_copy(
    page: bytes, article: Article, section: str | None, labels: Mapping[str, str]
) -> bytes:
    """The article page as Pagefind reads it: its marked content ends with the folded
    words (at the end, so that a result's excerpt shows the article's own text), the
    line of date and source is left out of the text (no excerpt starts «تاريخ النشر»),
    and the filters (named in the site's language) are in an element Pagefind reads but
    does not index as text."""
    opening = _BODY_OPEN.search(page)
    if opening is None:
        return page
    closing = page.rfind(b"</" + opening[1] + b">")
    if closing < opening.end():
        closing = opening.end()
    words = " ".join(folded_words(f"{article.title}\n{article_text(article)}"))
    filters = [(labels["source"], article.source), (labels["search_section"], section or ""),
               (labels["search_month"], article.published.strftime("%Y-%m"))]  # fmt: skip
    extra = "".join(
        f'<span data-pagefind-filter="{html.escape(name)}">{html.escape(value)}</span>'
        for name, value in filters
        if value
    )
    content = page[opening.end() : closing].replace(_META, _META_IGNORED, 1)
    added = f"<div data-pagefind-ignore>{extra}</div><p>{html.escape(words)}</p>"
    return page[: opening.end()] + content + added.encode() + page[closing:]


def has_search(site: Site) -> bool:
    """Whether the site has a search page and its index: unless ``search: false``, and
    only once there is an article to find."""
    return site.config.search and bool(site.articles)


def with_search_index(
    made: Iterable[tuple[str, Iterable[OutputFile]]], site: Site
) -> Iterator[tuple[str, Iterable[OutputFile]]]:
    """The outputs as they are, each article page also kept for Pagefind, then the index
    made from those pages as one more output (none for a site without ``has_search``)."""
    if not has_search(site):
        yield from made
        return
    by_file = {urls.file_for(urls.article_path(a.slug)): a for a in site.articles.values()}
    by_category = category_sections(site.config.sections)
    with tempfile.TemporaryDirectory(prefix="digest-search-") as folder:
        pages = Path(folder) / "pages"
        folders: set[Path] = set()  # made so far: one mkdir a folder, not one a page
        for producer, files in made:
            yield producer, _kept(files, pages, folders, by_file, site, by_category)
        fingerprint = _fingerprint(pages, site.config.language)
        published = site.config.output_dir / BUNDLE_DIR
        if _read_text(published / FINGERPRINT) == fingerprint:
            yield _PRODUCER, _published_bundle(published)
        else:
            made_now = _bundle(pages, Path(folder) / BUNDLE_DIR, site.config.language)
            stamp = OutputFile(f"{BUNDLE_DIR}/{FINGERPRINT}", fingerprint.encode())
            yield _PRODUCER, itertools.chain(made_now, (stamp,))


def _fingerprint(pages: Path, language: str) -> str:
    """What the index is made from: every page copy given to Pagefind, the language and
    Pagefind's version. Pagefind orders filter values differently on each run, so the
    published bundle is kept while this is unchanged: a new index of the same pages
    would change bytes in the site (and its git history) for nothing."""
    digest = hashlib.sha256(f"{language}\0{_pagefind_version()}".encode())
    for path in sorted(pages.rglob("*")) if pages.is_dir() else ():
        if path.is_file():
            digest.update(path.relative_to(pages).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii") if not path.is_symlink() else ""
    except (OSError, UnicodeDecodeError):
        return ""


def _published_bundle(published: Path) -> Iterator[OutputFile]:
    for path in sorted(published.rglob("*")):
        if path.is_file() and not path.is_symlink():
            relative = path.relative_to(published).as_posix()
            yield OutputFile(f"{BUNDLE_DIR}/{relative}", path.read_bytes())


def _pagefind_version() -> str:
    try:
        return importlib.metadata.version("pagefind_bin")
    except importlib.metadata.PackageNotFoundError:
        return ""


def _kept(
    files: Iterable[OutputFile],
    pages: Path,
    folders: set[Path],
    by_file: Mapping[str, Article],
    site: Site,
    by_category: Mapping[str, str],
) -> Iterator[OutputFile]:
    for file in files:
        yield file  # written first: a full disk is reported with the site's own file
        article = by_file.get(file.path)
        if article is not None and _BODY_MARK in file.content:
            section = section_of(Story(headline=article.id), site.articles, by_category)
            copy = pages / file.path
            if copy.parent not in folders:
                copy.parent.mkdir(parents=True, exist_ok=True)
                folders.add(copy.parent)
            try:
                copy.write_bytes(index_copy(file.content, article, section, site.labels))
            except OSError as error:  # a full disk: name the page as the user knows it
                where = site.config.output_dir / file.path
                raise OSError(error.errno, error.strerror, where) from error


def _bundle(pages: Path, bundle: Path, language: str) -> Iterator[OutputFile]:
    """Pagefind's bundle for the kept pages, one file at a time. One language for the
    whole index, the site's: the articles of a feed in another language are still found
    from the site's search page."""
    if not pages.is_dir():
        raise BuildError(
            "the search index could not be made: no article page marks its text with "
            "data-pagefind-body; keep that attribute in templates/article.html, or set "
            "search: false in config.yaml"
        )
    command = [
        str(_executable()),
        "--site", str(pages),
        "--output-path", str(bundle),
        "--force-language", language.split("-")[0].lower(),
        "--silent",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise BuildError(
            "the search index could not be made: "
            + (reason[-1] if reason else f"Pagefind stopped with code {done.returncode}")
        )
    for path in sorted(bundle.rglob("*")):
        if path.is_file():
            relative = path.relative_to(bundle).as_posix()
            yield OutputFile(f"{BUNDLE_DIR}/{relative}", path.read_bytes())


def _executable() -> Path:
    """The Pagefind binary that the ``pagefind[bin]`` dependency installs."""
    try:
        from pagefind_bin import get_executable
    except ImportError as error:
        raise BuildError(
            "the search index needs Pagefind: install it with pip install 'pagefind[bin]', "
            "or set search: false in config.yaml"
        ) from error
    return get_executable()
