"""test_fakespawn_fork.py - fakespawn --fork: a process per delivery, as
qmail-lspawn and qmail-rspawn make one.

A scripted client speaks the spawn protocol (width 2) to fakespawn, as
qmail-send would, and checks the reports: the same outcomes as the plain
fakespawn for the same requests, a child process per delivery that the
spawner does not wait on while others go on, the report only after the
child is gone (reaped, no zombie left), the child's exit as the status.
Message files are under a private QCHAN_HOME/queue/mess.
"""
import os
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest

TIMEOUT = 20


class Spawner:
    """fakespawn with a scripted qmail-send on the other end."""

    def __init__(self, bindir, home, *args):
        env = dict(os.environ, QCHAN_HOME=str(home), QCHAN_SPAWN_WIDTH="2")
        self.proc = subprocess.Popen(
            [str(bindir / "fakespawn"), "--channel", "remote", "--limit",
             "50", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env=env)
        self.buf = b""
        self.limit = int.from_bytes(self._take(2), "little")

    def _more(self, deadline):
        left = deadline - time.monotonic()
        assert left > 0, "fakespawn did not answer in time"
        ready, _, _ = select.select([self.proc.stdout], [], [], left)
        if ready:
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            assert chunk, "fakespawn closed its reports early"
            self.buf += chunk

    def _take(self, n):
        deadline = time.monotonic() + TIMEOUT
        while len(self.buf) < n:
            self._more(deadline)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def request(self, slot, path, rcpt, sender="s@local.test"):
        rec = (slot.to_bytes(2, "little") + path.encode() + b"\0" +
               sender.encode() + b"\0" + rcpt.encode() + b"\0")
        self.proc.stdin.write(rec)
        self.proc.stdin.flush()

    def report(self, timeout=TIMEOUT):
        """(slot, status, text) of the next report."""
        deadline = time.monotonic() + timeout
        while len(self.buf) < 3 or b"\0" not in self.buf[2:]:
            self._more(deadline)
        end = self.buf.index(b"\0", 2)
        rec, self.buf = self.buf[:end], self.buf[end + 1:]
        return (int.from_bytes(rec[:2], "little"), chr(rec[2]),
                rec[3:].decode())

    def pending(self, wait):
        """Is a report on its way within wait seconds?"""
        if self.buf:
            return True
        ready, _, _ = select.select([self.proc.stdout], [], [], wait)
        return bool(ready)

    def finish(self):
        self.proc.stdin.close()
        rest = self.proc.stdout.read()
        assert self.proc.wait(TIMEOUT) == 0
        return rest

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def children(pid):
    """{child pid: state letter} of process pid, from /proc."""
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path("/proc", d, "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            kids[int(d)] = fields[0]
    return kids


def wait_for(pred, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(0.02)
    return pred()


@pytest.fixture
def home(tmp_path):
    """A qmail home with queue/mess/S/ directories."""
    h = tmp_path / "qmail"
    for s in range(23):
        (h / "queue" / "mess" / str(s)).mkdir(parents=True)
    return h


def message(home, n):
    """Create message n; its path as qmail-send names it."""
    path = f"{n % 23}/{n}"
    (home / "queue" / "mess" / path).write_text("Subject: x\n\nbody\n")
    return path


def script(home):
    """40 requests: messages present and missing, recipients in a failing,
    a deferring and an ordinary domain."""
    reqs = []
    for i in range(40):
        n = 1000 + i
        path = message(home, n) if i % 5 else f"{n % 23}/{n}"
        dom = ["fail.test", "defer.test", "ok.test", "ok.test"][i % 4]
        reqs.append((path, f"u{i}@{dom}"))
    return reqs


def outcomes(bindir, home, reqs, *args):
    """Run reqs (at most the limit at once) and map each to its report."""
    sp = Spawner(bindir, home, "--latency", "0", "--fail-domain",
                 "fail.test", "--defer-domain", "defer.test", *args)
    try:
        for slot, (path, rcpt) in enumerate(reqs):
            sp.request(slot, path, rcpt)
        got = {}
        for _ in reqs:
            slot, status, text = sp.report()
            assert slot not in got, f"two reports for delivery {slot}"
            got[slot] = (status, text)
        assert sp.finish() == b"", "reports nobody asked for"
    finally:
        sp.kill()
    return [got[slot] for slot in range(len(reqs))]


def test_fork_outcomes_equal_plain_spawner(bindir, home, tmp_path):
    reqs = script(home)
    plain = outcomes(bindir, home, reqs)
    log = tmp_path / "fork.log"
    forked = outcomes(bindir, home, reqs, "--fork", "--log", str(log))
    assert forked == plain
    for (path, rcpt), (status, text) in zip(reqs, forked):
        present = (home / "queue" / "mess" / path).exists()
        if not present:
            assert (status, text) == (
                "Z", "fakespawn: unable to open the message file./")
        elif rcpt.endswith("@fail.test"):
            assert status == "D"
        elif rcpt.endswith("@defer.test"):
            assert status == "Z"
        else:
            assert status == "K"
    # one log line per delivery, with the status reported
    lines = [l.split("\t") for l in log.read_text().splitlines()]
    assert sorted((l[6], l[7]) for l in lines) == sorted(
        (rcpt, st) for (_, rcpt), (st, _) in zip(reqs, forked))


def test_no_open_child_reports_model_outcome(bindir, home):
    """--no-open: the child opens nothing, a missing message is delivered."""
    reqs = [(f"{n % 23}/{n}", f"u{n}@{d}")
            for n, d in ((7, "ok.test"), (8, "fail.test"))]
    got = outcomes(bindir, home, reqs, "--fork", "--no-open")
    assert [g[0] for g in got] == ["K", "D"]


def test_a_process_per_delivery_reaped_before_its_report(bindir, home):
    """A child blocked in open() (the message is a FIFO) is a process of
    its own: the spawner answers other deliveries meanwhile, reports this
    one only once the child has ended, and leaves no zombie."""
    fifo = home / "queue" / "mess" / "2" / "25"
    os.mkfifo(fifo)
    other = message(home, 26)
    ok = ok_text(bindir, home)
    sp = Spawner(bindir, home, "--fork", "--latency", "0")
    try:
        sp.request(0, "2/25", "a@ok.test")
        kids = wait_for(lambda: children(sp.proc.pid))
        assert len(kids) == 1, kids
        (kid, state), = kids.items()
        assert state in "SR", "the child should wait in open()"
        # the spawner is not waiting on it: another delivery goes through
        sp.request(1, other, "b@ok.test")
        assert sp.report() == (1, "K", ok)
        assert not sp.pending(0.3), "reported before the child ended"
        assert kid in children(sp.proc.pid)
        # a writer lets the child's open() through: it delivers and ends
        w = os.open(fifo, os.O_WRONLY)
        try:
            assert sp.report() == (0, "K", ok)
        finally:
            os.close(w)
        assert wait_for(lambda: not children(sp.proc.pid)), \
            "a child left behind (not reaped)"
        assert sp.finish() == b""
    finally:
        sp.kill()


def ok_text(bindir, home):
    """The success text the plain spawner gives a remote delivery."""
    got = outcomes(bindir, home, [(message(home, 99), "x@ok.test")])
    assert got[0][0] == "K"
    return got[0][1]


def test_crashed_child_is_a_deferral(bindir, home):
    fifo = home / "queue" / "mess" / "3" / "26"
    os.mkfifo(fifo)
    sp = Spawner(bindir, home, "--fork", "--latency", "0")
    try:
        sp.request(4, "3/26", "a@ok.test")
        kids = wait_for(lambda: children(sp.proc.pid))
        assert len(kids) == 1, kids
        os.kill(next(iter(kids)), signal.SIGKILL)
        assert sp.report() == (
            4, "Z", "fakespawn: the delivery process crashed./")
        assert wait_for(lambda: not children(sp.proc.pid))
        assert sp.finish() == b""
    finally:
        sp.kill()


def test_fork_keeps_the_models_latency(bindir, home):
    path = message(home, 40)
    sp = Spawner(bindir, home, "--fork", "--latency", "0.4")
    try:
        t = time.monotonic()
        sp.request(0, path, "a@ok.test")
        # the child is done at once; the report waits for the latency
        slot, status, _ = sp.report()
        assert (slot, status) == (0, "K")
        assert time.monotonic() - t >= 0.4
        assert sp.finish() == b""
    finally:
        sp.kill()
