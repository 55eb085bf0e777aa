"""The package as released: what the wheel holds, and the release workflow that checks it.

The wheel is built from a copy of the source with a file added deep inside the theme's
``static/`` and inside ``scaffold_files/``, so a package-data glob that stops at the first
level fails here rather than in a user's site.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from test_scaffold import ACTIONLINT

from generator import __version__

ROOT = Path(__file__).parent.parent
RELEASE_WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
TESTS_WORKFLOW = ROOT / ".github" / "workflows" / "tests.yml"
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "generator", "templates")
NESTED = {
    "templates/static/fonts/latin/sample.woff2": "generator/theme/static/fonts/latin/sample.woff2",
    "generator/scaffold_files/templates/static/extra/note.txt": (
        "generator/scaffold_files/templates/static/extra/note.txt"
    ),
}


def _package_files(folder: Path) -> list[Path]:
    return [
        path
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    ]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel, built as the release workflow builds them (wheel from sdist)."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(ROOT / name, source / name)
    for path in NESTED:
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_text("nested\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return out


def _wheel(dist: Path) -> Path:
    (wheel,) = dist.glob("*.whl")
    return wheel


def _release_step(name: str) -> str:
    workflow = yaml.safe_load(RELEASE_WORKFLOW.read_text("utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    return next(step["run"] for step in steps if step.get("name") == name)


def test_the_wheel_is_news_digest_at_this_version(dist: Path) -> None:
    wheel = _wheel(dist)
    assert wheel.name == f"news_digest-{__version__}-py3-none-any.whl"
    assert (dist / f"news_digest-{__version__}.tar.gz").is_file()
    with zipfile.ZipFile(wheel) as archive:
        info = f"news_digest-{__version__}.dist-info"
        metadata = archive.read(f"{info}/METADATA").decode("utf-8")
        entry_points = archive.read(f"{info}/entry_points.txt").decode("utf-8")
    assert "Name: news-digest\n" in metadata
    assert f"Version: {__version__}\n" in metadata
    assert "digest = generator.cli:main" in entry_points


def test_the_wheel_holds_the_code_the_theme_and_the_scaffold_at_any_depth(dist: Path) -> None:
    with zipfile.ZipFile(_wheel(dist)) as archive:
        packed = set(archive.namelist())
    expected = {
        *(path.relative_to(ROOT).as_posix() for path in _package_files(ROOT / "generator")),
        *(
            "generator/theme/" + path.relative_to(ROOT / "templates").as_posix()
            for path in _package_files(ROOT / "templates")
        ),
        *NESTED.values(),
    }
    assert any(name.startswith("generator/theme/static/") for name in expected)
    assert sorted(expected - packed) == []


def test_the_wheel_alone_makes_builds_and_checks_a_new_site(dist: Path, tmp_path: Path) -> None:
    """The release workflow's own digest commands, run on the wheel's files, not the source's.

    The wheel's dependencies come from the running environment: installing them afresh, as
    the workflow does, would take a minute.
    """
    packages = tmp_path / "packages"
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
            str(packages),
            str(_wheel(dist)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert installed.returncode == 0, installed.stderr
    environment = {**os.environ, "PYTHONPATH": str(packages)}
    where = subprocess.run(
        [sys.executable, "-c", "import generator; print(generator.__file__)"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(packages)

    script = _release_step("Install the wheel and build a new site with it")
    commands = [
        shlex.split(line)[1:]
        for line in script.splitlines()
        if line.strip().startswith("clean/bin/digest ")
    ]
    assert [command[0] for command in commands] == ["init", "build", "check"]
    for command in commands:
        ran = subprocess.run(
            [sys.executable, "-m", "generator.cli", *command],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ran.returncode == 0, f"digest {shlex.join(command)}:\n{ran.stdout}{ran.stderr}"
    assert (tmp_path / "demo" / "site" / "index.html").is_file()


@pytest.mark.parametrize(("tag", "matches"), [(f"v{__version__}", True), ("v999.0.0", False)])
def test_a_tag_that_is_not_the_version_stops_the_release(
    dist: Path, tmp_path: Path, tag: str, matches: bool
) -> None:
    shutil.copytree(dist, tmp_path / "dist")
    checked = subprocess.run(
        ["bash", "-e", "-c", _release_step("Check that the tag is the package's version")],
        cwd=tmp_path,
        env={**os.environ, "GITHUB_REF_NAME": tag},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (checked.returncode == 0) is matches, checked.stderr
    if not matches:
        assert f"The tag {tag} does not match" in checked.stderr


def test_only_the_publish_job_may_ask_pypi_for_a_token() -> None:
    workflow = yaml.safe_load(RELEASE_WORKFLOW.read_text("utf-8"))
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # YAML 1.1 reads 'on' as true
    assert workflow["permissions"] == {}
    build_job, publish_job = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    assert "id-token" not in build_job["permissions"]
    assert publish_job["permissions"] == {"id-token": "write"}
    assert publish_job["needs"] == "build"
    assert publish_job["environment"]["name"] == "pypi"
    uses = [step.get("uses", "") for step in publish_job["steps"]]
    assert "pypa/gh-action-pypi-publish@release/v1" in uses
    assert "twine check --strict dist/*" in _release_step("Check the package metadata")


def test_the_release_and_test_workflows_pass_actionlint() -> None:
    assert ACTIONLINT, "install the test extra: pip install -e '.[test]'"
    checked = subprocess.run(
        [ACTIONLINT, "-no-color", str(RELEASE_WORKFLOW), str(TESTS_WORKFLOW)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_test_workflow_runs_what_ci_runs_and_keeps_the_screenshots() -> None:
    workflow = yaml.safe_load(TESTS_WORKFLOW.read_text("utf-8"))
    steps = workflow["jobs"]["tests"]["steps"]
    assert [step.get("run") for step in steps if "run" in step] == ["bash .ci/run"]
    upload = next(step for step in steps if "upload-artifact" in step.get("uses", ""))
    assert upload["with"]["path"] == "tests/artifacts/" and upload["if"] == "always()"
