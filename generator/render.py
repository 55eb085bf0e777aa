"""The site's pages rendered to HTML with Jinja templates.

Templates come from the site's own ``templates/`` folder first, then the default theme;
``theme/NAME`` always names the default one, so an override can extend it and replace
a single block. Each page gets its kind's context (``pages``) and the globals below,
never the raw config. A mistake in a template stops the build with one line naming the
template, its line and the page.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields, replace
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context as Variables

from . import pagereads, unchanged, urls, workers
from .csp import page_policy
from .metadata import PageMetadata, page_metadata
from .model import Article, OutputFile, Site, Story
from .pagecache import NOTHING_KEPT, KeptPages, PageKeys
from .pagereads import NotingEnvironment, Reads
from .pages import Context, page_contexts
from .problems import BuildError
from .search import has_search
from .theme_files import THEME_DIR, template_folders
from .xmlchars import xml_text

_OBJECT = re.compile(r"'(?:\w+\.)*(\w+) object'")


# Fewer pages than this are rendered in the build's own process: starting others would
# cost more than it saves.
PARALLEL_FROM = 2000


def render_pages(
    site: Site, kept: KeptPages = NOTHING_KEPT, contexts: Sequence[Context] | None = None
) -> Iterator[OutputFile]:
    """Page by page as they are rendered, in a stable order, so that each can be written
    before the next; on a large site, other processes render while this one writes. A
    page the last build made from the same inputs (``kept``) is taken as it is;
    ``contexts`` are the site's ``page_contexts``, when the caller has them already."""
    env = _environment(site)
    keys = PageKeys(site, _shared_inputs(site))
    shared = (env, site, keys, kept)
    pages = page_contexts(site) if contexts is None else contexts
    return workers.mapped(_render_page, shared, pages, at_least=PARALLEL_FROM)


_Shared = tuple[NotingEnvironment, Site, PageKeys, KeptPages]


def _render_page(shared: _Shared, context: Context) -> OutputFile:
    env, site, keys, kept = shared
    path = urls.file_for(context.page.path)
    trace = kept.trace(path)
    if trace is not None:
        key = keys.of(context, trace)
        file = kept.kept(path, key)
        if file is not None:
            return replace(file, trace=trace)
    content = _render(env, site, context).content
    trace = env.reads.trace()
    return OutputFile(path, content, made_from=keys.of(context, trace), trace=trace)


def _shared_inputs(site: Site) -> Iterator[str]:
    """What every page is made from besides its context: what ``template_globals`` reads,
    the templates, and digest's own code (a filter or a date format may change)."""
    config = site.config
    yield unchanged.code_state()
    yield repr(config)
    yield repr(sorted(site.labels.items()))
    yield repr((bool(site.sources), has_search(site)))
    for name, text in _template_texts(config.root):
        yield name
        yield text


def render_contexts(site: Site, contexts: Iterable[Context]) -> Iterator[OutputFile]:
    """These pages only, as a build renders them: a few pages of a large site are looked at
    without rendering all the others."""
    env = _environment(site)
    return (_render(env, site, context) for context in contexts)


def _render(env: NotingEnvironment, site: Site, context: Context) -> OutputFile:
    env.reads.begin()
    values = {f.name: env.noted(f.name, getattr(context, f.name)) for f in fields(context)}
    path = context.page.path
    try:
        html = env.get_template(context.TEMPLATE).render(values)
    except Exception as error:
        where = _template_line(error, site.config.root)
        if where is None:
            raise
        page = path or "the home page"
        raise BuildError(f"{where}: {_reason(error)} (while rendering {page})") from error
    return OutputFile(urls.file_for(path), xml_text(html).encode("utf-8"))


def _template_line(error: Exception, site_root: Path) -> str | None:
    """``templates/article.html, line 12``: where in a template the error is, or None when
    no template is to blame."""
    if isinstance(error, TemplateSyntaxError) and error.filename:
        return f"{_template_name(Path(error.filename), site_root)}, line {error.lineno}"
    folders = template_folders(site_root)
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        file = Path(frame.filename)
        if any(file.is_relative_to(folder) for folder in folders):
            return f"{_template_name(file, site_root)}, line {frame.lineno}"
    return None


