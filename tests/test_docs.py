"""The documentation keeps up with the code: every setting documented, every link leading somewhere.

The settings come from the dataclasses of ``generator.config``, the schema the loader
validates against, so a new setting without a line in docs/config.md fails here.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from datetime import timedelta
from pathlib import Path

import pytest

from generator.config import SiteConfig

ROOT = Path(__file__).parent.parent
CONFIG_DOC = ROOT / "docs" / "config.md"
DOCUMENTS = sorted(
    [*ROOT.glob("*.md"), *(ROOT / "docs").glob("*.md")], key=lambda path: path.as_posix()
)
_ROW = re.compile(r"^\| `(?P<key>[^`]+)` \| (?P<default>[^|]*) \|", re.MULTILINE)
_LINK = re.compile(r"!?\[[^\]]*\]\((?P<target>[^)\s]+)\)")


def _settings(schema: type, prefix: str = "") -> dict[str, dataclasses.Field]:
    """Every key config.yaml may hold, dotted (``tags.min_articles``, ``feeds[].url``)."""
    hints = typing.get_type_hints(schema)
    found: dict[str, dataclasses.Field] = {}
    for field in dataclasses.fields(schema):
        if field.metadata.get("internal"):
            continue
        key = prefix + field.name
        found[key] = field
        kind = hints[field.name]
        if dataclasses.is_dataclass(kind):
            found.update(_settings(kind, key + "."))
        elif typing.get_origin(kind) is tuple:
            item = typing.get_args(kind)[0]
            if dataclasses.is_dataclass(item):
                found.update(_settings(item, key + "[]."))
    return found


SETTINGS = _settings(SiteConfig)


def _documented() -> dict[str, str]:
    return {row["key"]: row["default"].strip() for row in _ROW.finditer(CONFIG_DOC.read_text())}


def test_the_schema_is_walked_into_nested_settings() -> None:
    assert {"title", "feeds[].url", "tags.min_articles", "same_story.threshold"} <= set(SETTINGS)
    assert "root" not in SETTINGS  # filled in by the loader, not a setting


@pytest.mark.parametrize("key", sorted(SETTINGS))
def test_every_setting_has_a_row_with_its_default_in_config_md(key: str) -> None:
    documented = _documented()
    assert key in documented, f"docs/config.md has no row for `{key}`"
    field = SETTINGS[key]
    default = field.default
    if default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
        assert documented[key] == "required"
    elif isinstance(default, (int, float, str, timedelta)) and default != "":
        written = _as_written(default)
        assert f"`{written}`" in documented[key], f"the default of `{key}` is {written}"


def _as_written(value: object) -> str:
    """A default as config.yaml writes it: ``false``; a period in its largest unit (``1h``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, timedelta):
        return str(value)
    seconds = int(value.total_seconds())
    units = (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
    return next(f"{seconds // size}{unit}" for unit, size in units if seconds % size == 0)


def test_config_md_documents_no_setting_that_does_not_exist() -> None:
    assert sorted(set(_documented()) - set(SETTINGS)) == []


def _links(document: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", document.read_text("utf-8"), flags=re.DOTALL)
    return [match["target"] for match in _LINK.finditer(text)]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_relative_links_lead_to_files_that_exist(document: Path) -> None:
    broken = [
        target
        for target in _links(document)
        if not re.match(r"^[a-z]+:|^#", target)
        and not (document.parent / target.split("#")[0]).exists()
    ]
    assert broken == []


def test_the_readme_leads_to_every_page_of_the_docs() -> None:
    linked = {(ROOT / target.split("#")[0]).resolve() for target in _links(ROOT / "README.md")}
    pages = {path.resolve() for path in (ROOT / "docs").glob("*.md")}
    assert sorted(path.name for path in pages - linked) == []
    assert (ROOT / "docs" / "screenshot.png").resolve() in linked


def test_ci_runs_exactly_the_test_command_of_the_readme() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8").strip().splitlines()[-1]
    assert f"```sh\n{ci}\n```" in (ROOT / "README.md").read_text("utf-8")
