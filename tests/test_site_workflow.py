"""The site workflow's feed-store commit, run for real against a local bare remote.

The shell script is read from the workflow ``digest init`` writes and run with ``bash -e``,
as GitHub runs a ``run:`` step, in a shallow clone like the one actions/checkout makes.
Someone else pushing while a run builds must cost neither their commit nor the new items.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import BUILD_TIME, build_site

from generator import scaffold

BRANCH = "main"
BOT = "github-actions[bot]"
PERSON = "Curator"


def _git_env(home: Path) -> dict[str, str]:
    """Git with no user or system configuration of this machine, as on a fresh runner."""
    identity = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    return {
        **identity,
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GITHUB_REF_NAME": BRANCH,
    }


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, f"git {' '.join(args)}:\n{done.stdout}{done.stderr}"
    return done.stdout


def _push_step_script(site: Path) -> str:
    """The ``run:`` script of the build job's step that pushes the feed store."""
    workflow = yaml.safe_load((site / ".github/workflows/digest.yml").read_text("utf-8"))
    scripts = [step["run"] for step in workflow["jobs"]["build"]["steps"] if "run" in step]
    (script,) = [text for text in scripts if "git push" in text]
    return script


class Remote:
    """A bare repository holding a new site, and the clones that work on it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = _git_env(root)
        self.bare = root / "origin.git"
        _git(root, self.env, "init", "--quiet", "--bare", "-b", BRANCH, str(self.bare))
        site = root / "first"
        scaffold.write_files(site, scaffold.scaffold_files(scaffold.SiteOptions(), BUILD_TIME))
        self.script = _push_step_script(site)
        _git(site, self.env, "init", "--quiet", "-b", BRANCH)
        self._sign(site)
        _git(site, self.env, "add", "--all")
        _git(site, self.env, "commit", "--quiet", "-m", "A new news digest")
        _git(site, self.env, "push", "--quiet", str(self.bare), f"{BRANCH}:{BRANCH}")

    def checkout(self, name: str) -> Path:
        """A depth-1 clone, as actions/checkout makes it (file:// so the depth is honoured)."""
        folder = self.root / name
        _git(
            self.root,
            self.env,
            "clone",
            "--quiet",
            "--depth",
            "1",
            "-b",
            BRANCH,
            self.bare.as_uri(),
            str(folder),
        )
        return folder

    def person(self, name: str) -> Path:
        """Someone else's clone, committing under a name of their own."""
        clone = self.checkout(f"person-{name}")
        self._sign(clone)
        return clone

    def _sign(self, clone: Path) -> None:
        _git(clone, self.env, "config", "user.name", PERSON)
        _git(clone, self.env, "config", "user.email", "curator@example.com")

    def run_step(self, clone: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-e", "-c", self.script],
            cwd=clone,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def log(self) -> list[tuple[str, str]]:
        """(author, subject) of every commit on the remote's branch, newest first."""
        text = _git(self.bare, self.env, "log", "--format=%an%x09%s", BRANCH)
        return [tuple(line.split("\t", 1)) for line in text.splitlines()]

    def files(self) -> set[str]:
        return set(_git(self.bare, self.env, "ls-tree", "-r", "--name-only", BRANCH).split())

    def push_article(self, name: str) -> None:
        """Someone else's commit: a new saved article, pushed from a clone of their own."""
        clone = self.person(name)
        article = clone / "content" / "articles" / f"{name}.md"
        article.write_text(f"---\ntitle: {name}\ndate: 2026-01-01\n---\nText.\n", "utf-8")
        _git(clone, self.env, "add", "--all")
        _git(clone, self.env, "commit", "--quiet", "-m", f"Article {name}")
        _git(clone, self.env, "push", "--quiet", "origin", BRANCH)


@pytest.fixture
def remote(tmp_path: Path) -> Remote:
    return Remote(tmp_path)


def _feed_store(files: set[str]) -> set[str]:
    return {name for name in files if name.startswith("content/feeds/")}


def _built_clone(remote: Remote) -> tuple[Path, set[str]]:
    """A runner's checkout after the build step: new items in its feed store."""
    clone = remote.checkout("runner")
    build_site(clone)
    stored = {
        path.relative_to(clone).as_posix()
        for path in (clone / "content" / "feeds").rglob("*")
        if path.is_file()
    }
    assert any(name.endswith(".jsonl") for name in stored)
    return clone, stored


def test_a_run_commits_the_new_feed_items_and_pushes_them(remote: Remote) -> None:
    clone, stored = _built_clone(remote)

    ran = remote.run_step(clone)

    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert remote.log()[0][0] == BOT
    assert _feed_store(remote.files()) == stored


def test_a_run_with_nothing_new_commits_nothing(remote: Remote) -> None:
    clone, _ = _built_clone(remote)
    assert remote.run_step(clone).returncode == 0
    history = remote.log()

    again = remote.run_step(clone)

    assert again.returncode == 0, again.stdout + again.stderr
    assert "No new feed items." in again.stdout
    assert remote.log() == history


def test_a_push_made_while_the_site_was_building_is_kept(remote: Remote) -> None:
    clone, stored = _built_clone(remote)
    remote.push_article("while-building")

    ran = remote.run_step(clone)

    assert ran.returncode == 0, ran.stdout + ran.stderr
    authors = [author for author, _ in remote.log()]
    assert authors[:2] == [BOT, PERSON]  # the new items on top, nothing merged away
    files = remote.files()
    assert "content/articles/while-building.md" in files
    assert _feed_store(files) == stored


def test_a_push_that_lands_between_the_pull_and_the_push_is_retried(remote: Remote) -> None:
    clone, stored = _built_clone(remote)
    # The first time the step pushes, someone else's push gets in just before it.
    hook = clone / ".git" / "hooks" / "pre-push"
    marker = remote.root / "raced"
    other = remote.person("racing")
    hook.write_text(
        "#!/bin/sh\n"
        f'[ -e "{marker}" ] && exit 0\n'
        f'touch "{marker}"\n'
        f'cd "{other}" && echo x > content/articles/racing.md && git add --all'
        ' && git commit --quiet -m "Article racing" && git push --quiet origin main\n',
        encoding="utf-8",
    )
    hook.chmod(0o755)

    ran = remote.run_step(clone)

    assert marker.exists()
    assert ran.returncode == 0, ran.stdout + ran.stderr
    files = remote.files()
    assert "content/articles/racing.md" in files
    assert _feed_store(files) == stored
