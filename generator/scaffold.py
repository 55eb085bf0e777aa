"""``digest init``: a new site folder that builds offline at once and publishes itself.

The files come from ``scaffold_files/`` inside the package. Files ending in ``.in`` are
templates with ``%{name}`` placeholders (``%`` because the workflow's own ``${{ }}``
expressions must pass through untouched); every other file is copied as it is. Names
starting with a dot would be left out of the wheel, so ``gitignore`` and ``github/``
become ``.gitignore`` and ``.github/`` only when written.

Nothing is ever overwritten: if any file already exists, init names them all and writes
nothing.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template
from zoneinfo import ZoneInfo

from . import __version__
from .config import SiteConfig, load_config
from .model import OutputFile
from .problems import Problem
from .report import Count, Report, error

SCAFFOLD = files("generator") / "scaffold_files"
DEFAULT_TITLE = "موجز الأخبار"
DEFAULT_BASE_URL = "https://example.github.io/news-digest/"
DEFAULT_CRON = "17 * * * *"  # hourly, away from the full hour when GitHub is busiest
INSTALL_SPEC = f"news-digest=={__version__}"
_NOT_REPLACED = "init writes nothing rather than replace it"
_DOTTED = {"gitignore": ".gitignore", "github": ".github"}


def _config_default(name: str) -> str:
    """A setting's default, defined once on SiteConfig."""
    return next(field.default for field in dataclasses.fields(SiteConfig) if field.name == name)


@dataclass(frozen=True, slots=True)
class SiteOptions:
    title: str = DEFAULT_TITLE
    language: str = _config_default("language")
    timezone: str = _config_default("timezone")
    base_url: str = DEFAULT_BASE_URL
    cron: str = DEFAULT_CRON
    install: str = INSTALL_SPEC  # what the workflow installs with pip


class _Placeholders(Template):
    delimiter = "%"


def scaffold_files(options: SiteOptions, now: datetime) -> tuple[OutputFile, ...]:
    """Every file of a new site; the example items are dated in the day before ``now``."""
    zone = ZoneInfo(options.timezone)
    now = now.replace(second=0, microsecond=0)
    values = {
        **_option_values(options),
        "today": now.astimezone(zone).date().isoformat(),
        **_item_dates(now, zone),
    }
    return tuple(
        OutputFile(path, _Placeholders(text).substitute(values).encode("utf-8"))
        if template
        else OutputFile(path, text.encode("utf-8"))
        for path, text, template in _scaffold_sources(SCAFFOLD, "")
    )


def _option_values(options: SiteOptions) -> dict[str, str]:
    return {
        # Quoted YAML strings (JSON's are valid YAML), so no value can add a setting.
        "title": json.dumps(options.title, ensure_ascii=False),
        "base_url": json.dumps(options.base_url, ensure_ascii=False),
        "language": json.dumps(options.language, ensure_ascii=False),
        "timezone": json.dumps(options.timezone, ensure_ascii=False),
        "cron": options.cron,
        "install": options.install,
    }


def _item_dates(now: datetime, zone: ZoneInfo) -> dict[str, str]:
    """RFC 822 dates for the example feed items, all in the past (a feed validator calls a
    future date implausible), in the site's time zone; the pairs that report one story
    are 40 and 45 minutes apart."""
    ago = {
        "ago_26h": timedelta(hours=26),
        "ago_14h30m": timedelta(hours=14, minutes=30),
        "ago_4h": timedelta(hours=4),
        "ago_3h20m": timedelta(hours=3, minutes=20),
        "ago_1h": timedelta(hours=1),
        "ago_15m": timedelta(minutes=15),
    }
    return {name: format_datetime((now - before).astimezone(zone)) for name, before in ago.items()}


