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
    # three holds of 10 s go by: still one alert (once a minute at most)
    time.sleep(21)
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
    # one alert for the three holds while the limit was low, nothing else
    assert len(trouble) == 1, trouble
    assert re.fullmatch(r"alert: qmail-todo: out of descriptors \(a "
                        r"message needs 6 more; ulimit -n \d+\), "
                        r"sleeping\.\.\.", trouble[0]), trouble
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
        r"warning: qmail-todo: (\d+) more warnings in \d+ "
        r"seconds not logged", x) for x in q.lines()) if m]
    assert len(counts) == 1 and counts[0] >= 20 * len(want), counts


@pytest.mark.parametrize("send_width,spawn_width,line", [
    (2, 1, r"alert: cannot start: the (local|remote|suppl\d) spawner sent 1 "
           r"byte of a 2-byte limit and then nothing for 5 seconds: it "
           r"speaks the classic 1-byte spawn protocol; set "
           r"QCHAN_SPAWN_WIDTH=1 \(qchan-start --width 1\)"),
    (1, 2, r"alert: cannot start: the (local|remote|suppl\d) spawner sent "
           r"more than its 1-byte limit before any request: it speaks the "
           r"2-byte spawn protocol; set QCHAN_SPAWN_WIDTH=2 \(qchan-start "
           r"--width 2\)"),
])
def test_width_mismatch_stops_with_one_line(fast_dir, send_width,
                                            spawn_width, line):
    q = Inst(fast_dir, dict(BASE), {"all": "--channel %%c --no-open "
                                           "--latency 0.01 --width %d"
                                           % spawn_width}, width=send_width)
    want = rcpts("e", 8)
    q.inject_many([("s@local.test", [r]) for r in want])
    t0 = time.time()
    assert start_rc(q, 20) == 111
    took = time.time() - t0
    lines = q.lines()
    assert len(lines) == 1 and re.fullmatch(line, lines[0]), lines
    assert took < 15
    assert read_fslog(q.fslog)[0] == []
    q.proc = None
    q.wait_session_gone()

    # the right width: everything goes out, once
    q.spawn = {"all": "--channel %c --no-open --latency 0.01"}
    q.width = spawn_width
    q.start()
    delivered_once(q, want, 20)
    assert q.stop() == 0


GARBAGE = {
    # a report for delivery 65535 (never in flight) three times a request
    "range": 'os.write(1, b"\\xff\\xffKhello\\0" * 3)',
    # a report that never ends
    "endless": 'os.write(1, b"x" * 100000)',
}


def garbage_spawner(tmp, kind):
    """a spawner that announces limit 20, then answers with garbage"""
    path = tmp / ("garbage-%s.py" % kind)
    path.write_text("import os\n"
                    "os.write(1, bytes([20, 0]))\n"
                    "while os.read(0, 65536):\n"
                    "    %s\n" % GARBAGE[kind])
    return "raw:/usr/bin/python3 %s" % path


@pytest.mark.parametrize("kind,alert", [
    ("range", r"alert: the remote spawner sent 8 reports in a row that are "
              r"for no delivery in flight or mangled, and never a good one "
              r"\(is QCHAN_SPAWN_WIDTH right for it\?\); cutting it off"),
    ("endless", r"alert: the remote spawner sent \d+ bytes without ending a "
                r"report; cutting it off"),
])
def test_garbage_spawner_cut_off_then_delivered_once(fast_dir, kind, alert):
    fast = "--channel %c --no-open --latency 0.01"
    q = Inst(fast_dir, dict(BASE), {"all": fast,
                                    "remote": garbage_spawner(fast_dir, kind)})
    q.start()
    want = rcpts("f", 24)
    t0 = time.time()
    q.inject_many([("s@local.test", [r]) for r in want])
    rc = q.proc.wait(20)
    took = time.time() - t0
    assert rc == 0
    lines = q.lines()
    cut = [x for x in lines if x.startswith("alert: the remote spawner")]
    assert len(cut) == 1 and re.fullmatch(alert, cut[0]), cut
    i = lines.index(cut[0])
    assert lines[i + 1] == "alert: oh no! lost spawn connection! dying..."
    assert lines[-1] == "status: exiting"
    q.proc = None
    q.wait_session_gone()
    remote = [r for r in want if r.endswith("@r.test")]
    assert not [d for d in read_fslog(q.fslog)[0] if d["rcpt"] in remote]

    # a working spawner: what the garbage one had is delivered, once
    q.spawn = {"all": fast}
    q.start()
    delivered_once(q, want, 20)
    assert q.stop() == 0
    print("\n%s garbage: cut off and exited in %.1f s, then %d recipients "
          "delivered once" % (kind, took, len(want)))


def test_sigterm_with_a_stuck_spawner_exits_within_the_bound(fast_dir):
    fast = "--channel %c --no-open --latency 0.01"
    q = Inst(fast_dir, dict(BASE), {"all": fast,
                                    "remote": "--channel %c --no-open "
                                              "--latency 1000"})
    q.extra = ["--term-wait", "2"]
    q.start()
    want = rcpts("g", 16)
    stuck = [r for r in want if r.endswith("@r.test")]
    q.inject_many([("s@local.test", [r]) for r in want])
    q.wait_deliveries(lambda d: len(d) == len(want) - len(stuck), 20)
    q.wait_log(lambda l: "status: local 0/10 remote %d/20 suppl0 0/20 "
               "suppl1 0/20" % len(stuck) in l, 10)
    t0 = time.time()
    q.proc.send_signal(signal.SIGTERM)
    rc = q.proc.wait(10)
    took = time.time() - t0
    assert rc == 0
    assert 2 <= took < 4, took
    lines = q.lines()
    assert lines[-2:] == [
        "alert: exiting with %d deliveries in flight after 2 seconds "
        "(QCHAN_TERM_WAIT); they will be made after the restart" % len(stuck),
        "status: exiting"]
    q.proc = None
    os.killpg(q.sid, signal.SIGKILL)   # the stuck spawner lingers
    q.wait_session_gone()

    q.spawn = {"all": fast}
    q.extra = []
    q.start()
    delivered_once(q, want, 20)
    assert q.stop() == 0
    print("\nSIGTERM with %d deliveries stuck: exited in %.2f s (bound 2 s), "
          "all delivered once after the restart" % (len(stuck), took))


def test_term_wait_setting_checked(fast_dir):
    q = Inst(fast_dir, dict(BASE), {"all": "--channel %c --no-open"})
    q.extra = ["--term-wait", "soon"]
    assert start_rc(q) == 111
    assert q.lines() == ["alert: cannot start: QCHAN_TERM_WAIT=soon: "
                         "expected seconds from 0 to 86400"]


def test_sigterm_while_a_spawner_has_not_spoken(fast_dir):
    """qmail's qmail-send blocks in read() for each spawner's limit and
    cannot be stopped there; this one answers SIGTERM at once"""
    q = Inst(fast_dir, dict(BASE), {"all": "--channel %c --no-open",
                                    "remote": "raw:sleep 1000"})
    assert start_rc(q, 1) is None
    t0 = time.time()
    q.proc.send_signal(signal.SIGTERM)
    assert q.proc.wait(5) == 0
    assert time.time() - t0 < 1
    assert q.lines() == ["status: exiting"]
    os.killpg(q.sid, signal.SIGKILL)
    q.proc = None
