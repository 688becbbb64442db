"""End-to-end tests: qmail-send against peers that misbehave.

A spawner that mangles its reports, answers for delivery numbers it was
never given, sends reports over qmail's 10,000-byte REPORTMAX, or dies
with deliveries in flight; a qmail-todo that sends garbage records.  Each
is logged with qmail's words and survived: nothing is lost, qmail-send
keeps serving, or (a dead spawner) finishes what is in flight and exits
as qmail-send does.

The installation is test_daemons.py's Qchan (a private qmail home, the
daemons started by qchan-start, fakespawn spawners), on /dev/shm when
there is one.  Programs come from $QCHAN_BUILD/bin (default build/bin).
"""
import os
import re
import sys

import pytest

from test_daemons import BASE, check_deliveries_paired, prog
from trust_helpers import Inst, fast_dir, kicked_until, read_fslog  # noqa

MANGLED = re.compile(r"^delivery \d+: report mangled, will defer$")
RANGE = "warning: internal error: delivery report out of range"


@pytest.fixture
def make_fast(fast_dir):
    """Inst factory with the home on tmpfs (qchan-queue fsyncs)."""
    made = []

    def factory(controls, spawn, sub="a"):
        (fast_dir / sub).mkdir()
        q = Inst(fast_dir / sub, controls, spawn)
        made.append(q)
        return q
    yield factory
    for q in made:
        q.kill()


