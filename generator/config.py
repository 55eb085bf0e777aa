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
import typing
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from babel import Locale, UnknownLocaleError

from .localize import text_direction
from .problems import ConfigError
from .urls import base_path


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """A feed to follow. ``url`` is http(s), or a file path relative to the site folder."""

    url: str
    name: str = ""  # shown as the source of its items; defaults to the feed's own title
    lang: str = ""  # overrides the feed's declared language
    dir: Literal["", "rtl", "ltr"] = ""  # overrides the direction that follows from lang
    tags: tuple[str, ...] = ()  # given to every item of the feed
    refresh: timedelta = timedelta(hours=1)  # written 30m, 1h, 1d, 1w: see parse_duration
    keep_days: int = 0  # forget stored items published longer ago; 0 keeps them all
    allow_private: bool = False  # the feed (and its redirects) may be on a private network
    max_items: int = 2000  # read at most this many items of the feed, the newest
    allow_outside: bool = False  # the feed's file may lie outside the site folder


@dataclass(frozen=True, slots=True)
class TagsConfig:
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # tag: [its synonyms]
    ignore: tuple[str, ...] = ()  # tags to drop, e.g. desk names
    max_per_article: int = 5
    min_articles: int = 2  # a tag gets a page and a feed from this many articles on
    most_used: int = 100  # the tags page lists this many, the most used; the rest by letter
    page_size: int = 30  # articles on each page of a tag
    # what an article's phrases are scored against: the whole site, or its month's articles
    window: Literal["site", "month"] = "site"


@dataclass(frozen=True, slots=True)
class RelatedConfig:
    count: int = 5
    min_score: float = 0.1
    weight_text: float = 1.0  # words of title and body
    weight_tags: float = 0.5  # shared tags
    weight_time: float = 0.3  # how much a story far apart in time loses, at most
    time_scale_days: float = 14.0  # after this many days apart, half of weight_time is lost


@dataclass(frozen=True, slots=True)
class SameStoryConfig:
    window_hours: int = 48  # versions of one story are published at most this far apart
    threshold: float = 0.4  # similarity of the rare words of headline and lead, 0 to 1


# The sections of a day's page on an Arabic site, with the categories Arabic and English
# feeds most often give their items.
DEFAULT_SECTIONS: dict[str, tuple[str, ...]] = {
    "سياسة": ("سياسة", "العالم", "الشرق الأوسط", "عربي ودولي", "دولي", "عربي", "World", "Politics"),
    "اقتصاد": ("اقتصاد", "أعمال", "مال وأعمال", "أسواق", "طاقة", "Business", "Economy"),
    "رياضة": ("رياضة", "كرة القدم", "Sport", "Sports"),
    "ثقافة": ("ثقافة", "فن", "فنون", "ثقافة وفنون", "أدب", "Culture", "Arts"),
    "تكنولوجيا": ("تكنولوجيا", "تقنية", "علوم", "علوم وتكنولوجيا", "Technology", "Science"),
}


@dataclass(frozen=True, slots=True)
class SiteConfig:
    title: str
    base_url: str
    description: str = ""
    language: str = "ar"
    timezone: str = "UTC"
    digits: Literal["latn", "arab"] = "latn"
    hijri: bool = False  # the Hijri (Umm al-Qura) date beside the Gregorian one
    search: bool = True  # a search page and its index of the articles (Pagefind)
    digests_per_page: int = 7
    feed_items: int = 20  # digests in the site feed, articles in each tag feed
    max_file_mib: int = 10  # a larger feed file or saved article is not read
    feeds: tuple[FeedConfig, ...] = ()
    fetch_deadline: timedelta = timedelta(minutes=5)  # feeds not fetched by then wait
    tags: TagsConfig = field(default_factory=TagsConfig)
    related: RelatedConfig = field(default_factory=RelatedConfig)
    same_story: SameStoryConfig = field(default_factory=SameStoryConfig)
    # section heading: [the feeds' categories it gathers]; the others go to a last section
    sections: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_SECTIONS))
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
        return base_path(self.base_url)

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mib * 1024 * 1024

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def output_dir(self) -> Path:
        return self.root / "site"


CONFIG_FILE = "config.yaml"

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}

# Plain-language descriptions of the value types, for error messages.
_TYPE_WORDS = {
    str: "text",
    int: "a whole number, like 7",
    float: "a number, like 0.5",
    bool: "yes or no (true or false)",
}
_REQUIRED_HINTS = {
    "title": "the name of the site, shown on every page",
    "base_url": "the address where the site is published, like "
    "https://example.github.io/news-digest/",
    "url": "the address of the feed (https://...) or a file in the site folder",
}


