"""End-to-end tests of `make install`.

`make install QMAIL_HOME=home` builds the daemons for that home (it is
compiled in: the set-id qchan-queue knows no other) and puts them into
home/bin with qmail's modes; the installation is then run from there
(qchan-start, qmail-send, qmail-todo, qchan-clean, qchan-queue for
injection and bounces, fakespawn as every spawner, qchan qread), and a
qmail original is refused, then kept as NAME.qmail-orig with FORCE=1, so
switching back is a rename.  The pictures' gnuplot scripts go under
PREFIX/share/qchan/plots and qchan-png.so into PREFIX/lib/qchan, where
an installed qchan finds them without QCHAN_PLOTS.

make runs with the conf_build fixture's settings (conftest.py): a build
of its own in <build>/conf-test for the home <build>/conf-test/qmail.
"""
import os
import shutil
import signal
import stat
import subprocess
import time

import pytest

from conftest import ROOT
from png_helpers import png_read
from trust_helpers import fast_dir  # noqa: F401

MODES = {"qmail-send": 0o711, "qmail-todo": 0o711, "qchan-start": 0o700,
         "qchan-queue": 0o4711, "qchan-clean": 0o711, "fakespawn": 0o755,
         "qchan": 0o755}


def test_install_then_run_from_there(fast_dir, conf_build):
    home = str(conf_build.home)
    shutil.rmtree(home, ignore_errors=True)
    r = conf_build.make("install")
    assert r.returncode == 0, r.stderr
    bindir = home + "/bin"
    assert sorted(os.listdir(bindir)) == sorted(MODES)
    for name, mode in MODES.items():
        assert stat.S_IMODE(os.stat(bindir + "/" + name).st_mode) == mode
    if os.getuid() != 0 or subprocess.run(["getent", "group", "qmail"],
                                          capture_output=True).returncode:
        assert "owners not set" in r.stdout

    # a qmail home run entirely from the installed programs
    os.makedirs(home + "/control")
    for name, value in {"me": "me.test", "locals": "local.test",
                        "suppls0": "s0.test", "concurrencyremote": "3"}.items():
        with open(home + "/control/" + name, "w") as f:
            f.write(value + "\n")
    env = dict(os.environ)
    for v in ("QCHAN_HOME", "QCHAN_CHANNELS", "QMAILQUEUE"):
        env.pop(v, None)
    subprocess.run([bindir + "/qchan-start", "--home", home, "--create"],
                   check=True, env=env)
    fslog = str(fast_dir / "deliveries")
    log = str(fast_dir / "log")
    spawn = ("all=%s/fakespawn --channel %%c --latency 0.01 --log %s "
             "--fail-domain bad.test" % (bindir, fslog))
    p = subprocess.Popen([bindir + "/qchan-start", "--home", home,
                          "--same-user", "--spawn", spawn],
                         stdout=open(log, "w"), env=env,
                         start_new_session=True)
    try:
        rcpts = ["a@local.test", "b@r.test", "c@s0.test", "d@bad.test"]
        r, w = os.pipe()
        q = subprocess.Popen([bindir + "/qchan-queue"], stdin=subprocess.PIPE,
                             stdout=r, env=dict(env, QCHAN_HOME=home))
        os.close(r)
        os.write(w, b"Fme@local.test\0" + b"".join(
            b"T" + x.encode() + b"\0" for x in rcpts) + b"\0")
        os.close(w)
        q.communicate(b"Subject: installed\n\nhello\n")
        assert q.returncode == 0
        end = time.time() + 20
        while time.time() < end:
            lines = open(log).read().splitlines()
            if sum(x.startswith("end msg") for x in lines) >= 2:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("not delivered:\n" + open(log).read())
        p.send_signal(signal.SIGTERM)
        assert p.wait(20) == 0
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    dels = [x.split("\t") for x in open(fslog).read().splitlines()]
    got = {(d[2], d[6], d[7]) for d in dels}
    assert got == {("local", "a@local.test", "K"), ("remote", "b@r.test", "K"),
                   ("suppl0", "c@s0.test", "K"),
                   ("remote", "d@bad.test", "D"),
                   ("local", "me@local.test", "K")}, "the bounce came back"
    r = subprocess.run([bindir + "/qchan", "qread", "--home", home],
                       capture_output=True, timeout=20)
    assert r.returncode == 0 and r.stdout == b"", "queue empty"


