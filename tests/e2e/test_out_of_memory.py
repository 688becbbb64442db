"""test_out_of_memory.py - qmail-send whose scheduler is refused memory.

The test build's qmail-send (build/testbin) refuses the scheduler's
requests for memory that QCHAN_ALLOC_FAIL=N:COUNT names.  Whatever they
hit (a D record taken in, a pass's sender or recipient, a queue growing),
qmail-send logs qmail's "alert: out of memory, sleeping...", keeps the
message on disk, waits and tries again: every recipient is delivered
exactly once and the queue ends empty.  The clock runs 100 times faster,
so qmail's ten-second naps take a tenth of a second.
"""
import os
import time

import pytest

import test_daemons
from test_daemons import BASE
from trust_helpers import Inst, fast_dir, kicked_until, read_fslog  # noqa

ALERT = "alert: out of memory, sleeping..."
DOMAINS = ["local.test", "r.test", "s0.test", "s1.test"]


def run(fast_dir, fail):
    """twelve messages of three recipients each through a qmail-send with
    QCHAN_ALLOC_FAIL=fail; its log lines once all are delivered"""
    q = Inst(fast_dir, dict(BASE), {"all": "--channel %c --latency 0.01"})
    q.env["QCHAN_TIME_SCALE"] = "100"
    q.env["QCHAN_TIME_EPOCH"] = repr(time.time())
    q.env["QCHAN_ALLOC_FAIL"] = fail
    q.start()
    msgs = [("s%d@local.test" % i,
             ["u%d.%d@%s" % (i, k, DOMAINS[(i + k) % 4]) for k in range(3)])
            for i in range(12)]
    q.inject_many(msgs)
    want = sorted(r for _, rcpts in msgs for r in rcpts)

    def done():
        got = sorted(d["rcpt"] for d in read_fslog(q.fslog)[0])
        return got == want and q.queue_files() == []
    kicked_until(q, done, 60)
    assert q.stop() == 0
    dels = read_fslog(q.fslog)[0]
    assert sorted(d["rcpt"] for d in dels) == want, "each exactly once"
    assert all(d["status"] == "K" for d in dels)
    lines = q.lines()
    print("\nQCHAN_ALLOC_FAIL=%s: %d alerts, %d recipients delivered once"
          % (fail, lines.count(ALERT), len(want)))
    return lines


# the daemon's first twenty or so requests are its start-up; these
# windows fall on the messages' way through (twenty and more refusals)
@pytest.mark.parametrize("fail", ["20:30", "25:10"])
def test_refused_memory_loses_nothing(fast_dir, monkeypatch, fail):
    testbin = os.path.join(os.path.dirname(test_daemons.BIN), "testbin")
    monkeypatch.setattr(test_daemons, "BIN", testbin)
    assert ALERT in run(fast_dir, fail)


def test_production_ignores_the_knob(fast_dir):
    """bin/qmail-send does not read QCHAN_ALLOC_FAIL: refusing its every
    request would stop it at start"""
    assert ALERT not in run(fast_dir, "1:1000000")
