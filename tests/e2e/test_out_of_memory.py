"""test_out_of_memory.py - qmail-send and qmail-todo refused memory.

The test build's daemons (build/testbin) take all their memory from one
allocator that refuses the requests QCHAN_ALLOC_FAIL=N:COUNT (qmail-send)
and QCHAN_TODO_ALLOC_FAIL=N:COUNT (qmail-todo) name, counting every
request for more memory from 1.  Whatever a window hits -- the controls,
the classifier and the scheduler at start-up, a D record taken in, a
pass's sender or recipient, a spawn request, a VERP sender, a bounce
composed, a message preprocessed, the log -- the daemon logs qmail's
"alert: out of memory, sleeping..." (qmail-todo: "alert: qmail-todo: out
of memory, sleeping..."), keeps the message on disk (qmail-todo: in
todo/), waits and tries again: every recipient is delivered exactly
once, the bounce is sent once, and the queue ends empty.  The windows
are spread over a whole run, start-up first.  The clock runs 100 times
faster, so qmail's ten-second naps take a tenth of a second.
"""
import os
import signal
import time

import pytest

import test_daemons
from test_daemons import BASE
from trust_helpers import Inst, fast_dir, kicked_until, read_fslog  # noqa

ALERT = "alert: out of memory, sleeping..."
TODO_ALERT = "alert: qmail-todo: out of memory, sleeping..."
DOMAINS = ["local.test", "r.test", "s0.test", "s1.test"]
VERP = "owner-@local.test-@[]"


def traffic():
    """twelve messages of three recipients each, one with a VERP sender,
    one with a recipient that fails (a bounce to its sender)"""
    msgs = [("s%d@local.test" % i,
             ["u%d.%d@%s" % (i, k, DOMAINS[(i + k) % 4]) for k in range(3)])
            for i in range(12)]
    msgs.append((VERP, ["v@r.test"]))
    msgs.append(("s99@local.test", ["gone@bad.test", "kept@r.test"]))
    return msgs


def run(fast_dir, knobs):
    """the traffic through daemons with the knobs set; the log's lines
    once everything is delivered (each exactly once)"""
    q = Inst(fast_dir, dict(BASE),
             {"all": "--channel %c --latency 0.01 --fail-domain bad.test"})
    q.env["QCHAN_TIME_SCALE"] = "100"
    q.env["QCHAN_TIME_EPOCH"] = repr(time.time())
    q.env.update(knobs)
    q.start()
    msgs = traffic()
    q.inject_many(msgs)
    # the bounce of gone@bad.test goes to its sender
    want = sorted([r for _, rcpts in msgs for r in rcpts] +
                  ["s99@local.test"])

    def done():
        got = sorted(d["rcpt"] for d in read_fslog(q.fslog)[0])
        return got == want and q.queue_files() == []
    kicked_until(q, done, 90)
    assert q.stop() == 0
    dels = {d["rcpt"]: d for d in read_fslog(q.fslog)[0]}
    assert sorted(dels) == want, "each exactly once"
    assert all(d["status"] == ("D" if r == "gone@bad.test" else "K")
               for r, d in dels.items())
    assert dels["v@r.test"]["sender"] == "owner-v=r.test@local.test"
    assert dels["s99@local.test"]["sender"] == ""
    lines = q.lines()
    print("\n%s: %d alerts, %d of qmail-todo, %d deliveries once"
          % (" ".join("%s=%s" % kv for kv in sorted(knobs.items())),
             lines.count(ALERT), lines.count(TODO_ALERT), len(want)))
    return lines


@pytest.fixture
def testbin(monkeypatch):
    monkeypatch.setattr(test_daemons, "BIN", os.path.join(
        os.path.dirname(test_daemons.BIN), "testbin"))


# Windows of WINDOW requests side by side, so that every request of a run
# is refused in one of them, start-up included: qmail-send makes about
# 140 to 170 requests in a run (how many depends on how deliveries and
# reports interleave), qmail-todo 104; the windows stop short of the
# fewest, so each one falls on the run.
WINDOW = 15
SEND_WINDOWS = ["%d:%d" % (n, WINDOW) for n in range(1, 121, WINDOW)]
TODO_WINDOWS = ["%d:%d" % (n, WINDOW) for n in range(1, 100, WINDOW)]


def met(lines, alert):
    """the refusals were met: the alert, or a step put off with qmail's
    warning (a pass whose sender could not be read: "trouble opening")"""
    return alert in lines or any(x.startswith("warning:") for x in lines)


@pytest.mark.parametrize("fail", SEND_WINDOWS)
def test_send_refused_memory_loses_nothing(fast_dir, testbin, fail):
    assert met(run(fast_dir, {"QCHAN_ALLOC_FAIL": fail}), ALERT)