def test_install_keeps_qmail_originals(fast_dir, conf_build):
    def make_install(*args):
        return conf_build.make("install", *args)
    dest = str(fast_dir / "scratch")
    bindir = dest + str(conf_build.home) + "/bin"
    os.makedirs(bindir)
    for name in ("qmail-send", "qmail-todo"):
        with open(bindir + "/" + name, "w") as f:
            f.write("#!/bin/sh\n# qmail's own %s\n" % name)
    r = make_install("DESTDIR=" + dest)
    assert r.returncode != 0
    assert "not qchan's" in r.stderr and "FORCE=1" in r.stderr
    assert sorted(os.listdir(bindir)) == ["qmail-send", "qmail-todo"]
    assert "qmail's own" in open(bindir + "/qmail-send").read()

    r = make_install("DESTDIR=" + dest, "FORCE=1")
    assert r.returncode == 0, r.stderr
    for name in ("qmail-send", "qmail-todo"):
        orig = open(bindir + "/%s.qmail-orig" % name).read()
        assert orig == "#!/bin/sh\n# qmail's own %s\n" % name
        assert b"QCHAN_HOME" in open(bindir + "/" + name, "rb").read()

    # installing again over qchan's own programs needs no FORCE and keeps
    # the originals as they are
    r = make_install("DESTDIR=" + dest)
    assert r.returncode == 0, r.stderr
    assert "qmail's own" in open(bindir + "/qmail-send.qmail-orig").read()

    # switching back, as docs/install.md says
    for name in ("qmail-send", "qmail-todo"):
        os.rename(bindir + "/%s.qmail-orig" % name, bindir + "/" + name)
    assert "qmail's own" in open(bindir + "/qmail-todo").read()


@pytest.mark.skipif(not shutil.which("gnuplot"),
                    reason="gnuplot is not installed")
def test_installed_qchan_draws_with_the_installed_scripts(fast_dir,
                                                          conf_build):
    """a copy of the installed qchan away from the source tree (so that
    it cannot find the tree's plots/), without QCHAN_PLOTS, draws a run's
    pictures with the scripts make install put under PREFIX (and its PNGs
    through the installed qchan-png.so); without the scripts it draws
    none and says why"""
    r = conf_build.make("install")
    assert r.returncode == 0, r.stderr
    plots = conf_build.prefix / "share" / "qchan" / "plots"
    assert sorted(p.name for p in plots.iterdir()) == sorted(
        p.name for p in (ROOT / "plots").glob("*.gp"))
    qchan = fast_dir / "qchan"
    shutil.copy2(conf_build.home / "bin" / "qchan", qchan)
    env = dict(os.environ)
    env.pop("QCHAN_PLOTS", None)

    def run(out):
        p = subprocess.run([str(qchan), "run",
                            str(ROOT / "scenarios" / "burst.scn"),
                            "--out", str(out)], cwd=str(fast_dir), env=env,
                           capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stdout + p.stderr
        return p.stdout

    assert (conf_build.prefix / "lib" / "qchan" / "qchan-png.so").is_file()
    out = fast_dir / "run"
    assert "pictures: " + str(out) in run(out)
    for name in ("throughput", "inflight", "queue", "fds"):
        # every row "up"-filtered: drawn with the installed qchan-png.so
        assert set(png_read(out / (name + ".png"))[3]) == {2}, name
        assert "burst: " in (out / (name + ".svg")).read_text()
    shutil.rmtree(plots)
    out = fast_dir / "bare"
    assert "the gnuplot scripts (plots/) were not found" in run(out)
    assert not list(out.glob("*.svg"))
