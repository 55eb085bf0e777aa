import base64
import hashlib
import re
from pathlib import Path

import pytest
import yaml
from conftest import build_site, copy_example_site, tree

from generator import render, workers
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


def _error_in_content_block(tmp_path: Path, template: str, expression: str) -> str:
    """The build's error for an override of ``template`` whose content block, at its
    line 3, shows ``expression``."""
    site_dir = _site_with_template(
        tmp_path,
        template,
        f'{{% extends "theme/{template}" %}}\n{{% block content %}}\n'
        f"<p>{{{{ {expression} }}}}</p>\n{{% endblock %}}\n",
    )
    with pytest.raises(BuildError) as raised:
        build_site(site_dir)
    return str(raised.value)


def test_an_undefined_name_in_an_override_names_template_line_and_page(tmp_path: Path) -> None:
    message = _error_in_content_block(tmp_path, "article.html", "no_such_variable")
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


def test_every_page_states_its_security_policy_before_it_loads_anything(built_example) -> None:
    site_dir, result = built_example
    pages = sorted((site_dir / "site").rglob("*.html"))
    assert len(pages) == result.pages
    for page in pages:
        text = page.read_text("utf-8")
        policy = text.find('<meta http-equiv="Content-Security-Policy" content="default-src')
        assert 0 < policy < text.find("<link"), page
        assert "&#39;unsafe-inline&#39;" not in text, page


def test_an_inline_script_of_the_templates_is_allowed_by_its_hash(tmp_path: Path) -> None:
    script = 'document.body.dataset.theme = "ran";\r\n'
    site_dir = _site_with_template(
        tmp_path,
        "base.html",
        f'{{% extends "theme/base.html" %}}{{% block footer %}}<script>{script}</script>'
        "{% endblock %}",
    )
    build_site(site_dir)
    page = (site_dir / "site" / "index.html").read_text("utf-8")
    as_served = script.replace("\r\n", "\n")  # Jinja and the browser both read \r\n as \n
    digest = base64.b64encode(hashlib.sha256(as_served.encode()).digest()).decode()
    assert (
        f"script-src &#39;self&#39; &#39;sha256-{digest}&#39; &#39;wasm-unsafe-eval&#39;;" in page
    )
    assert f"<script>{as_served}</script>" in page


def test_an_inline_script_made_of_template_values_stops_the_build(tmp_path: Path) -> None:
    site_dir = _site_with_template(
        tmp_path,
        "base.html",
        '{% extends "theme/base.html" %}\n{% block footer %}\n'
        "<script>const title = '{{ site.title }}';</script>\n{% endblock %}\n",
    )
    with pytest.raises(
        BuildError,
        match=r"^templates/base\.html, line 3: an inline <script> uses template values, .* "
        r"put it in a file under templates/static/",
    ):
        build_site(site_dir)


def test_a_json_data_block_of_template_values_is_allowed_and_never_hashed(tmp_path: Path) -> None:
    site_dir = _site_with_template(
        tmp_path,
        "base.html",
        '{% extends "theme/base.html" %}\n{% block footer %}\n'
        '<script type="application/ld+json">{"name": "{{ site.title }}"}</script>\n'
        "{% endblock %}\n",
    )
    build_site(site_dir)
    page = (site_dir / "site" / "index.html").read_text("utf-8")
    # no hash: the browser never runs it ('wasm-unsafe-eval' is for the search)
    assert "script-src &#39;self&#39; &#39;wasm-unsafe-eval&#39;;" in page
    assert '<script type="application/ld+json">{"name": "موجز الاختبار"}</script>' in page


def test_only_an_article_s_own_text_takes_its_language_and_direction(built_example) -> None:
    site_dir, _ = built_example
    page = (site_dir / "site" / "articles" / "kim-in-russia" / "index.html").read_text("utf-8")
    assert '<article class="article" data-pagefind-body>' in page
    assert '<h1 lang="en" dir="ltr">Kim Jong Un arrives in Russia</h1>' in page
    assert '<div class="body" lang="en" dir="ltr">' in page
    assert re.search(r'<p class="meta">\n<span>تاريخ النشر', page)


def test_a_tag_s_name_is_isolated_from_the_words_around_it(built_example) -> None:
    site_dir, _ = built_example
    tags = (site_dir / "site" / "tags" / "index.html").read_text("utf-8")
    assert re.search(r'rel="tag"><bdi>[^<]+</bdi></a>', tags)
    tag = next((site_dir / "site" / "tags").glob("*/index.html")).read_text("utf-8")
    assert re.search(r"<h1>[^<]* «<bdi>[^<]+</bdi>»</h1>", tag)


@pytest.fixture
def in_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page rendered by two worker processes, as on a large site with two cores."""
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    monkeypatch.setattr(workers, "cores", lambda: 2)


def test_pages_rendered_by_workers_are_those_of_one_process(
    tmp_path: Path, built_example, in_workers: None
) -> None:
    site_dir = copy_example_site(tmp_path / "site-src")
    build_site(site_dir)
    made, expected = tree(site_dir / "site"), tree(built_example[0] / "site")
    index = "pagefind/"  # Pagefind orders parts of its index differently on each run
    assert {k: v for k, v in made.items() if not k.startswith(index)} == {
        k: v for k, v in expected.items() if not k.startswith(index)
    }


def test_a_template_error_in_a_worker_names_template_line_and_page(
    tmp_path: Path, in_workers: None
) -> None:
    message = _error_in_content_block(tmp_path, "tag.html", "tag.no_such_field")
    assert re.fullmatch(
        r"templates/tag\.html, line 3: 'Tag' has no attribute 'no_such_field' "
        r"\(while rendering tags/[^/ ]+/\)",
        message,
    ), message
