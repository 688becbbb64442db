"""test_limits.py - `qchan limits` as an administrator runs it.

Runs the built qchan (from $QCHAN_BUILD/bin, default build/bin) on control
directories written here, and checks the exit status and the numbers it
prints against counts worked out by hand from the model in
core/limits_model.h (a spawner: 2 fixed fds + 2 per delivery + 1 message
file; highest fd = fds - 1).
"""
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def qchan_path():
    """The qchan binary of the build under test."""
    build = Path(os.environ.get("QCHAN_BUILD", "build"))
    if not build.is_absolute():
        build = ROOT / build
    path = build / "bin" / "qchan"
    assert path.exists(), f"{path} not built (make BUILD={build})"
    return path


def write_control(directory, **files):
    """A control directory holding files name=content (a line each)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (directory / name).write_text(f"{content}\n")
    return directory


def limits(*args):
    """Run `qchan limits ARGS`; the completed process."""
    return subprocess.run([str(qchan_path()), "limits", *map(str, args)],
                          capture_output=True, text=True, timeout=30)


def row(stdout, first):
    """The whitespace-split table row starting with first."""
    for line in stdout.splitlines():
        cols = line.split()
        if cols and cols[0] == first:
            return cols
    raise AssertionError(f"no row {first!r} in:\n{stdout}")


def test_defaults_fit(tmp_path):
    ctl = write_control(tmp_path / "control", me="example.org",
                        suppls0="x.org", suppls1="y.org")
    r = limits("--control", ctl)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "problem:" not in r.stdout
    assert "ok: everything fits" in r.stdout
    assert "4 channels" in r.stdout
    # spawn-remote at 20: 2 + 2*20 + 1 = 43 fds, highest 42, select-bound
    cols = row(r.stdout, "spawn-remote")
    assert cols[1:8] == ["qmailr", "1", "20", "43", "42", "1024", "43"]
    # spawn-local at 10: 2 + 20 + 1 = 23
    assert row(r.stdout, "spawn-local")[4] == "23"
    # 60 qmail-remote (20 + 20 + 20), 4 fds each
    assert row(r.stdout, "children-qmailr")[2] == "60"
    assert row(r.stdout, "children-qmailr")[7] == "240"
    # 3 qmail-rspawn + 60 qmail-remote against nproc 2048
    assert "qmailr processes (qmail-rspawn and qmail-remote): 63, " \
           "nproc 2048: ok" in r.stdout
    # per channel: fd-setsize first, at 2C + 2 >= 1024, C = 511
    cols = row(r.stdout, "remote")
    assert cols[1:3] == ["20", "20"]
    assert cols[3] == "511"
    assert "fd-setsize at 511" in " ".join(cols)
    # every process kind has a row
    for name in ("qmail-send", "qmail-todo", "qmail-clean", "spawn-suppl0",
                 "spawn-suppl1", "children-local"):
        row(r.stdout, name)


def test_remote_600_reaches_fd_setsize(tmp_path):
    ctl = write_control(tmp_path / "control", concurrencyremote=600)
    r = limits("--control", ctl, "--conf-spawn", 600)
    assert r.returncode == 1, r.stdout + r.stderr
    problems = [l for l in r.stdout.splitlines() if l.startswith("problem:")]
    # 2 + 2*600 + 1 = 1203 fds, highest 1202, fd-setsize 1024
    fdset = [l for l in problems if "fd-setsize is" in l]
    assert len(fdset) == 1, problems
    assert "channel remote" in fdset[0]
    assert "1203 descriptors (highest fd 1202)" in fdset[0]
    assert "at concurrency 600" in fdset[0]
    assert "fd-setsize is 1024" in fdset[0]
    # (1024 - 5) / 2 = 509 < 600
    assert any("conf-spawn is 600" in l and "at most 509" in l
               for l in problems), problems
    # local at 10 is fine: no problem names it
    assert not any("channel local" in l for l in problems)


def test_conf_spawn_curbs(tmp_path):
    # concurrency 600 but conf-spawn 509: runs at 509, 1021 fds, highest
    # 1020 < 1024: fits
    ctl = write_control(tmp_path / "control", concurrencyremote=600)
    r = limits("--control", ctl)
    assert r.returncode == 0, r.stdout + r.stderr
    assert row(r.stdout, "remote")[1:3] == ["600", "509"]
    assert row(r.stdout, "spawn-remote")[4:6] == ["1021", "1020"]
    assert "curbed to conf-spawn 509" in r.stdout


def test_nproc_of_many_channels(tmp_path):
    # 3 channels at 500 remote + 500 suppl0: 2 qmail-rspawn + 1000 = 1002
    ctl = write_control(tmp_path / "control", concurrencyremote=500,
                        concurrencysuppl0=500)
    r = limits("--control", ctl, "--nproc", 1000)
    assert r.returncode == 1
    problems = [l for l in r.stdout.splitlines() if l.startswith("problem:")]
    assert len(problems) == 2, problems
    for chan in ("remote", "suppl0"):
        line = next(l for l in problems if f"channel {chan}:" in l)
        # 1002 - 500 + C > 1000 from C = 499
        assert "1002 processes" in line and "nproc is 1000" in line
        assert "reached from concurrency 499" in line


def test_file_max(tmp_path):
    ctl = write_control(tmp_path / "control", me="example.org")
    # 2 channels: send 9+1+2+4 = 16, todo 4+1+2+2 = 9, clean 4,
    # spawners 23 + 43, children 40 + 80: 215 descriptors
    r = limits("--control", ctl, "--file-max", 214)
    assert r.returncode == 1
    assert "descriptors of all processes: 215, file-max 214: OVER" in r.stdout
    assert "problem: channel local: all processes need 215 descriptors" \
           in r.stdout
    r = limits("--control", ctl, "--file-max", 215)
    assert r.returncode == 0, r.stdout


@pytest.mark.parametrize("args, says", [
    (["--nofile", "abc"], "--nofile 'abc'"),
    (["--nproc"], "--nproc needs a value"),
    (["--fd-setsize", "-3"], "--fd-setsize '-3'"),
    (["--conf-spawn", "0"], "--conf-spawn '0'"),
    (["--channels", "99"], "--channels '99'"),
    (["--frobnicate"], "unknown option --frobnicate; see qchan limits --help"),
])
def test_bad_option(tmp_path, args, says):
    ctl = write_control(tmp_path / "control", me="example.org")
    r = limits("--control", ctl, *args)
    assert r.returncode == 2
    assert says in r.stderr
    assert r.stdout == ""


def test_unreadable_control_dir(tmp_path):
    missing = tmp_path / "no-such-dir"
    r = limits("--control", missing)
    assert r.returncode == 2
    assert str(missing) in r.stderr
    r = limits()
    assert r.returncode == 2
    assert "--control DIR is required" in r.stderr


def test_help():
    r = limits("--help")
    assert r.returncode == 0
    for opt in ("--control", "--channels", "--conf-spawn", "--fd-setsize",
                "--nofile", "--nproc", "--file-max", "--help"):
        assert re.search(rf"^\s+(?:-\w, )?{re.escape(opt)}\b", r.stdout,
                         re.M), opt
    assert "exit status" in r.stdout
