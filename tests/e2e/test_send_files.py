"""End-to-end tests of qmail-send's queue work with fewer system calls:
what it no longer asks the file system must still come out
right.

  - the start-up scan lists info/, todo/, the channel directories and
    bounce/ instead of stat()ing each message's files: queued messages
    are delivered from the scan, and a bounce/N left by an earlier run is
    still injected when its message finishes;
  - when a listing fails the scan falls back to qmail's stat() per
    message, and still finds everything;
  - reports are read until the pipe is empty: more than a read's worth
    (64 KiB) of reports at once are all applied, each once.

The installation is test_daemons.py's Qchan on /dev/shm (trust_helpers'
fast_dir).  Programs come from $QCHAN_BUILD/bin (default build/bin).
"""
import os
import re

from test_daemons import (BASE, check_deliveries_paired,
                          check_log_well_formed)
from trust_helpers import Inst, fast_dir  # noqa: F401

ZERO = {"concurrency" + c: "0" for c in ("local", "remote", "suppl0",
                                         "suppl1")}
SPAWN = {"all": "--channel %c --no-open --latency 0.001"}


def queued(fast_dir, msgs, spawn=SPAWN):
    """an installation holding msgs, preprocessed and not delivered (every
    concurrency 0), stopped; returns it and the message numbers"""
    q = Inst(fast_dir, dict(BASE, **ZERO), spawn)
    q.start()
    q.inject_many(msgs)
    q.wait_log(lambda l: sum(x.startswith("new msg") for x in l)
               >= len(msgs), 30)
    assert q.stop() == 0
    ids = [x.split()[2] for x in q.lines() if x.startswith("new msg")]
    assert q.deliveries() == []
    return q, ids


def restart(q, conc="10"):
    for c in ("local", "remote", "suppl0", "suppl1"):
        q.control("concurrency" + c, conc)
    q.start()


def test_scan_delivers_what_the_queue_holds(fast_dir):
    msgs = [("s%d@local.test" % i, ["u%d@%s" % (i, d) for d in doms])
            for i, doms in enumerate([["local.test"], ["r.test"],
                                      ["s0.test", "s1.test"],
                                      ["local.test", "r.test", "s1.test"]]
                                     * 10)]
    q, ids = queued(fast_dir, msgs)
    before = len(q.lines())
    restart(q)
    want = sorted(r for _, rcpts in msgs for r in rcpts)
    q.wait_deliveries(lambda d: len(d) >= len(want), 30)
    q.wait_log(lambda l: sum(x.startswith("end msg") for x in l[before:])
               >= len(msgs), 30)
    assert q.stop() == 0
    dels = q.deliveries()
    assert sorted(d["rcpt"] for d in dels) == want
    assert all(d["status"] == "K" for d in dels)
    new = q.lines()[before:]
    # from the scan, not preprocessed again
    assert not any(x.startswith("new msg") for x in new)
    assert sorted(x.split()[2] for x in new if x.startswith("end msg")) == \
        sorted(ids)
    assert q.queue_files() == []
    check_log_well_formed(q)
    check_deliveries_paired(q)


def test_scan_falls_back_to_stat_per_message(fast_dir):
    # no recipient on suppl1: one of its split directories can go, which
    # makes the listing of suppl1/ fail
    msgs = [("s%d@local.test" % i, ["u%d@%s" % (i, d)])
            for i, d in enumerate(["local.test", "r.test", "s0.test"] * 7)]
    q, ids = queued(fast_dir, msgs)
    os.rmdir(os.path.join(q.home, "queue", "suppl1", "0"))
    before = len(q.lines())
    restart(q)
    q.wait_log(lambda l: sum(x.startswith("end msg") for x in l[before:])
               >= len(msgs), 30)
    assert q.stop() == 0
    assert sorted(d["rcpt"] for d in q.deliveries()) == \
        sorted(r for _, rcpts in msgs for r in rcpts)
    assert q.queue_files() == []
    check_log_well_formed(q)


def test_bounce_left_by_an_earlier_run_is_sent(fast_dir):
    q, ids = queued(fast_dir, [("alice@local.test", ["bob@r.test"])])
    (n,) = ids
    # as if the earlier qmail-send had recorded a failure of this
    # message, then died before it finished the message
    with open(os.path.join(q.home, "queue", "bounce", n), "w") as f:
        f.write("<carol@r.test>:\nSorry, no mailbox here by that name.\n\n")
    before = len(q.lines())
    restart(q)
    q.wait_deliveries(lambda d: any(x["rcpt"] == "alice@local.test"
                                    for x in d), 30)
    q.wait_log(lambda l: sum(x.startswith("end msg") for x in l[before:])
               >= 2, 30)
    assert q.stop() == 0
    d = {x["rcpt"]: x for x in q.deliveries()}
    assert d["bob@r.test"]["status"] == "K"
    assert d["alice@local.test"]["sender"] == ""   # the bounce
    assert any(re.match(r"bounce msg %s qp \d+$" % n, x) for x in q.lines())
    assert q.queue_files() == []
    check_log_well_formed(q)


def test_no_bounce_file_means_no_bounce(fast_dir):
    # the other side: no bounce/N, no failure: nothing is injected
    q, ids = queued(fast_dir, [("alice@local.test", ["bob@r.test"]),
                               ("dave@local.test", ["erin@local.test"])])
    before = len(q.lines())
    restart(q)
    q.wait_log(lambda l: sum(x.startswith("end msg") for x in l[before:])
               >= 2, 30)
    assert q.stop() == 0
    assert not any(x.startswith("bounce msg") for x in q.lines())
    assert sorted(d["rcpt"] for d in q.deliveries()) == \
        ["bob@r.test", "erin@local.test"]
    assert q.queue_files() == []


def test_reports_beyond_one_read_are_all_applied(fast_dir):
    # every report 12,000 bytes (cut to qmail's 10,000): with 60 in
    # flight and an instant spawner, 700 KB of reports wait at once
    n = 240
    spawn = {"all": "--channel %c --no-open --latency 0 "
                    "--huge-report-every 1"}
    q, ids = queued(fast_dir, [("s%d@local.test" % i, ["u%d@r.test" % i])
                               for i in range(n)], spawn)
    before = len(q.lines())
    restart(q, "60")
    q.wait_log(lambda l: sum(x.startswith("end msg") for x in l[before:])
               >= n, 60)
    assert q.stop() == 0
    dels = q.deliveries()
    assert sorted(d["rcpt"] for d in dels) == \
        sorted("u%d@r.test" % i for i in range(n))
    lines = q.lines()[before:]
    ok = [x for x in lines if re.match(r"delivery \d+: success: ", x)]
    assert len(ok) == n
    assert max(d["inflight"] for d in dels) > 1
    assert q.queue_files() == []
    check_deliveries_paired(q)
