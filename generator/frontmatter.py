"""The saved-article file: YAML front matter between two ``---`` lines, then Markdown.

Curators write these files by hand and ``digest import`` writes new ones, so the reader
and the writer live together: the writer only writes fields the reader knows, in one
order, and a date it writes is a date the reader reads back. The reader keeps the line of
every value, so a mistake is reported where the curator will find it.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from types import MappingProxyType
from zoneinfo import ZoneInfo

import yaml

from .problems import Problem

FIELDS = ("title", "date", "source", "url", "tags", "related", "lang", "dir")
# Written by `digest import` when a related story took its date or source from the page it
# was saved with: a note for the curator, with no effect on the site.
NOTE_FIELDS = ("date_inherited", "source_inherited")
FENCE = "---"
_NO_WRAP = 100_000
_UTC = ZoneInfo("UTC")
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml, when PyYAML has it
# libyaml reads some texts with a tab (in a plain value) or a '?' (in a [list]) that PyYAML
# refuses: those texts are always read by PyYAML, so a file means the same either way.
_LIBYAML_DIFFERS = ("\t", "?")


class FrontMatterError(Exception):
    """The file cannot be used as an article: where (line) and why, for the curator."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class Entry:
    """One value as written, with its line in the file."""

    value: str
    line: int


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The known fields of one file, as YAML nodes (they keep their lines), and its body.

    The accessors raise FrontMatterError for a value of the wrong kind, naming its line.
    """

    fields: Mapping[str, yaml.Node]
    body: str
    warnings: tuple[Problem, ...]  # unknown fields, ignored
    start: yaml.Node  # the whole front matter, for the line of a missing field

    def line(self, name: str) -> int:
        """The line of a field's value, or of the front matter when it is missing."""
        return _line(self.fields.get(name, self.start))

    def text(self, name: str) -> str:
        node = self.fields.get(name)
        if node is None:
            return ""
        if not isinstance(node, yaml.ScalarNode):
            raise FrontMatterError(_line(node), f"'{name}' should be a single value, not a list")
        return node.value.strip()

    def required_text(self, name: str) -> str:
        value = self.text(name)
        if not value:
            raise FrontMatterError(self.line(name), f"'{name}' is missing or empty")
        return value

    def entries(self, name: str) -> tuple[Entry, ...]:
        """A list field's items: ``[a, b]``, one per line, or ``a, b`` (also with ``،``)."""
        node = self.fields.get(name)
        if node is None:
            return ()
        if isinstance(node, yaml.ScalarNode):
            parts = node.value.replace("،", ",").split(",")
            items = [Entry(part.strip(), _line(node)) for part in parts]
        elif isinstance(node, yaml.SequenceNode) and all(
            isinstance(item, yaml.ScalarNode) for item in node.value
        ):
            items = [Entry(item.value.strip(), _line(item)) for item in node.value]
        else:
            raise FrontMatterError(_line(node), f"'{name}' should be a list like [a, b]")
        return tuple(item for item in items if item.value)

    def text_list(self, name: str) -> tuple[str, ...]:
        return tuple(entry.value for entry in self.entries(name))

    def has_time(self, name: str) -> bool:
        """Whether a date (read by ``moment``) gives a time of day: an article dated
        2023-09-13 has none, and a page must not show it one (00:00)."""
        try:
            date.fromisoformat(self.required_text(name))
        except ValueError:
            return True
        return False

    def moment(self, name: str, zone: ZoneInfo) -> datetime:
        """A required ISO 8601 date, in UTC; one without an offset is in ``zone``."""
        text = self.required_text(name)
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise FrontMatterError(
                self.line(name),
                f"'{text}' is not a date I can read; write it like"
                " 2023-09-13 or 2023-09-13T09:00:00+03:00",
            ) from None
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime.combine(value, time())
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        return value.astimezone(_UTC)


def read(text: str, origin: str) -> FrontMatter:
    """The front matter and body of a file's text; FrontMatterError if there is none.

    ``origin`` (the file, relative to the site folder) is where warnings point.
    """
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != FENCE:
        raise FrontMatterError(
            1,
            "the file should start with a '---' line, then the front"
            " matter (title, date, ...), then another '---' line",
        )
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == FENCE)
    except StopIteration:
        raise FrontMatterError(1, "the front matter has no closing '---' line") from None
    node = _compose(lines[1:end])
    fields: dict[str, yaml.Node] = {}
    warnings: list[Problem] = []
    for key_node, value_node in node.value:
        key = key_node.value
        if not isinstance(key_node, yaml.ScalarNode):
            message = "a field's name should be a word, not a list"
            warnings.append(Problem(origin, _line(key_node), message, "ignored"))
        elif key in FIELDS:
            fields[key] = value_node
        elif key not in NOTE_FIELDS:
            close = difflib.get_close_matches(key, FIELDS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            warnings.append(
                Problem(origin, _line(key_node), f"unknown field '{key}'{hint}", "ignored")
            )
    return FrontMatter(
        fields=MappingProxyType(fields),
        body="\n".join(lines[end + 1 :]),
        warnings=tuple(warnings),
        start=node,
    )


def write(fields: Mapping[str, object], body: str) -> str:
    """A new saved-article file: the fields given, in the format's order (dates in ISO
    8601 with a ``T``, lists on one line, nothing wrapped), then the Markdown body."""
    order = (*FIELDS, *NOTE_FIELDS)
    unknown = set(fields) - set(order)
    if unknown:
        raise ValueError(f"not saved-article fields: {sorted(unknown)}")
    front = yaml.dump(
        {name: fields[name] for name in order if name in fields},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=_NO_WRAP,
    )
    return f"{FENCE}\n{front}{FENCE}\n{body}\n"


def _compose(lines: list[str]) -> yaml.MappingNode:
    text = "\n".join(lines)
    node = _compose_quickly(text)
    if not isinstance(node, yaml.MappingNode):
        raise FrontMatterError(2, "the front matter should be 'name: value' lines")
    return node


def _compose_quickly(text: str) -> yaml.Node | None:
    """The nodes as libyaml composes them (several times faster), when it is there and
    reads the text as PyYAML does; a text it refuses is composed again by PyYAML, whose
    errors say what and where in the way the messages below rely on."""
    if not any(character in text for character in _LIBYAML_DIFFERS):
        with contextlib.suppress(yaml.YAMLError):
            return yaml.compose(text, Loader=_FAST_LOADER)
    return _compose_slowly(text)


def _compose_slowly(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as error:
        raise FrontMatterError(
            text[: error.position].count("\n") + 2,
            f"the front matter contains an invisible control character (U+{error.character:04X});"
            " delete it",
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise FrontMatterError(
            (mark.line if mark else 0) + 2,
            f"the front matter is not valid YAML ({error.problem}); put a title that contains"
            " ':' in quotes",
        ) from None


def _line(node: yaml.Node) -> int:
    """The line in the file: the front matter starts on line 2."""
    return node.start_mark.line + 2


class _Dumper(yaml.SafeDumper):
    """Writes dates as ISO 8601 with a ``T`` (``2023-09-13T09:00:00+03:00``), unquoted."""


_Dumper.add_representer(
    datetime,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat()),
)