def test_broken_spawner_reports_are_logged_and_survived(make_fast):
    # remote's spawner: every 3rd report mangled, after every 4th one for
    # a delivery number not in flight (21 = its limit, out of range; 20,
    # inside the limit but above the concurrency), every 5th 12,000 bytes
    controls = dict(BASE, concurrencyremote="20")
    bad = ("--channel %c --no-open --latency 0.005 --limit 21 "
           "--mangle-every 3 --bad-slot-every 4 --huge-report-every 5")
    q = make_fast(controls, {"all": "--channel %c --no-open --latency 0.005",
                             "remote": bad})
    q.start()
    want = ["u%d@r%d.test" % (i, i % 3) for i in range(60)]
    q.inject_many([("s@local.test", [r]) for r in want])

    def all_delivered():
        return sorted(d["rcpt"] for d in q.deliveries()
                      if d["status"] == "K") == sorted(want)
    kicked_until(q, all_delivered, 60)
    dels = q.deliveries()
    nrep = len(dels)
    mangled = [d for d in dels if d["status"] == "X"]
    assert len(mangled) == nrep // 3 and mangled
    q.wait_log(lambda l: sum(x == RANGE for x in l) >= nrep // 4, 10)
    q.wait_log(lambda l: sum(x.startswith("end msg") for x in l) >= 60, 10)
    assert q.stop() == 0

    lines = q.lines()
    assert sum(bool(MANGLED.match(x)) for x in lines) == len(mangled)
    assert sum(x == RANGE for x in lines) == nrep // 4
    # each mangled delivery was deferred, so retried: one success each
    for r in want:
        assert [d["status"] for d in dels if d["rcpt"] == r][-1] == "K"
        assert sum(d["status"] == "K" for d in dels if d["rcpt"] == r) == 1
    # oversized reports were acted on, their text cut, the log kept whole
    huge = [x for x in lines if "x" * 1000 in x]
    assert huge and all(re.match(r"delivery \d+: success: ", x)
                        for x in huge)
    assert all(len(x) < 10100 for x in lines)
    assert q.queue_files() == []
    check_deliveries_paired(q)
    print("\n%d reports: %d mangled, %d for numbers not in flight, "
          "%d oversized" % (nrep, len(mangled), nrep // 4, nrep // 5))


GARBAGE = [
    b"Dxy7\0",                          # flags not 0/1
    b"Q123\0",                          # no such record type
    b"D0000abc\0",                      # message number not decimal
    b"D0000" + b"1" * 12000 + b"\0",    # over the record limit
    b"D0100424242\0",                   # a remote list that is not there
    b"L" + b"y" * 12000 + b"\0",        # a log line over the limit
    b"\0",                              # an empty record
]

BADTODO = """import os, sys
os.write(1, %r)
os.execv(sys.argv[1], sys.argv[1:])
"""


def test_garbage_from_qmail_todo_is_logged_and_survived(make_fast):
    q = make_fast(dict(BASE), {"all": "--channel %c --no-open "
                                      "--latency 0.01"})
    script = os.path.join(q.home, "badtodo.py")
    with open(script, "w") as f:
        f.write(BADTODO % b"".join(GARBAGE))
    # qchan-start runs the wrapper as qmail-todo; it writes the garbage on
    # qmail-send's pipe, then becomes the real qmail-todo
    q.extra = ["--todo", "%s %s %s" % (sys.executable, script,
                                       prog("qmail-todo"))]
    q.start()
    want = ["u%d@%s" % (i, d) for i, d in
            enumerate(["local.test", "r.test", "s0.test", "s1.test"] * 5)]
    q.inject_many([("s@local.test", [r]) for r in want])
    q.wait_log(lambda l: sum(x.startswith("end msg") for x in l) >= 20, 20)
    lines = q.lines()
    bad = [x for x in lines
           if x.startswith("warning: qmail-send unable to understand "
                           "qmail-todo")]
    assert len(bad) == 5, lines[:12]
    assert any(x.startswith("warning: trouble opening remote/424242;")
               for x in lines)
    long_line = [x for x in lines if x.startswith("yyyy")]
    assert len(long_line) == 1 and 9000 < len(long_line[0]) <= 10000
    assert q.stop() == 0, "qmail-send still stops cleanly"
    assert q.lines()[-1] == "status: exiting"
    dels = q.deliveries()
    assert sorted(d["rcpt"] for d in dels) == sorted(want)
    assert all(d["status"] == "K" for d in dels)
    assert q.queue_files() == []


def test_dead_spawner_in_flight_finished_then_restart_delivers(make_fast):
    # the local spawner dies after its 3rd request, leaving it unanswered,
    # while remote deliveries (0.5 s each) are in flight
    spawn = {"all": "--channel %c --no-open --latency 0.5",
             "local": "--channel %c --no-open --latency 0.05 "
                      "--die-after 3"}
    q = make_fast(dict(BASE, concurrencylocal="1"), spawn)
    q.start()
    want = []
    for i in range(10):
        want += ["l%d@local.test" % i, "r%d@r.test" % i]
    q.inject_many([("s@local.test", [want[2 * i], want[2 * i + 1]])
                   for i in range(10)])
    assert q.proc.wait(20) == 0, "qmail-send exits as qmail does"
    q.proc = None
    lines = q.lines()
    assert "alert: oh no! lost spawn connection! dying..." in lines
    assert lines[-1] == "status: exiting"
    dead_at = lines.index("alert: oh no! lost spawn connection! dying...")
    # every remote delivery started before the alert was finished after it
    started = {m.group(1) for m in (re.match(
        r"starting delivery (\d+): msg \d+ to remote ", x)
        for x in lines[:dead_at]) if m}
    assert started, "remote deliveries were in flight"
    finished = {m.group(1) for m in (re.match(r"delivery (\d+): success",
                                              x) for x in lines) if m}
    assert started <= finished
    assert not [x for x in lines[dead_at:] if x.startswith("starting")]

    # a new local spawner: everything is delivered, the dead one's
    # unanswered delivery again
    q.spawn = {"all": "--channel %c --no-open --latency 0.01"}
    q.start()
    q.wait_log(lambda l: sum(x.startswith("end msg") for x in l) >= 10, 20)
    assert q.stop() == 0
    dels, notes = read_fslog(q.fslog)
    assert notes == ["# local: dying after 3 requests"]
    ok = sorted(d["rcpt"] for d in dels if d["status"] == "K")
    assert ok == sorted(want), "each recipient delivered exactly once"
    assert q.queue_files() == []
