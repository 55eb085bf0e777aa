"""What a page says about itself to search engines, link previews and browsers: its
description, its Open Graph card, its structured data (JSON-LD) and the site's web app
manifest.

Everything is computed from what the page's template already receives, so a theme gets
it from one global (``metadata``) and no page kind needs a field of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from . import urls
from .leads import lead_sentence
from .model import Article, Digest, Site
from .pages import Page

DESCRIPTION_LIMIT = 160  # what search engines show of a description
SHORT_NAME_LIMIT = 12  # what a phone shows under an app's icon
_ELLIPSIS = "…"
_HEADLINE_SEPARATOR = " · "
# Facebook's locales for languages it knows by one country; any other ``xx`` is ``xx_XX``.
_LOCALES = {"ar": "ar_AR", "en": "en_US", "fa": "fa_IR", "he": "he_IL", "ur": "ur_PK"}
FAVICON_PATH = "static/favicon.svg"
MANIFEST_PATH = "static/manifest.webmanifest"
_SCHEMA = "https://schema.org"


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """The ``<head>`` of one page beyond its title: see docs/themes.md."""

    description: str  # plain text, at most DESCRIPTION_LIMIT characters
    kind: str  # the Open Graph type: ``article`` or ``website``
    canonical: str  # the page's own full address; empty on the 404 page
    locale: str  # the Open Graph locale of the site's language, e.g. ``ar_AR``
    published: str  # an article's publication moment (ISO 8601), or empty
    structured_data: str  # JSON-LD, safe to put inside a <script> element; may be empty


def page_metadata(
    site: Site, page: Page, *, article: Article | None = None, digest: Digest | None = None
) -> PageMetadata:
    """The metadata of an article page (``article`` given, with the digest listing it if
    any), a digest page (only ``digest`` given) or any other page."""
    fallback = site.config.description or page.title or site.config.title
    if article is not None:
        description = lead_sentence(article) or fallback
        data = _news_article(site, page, article, digest, description)
    elif digest is not None:
        headlines = [site.articles[story.headline].title for story in digest.stories]
        description = joined_headlines(headlines) or fallback
        data = _item_list(site, page, digest)
    else:
        description, data = fallback, None
    return PageMetadata(
        description=cut_at_word(description, DESCRIPTION_LIMIT),
        kind="article" if article is not None else "website",
        canonical=page.url if _has_own_address(page) else "",
        locale=open_graph_locale(site.config.language),
        published=article.published.isoformat() if article is not None else "",
        structured_data=json_for_script(data) if data is not None else "",
    )


def _has_own_address(page: Page) -> bool:
    """Every page is a folder but the 404 page, a file the host shows at addresses that are
    not its own: it must not claim one."""
    return page.path == "" or page.path.endswith("/")


def joined_headlines(headlines: list[str], limit: int = DESCRIPTION_LIMIT) -> str:
    """As many of the headlines, in order, as fit whole; the first one cut if none does."""
    taken: list[str] = []
    for headline in headlines:
        if len(_HEADLINE_SEPARATOR.join([*taken, headline])) > limit:
            break
        taken.append(headline)
    return _HEADLINE_SEPARATOR.join(taken) or cut_at_word(headlines[0] if headlines else "", limit)


def cut_at_word(text: str, limit: int) -> str:
    """The text if it fits, else its words up to ``limit`` characters with an ellipsis."""
    if len(text) <= limit:
        return text
    words = text[: limit - len(_ELLIPSIS) + 1].split(" ")
    kept = " ".join(words[:-1]) if len(words) > 1 else words[0][: limit - len(_ELLIPSIS)]
    return kept.rstrip(" ,،؛;:-–—") + _ELLIPSIS


def open_graph_locale(language: str) -> str:
    """``ar`` → ``ar_AR``, ``ar-EG`` → ``ar_EG``: the form Open Graph asks for."""
    base, _, region = language.replace("-", "_").partition("_")
    base = base.lower()
    if region:
        return f"{base}_{region.upper()}"
    return _LOCALES.get(base, f"{base}_{base.upper()}")


def json_for_script(data: object) -> str:
    """JSON that cannot end its <script> element early nor open a comment in it: every
    ``<``, ``>`` and ``&`` is written as a JSON escape, which reads back the same."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _news_article(
    site: Site, page: Page, article: Article, digest: Digest | None, description: str
) -> dict[str, object]:
    publisher: dict[str, str] = {"@type": "Organization", "name": article.source}
    if article.source_url:
        publisher["url"] = article.source_url
    data: dict[str, object] = {
        "@context": _SCHEMA,
        "@type": "NewsArticle",
        "headline": article.title,
        "description": description,
        "datePublished": article.published.isoformat(),
        "inLanguage": article.lang or site.config.language,
        "url": page.url,
        "mainEntityOfPage": page.url,
    }
    if article.source:
        data["publisher"] = publisher
    if article.url:
        data["isBasedOn"] = article.url
    if digest is not None:
        data["isPartOf"] = {
            "@type": "WebPage",
            "name": site.localizer.full_date(digest.date),
            "url": site.urls.absolute(urls.digest_path(digest.slug)),
        }
    return data


def _item_list(site: Site, page: Page, digest: Digest) -> dict[str, object]:
    return {
        "@context": _SCHEMA,
        "@type": "ItemList",
        "name": page.title,
        "url": page.url,
        "numberOfItems": len(digest.stories),
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "url": site.urls.absolute(urls.article_path(site.articles[story.headline].slug)),
            }
            for position, story in enumerate(digest.stories, start=1)
        ],
    }


def web_manifest(site: Site) -> bytes:
    """The site as an installable web app: its name, language and direction, opening at
    the site's own address (under a GitHub Pages project's sub-path)."""
    config, base = site.config, site.urls.base_path
    manifest = {
        "name": config.title,
        "short_name": short_name(config.title),
        "description": config.description,
        "lang": config.language,
        "dir": config.direction,
        "start_url": base,
        "scope": base,
        "display": "minimal-ui",
        "icons": [{"src": site.urls.href(FAVICON_PATH), "sizes": "any", "type": "image/svg+xml"}],
    }
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def short_name(title: str) -> str:
    """The title's first words that fit under an icon; its first word when none do."""
    words = title.split()
    kept = words[:1]
    for word in words[1:]:
        if len(" ".join([*kept, word])) > SHORT_NAME_LIMIT:
            break
        kept.append(word)
    return " ".join(kept)
