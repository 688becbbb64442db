"""End-to-end tests: a full disk and exhausted descriptors.

When the queue's file system is full or a daemon runs out of
descriptors, qmail-send and qmail-todo log qmail's warnings and alerts,
keep every message where it is, and deliver everything once space or
descriptors return: qmail-send on its retry schedule (SIGALRM here, to
not wait 123 s), qmail-todo at the next trigger (the next injection pulls
it; the test pulls it by hand).

The full disk is a 2 MB tmpfs mounted for the test (root is needed to
mount; CI runs as root); the descriptor limit is lowered on the running
daemons with prlimit(2) (the soft limit: no privilege needed).
"""
import os
import re
import resource
import subprocess

import pytest

from test_daemons import BASE
from trust_helpers import Inst, fast_dir, kicked_until, read_fslog  # noqa


def pull_trigger(q):
    fd = os.open(q.home + "/queue/lock/trigger", os.O_WRONLY | os.O_NONBLOCK)
    os.write(fd, b"\0")
    os.close(fd)


def fill(path):
    """write path until the file system is full; returns bytes written"""
    n = 0
    with open(path, "wb", buffering=0) as f:
        try:
            while True:
                n += f.write(b"\0" * 65536)
        except OSError as e:
            assert e.errno == 28, e   # ENOSPC
    # the last partial pages, one byte at a time at most 64 KB
    with open(path + ".2", "wb", buffering=0) as f:
        try:
            for _ in range(65536):
                n += f.write(b"\0")
        except OSError:
            pass
    return n


@pytest.fixture
def small_fs(fast_dir):
    if os.getuid() != 0:
        pytest.skip("mounting a 2 MB tmpfs needs root (CI runs as root)")
    mnt = fast_dir / "mnt"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs",
                        str(mnt)], capture_output=True, text=True)
    assert r.returncode == 0, "cannot mount a tmpfs: " + r.stderr
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)])


def test_disk_full_logged_retried_nothing_lost(small_fs, fast_dir):
    controls = dict(BASE, concurrencyremote="0")
    q = Inst(small_fs, controls, {"all": "--channel %c --latency 0.01 "
                                         "--fail-domain bad.test"})
    # logs outside the full file system
    q.log, q.err, q.fslog = (str(fast_dir / n) for n in ("log", "err",
                                                          "fslog"))
    q.start()
    # a message whose remote recipient fails: its bounce will need space
    assert q.inject("a@local.test", ["x@bad.test"]) == 0
    q.wait_log(lambda l: any(x.startswith("info msg") for x in l), 10)
    assert q.stop() == 0
    want = ["u%d@%s" % (i, d) for i, d in enumerate(
        ["local.test", "r.test", "s0.test", "s1.test"] * 6)]
    q.inject_many([("s@local.test", [r]) for r in want])

    filler = str(small_fs / "filler")
    nfill = fill(filler)
    q.control("concurrencyremote", "5")
    q.start()
    todo_warn = re.compile(r"warning: qmail-todo: (trouble writing to|"
                           r"unable to create) (info|local|remote|suppl\d)/")
    bounce_alert = "alert: unable to append to bounce message; HELP! " \
                   "sleeping..."
    q.wait_log(lambda l: any(todo_warn.match(x) for x in l) and
               bounce_alert in l, 20)
    dels, _ = read_fslog(q.fslog)
    assert [(d["rcpt"], d["status"]) for d in dels] == [("x@bad.test", "D")]
    assert os.path.exists(q.home + "/queue/todo"), "nothing preprocessed"
    assert len(os.listdir(q.home + "/queue/todo")) == len(want)

    # space returns: everything is delivered, the bounce included
    os.unlink(filler)
    os.unlink(filler + ".2")
    pull_trigger(q)

    def done():
        ok = {d["rcpt"] for d in read_fslog(q.fslog)[0] if d["status"] == "K"}
        return set(want) | {"a@local.test"} <= ok and q.queue_files() == []
    kicked_until(q, done, 30)
    assert q.stop() == 0
    dels, notes = read_fslog(q.fslog)
    assert notes == []
    ok = sorted(d["rcpt"] for d in dels if d["status"] == "K")
    assert ok == sorted(want + ["a@local.test"]), "each exactly once"
    bounce = [d for d in dels if d["rcpt"] == "a@local.test"]
    assert bounce[0]["sender"] == ""
    lines = q.lines()
    print("\nfull disk (%d bytes of filler): %d qmail-todo warnings, %d "
          "bounce alerts, then %d recipients and the bounce delivered" % (
              nfill, sum(bool(todo_warn.match(x)) for x in lines),
              lines.count(bounce_alert), len(want)))


def fd_count(pid):
    return max(int(x) for x in os.listdir("/proc/%d/fd" % pid)) + 1


def test_descriptors_exhausted_logged_retried_nothing_lost(fast_dir):
    q = Inst(fast_dir, dict(BASE), {"all": "--channel %c --no-open "
                                           "--latency 0.01"})
    q.start()
    send, todo = q.proc.pid, q.pid_of("qmail-todo")
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)

    # qmail-send cannot open another file: its passes fail
    resource.prlimit(send, resource.RLIMIT_NOFILE, (fd_count(send), nofile[1]))
    first = ["a%d@%s" % (i, d) for i, d in enumerate(
        ["local.test", "r.test", "s0.test", "s1.test"])]
    q.inject_many([("s@local.test", [r]) for r in first])
    opening = re.compile(r"warning: trouble opening (local|remote|suppl\d)"
                         r"/\S+; will try again later")
    q.wait_log(lambda l: sum(bool(opening.match(x)) for x in l) >= 4, 10)

    # qmail-todo cannot open todo/ or a message
    resource.prlimit(todo, resource.RLIMIT_NOFILE, (fd_count(todo), nofile[1]))
    second = ["b%d@%s" % (i, d) for i, d in enumerate(
        ["local.test", "r.test", "s0.test", "s1.test"])]
    q.inject_many([("s@local.test", [r]) for r in second])
    todo_alert = re.compile(r"(alert: qmail-todo: unable to opendir todo|"
                            r"warning: qmail-todo: unable to (open|create) )")
    q.wait_log(lambda l: any(todo_alert.match(x) for x in l), 10)
    assert read_fslog(q.fslog)[0] == [], "nothing delivered meanwhile"
    assert len(os.listdir(q.home + "/queue/todo")) == 4

    # descriptors return: all of it is delivered, each once
    resource.prlimit(send, resource.RLIMIT_NOFILE, nofile)
    resource.prlimit(todo, resource.RLIMIT_NOFILE, nofile)
    pull_trigger(q)
    want = first + second

    def done():
        return sorted(d["rcpt"] for d in read_fslog(q.fslog)[0]) == \
            sorted(want) and q.queue_files() == []
    kicked_until(q, done, 20)
    assert q.stop() == 0
    assert all(d["status"] == "K" for d in read_fslog(q.fslog)[0])
    lines = q.lines()
    # "sleeping...": qmail-todo holds its scans for 10 s, it does not spin
    assert sum(bool(todo_alert.match(x)) for x in lines) == 1
    print("\ndescriptors: %d qmail-send warnings, %d qmail-todo alerts, "
          "then %d recipients delivered" % (
              sum(bool(opening.match(x)) for x in lines),
              sum(bool(todo_alert.match(x)) for x in lines), len(want)))
