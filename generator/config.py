"""The site's configuration: ``config.yaml`` read into frozen dataclasses.

The dataclasses below are the schema: their fields, types and defaults are the only
definition of what ``config.yaml`` may hold, and the loader validates against them.
Errors name ``config.yaml, line N`` and speak plainly, because the reader of the
message is a curator, not a programmer.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from babel import Locale, UnknownLocaleError

from .problems import ConfigError


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """A feed to follow. ``url`` is http(s), or a file path relative to the site folder."""

    url: str
    name: str = ""  # shown as the source of its items; defaults to the feed's own title
    lang: str = ""  # overrides the feed's declared language
    dir: Literal["", "rtl", "ltr"] = ""  # overrides the direction that follows from lang
    tags: tuple[str, ...] = ()  # given to every item of the feed
    refresh: str = "1h"  # do not fetch again before this much time has passed


@dataclass(frozen=True, slots=True)
class TagsConfig:
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # tag: [its synonyms]
    ignore: tuple[str, ...] = ()  # tags to drop, e.g. desk names
    max_per_article: int = 5
    min_articles: int = 2  # a tag gets a page and a feed from this many articles on


@dataclass(frozen=True, slots=True)
class RelatedConfig:
    count: int = 5
    min_score: float = 0.1


@dataclass(frozen=True, slots=True)
class SiteConfig:
    title: str
    base_url: str
    description: str = ""
    language: str = "ar"
    timezone: str = "UTC"
    digits: Literal["latn", "arab"] = "latn"
    digests_per_page: int = 7
    feed_items: int = 20  # digests in the site feed, articles in each tag feed
    feeds: tuple[FeedConfig, ...] = ()
    tags: TagsConfig = field(default_factory=TagsConfig)
    related: RelatedConfig = field(default_factory=RelatedConfig)
    # Filled in by the loader, not read from the file:
    root: Path = field(default=Path("."), metadata={"internal": True})

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def direction(self) -> str:
        return text_direction(self.language)

    @property
    def base_path(self) -> str:
        """The path part of ``base_url``, always ending in a slash (``/news-digest/``)."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def output_dir(self) -> Path:
        return self.root / "site"


def text_direction(language: str) -> str:
    """``rtl`` or ``ltr`` for a language code, as CLDR (through Babel) knows it."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if locale.character_order == "right-to-left" else "ltr"