def load_config(site_dir: Path, *, base_url: str | None = None) -> SiteConfig:
    """Read and validate ``config.yaml`` in ``site_dir``; raise ConfigError with every problem.

    ``base_url`` replaces the file's own, for a build published elsewhere (a CI preview, the
    address GitHub Pages reports); it is checked like the file's.
    """
    path = site_dir / CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            [
                f"There is no {CONFIG_FILE} in {site_dir}. Run 'digest init' to create a new site,"
                " or give the site folder with --site."
            ]
        ) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{CONFIG_FILE}: the file is not saved as UTF-8 text."]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        raise ConfigError(
            [
                f"{CONFIG_FILE}, line {line}: there is an invisible control character"
                f" (U+{error.character:04X}) in the text; delete it."
            ]
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise ConfigError(
            [
                f"{CONFIG_FILE}, line {line}: this is not valid YAML ({error.problem}). Check the"
                " indentation, and put text that contains ':' or '#' in quotes."
            ]
        ) from None
    if node is None:
        raise ConfigError([f"{CONFIG_FILE} is empty: it needs at least 'title' and 'base_url'."])
    if base_url is not None:
        node = _with_base_url(node, base_url)
    errors: list[str] = []
    values = _read_dataclass(SiteConfig, node, "", errors)
    if values is not None:
        _check_site(values, node, errors)
    if errors:
        raise ConfigError(sorted(errors, key=_line_of))
    return SiteConfig(**values, root=site_dir.resolve())


def _with_base_url(node: yaml.Node, base_url: str) -> yaml.Node:
    """The document with ``base_url`` replaced; errors about it point at the original line."""
    if not isinstance(node, yaml.MappingNode):
        return node
    kept = [(key, value) for key, value in node.value if key.value != "base_url"]
    given = yaml.ScalarNode(
        "tag:yaml.org,2002:str", base_url, start_mark=_find(node, "base_url").start_mark
    )
    key = yaml.ScalarNode("tag:yaml.org,2002:str", "base_url", start_mark=given.start_mark)
    return yaml.MappingNode(node.tag, [*kept, (key, given)], start_mark=node.start_mark)


def _line_of(message: str) -> int:
    return int(re.search(r"line (\d+)", message).group(1))


def _error(node: yaml.Node, message: str) -> str:
    return f"{CONFIG_FILE}, line {node.start_mark.line + 1}: {message}"


def _settings(cls: type) -> dict[str, dataclasses.Field]:
    return {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}


def _read_dataclass(cls: type, node: yaml.Node, where: str, errors: list[str]) -> dict | None:
    """The values of a settings block as keyword arguments for ``cls``, or None if unusable."""
    if not isinstance(node, yaml.MappingNode):
        errors.append(
            _error(
                node,
                f"{where or 'the file'} should be a list of settings written as 'name: value'.",
            )
        )
        return None
    known = _settings(cls)
    hints = typing.get_type_hints(cls)
    values: dict = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            errors.append(_error(key_node, "a setting's name should be a word, not a list."))
            continue
        key = key_node.value
        label = f"{where}{key}"
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            suggestion = (
                f" Did you mean '{where}{close[0]}'?"
                if close
                else (f" The settings here are: {', '.join(sorted(known))}.")
            )
            errors.append(_error(key_node, f"'{label}' is not a setting I know.{suggestion}"))
            continue
        if key in values:
            errors.append(_error(key_node, f"'{label}' is given twice; keep one."))
            continue
        value = _read_value(hints[key], value_node, label, errors)
        if value is not None:
            values[key] = value
    for name, spec in known.items():
        required = dataclasses.MISSING is spec.default and dataclasses.MISSING is (
            spec.default_factory
        )
        if required and name not in values and not any(k.value == name for k, _ in node.value):
            hint = _REQUIRED_HINTS.get(name, "")
            errors.append(
                _error(
                    node,
                    f"the setting '{where}{name}' is missing" + (f": {hint}." if hint else "."),
                )
            )
    return values


def _read_value(kind: object, node: yaml.Node, label: str, errors: list[str]) -> object:
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind):
        errors_before = len(errors)
        values = _read_dataclass(kind, node, f"{label}.", errors)
        if values is None:
            return None
        if kind is FeedConfig and "url" in values:  # checked even beside a mistyped setting
            _check_feed(values, node, errors)
        return None if len(errors) > errors_before else kind(**values)
    if origin is tuple:
        item_kind = typing.get_args(kind)[0]
        if isinstance(node, yaml.ScalarNode) and item_kind is str and node.value:
            return (node.value,)
        if not isinstance(node, yaml.SequenceNode):
            errors.append(
                _error(node, f"'{label}' should be a list (one '- item' per line, or [a, b]).")
            )
            return None
        items = [_read_value(item_kind, item, label, errors) for item in node.value]
        return tuple(item for item in items if item is not None)
    if origin is dict:
        if not isinstance(node, yaml.MappingNode):
            errors.append(_error(node, f"'{label}' should be a list of 'name: value' lines."))
            return None
        key_kind, value_kind = typing.get_args(kind)
        result = {}
        for key_node, value_node in node.value:
            key = _read_value(key_kind, key_node, label, errors)
            value = _read_value(value_kind, value_node, f"{label}.{key_node.value}", errors)
            if key is not None and value is not None:
                result[key] = value
        return result
    if not isinstance(node, yaml.ScalarNode):
        errors.append(_error(node, f"'{label}' should be a single value, not a list."))
        return None
    if origin is Literal:
        choices = typing.get_args(kind)
        if node.value in choices:
            return node.value
        shown = " or ".join(f"'{c}'" for c in choices if c)
        errors.append(_error(node, f"'{label}' should be {shown}, not '{node.value}'."))
        return None
    return _read_scalar(kind, node, label, errors)


