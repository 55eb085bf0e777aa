"""docs/themes.md against the code: every template, context field, global and type it holds."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import get_args, get_type_hints

import pytest

from generator.pagereads import Reads
from generator.pages import CONTEXTS
from generator.render import template_globals
from generator.theme_files import THEME_DIR

DOC = Path(__file__).parent.parent / "docs" / "themes.md"


def _sections(text: str) -> dict[str, set[str]]:
    """Heading (its first `code`, else its text in lower case) → the `names` its list gives."""
    sections: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in text.splitlines():
        if heading := re.match(r"#{2,3} (.+)", line):
            title = heading.group(1)
            code = re.match(r"`([^`]+)`", title)
            current = sections.setdefault(code.group(1) if code else title.lower(), set())
        elif current is not None and (item := re.match(r"- `(\w+)`", line)):
            current.add(item.group(1))
    return sections


SECTIONS = _sections(DOC.read_text("utf-8"))


def _types_reachable_from_contexts() -> set[type]:
    """Every dataclass a template can reach through its context's fields, at any depth."""

    def flattened(hint: object):
        yield hint
        for argument in get_args(hint):
            yield from flattened(argument)

    found: set[type] = set()
    todo: list[type] = list(CONTEXTS)
    while todo:
        for hint in get_type_hints(todo.pop()).values():
            for kind in flattened(hint):
                if dataclasses.is_dataclass(kind) and kind not in found and kind not in CONTEXTS:
                    found.add(kind)
                    todo.append(kind)
    return found


def _attributes(kind: type) -> set[str]:
    properties = {name for name, value in vars(kind).items() if isinstance(value, property)}
    return {field.name for field in dataclasses.fields(kind)} | properties


@pytest.mark.parametrize("context", CONTEXTS, ids=lambda context: context.TEMPLATE)
def test_each_page_template_lists_exactly_its_context(context: type) -> None:
    documented = SECTIONS.get(context.TEMPLATE)
    assert documented == {field.name for field in dataclasses.fields(context)}


@pytest.mark.parametrize("template", sorted(p.name for p in THEME_DIR.glob("*.html")))
def test_every_template_of_the_theme_has_a_section(template: str) -> None:
    assert template in SECTIONS


def test_every_macro_is_documented() -> None:
    macros = set(re.findall(r"{%-? macro (\w+)", (THEME_DIR / "_macros.html").read_text("utf-8")))
    assert SECTIONS["_macros.html"] == macros


def test_every_type_a_template_reaches_is_documented_field_by_field() -> None:
    reachable = _types_reachable_from_contexts()
    assert {"Page", "Pagination", "Article", "Story"} <= {kind.__name__ for kind in reachable}
    for kind in reachable:
        assert SECTIONS.get(kind.__name__) == _attributes(kind), kind.__name__


def test_the_globals_and_the_site_global_are_documented(built_example) -> None:
    _, result = built_example
    names = template_globals(result.site, Reads())
    assert SECTIONS["globals"] == set(names)
    assert SECTIONS["site"] == set(names["site"])
