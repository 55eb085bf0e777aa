"""The theme: templates, interface words and static files, the site's own first.

A site's ``templates/`` folder is looked in before the default theme for each of them,
so a site replaces one file (or, for templates, one block) and keeps the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType

import yaml

from .config import SiteConfig
from .metadata import MANIFEST_PATH, web_manifest
from .model import OutputFile, Site

THEME_DIR = Path(str(files("generator.theme")))
LABELS_FILE = "labels.yaml"
OWN_TEMPLATES = "templates"  # the site's own templates, under the site folder


def template_folders(site_root: Path) -> tuple[Path, ...]:
    """Where a template or the labels are looked for, the first that has it winning."""
    own = site_root / OWN_TEMPLATES
    return (own, THEME_DIR) if own.is_dir() else (THEME_DIR,)


def load_labels(config: SiteConfig) -> Mapping[str, str]:
    """The theme's interface words in the site's language (English where none are given)."""
    folder = next(f for f in template_folders(config.root) if (f / LABELS_FILE).is_file())
    by_language = yaml.safe_load((folder / LABELS_FILE).read_text("utf-8"))
    base = config.language.split("-")[0].split("_")[0]
    return MappingProxyType({**by_language["en"], **by_language.get(base, {})})


def static_files(site: Site) -> tuple[OutputFile, ...]:
    """The theme's static files, with the site's own ``templates/static/`` taking precedence
    (also over the web app manifest made from the site's settings)."""
    found: dict[str, bytes] = {MANIFEST_PATH: web_manifest(site)}
    for folder in reversed(template_folders(site.config.root)):
        static = folder / "static"
        for path in sorted(static.rglob("*")) if static.is_dir() else ():
            if path.is_file():
                found[f"static/{path.relative_to(static).as_posix()}"] = path.read_bytes()
    return tuple(OutputFile(path, content) for path, content in sorted(found.items()))