def _scaffold_sources(folder: Traversable, prefix: str) -> list[tuple[str, str, bool]]:
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = _DOTTED.get(entry.name, entry.name) if not prefix else entry.name
        if entry.is_dir():
            found.extend(_scaffold_sources(entry, f"{prefix}{name}/"))
        elif entry.name.endswith(".in"):
            found.append((prefix + name.removesuffix(".in"), entry.read_text("utf-8"), True))
        else:
            found.append((prefix + name, entry.read_text("utf-8"), False))
    return found


def existing_files(site_dir: Path, new_files: tuple[OutputFile, ...]) -> tuple[str, ...]:
    """The files init would overwrite: it writes nothing if there is any."""
    return tuple(file.path for file in new_files if (site_dir / file.path).exists())


def validate(options: SiteOptions) -> SiteConfig:
    """Load the new config.yaml exactly as a build will, so a bad option fails before writing.

    Raises ConfigError, whose messages name the setting (``'Mars/Base' is not a time zone``).
    """
    text = _Placeholders((SCAFFOLD / "config.yaml.in").read_text("utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "config.yaml").write_text(
            text.substitute(_option_values(options)), encoding="utf-8"
        )
        return load_config(Path(folder))


def write_files(site_dir: Path, new_files: tuple[OutputFile, ...]) -> None:
    for file in new_files:
        target = site_dir / file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as stream:  # never overwrite, even in a race
            stream.write(file.content)


# The name that starts a pip requirement (PEP 508), before extras, a version or '@ URL'.
_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:[\[<>=!~;@]|$)")
_OTHER_PROJECT = "digest"  # the command's name, but on PyPI an unrelated project
_INSTALL_EXAMPLES = (
    f"a pip requirement such as {INSTALL_SPEC} or git+https://github.com/OWNER/REPO@TAG"
)
_CRON_FIELD = re.compile(r"^[\d*/,-]+$")


def cron_schedule(text: str) -> str:
    """The schedule with single spaces; ValueError, in words, for anything else."""
    fields = text.split()
    if len(fields) != 5 or not all(_CRON_FIELD.match(field) for field in fields):
        raise ValueError(
            f"'{text}' is not a schedule: give five fields (minute hour day month weekday),"
            " like '17 * * * *' for every hour or '0 */6 * * *' for every six hours"
        )
    return " ".join(fields)


def install_spec(text: str) -> str:
    """A pip requirement for the workflow's shell line that can install this program;
    ValueError, in words, for anything else."""
    if not text.strip() or any(char in text for char in '"$`\\\n'):
        raise ValueError(f"'{text}' cannot go in the workflow: give {_INSTALL_EXAMPLES}")
    name = _REQUIREMENT_NAME.match(text)
    if name and re.sub(r"[-_.]+", "-", name[1]).lower() == _OTHER_PROJECT:
        raise ValueError(
            f"'{text.strip()}' would install another project: '{_OTHER_PROJECT}' on PyPI is "
            f"not this program; give {_INSTALL_EXAMPLES}"
        )
    return text.strip()


def run(site_dir: Path, options: SiteOptions) -> int:
    """Write a new site into ``site_dir``, or nothing if any of its files exists."""
    if site_dir.exists() and not site_dir.is_dir():
        return error(f"{site_dir} is a file, not a folder; choose another name")
    validate(options)
    new_files = scaffold_files(options, datetime.now(UTC))
    clashes = existing_files(site_dir, new_files)
    if clashes:
        return Report(
            f"Wrote nothing in {site_dir}",
            problems=tuple(
                Problem(path, None, "this file already exists", _NOT_REPLACED) for path in clashes
            ),
            strict=True,
        ).show()
    write_files(site_dir, new_files)
    for file in new_files:
        print(f"  {file.path}")
    where = "" if site_dir == Path(".") else f"cd {site_dir} && "
    return Report(
        f"Created a new site in {site_dir}",
        (Count(len(new_files), "file"),),
        notes=(
            f"Next: {where}digest build --offline && digest serve",
            "Then replace the example feeds in config.yaml by real ones, and publish the site "
            "on GitHub Pages (see .github/workflows/digest.yml).",
        ),
    ).show()
