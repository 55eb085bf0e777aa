"""A build stopped while it writes the site: by a signal, or killed outright.

Each build here runs in a child process, as a user's or a CI runner's would. A stop
signal must end it as an error does (the previous site intact, nothing left beside it);
after a kill, which nothing can clean up after, the site must still be whole, and the
next build must leave nothing of the killed one behind.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import build_site, copy_example_site, tree

from generator.cli import main
from generator.model import OutputFile
from generator.write import leftovers, spare_folder, write_site

ROOT = Path(__file__).parent.parent

# `digest build`, whose writing stops after its first files until a signal comes.
_STOPPED_BUILD = textwrap.dedent(
    """
    import signal, sys, time
    import generator.build
    from generator.cli import main
    from generator.model import OutputFile
    from generator.write import write_site

    def write_then_wait(outputs, output_dir):
        def waiting():
            yield OutputFile("waiting.html", b"")
            print("writing", flush=True)
            time.sleep(60)
        return write_site([*outputs, ("waiting", waiting())], output_dir)

    signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal
    generator.build.write_site = write_then_wait
    sys.exit(main(["build", "--offline", "--site", sys.argv[1]]))
    """
)


# The writing stage of a build: the files a build made (read from a copy), written
# into the site as the build writes them.
_WRITE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from generator.model import OutputFile
    from generator.write import write_site

    built, output = map(Path, sys.argv[1:])

    def files():
        for path in sorted(built.rglob("*")):
            if path.is_file():
                yield OutputFile(path.relative_to(built).as_posix(), path.read_bytes())

    write_site([("build", files())], output)
    """
)


def inodes(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under the folder with its inode and its number of names."""
    return {
        path.relative_to(folder).as_posix(): (status.st_ino, status.st_nlink)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        for status in [path.stat()]
    }


def temporary_folders(output: Path) -> list[str]:
    """Whatever a write may have made beside the output folder."""
    return [path.name for path in output.parent.glob(f".{output.name}-*")]


def child(script: str, *args: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def start_writing(script: str, *args: Path, output: Path) -> subprocess.Popen[str]:
    """A child started, once it has begun writing: its own temporary folder is there
    (polled as closely as the system allows; those of killed runs before it do not count)."""
    earlier = set(temporary_folders(output))
    process = child(script, *args)
    while not {name for name in temporary_folders(output) if "-new-" in name} - earlier:
        assert process.poll() is None, process.communicate()
        time.sleep(0.0002)
    return process


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_while_writing_keeps_the_previous_site(
    tmp_path: Path, signum: signal.Signals
) -> None:
    site = copy_example_site(tmp_path / "news")
    previous = [OutputFile("index.html", b"previous"), OutputFile("a/index.html", b"a")]
    write_site([("previous", previous)], site / "site")
    before = tree(site / "site")

    building = child(_STOPPED_BUILD, site)
    assert building.stdout is not None
    assert building.stdout.readline() == "writing\n"
    (staging,) = leftovers(site / "site")
    assert (staging / "index.html").is_file()  # midway: written, not yet swapped in
    building.send_signal(signum)
    _, stderr = building.communicate(timeout=30)

    assert building.returncode == 1, stderr
    assert "Stopped" in stderr
    assert "Traceback" not in stderr
    assert tree(site / "site") == before
    assert temporary_folders(site / "site") == []


def test_kills_at_random_moments_of_writing_always_leave_a_whole_site(tmp_path: Path) -> None:
    site = copy_example_site(tmp_path / "news")
    with (site / "config.yaml").open("a", encoding="utf-8") as config:
        config.write("search: false\n")  # Pagefind's index differs from build to build
    for number in range(15):  # a bigger site, for more moments to be killed at
        (site / f"content/articles/extra-{number}.md").write_text(
            f"---\ntitle: خبر إضافي رقم {number}\ndate: 2023-09-{1 + number % 28:02d}\n---\n"
            f"نص الخبر {number}.\n",
            encoding="utf-8",
        )
    build_site(site)
    output, whole, files = site / "site", tree(site / "site"), inodes(site / "site")
    built = shutil.copytree(output, tmp_path / "built")

    uncut = start_writing(_WRITE, built, output, output=output)
    started = time.monotonic()
    assert uncut.wait(timeout=60) == 0, uncut.communicate()
    writing = time.monotonic() - started  # the span the kills below fall in

    kills = random.Random(20260101)
    for _ in range(8):
        killed = start_writing(_WRITE, built, output, output=output)
        time.sleep(kills.uniform(0, writing))
        killed.kill()
        killed.communicate(timeout=30)
        if sys.platform == "linux":  # the folders are swapped in one step: never missing
            assert tree(output) == whole
        # nothing changed, so every file is the one first built, linked from site to site
        assert {path: inode for path, (inode, _) in inodes(output).items()} == {
            path: inode for path, (inode, _) in files.items()
        }

    build_site(site)
    assert tree(output) == whole
    # what a killed run linked is gone with its folder: each file has two names, in the
    # site and in the one it replaced, kept as the spare
    assert inodes(output) == {path: (inode, 2) for path, (inode, _) in files.items()}
    assert temporary_folders(output) == [".site-spare"]
    assert tree(spare_folder(output)) == whole


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_ignores_what_a_build_leaves_in_a_new_site(tmp_path: Path) -> None:
    site = tmp_path / "news"
    assert main(["init", str(site)]) == 0
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    left = [
        ".site-new-abcd1234/index.html",
        ".site-old-abcd1234/index.html",
        ".site-spare/index.html",
        ".cache/a.json",
    ]
    for name in left:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(b"")
    (site / ".digest.lock").write_bytes(b"")
    checked = subprocess.run(
        ["git", "-C", str(site), "check-ignore", "--no-index", *left, ".digest.lock"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.stdout.split() == [*left, ".digest.lock"]
