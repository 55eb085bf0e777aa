import re

import pytest
import yaml

from generator.render import THEME_DIR

LABELS = yaml.safe_load((THEME_DIR / "labels.yaml").read_text("utf-8"))


@pytest.mark.parametrize("language", sorted(LABELS))
def test_every_language_of_the_theme_has_every_label(language: str) -> None:
    assert set(LABELS[language]) == set(LABELS["en"])


@pytest.mark.parametrize("template", sorted(p.name for p in THEME_DIR.glob("*.html")))
def test_templates_use_only_known_labels(template: str) -> None:
    used = set(re.findall(r"labels\.(\w+)", (THEME_DIR / template).read_text("utf-8")))
    assert used <= set(LABELS["en"])
