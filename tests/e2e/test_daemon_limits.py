"""End-to-end tests: the daemons at their limits -- few descriptors, a
spawner speaking the other width or sending garbage, a spawner that never
answers when SIGTERM comes.

- qchan-start under a low `ulimit -n` starts everything and delivers; below
  what qmail-send or qmail-todo need it says in one line what it has and
  what it needs, and that number is exact (one more and mail flows).
- qmail-todo short of descriptors logs a bounded number of alerts, holds
  its scans and picks the messages up by itself once descriptors return.
- A width mismatch between qmail-send and its spawners stops qmail-send at
  start with one line naming QCHAN_SPAWN_WIDTH.
- A spawner sending garbage is cut off with an alert; what it had in
  flight is delivered exactly once after the restart.
- SIGTERM with a spawner that never answers: qmail-send exits within its
  bound (QCHAN_TERM_WAIT, qchan-start --term-wait), and the deliveries it
  left are made exactly once after the restart.

The installation is trust_helpers.Inst (test_daemons.Qchan: a private
qmail home, the daemons started by qchan-start, fakespawn spawners) on
tmpfs when there is one.  Programs come from $QCHAN_BUILD/bin.
"""
import os
import re
import resource
import signal
import subprocess
import time

import pytest

from test_daemons import BASE, prog
from trust_helpers import Inst, fast_dir, kicked_until, read_fslog  # noqa

CHANS = ["local.test", "r.test", "s0.test", "s1.test"]


def nofile(n):
    """preexec function: the soft and hard descriptor limit n"""
    def lower():
        resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))
    return lower


def rcpts(prefix, count):
    return ["%s%d@%s" % (prefix, i, CHANS[i % len(CHANS)])
            for i in range(count)]


def delivered_once(q, want, timeout):
    """every address in want delivered (status K) exactly once"""
    def done():
        ok = [d["rcpt"] for d in read_fslog(q.fslog)[0] if d["status"] == "K"]
        return sorted(ok) == sorted(want)
    kicked_until(q, done, timeout)


def test_start_under_low_ulimit_delivers(fast_dir):
    q = Inst(fast_dir, dict(BASE), {"all": "--channel %c --no-open "
                                           "--latency 0.01"})
    q.preexec = nofile(150)
    q.start()
    send = q.proc.pid
    assert resource.prlimit(send, resource.RLIMIT_NOFILE)[0] == 150
    want = rcpts("a", 12)
    q.inject_many([("s@local.test", [r]) for r in want])
    delivered_once(q, want, 20)
    assert q.stop() == 0
    assert open(q.err).read() == ""


def start_rc(q, timeout=10):
    """start q without waiting for its log; its exit code or None"""
    q.start(wait=False)
    try:
        return q.proc.wait(timeout)
    except subprocess.TimeoutExpired:
        return None


def test_start_below_need_says_so_in_one_line(fast_dir):
    q = Inst(fast_dir, dict(BASE), {"all": "--channel %c --no-open "
                                           "--latency 0.01"})
    q.preexec = nofile(12)
    assert start_rc(q) == 111
    err = open(q.err).read()
    m = re.fullmatch(r"qchan-start: ulimit -n is 12, 4 channels need (\d+) "
                     r"\(qmail-send (\d+), qmail-todo (\d+), qchan-start "
                     r"(\d+)\): raise it to \1 or more\n", err)
    assert m, err
    need = int(m.group(1))
    assert need == max(int(x) for x in m.groups()[1:])
    q.proc = None

    # one fewer is refused the same way
    open(q.err, "w").close()
    q.preexec = nofile(need - 1)
    assert start_rc(q) == 111
    assert "ulimit -n is %d, 4 channels need %d " % (need - 1, need) in \
        open(q.err).read()
    q.proc = None

    # the number is enough: every channel delivers, a bounce goes out
    open(q.err, "w").close()
    q.spawn = {"all": "--channel %c --no-open --latency 0.01 "
                      "--fail-domain bad.test"}
    q.preexec = nofile(need)
    q.start()
    want = rcpts("b", 16)
    q.inject_many([("s@local.test", [r]) for r in want])
    assert q.inject("s@local.test", ["x@bad.test"]) == 0
    delivered_once(q, want + ["s@local.test"], 30)
    assert q.stop() == 0
    assert not [x for x in q.lines() if "trouble" in x or "alert" in x]