@pytest.mark.parametrize("fail", TODO_WINDOWS)
def test_todo_refused_memory_loses_nothing(fast_dir, testbin, fail):
    assert met(run(fast_dir, {"QCHAN_TODO_ALLOC_FAIL": fail}), TODO_ALERT)


def test_both_refused_memory_loses_nothing(fast_dir, testbin):
    """memory short for both daemons at once, for a while"""
    lines = run(fast_dir, {"QCHAN_ALLOC_FAIL": "50:50",
                           "QCHAN_TODO_ALLOC_FAIL": "40:50"})
    assert met(lines, ALERT) and TODO_ALERT in lines


def installation(fast_dir, knobs):
    q = Inst(fast_dir, dict(BASE), {"all": "--channel %c --latency 0.01"})
    q.env["QCHAN_TIME_SCALE"] = "100"
    q.env["QCHAN_TIME_EPOCH"] = repr(time.time())
    q.env.update(knobs)
    return q


def start_up_requests(fast_dir, var, alert):
    """at least how many requests for memory the daemon makes to start
    with an empty queue: the highest N whose refusal brings the alert at
    start-up (found by halving; stopping waits for both daemons, so their
    start-up lines are all in the log by then).  A refusal the daemon
    meets without an alert (a log buffer: the line goes out unbuffered)
    may come after it."""
    lo, hi = 0, 512
    while hi - lo > 1:
        mid = (lo + hi) // 2
        q = installation(fast_dir / ("probe%d" % mid), {var: "%d:1" % mid})
        q.start()
        assert q.stop() == 0
        if alert in q.lines():
            lo = mid
        else:
            hi = mid
    assert 0 < lo < 511
    return lo


def reread_refused(fast_dir, var, alert, change, refused_prefix):
    """a running installation whose first reread (SIGHUP) after start-up
    was refused memory: the request after start-up's last is refused, so
    the daemon is started with windows from start_up_requests on until
    the reread meets one.  change(q) edits the controls."""
    first = start_up_requests(fast_dir, var, alert) + 1
    for n in range(first, first + 8):
        q = installation(fast_dir / ("hup%d" % n), {var: "%d:1" % n})
        q.start()
        change(q)
        q.proc.send_signal(signal.SIGHUP)
        end = time.time() + 3
        while time.time() < end:
            if any(x.startswith(refused_prefix) for x in q.lines()):
                return q
            time.sleep(0.05)
        assert q.stop() == 0
    raise AssertionError("no reread met the refusal")


def test_send_reread_refused_keeps_the_controls(fast_dir, testbin):
    """a SIGHUP whose controls are refused memory keeps those in force,
    says so, and the next SIGHUP takes the new ones"""
    prefix = "alert: unable to reread controls: "
    q = reread_refused(fast_dir, "QCHAN_ALLOC_FAIL", ALERT,
                       lambda q: q.control("concurrencyremote", "7"), prefix)
    assert not any(" remote 0/7 " in x for x in q.lines()), "still 20"
    q.proc.send_signal(signal.SIGHUP)
    q.wait_log(lambda l: any(" remote 0/7 " in x for x in l), 10)
    assert q.stop() == 0
    refused = [x for x in q.lines() if x.startswith(prefix)]
    assert len(refused) == 1 and refused[0].endswith(": out of memory")


def test_todo_reread_refused_keeps_the_controls(fast_dir, testbin):
    """qmail-todo's 'H' refused memory keeps the controls in force (a
    domain not yet local goes remote), the next one takes the new ones"""
    prefix = "alert: qmail-todo: unable to reread controls: "
    q = reread_refused(fast_dir, "QCHAN_TODO_ALLOC_FAIL", TODO_ALERT,
                       lambda q: q.control("locals", "local.test\nnew.test"),
                       prefix)
    q.inject("a@local.test", ["u@new.test"])
    q.wait_deliveries(lambda d: len(d) == 1, 10)
    assert q.deliveries()[0]["chan"] == "remote", "the old locals"
    q.proc.send_signal(signal.SIGHUP)
    # qmail-todo takes the 'H' in its own time: a message of each turn
    # until one goes local
    for i in range(1, 20):
        q.inject("b@local.test", ["v%d@new.test" % i])
        q.wait_deliveries(lambda d: len(d) == i + 1, 10)
        if q.deliveries()[-1]["chan"] == "local":
            break
    else:
        raise AssertionError("the second 'H' did not take the new locals")
    assert q.stop() == 0
    refused = [x for x in q.lines() if x.startswith(prefix)]
    assert len(refused) == 1 and refused[0].endswith(": out of memory")


def test_production_ignores_the_knobs(fast_dir):
    """bin/'s daemons do not read the variables: refusing their every
    request would hold them at start-up for ever"""
    lines = run(fast_dir, {"QCHAN_ALLOC_FAIL": "1:1000000",
                           "QCHAN_TODO_ALLOC_FAIL": "1:1000000"})
    assert ALERT not in lines and TODO_ALERT not in lines
