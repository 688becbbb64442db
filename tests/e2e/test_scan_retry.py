"""test_scan_retry.py - qmail-send's pqfail: a message whose files cannot
be looked at when the queue is scanned is looked at again later.

A deferred message's list is swapped for a symbolic link to itself
(stat() says ELOOP, not "no such file") before qmail-send starts: it logs
"warning: unable to stat remote/N; will try again later" and keeps the
message on the scheduler's pqfail.  Once the list is back, the rescan
SLEEP_SYSFAIL (123 s; 1.23 s on the test build's clock run 100 times
faster) later finds it and the recipient is delivered, once.
"""
import glob
import os
import shutil
import time

import test_daemons
from test_daemons import BASE
from trust_helpers import Inst, fast_dir, kicked_until, read_fslog  # noqa


def test_unstattable_list_rescanned(fast_dir, monkeypatch):
    testbin = os.path.join(os.path.dirname(test_daemons.BIN), "testbin")
    monkeypatch.setattr(test_daemons, "BIN", testbin)
    q = Inst(fast_dir, dict(BASE), {"all": "--channel %c --latency 0.01 "
                                           "--defer-domain slow.test"})
    q.start()
    assert q.inject("s@local.test", ["u@slow.test"]) == 0
    q.wait_deliveries(lambda d: len(d) == 1, 10)
    assert q.stop() == 0
    lists = glob.glob(os.path.join(q.home, "queue", "remote", "*", "*"))
    assert len(lists) == 1
    path = lists[0]
    saved = str(fast_dir / "list")
    shutil.move(path, saved)
    os.symlink(os.path.basename(path), path)

    q.spawn = {"all": "--channel %c --latency 0.01"}
    q.env["QCHAN_TIME_SCALE"] = "100"
    q.env["QCHAN_TIME_EPOCH"] = repr(time.time())
    q.start()
    n = os.path.basename(path)
    warning = "warning: unable to stat remote/%s/%s; will try again later" % (
        os.path.basename(os.path.dirname(path)), n)
    q.wait_log(lambda lines: warning in lines, 10)
    time.sleep(0.3)
    assert [d["status"] for d in read_fslog(q.fslog)[0]] == ["Z"]
    os.replace(saved, path)

    def done():
        return [d["status"] for d in read_fslog(q.fslog)[0]] == ["Z", "K"] \
            and q.queue_files() == []
    kicked_until(q, done, 20)
    assert q.stop() == 0
    assert q.lines().count(warning) == 1
