"""The search index: Pagefind run over the article pages as the build writes them.

Pagefind indexes built HTML, so the index is made from the pages themselves: each
article page (the only pages whose template marks their content with
``data-pagefind-body``) is copied, in a folder the site's cache keeps, as it passes on
to be written, and once every page is made Pagefind's bundled binary indexes that folder,
a bundle of days at a time; the bundles are then written under ``pagefind/`` like any
other output, so a failed index leaves the previous site as it was.

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
import json
import queue
import re
import subprocess
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import tzinfo
from pathlib import Path

from . import urls
from .digests import category_sections, section_of
from .model import Article, OutputFile, Site, Story
from .normalize import match_keys, written_words
from .pagecache import kept_bytes
from .problems import BuildError
from .textindex import article_text

SEARCH_PATH = "search/"
BUNDLE_DIR = "pagefind"
FINGERPRINT = "digest-pages.sha256"  # in the bundle: what its index was made from
COPIES_DIR = "search-pages"  # under the site's cache: the pages as Pagefind reads them
# Articles a bundle of the index takes before the next begins (in whole days): Pagefind
# needs about 150 KB of memory an article it indexes at once, and a reader's browser
# fetches each bundle's entry and WebAssembly (about 70 KB) on the first query.
_BUNDLE_ARTICLES = 5000
_PRODUCER = "search.pagefind"
_BODY_MARK = b"data-pagefind-body"
_BODY_OPEN = re.compile(rb"<([a-z]+)\b[^>]*\bdata-pagefind-body\b[^>]*>")
_META, _META_IGNORED = b'<p class="meta">', b'<p class="meta" data-pagefind-ignore>'  # the theme's
# The theme's list of an article's tags: left out of the copy, as tags and whether each has
# a page move with the whole site (see ``index_copy``).
_TAG_LIST = re.compile(rb'<ul class="tags">.*?</ul>\n?', re.DOTALL)
_COPY_START = b'<!doctype html>\n<html><head><meta charset="utf-8"></head><body>\n'
_COPY_END = b"\n</body></html>\n"
# The article ال as written joined to a word, alone or after و ف ب ك ل (ل + ال is لل).
_ARTICLE = re.compile("وال|فال|بال|كال|ال|لل")
_MIN_STEM = 3  # ال is only taken off a word that keeps this many letters


def folded_words(text: str) -> tuple[str, ...]:
    """The words of the text a folded query may ask for but Pagefind would not find as
    written: each word's match key where it differs, and the key without ال (and the
    و ف ب ك ل written before it)."""
    found: dict[str, None] = {}
    words = [word for word in dict.fromkeys(written_words(text)) if word]  # each once
    for word, key in zip(words, match_keys(words), strict=True):
        if key != word.casefold():
            found[key] = None
        article = _ARTICLE.match(key)
        if article and len(key) - article.end() >= _MIN_STEM:
            found[key[article.end() :]] = None
    return tuple(found)


def index_copy(
    page: bytes, article: Article, section: str | None, labels: Mapping[str, str]
) -> bytes:
    """The article page as Pagefind reads it: its marked content alone, ending with the
    folded words (at the end, so that a result's excerpt shows the article's own text);
    the line of date and source is left out of the text (no excerpt starts «تاريخ
    النشر»), and the filters (named in the site's language) are in an element Pagefind
    reads but does not index as text.

    What changes with other articles is left out, so that a new article does not make the
    bundles of older ones again: the rest of the page (related stories, menus), and the
    list of tags (an older article's tags, and which of them have a page, move with every
    article added; they are the article's own words, or its tag pages list it)."""
    opening = _BODY_OPEN.search(page)
    if opening is None:
        return page
    closing = page.rfind(b"</" + opening[1] + b">")  # the marked element's end
    if closing < opening.end():
        closing = opening.end()
    words = " ".join(folded_words(f"{article.title}\n{article_text(article)}"))
    filters = [(labels["source"], article.source), (labels["search_section"], section or ""),
               (labels["search_month"], month_of(article))]  # fmt: skip
    extra = "".join(
        f'<span data-pagefind-filter="{html.escape(name)}">{html.escape(value)}</span>'
        for name, value in filters
        if value
    )
    content = _TAG_LIST.sub(b"", page[opening.end() : closing].replace(_META, _META_IGNORED, 1))
    added = f"<div data-pagefind-ignore>{extra}</div><p>{html.escape(words)}</p>"
    end = b"</" + opening[1] + b">"
    return b"".join((_COPY_START, opening[0], content, added.encode(), end, _COPY_END))


def has_search(site: Site) -> bool:
    """Whether the site has a search page and its index: unless ``search: false``, and
    only once there is an article to find."""
    return site.config.search and bool(site.articles)


def bundle_paths(site: Site) -> tuple[str, ...]:
    """The site paths of the index's bundles, newest first: the search page opens the
    first and merges the others into it."""
    names = sorted(set(bundle_of_day(site).values()), reverse=True)
    return tuple(f"{BUNDLE_DIR}/{name}/" for name in names)


def bundle_of_day(site: Site) -> dict[str, str]:
    """Each day of the site's articles → its bundle (see ``grouped_days``)."""
    counts = Counter(day_of(article, site.config.tz) for article in site.articles.values())
    return grouped_days(counts, _BUNDLE_ARTICLES)


def grouped_days(counts: Mapping[str, int], most: int) -> dict[str, str]:
    """Each day → its bundle, named by the bundle's first day. From the oldest day on, a
    bundle takes whole days until it holds ``most`` articles; the next day starts the
    next bundle. So no bundle holds more than ``most`` and one day's articles, however busy
    a month (the largest bundle sets a build's memory), and new articles, which come in
    the newest days, leave the older bundles as they are."""
    bundle_of: dict[str, str] = {}
    first, held = "", 0
    for day in sorted(counts):
        if not first or held >= most:
            first, held = day, 0
        bundle_of[day] = first
        held += counts[day]
    return bundle_of


def day_of(article: Article, zone: tzinfo) -> str:
    """The day an article is indexed under, ``2023-09-14``, in the site's time zone, as
    its digest pages have it: bundles take whole days."""
    return article.published.astimezone(zone).strftime("%Y-%m-%d")


def month_of(article: Article) -> str:
    """The month a reader filters an article under, ``2023-09``."""
    return article.published.strftime("%Y-%m")


def with_search_index(
    made: Iterable[tuple[str, Iterable[OutputFile]]], site: Site, copies: Path
) -> Iterator[tuple[str, Iterable[OutputFile]]]:
    """The outputs as they are, each article page also kept for Pagefind, then the index
    made from those pages, in bundles of days (none for a site without ``has_search``).

    Bundles, because Pagefind indexes a whole folder at once, in time and memory that grow
    with it: a new or edited article indexes its bundle again, not the site, and the
    largest bundle bounds the memory a build needs.

    ``copies`` is a folder that keeps the pages' copies from one build to the next: a page
    with the key (``OutputFile.made_from``) its copy was made from is not copied again."""
    if not has_search(site):
        yield from made
        return
    kept = _Copies(copies, site)
    with tempfile.TemporaryDirectory(prefix="digest-search-") as scratch:
        indexing = _Indexing(site, kept, Path(scratch))
        try:
            for producer, files in made:
                # each bundle indexed once its last article page has passed: the pages
                # after it and the outputs after the pages are made meanwhile
                yield producer, kept.passing(files, indexing.ready, indexing.start)
                if kept.every_page_passed():
                    indexing.start()  # a site without article pages
            yield _PRODUCER, indexing.files()
        finally:
            indexing.stop()


class _Indexing:
    """The bundles of the index, each Pagefind's run over its pages' copies or, while its
    pages are those it was made from, the published one (Pagefind orders filter values
    differently on each run: a new index of the same pages would change bytes in the
    site, and its git history, for nothing). Pagefind runs over the bundles one after the
    other in a thread of its own, each as soon as its last article page has passed (the
    pages come newest first, so the newest bundle, where new articles go, is first), and
    the other pages and outputs are made meanwhile."""

    def __init__(self, site: Site, kept: _Copies, scratch: Path) -> None:
        self._site = site
        self._kept = kept
        self._scratch = scratch
        self._plan: list[tuple[str, str, bool]] = []  # bundle, fingerprint, published as is
        self._waiting: queue.SimpleQueue[str | None] = queue.SimpleQueue()  # to index
        self._thread = threading.Thread(target=self._index, name="pagefind", daemon=True)
        self._launched = False  # the thread
        self._started = False  # every bundle planned
        self._failure: BaseException | None = None
        self._running: subprocess.Popen[str] | None = None
        self._stopping = False

    def ready(self, bundle: str) -> None:
        """A bundle whose article pages have all passed: indexed, unless it holds no copy
        (no page marks its text) or its pages are those the published index was made of."""
        kept = self._kept
        kept.finish(bundle)
        if bundle not in kept.bundles():
            return
        fingerprint = kept.fingerprint(bundle, self._site.config.language)
        published = _read_text(self._published(bundle) / FINGERPRINT) == fingerprint
        self._plan.append((bundle, fingerprint, published))
        if not published:
            self._launch()
            self._waiting.put(bundle)

    def start(self) -> None:
        """Every article page has passed: nothing more to index."""
        if self._started:
            return
        self._kept.finish()
        if not self._plan:
            raise BuildError(
                "the search index could not be made: no article page marks its text with "
                "data-pagefind-body; keep that attribute in templates/article.html, or set "
                "search: false in config.yaml"
            )
        self._launch()
        self._started = True
        self._waiting.put(None)

    def _launch(self) -> None:
        if not self._launched:
            self._launched = True
            self._thread.start()

    def _published(self, bundle: str) -> Path:
        return self._site.config.output_dir / BUNDLE_DIR / bundle

    def _index(self) -> None:
        try:
            while (bundle := self._waiting.get()) is not None and not self._stopping:
                self._run(self._kept.folder / bundle, self._scratch / bundle)
        except BaseException as failure:  # given to the build when it asks for the files
            self._failure = failure

    def _run(self, pages: Path, bundle: Path) -> None:
        """Pagefind over ``pages``, its bundle in ``bundle``. One language for the whole
        index, the site's: the articles of a feed in another language are still found
        from the site's search page."""
        command = [
            str(_executable()),
            "--site", str(pages),
            "--output-path", str(bundle),
            "--force-language", self._site.config.language.split("-")[0].lower(),
            "--silent",
        ]  # fmt: skip
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ) as self._running:
            if self._stopping:  # stopped while it started: ``stop`` may not have seen it
                self._running.kill()
            out, err = self._running.communicate()
        code = self._running.returncode
        if code != 0 and not self._stopping:
            reason = (err or out).strip().splitlines()
            raise BuildError(
                "the search index could not be made: "
                + (reason[-1] if reason else f"Pagefind stopped with code {code}")
            )

    def files(self) -> Iterator[OutputFile]:
        """Every bundle's files, once Pagefind is done with them all."""
        self.start()
        self._thread.join()
        if self._failure is not None:
            raise self._failure
        for bundle, fingerprint, published in sorted(self._plan):
            name = f"{BUNDLE_DIR}/{bundle}"
            if published:
                yield from _published_bundle(self._published(bundle), name)
                continue
            made = self._scratch / bundle
            for path in sorted(made.rglob("*")):
                if path.is_file():
                    relative = path.relative_to(made).as_posix()
                    yield OutputFile(f"{name}/{relative}", path.read_bytes())
            yield OutputFile(f"{name}/{FINGERPRINT}", fingerprint.encode())
        self._kept.note()

    def stop(self) -> None:
        """Pagefind stopped where the build stops before the index is written."""
        self._stopping = True
        if self._running is not None and self._running.poll() is None:
            self._running.kill()
        if self._launched:
            self._waiting.put(None)  # a thread waiting for a bundle ends
            self._thread.join()


class _Copies:
    """The article pages' copies given to Pagefind, a folder a bundle, in a folder that
    may hold the last build's. The note of that build gives each copy's page key and the
    hash of its bytes: a page of the same key is not copied again, and a copy of the same
    bytes is not written again, so a bundle whose copies are all the same is not indexed
    again. The note is removed before the first copy is written and written again once
    all are made, so a build that stops midway leaves no note to trust."""

    _NOTE = ".made-from.json"

    def __init__(self, folder: Path, site: Site) -> None:
        self.folder = folder
        self._site = site
        self._bundle_of_day = bundle_of_day(site)
        self._by_file = {
            urls.file_for(urls.article_path(a.slug)): a for a in site.articles.values()
        }
        self._by_category = category_sections(site.config.sections)
        self._note = folder / self._NOTE
        try:
            before = json.loads(self._note.read_text("utf-8"))
            self._before = {
                str(name): (str(key), str(hashed)) for name, (key, hashed) in before.items()
            }
            self._noted = True
        except (OSError, ValueError, TypeError, AttributeError):
            self._before = {}
            self._noted = False
        self._note.unlink(missing_ok=True)
        # bundle/page path → the page key its copy was made from, and the copy's hash
        self._made: dict[str, tuple[str, str]] = {}
        self._folders: set[Path] = set()  # made so far: one mkdir a folder, not one a page
        self._passed = 0  # article pages passed on so far
        self._left = Counter(map(self._bundle_of, site.articles.values()))  # pages to pass
        self._finished: set[str] = set()  # bundles whose stale copies are removed

    def _bundle_of(self, article: Article) -> str:
        return self._bundle_of_day[day_of(article, self._site.config.tz)]

    def passing(
        self, files: Iterable[OutputFile], ready: Callable[[str], None], then: Callable[[], None]
    ) -> Iterator[OutputFile]:
        """The files, each article page among them copied; ``ready`` is called with a
        bundle once its last article page is copied, and ``then`` once the site's is."""
        for file in files:
            yield file  # written first: a full disk is reported with the site's own file
            bundle = self._copied(file)
            if bundle is not None:
                self._left[bundle] -= 1
                if not self._left[bundle]:
                    ready(bundle)
                if self.every_page_passed():
                    then()

    def _copied(self, file: OutputFile) -> str | None:
        """Copy the file if it is an article page; its bundle if it is one."""
        site = self._site
        article = self._by_file.get(file.path)
        if article is None:
            return None
        self._passed += 1
        bundle = self._bundle_of(article)
        name = f"{bundle}/{file.path}"
        copy = self.folder / name
        before = self._before.get(name)
        there = before is not None and copy.is_file()
        if there and file.made_from and before[0] == file.made_from:
            self._made[name] = before  # made from the same page: it had the mark then
            return bundle
        page = kept_bytes(file, site.config.output_dir)
        if _BODY_MARK not in page:
            return bundle
        section = section_of(Story(headline=article.id), site.articles, self._by_category)
        content = index_copy(page, article, section, site.labels)
        made = self._made[name] = (file.made_from, hashlib.sha256(content).hexdigest())
        if not (there and before[1] == made[1]):
            self._write(copy, content, site.config.output_dir / file.path)
        return bundle

    def _write(self, copy: Path, content: bytes, page: Path) -> None:
        if copy.parent not in self._folders:
            copy.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(copy.parent)
        try:
            copy.write_bytes(content)
        except OSError as error:  # a full disk: name the page as the user knows it
            raise OSError(error.errno, error.strerror, page) from error

    def every_page_passed(self) -> bool:
        return self._passed == len(self._by_file)

    def finish(self, bundle: str = "") -> None:
        """Remove the copies of pages the site no longer has (or has in another bundle):
        in one bundle, whose pages have all passed, or, once every page has, in the rest.
        The last build's note names every copy there is, so only those this build did not
        make are looked at; without a note (the first build, or one after a build that
        stopped midway) the whole folder is."""
        if bundle:
            self._finished.add(bundle)

        def looked_at(name: str) -> bool:
            first = name.partition("/")[0]
            return first == bundle if bundle else first not in self._finished

        if self._noted:
            for name in sorted(self._before.keys() - self._made.keys()):
                if looked_at(name):
                    path = self.folder / name
                    path.unlink(missing_ok=True)
                    _remove_empty_folders(path.parent, self.folder)
            return
        tops = (
            [top for top in self.folder.iterdir() if looked_at(top.name)]
            if self.folder.is_dir()
            else []
        )
        for path in sorted(p for top in tops for p in (top, *top.rglob("*")))[::-1]:
            relative = path.relative_to(self.folder).as_posix()
            if path.is_dir() and not path.is_symlink():
                if not any(path.iterdir()):
                    path.rmdir()
            elif relative not in self._made:
                path.unlink()

    def bundles(self) -> set[str]:
        return {name.partition("/")[0] for name in self._made}

    def fingerprint(self, bundle: str, language: str) -> str:
        """What a bundle's index is made from: each of its page copies (by its hash), the
        language and Pagefind's version."""
        digest = hashlib.sha256(f"{language}\0{_pagefind_version()}".encode())
        for name, (_, hashed) in sorted(self._made.items()):
            if name.startswith(f"{bundle}/"):
                digest.update(f"{name}\0{hashed}\0".encode())
        return digest.hexdigest()

    def note(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._note.write_text(json.dumps(self._made, ensure_ascii=False), "utf-8")


def _remove_empty_folders(folder: Path, top: Path) -> None:
    """``folder`` and the folders above it, up to ``top``, as long as they are empty."""
    while folder != top and top in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty, or already gone
            return
        folder = folder.parent


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii") if not path.is_symlink() else ""
    except (OSError, UnicodeDecodeError):
        return ""


def _published_bundle(published: Path, name: str) -> Iterator[OutputFile]:
    for path in sorted(published.rglob("*")):
        if path.is_file() and not path.is_symlink():
            relative = path.relative_to(published).as_posix()
            yield OutputFile(f"{name}/{relative}", path.read_bytes(), kept=True)


def _pagefind_version() -> str:
    try:
        return importlib.metadata.version("pagefind_bin")
    except importlib.metadata.PackageNotFoundError:
        return ""


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