def fd_count(pid):
    return max(int(x) for x in os.listdir("/proc/%d/fd" % pid)) + 1


TODO_TROUBLE = re.compile(r"(alert|warning): qmail-todo: ")


def test_todo_short_of_descriptors_alerts_once_and_recovers(fast_dir):
    q = Inst(fast_dir, dict(BASE), {"all": "--channel %c --no-open "
                                           "--latency 0.01"})
    q.start()
    todo = q.pid_of("qmail-todo")
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # todo/ can be opened, a message's files cannot: once 131,602 lines
    # of "unable to open todo/N" for 150 messages
    resource.prlimit(todo, resource.RLIMIT_NOFILE, (fd_count(todo) + 1,
                                                    hard[1]))
    t0 = time.time()
    want = rcpts("c", 60)
    for r in want:   # one at a time: 60 triggers
        assert q.inject("s@local.test", [r]) == 0
    q.wait_log(lambda l: any(x.startswith("alert: qmail-todo: out of "
                                          "descriptors") for x in l), 10)
    time.sleep(1)
    assert read_fslog(q.fslog)[0] == []
    assert len(os.listdir(q.home + "/queue/todo")) == len(want)

    # descriptors return; no trigger is pulled: the held scan runs
    resource.prlimit(todo, resource.RLIMIT_NOFILE, hard)
    elapsed = time.time() - t0

    def done():
        ok = [d["rcpt"] for d in read_fslog(q.fslog)[0] if d["status"] == "K"]
        return sorted(ok) == sorted(want)
    q.wait_deliveries(lambda d: done(), 25)
    assert q.stop() == 0
    lines = q.lines()
    trouble = [x for x in lines if TODO_TROUBLE.match(x)]
    # one alert per 10 s hold while the limit was low, nothing else
    assert trouble and len(trouble) <= 2 + elapsed / 10, trouble
    assert all(re.fullmatch(r"alert: qmail-todo: out of descriptors \(a "
                            r"message needs 6 more; ulimit -n \d+\), "
                            r"sleeping\.\.\.", x) for x in trouble), trouble
    print("\nqmail-todo short of descriptors: %d alert(s) in %.1f s, %d "
          "messages preprocessed after, no trigger" % (
              len(trouble), elapsed, len(want)))


def test_todo_failures_rate_limited_and_retried_on_a_timer(fast_dir):
    """todo/N entries whose mess/N is missing fail message by message at
    every pass; the log gets TODO_WARN_BURST of the warnings and a count,
    and once the files are there the messages go through without a
    trigger (the pass that left them is repeated after 10 s)"""
    q = Inst(fast_dir, dict(BASE), {"all": "--channel %c --no-open "
                                           "--latency 0.01"})
    q.start()
    assert q.stop() == 0
    # real messages, then their mess/ files moved away
    want = rcpts("d", 30)
    q.inject_many([("s@local.test", [r]) for r in want])
    queue = q.home + "/queue"
    moved = []
    for sub in os.listdir(queue + "/mess"):
        for name in os.listdir(queue + "/mess/" + sub):
            src = "%s/mess/%s/%s" % (queue, sub, name)
            os.rename(src, str(fast_dir / name))
            moved.append((str(fast_dir / name), src))
    assert len(moved) == len(want)
    q.start()
    q.wait_log(lambda l: sum(bool(TODO_TROUBLE.match(x)) for x in l) >= 10, 10)
    for _ in range(20):   # twenty more passes, each failing 30 times
        fd = os.open(queue + "/lock/trigger", os.O_WRONLY | os.O_NONBLOCK)
        os.write(fd, b"\0")
        os.close(fd)
        time.sleep(0.05)
    time.sleep(0.5)
    trouble = [x for x in q.lines() if TODO_TROUBLE.match(x)]
    assert len(trouble) == 10, trouble
    assert all(x.startswith("warning: qmail-todo: unable to stat mess/")
               for x in trouble)
    for tmp, src in moved:
        os.rename(tmp, src)
    q.wait_deliveries(lambda d: sorted(x["rcpt"] for x in d) == sorted(want),
                      25)
    assert q.stop() == 0
    # the count of what was left out, logged when qmail-todo stopped
    counts = [int(m.group(1)) for m in (re.fullmatch(
        r"warning: qmail-todo: (\d+) more warnings and alerts in \d+ "
        r"seconds not logged", x) for x in q.lines()) if m]
    assert len(counts) == 1 and counts[0] >= 20 * len(want), counts
