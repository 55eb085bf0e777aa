import re
from pathlib import Path

import pytest
import yaml
from conftest import build_site, copy_example_site

from generator.problems import BuildError
from generator.theme_files import THEME_DIR

LABELS = yaml.safe_load((THEME_DIR / "labels.yaml").read_text("utf-8"))


@pytest.mark.parametrize("language", sorted(LABELS))
def test_every_language_of_the_theme_has_every_label(language: str) -> None:
    assert set(LABELS[language]) == set(LABELS["en"])


@pytest.mark.parametrize("template", sorted(p.name for p in THEME_DIR.glob("*.html")))
def test_templates_use_only_known_labels(template: str) -> None:
    used = set(re.findall(r"labels\.(\w+)", (THEME_DIR / template).read_text("utf-8")))
    assert used <= set(LABELS["en"])


def _site_with_template(tmp_path: Path, name: str, text: str) -> Path:
    site_dir = copy_example_site(tmp_path / "site-src")
    (site_dir / "templates").mkdir()
    (site_dir / "templates" / name).write_text(text, encoding="utf-8")
    return site_dir


def test_an_undefined_name_in_an_override_names_template_line_and_page(tmp_path: Path) -> None:
    site_dir = _site_with_template(
        tmp_path,
        "article.html",
        '{% extends "theme/article.html" %}\n{% block content %}\n'
        "<p>{{ no_such_variable }}</p>\n{% endblock %}\n",
    )
    with pytest.raises(BuildError) as raised:
        build_site(site_dir)
    message = str(raised.value)
    assert re.fullmatch(
        r"templates/article\.html, line 3: 'no_such_variable' is undefined "
        r"\(while rendering articles/[^/ ]+/\)",
        message,
    ), message


def test_a_syntax_error_in_an_override_names_template_and_line(tmp_path: Path) -> None:
    site_dir = _site_with_template(
        tmp_path,
        "base.html",
        '{% extends "theme/base.html" %}\n\n{% block footer %}{% if %}{% endblock %}\n',
    )
    with pytest.raises(BuildError) as raised:
        build_site(site_dir)
    message = str(raised.value)
    assert message.startswith("templates/base.html, line 3: "), message
    assert message.endswith("(while rendering the home page)"), message
    assert "\n" not in message


def test_extending_a_missing_theme_template_says_which(tmp_path: Path) -> None:
    site_dir = _site_with_template(tmp_path, "tags.html", '{% extends "theme/tag-cloud.html" %}\n')
    with pytest.raises(
        BuildError,
        match=r"^templates/tags\.html, line 1: there is no template "
        r"'theme/tag-cloud\.html' \(while rendering tags/\)$",
    ):
        build_site(site_dir)


def test_a_missing_attribute_names_the_kind_of_thing(tmp_path: Path) -> None:
    site_dir = _site_with_template(tmp_path, "tag.html", "<p>\n{{ tag.colour }}</p>\n")
    with pytest.raises(BuildError, match=r"^templates/tag\.html, line 2: 'Tag' has no attribute"):
        build_site(site_dir)
