"""trust_helpers.py - what the robustness tests (crash, hostile input,
exhaustion, install, qread, simulator against daemons) share.

    Inst(tmp, controls, spawn)  test_daemons.Qchan with more qchan-start
                                options (.extra), more environment
                                (.env) and the session's processes
    fast_dir fixture            a fresh directory on tmpfs (/dev/shm),
                                where qchan-queue's fsync costs nothing;
                                at its end every Inst still running is
                                killed
    kicked_until(q, pred, t)    SIGALRM every 0.2 s until pred() holds
    read_fslog(path)            fakespawn's log: (deliveries, # lines)
"""
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from test_daemons import Qchan, prog


LIVE = []   # every Inst made: fast_dir's teardown kills what still runs


class Inst(Qchan):
    """A private installation whose processes are listed by session and
    killed at teardown (extra and preexec: see Qchan)."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        LIVE.append(self)

    def start(self, wait=True):
        super().start(wait)
        self.sid = self.proc.pid

    def session(self):
        """{pid: program name} of the processes qchan-start started"""
        out = {}
        sid = self.sid
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % p) as f:
                    st = f.read()
                with open("/proc/%s/cmdline" % p, "rb") as f:
                    argv = f.read().split(b"\0")
            except OSError:
                continue
            fields = st[st.rindex(")") + 2:].split()
            if int(fields[3]) == sid and fields[0] != "Z":
                out[int(p)] = os.path.basename(argv[0].decode())
        return out

    def pid_of(self, name):
        pids = [p for p, n in self.session().items() if n == name]
        return pids[0] if pids else None

    def wait_session_gone(self, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            if not self.session():
                return
            time.sleep(0.02)
        raise AssertionError("processes left: %r" % self.session())


FAST_BYTES = 1 << 30   # the burst test's queue takes about 200 MB


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


@pytest.fixture
def fast_dir():
    """/dev/shm when it has room; as root a tmpfs of our own when it has
    not (a container's 64 MB /dev/shm); else the usual temporary
    directory (slower: qchan-queue and qmail-todo fsync)"""
    shm = os.path.isdir("/dev/shm") and free_bytes("/dev/shm") >= FAST_BYTES
    tmp = Path(tempfile.mkdtemp(prefix="qchan-trust-",
                                dir="/dev/shm" if shm else None))
    mounted = False
    if not shm and os.getuid() == 0:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1g", "tmpfs", str(tmp)],
            capture_output=True).returncode == 0
    yield tmp
    while LIVE:
        LIVE.pop().kill()   # a failed test leaves no daemons behind
    if mounted:
        subprocess.run(["umount", "-l", str(tmp)], capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)


def kicked_until(q, pred, timeout):
    """SIGALRM now and then (deferrals are retried at once) until pred"""
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return
        q.proc.send_signal(signal.SIGALRM)
        time.sleep(0.2)
    raise AssertionError("timed out; log tail:\n" +
                         "\n".join(q.lines()[-15:]))


def read_fslog(path):
    """fakespawn's log as (list of dicts, list of '#' lines)"""
    dels, notes = [], []
    if not os.path.exists(path):
        return dels, notes
    with open(path) as f:
        for line in f:
            # a line without its newline is one a running fakespawn is
            # still writing: it is a record only once it is whole
            if not line.endswith("\n"):
                break
            if line.startswith("#"):
                notes.append(line.rstrip("\n"))
                continue
            w = line.rstrip("\n").split("\t")
            dels.append(dict(start=float(w[0]), end=float(w[1]), chan=w[2],
                             slot=int(w[3]), msg=w[4], sender=w[5],
                             rcpt=w[6], status=w[7], attempt=int(w[8]),
                             inflight=int(w[9])))
    return dels, notes