def _template_name(file: Path, site_root: Path) -> str:
    """As the user knows it: ``templates/x.html`` for the site's own, ``theme/x.html`` for
    the default theme's."""
    if file.is_relative_to(site_root):
        return file.relative_to(site_root).as_posix()
    return f"theme/{file.relative_to(THEME_DIR).as_posix()}"


def _reason(error: Exception) -> str:
    if isinstance(error, TemplateNotFound):
        return f"there is no template '{error.name}'"
    if isinstance(error, TemplateSyntaxError):
        return error.message or "the template cannot be read"
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return _OBJECT.sub(r"'\1'", text)  # 'generator.model.Article object' → 'Article'


def _environment(site: Site) -> NotingEnvironment:
    theme = FileSystemLoader(str(THEME_DIR))
    folders = template_folders(site.config.root)
    own = [FileSystemLoader(str(folder)) for folder in folders if folder != THEME_DIR]
    reads = Reads()
    env = NotingEnvironment(
        reads,
        loader=ChoiceLoader([*own, PrefixLoader({"theme": theme}, delimiter="/"), theme]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(template_globals(site, reads))
    return env


def _template_texts(site_root: Path) -> tuple[tuple[str, str], ...]:
    """Every template a page may be made from, by the name the user knows it by."""
    return tuple(
        (_template_name(file, site_root), file.read_text("utf-8"))
        for folder in template_folders(site_root)
        for file in sorted(folder.rglob("*.html"))
    )


def template_globals(site: Site, reads: Reads) -> dict[str, object]:
    """What every template gets besides its page's context (documented in docs/themes.md);
    what they read of articles and days is noted in ``reads``."""
    config, link, localizer = site.config, site.urls, site.localizer
    return dict(
        site={
            "title": config.title,
            "description": config.description,
            "lang": config.language,
            "dir": config.direction,
            "has_sources": bool(site.sources),
            "has_search": has_search(site),
        },
        labels=site.labels,
        href=link.href,
        article_href=lambda article: link.href(urls.article_path(reads.field(article, "slug"))),
        tag_href=lambda tag: link.href(urls.tag_path(tag.slug)),
        other_sources=lambda story: _other_sources(story, site.articles, reads),
        digest_href=lambda digest: link.href(urls.digest_path(reads.field(digest, "slug"))),
        long_date=localizer.long_date,
        full_date=localizer.full_date,
        time_of_day=localizer.time_of_day,
        month=localizer.month,
        number=localizer.number,
        content_security_policy=page_policy(_template_texts(config.root), wasm=has_search(site)),
        metadata=pass_context(lambda variables: _metadata(site, variables, reads)),
    )


def _metadata(site: Site, variables: Variables, reads: Reads) -> PageMetadata:
    """``metadata()`` in a template: read off the page's own variables, whichever kind of
    page and template (the theme's or an override) is being rendered. Notes what
    ``page_metadata`` reads: an article page's article whole and its day's date and slug;
    a day's page, its stories and the title and address of each headline."""
    article, digest = variables.get("article"), variables.get("digest")
    if article is not None:
        reads.attribute(article, pagereads.WHOLE)
        for name in ("date", "slug"):
            reads.attribute(digest, name)
    elif digest is not None:
        for story in reads.field(digest, "stories"):  # type: ignore[attr-defined]
            for name in ("title", "slug"):
                reads.attribute(site.articles[story.headline], name)
    return page_metadata(site, variables["page"], article=article, digest=digest)


def _other_sources(
    story: Story, articles: Mapping[str, Article], reads: Reads
) -> tuple[Article, ...]:
    """The other versions of a story, one per source other than the headline's (a source
    that ran the story twice is named once, with its earliest version)."""
    seen = {reads.field(articles[story.headline], "source")}
    found = []
    for article in (articles[i] for i in story.also_reported_by):
        source = reads.field(article, "source")
        if source not in seen:
            seen.add(source)
            found.append(article)
    return tuple(found)
