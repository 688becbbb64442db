"""conftest.py - fixtures the end-to-end tests share.

The tests run the programs a build made, as a user would.  Which build:
$QCHAN_BUILD (a directory relative to the repository or absolute), by
default "build"; the programs are in its bin/.

    bindir                 fixture: Path of <build>/bin
    sim                    fixture: bindir, skipping when qchan has no
                           simulator ('run' subcommand)
    conf_build             fixture: a build for a home the tests own
                           (.make(*args), .bin, .home, .split)
    write_control(d, f)    write control directory d from dict f
    control_dir            fixture: f -> a fresh control dir in tmp_path
"""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def build_dir():
    """The build under test, as an absolute Path."""
    build = Path(os.environ.get("QCHAN_BUILD", "build"))
    return build if build.is_absolute() else ROOT / build


@pytest.fixture
def bindir():
    """Path of the built programs; fails clearly if they are not built."""
    path = build_dir() / "bin"
    assert path.is_dir(), f"{path} missing: run make BUILD={build_dir()}"
    return path


@pytest.fixture
def sim(bindir):
    """bindir of a qchan built with the simulator; skips otherwise."""
    p = subprocess.run([str(bindir / "qchan"), "--help"],
                       capture_output=True, text=True, timeout=60)
    if not any(line.split()[:1] == ["run"] for line in p.stdout.splitlines()):
        pytest.skip("this qchan has no 'run' subcommand (simulator not built)")
    return bindir


def write_control(directory, files):
    """Write a control directory: name -> str (written as is) or list of
    lines (each ended with a newline).  Returns the directory."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if isinstance(content, (list, tuple)):
            content = "".join(f"{line}\n" for line in content)
        (directory / name).write_text(content)
    return directory


@pytest.fixture
def control_dir(tmp_path):
    """A function: files dict (and optional name) -> control directory."""
    count = [0]

    def make(files, name=None):
        count[0] += 1
        return write_control(tmp_path / (name or f"control{count[0]}"), files)

    return make


class ConfBuild:
    """The programs built for a qmail home of the tests' own, as make
    install QMAIL_HOME=... builds them: the home and split are compiled
    in, and a set-id qchan-queue knows no other queue.  The build lives
    in <build>/conf-test (the first make compiles the tree there once),
    the home in <build>/conf-test/qmail, PREFIX (the manual pages and the
    pictures' scripts) <build>/conf-test/prefix."""

    split = 7

    def __init__(self):
        self.build = build_dir() / "conf-test"
        self.bin = self.build / "bin"
        self.home = self.build / "qmail"
        self.prefix = self.build / "prefix"

    def make(self, *args):
        """make with this build's settings; the CompletedProcess"""
        return subprocess.run(
            ["make", "-s", "-C", str(ROOT), "BUILD=%s" % self.build,
             "QMAIL_HOME=%s" % self.home, "CONF_SPLIT=%d" % self.split,
             "PREFIX=%s" % self.prefix]
            + list(args), capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="session")
def conf_build():
    return ConfBuild()