def parse_duration(text: str) -> timedelta:
    """A period such as ``30m``, ``1h``, ``1d`` or ``2w`` (``s`` for seconds also works)."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(
            f"{text!r} is not a period of time: write a number and a unit, "
            "like 30m (minutes), 1h (hours), 1d (days) or 1w (weeks)"
        )
    try:
        return timedelta(**{_UNITS[match[2]]: int(match[1])})
    except OverflowError:
        raise ValueError(f"{text!r} is a longer period of time than a calendar holds") from None


def format_duration(period: timedelta) -> str:
    """A period as config.yaml writes it, in its largest whole unit: ``1h``, ``5m``, ``90s``."""
    seconds = period.total_seconds()
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size:g}{unit}"
    return f"{seconds:g}s"


def _read_scalar(kind: object, node: yaml.ScalarNode, label: str, errors: list[str]) -> object:
    text = node.value
    if kind is timedelta:
        try:
            return parse_duration(text)
        except ValueError as error:
            errors.append(_error(node, f"'{label}': {error}."))
            return None
    try:
        if kind is str:
            return text.strip()
        if kind is bool:
            value = yaml.safe_load(text) if node.style is None else text
            if isinstance(value, bool):
                return value
            raise ValueError
        if kind is int and node.style is None:
            return int(text)
        if kind is float and node.style is None:
            return float(text)
    except ValueError:
        pass
    errors.append(_error(node, f"'{label}' should be {_TYPE_WORDS[kind]}, not '{text}'."))
    return None


def _find(node: yaml.MappingNode, key: str) -> yaml.Node:
    """The node of a setting's value, to point error messages at its line."""
    for key_node, value_node in node.value:
        if key_node.value == key:
            return value_node
    return node


def _check_site(values: dict, node: yaml.MappingNode, errors: list[str]) -> None:
    """Checks beyond types: addresses, time zone, language, numbers in range."""
    base_url = values.get("base_url")
    if base_url is not None:
        try:
            parts = urlsplit(base_url)
            usable = parts.scheme in {"http", "https"} and bool(parts.netloc)
        except ValueError:  # a broken [IPv6] host
            usable = False
        if not usable:
            errors.append(
                _error(
                    _find(node, "base_url"),
                    "'base_url' should be a full address"
                    " starting with https://, like https://example.github.io/news/.",
                )
            )
    timezone = values.get("timezone")
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            errors.append(
                _error(
                    _find(node, "timezone"),
                    f"'{timezone}' is not a time zone I"
                    " know. Use a name like Asia/Riyadh, Africa/Cairo or UTC.",
                )
            )
    language = values.get("language")
    if language is not None and not _known_language(language):
        errors.append(
            _error(
                _find(node, "language"),
                f"'{language}' is not a language code I"
                " know. Use a code like ar, en, fa, he or ur.",
            )
        )
    for name in ("digests_per_page", "feed_items", "max_file_mib"):
        if name in values and values[name] < 1:
            errors.append(_error(_find(node, name), f"'{name}' should be 1 or more."))
    tags = values.get("tags")
    for name in ("most_used", "page_size"):
        if tags is not None and getattr(tags, name) < 1:
            errors.append(
                _error(_find(_find(node, "tags"), name), f"'tags.{name}' should be 1 or more.")
            )
    if "fetch_deadline" in values and values["fetch_deadline"] <= timedelta(0):
        errors.append(
            _error(_find(node, "fetch_deadline"), "'fetch_deadline' should be longer than 0s.")
        )


def _check_feed(values: dict, node: yaml.Node, errors: list[str]) -> None:
    url, lang = values["url"], values.get("lang", "")
    if not url:
        errors.append(_error(node, "a feed has an empty 'url'."))
    elif (scheme := re.match(r"^([a-z][a-z0-9+.-]*):", url, re.IGNORECASE)) and scheme[
        1
    ].lower() not in {"http", "https"}:
        errors.append(
            _error(
                _find(node, "url"),
                f"the feed address '{url}' should start"
                " with http:// or https://, or be a file in the site folder.",
            )
        )
    elif not _splits(url):
        errors.append(
            _error(_find(node, "url"), f"the feed address '{url}' is not a complete address.")
        )
    if lang and not _known_language(lang):
        errors.append(_error(_find(node, "lang"), f"'{lang}' is not a language code I know."))
    if values.get("max_items", 1) < 1:
        errors.append(_error(_find(node, "max_items"), "'max_items' should be 1 or more."))


def _splits(url: str) -> bool:
    """Whether the address can be taken apart at all (``http://[::1`` cannot)."""
    try:
        urlsplit(url)
    except ValueError:
        return False
    return True


def _known_language(code: str) -> bool:
    try:
        Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True
