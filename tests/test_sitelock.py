"""One writer at a time: the site lock, held and fought over by real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_example_site

from generator.sitelock import LOCK_FILE, SiteBusyError, holder, site_lock

# A process that takes the lock, says so, and keeps it until it is stopped (or for
# ``hold`` seconds).
HOLDER = """
import sys, time
from pathlib import Path
from generator.sitelock import site_lock
with site_lock(Path(sys.argv[1]), command="digest build --offline"):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
print("released", flush=True)
"""


def _start_holder(site: Path, hold: float = 60) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(site), str(hold)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline() == "locked\n"
    return process


@pytest.fixture
def held(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    process = _start_holder(tmp_path)
    yield process
    process.kill()
    process.wait()


def test_a_second_writer_stops_and_names_the_first(
    tmp_path: Path, held: subprocess.Popen[str]
) -> None:
    started = time.monotonic()
    with pytest.raises(SiteBusyError) as stopped, site_lock(tmp_path, wait=0.5):
        pytest.fail("the lock was taken twice")
    assert time.monotonic() - started >= 0.5
    message = str(stopped.value)
    assert f"process {held.pid}" in message and "'digest build --offline'" in message
    assert str(tmp_path) in message and "try again" in message


def test_a_killed_holder_leaves_the_lock_free(tmp_path: Path, held: subprocess.Popen[str]) -> None:
    held.send_signal(signal.SIGKILL)
    held.wait()
    note = holder(tmp_path)
    assert note is not None and note.pid == held.pid  # its note is still there
    with site_lock(tmp_path, wait=0, command="digest fetch"):
        now = holder(tmp_path)
        assert now is not None and now.command == "digest fetch"
        assert now.pid != held.pid


def test_a_waiting_writer_goes_on_when_the_holder_finishes(tmp_path: Path) -> None:
    process = _start_holder(tmp_path, hold=0.5)
    started = time.monotonic()
    try:
        with site_lock(tmp_path, wait=30):
            assert time.monotonic() - started >= 0.3
            assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        process.wait()
    assert process.stdout is not None and process.stdout.read() == "released\n"


def test_the_lock_is_released_on_an_exception(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), site_lock(tmp_path):
        raise RuntimeError("the build failed")
    assert (tmp_path / LOCK_FILE).read_text() == ""
    process = _start_holder(tmp_path, hold=0)
    assert process.wait(timeout=30) == 0


def test_the_lock_holds_within_one_process_too(tmp_path: Path) -> None:
    with site_lock(tmp_path, command="digest serve") as lock_file:
        assert lock_file == tmp_path / LOCK_FILE
        with pytest.raises(SiteBusyError, match="'digest serve'"), site_lock(tmp_path, wait=0):
            pytest.fail("the lock was taken twice")
    with site_lock(tmp_path, wait=0):
        pass


def test_a_damaged_note_still_gives_a_message(tmp_path: Path) -> None:
    with site_lock(tmp_path):
        (tmp_path / LOCK_FILE).write_text("{not json")
        assert holder(tmp_path) is None
        with (
            pytest.raises(SiteBusyError, match=r"^another digest command is working"),
            site_lock(tmp_path, wait=0),
        ):
            pytest.fail("the lock was taken twice")


def test_a_build_while_another_command_writes_stops_with_one_line(tmp_path: Path) -> None:
    """The command line takes the lock: a second build names the first and leaves no site/."""
    site = copy_example_site(tmp_path / "news")
    process = _start_holder(site)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "generator.cli", "build", "--offline", "--quiet"],
            cwd=site,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
        )
    finally:
        process.kill()
        process.wait()
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith("error: another digest command") and f"process {process.pid}" in line
    assert not (site / "site").exists()
