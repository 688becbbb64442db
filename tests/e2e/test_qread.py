"""End-to-end tests of `qchan qread`: the queue listed like
qmail-qread, supplemental channels included.

The queue is made the way production makes it: qchan-queue injects,
qmail-todo preprocesses (every concurrency 0, so nothing is delivered and
the lists stay on disk); then a recipient is marked done and a bounce
started by hand, as qmail-send would have.
"""
import os
import subprocess
import time

from test_daemons import BASE, prog
from trust_helpers import Inst, fast_dir  # noqa: F401

MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
       "Nov", "Dec"]


def qread(*args, env=None):
    return subprocess.run([prog("qchan"), "qread"] + list(args),
                          capture_output=True, env=env, timeout=20)


def stats(q, msg, sender, bouncing=False):
    """qmail-qread's first line, from the files"""
    split = "%d/%s" % (int(msg) % 23, msg)
    qd = q.home + "/queue/"
    t = time.gmtime(os.stat(qd + "info/" + split).st_mtime)
    size = os.stat(qd + "mess/" + split).st_size
    return "%d %s %d %02d:%02d:%02d GMT  #%s  %d  <%s> %s" % (
        t.tm_mday, MON[t.tm_mon - 1], t.tm_year, t.tm_hour, t.tm_min,
        t.tm_sec, msg, size, sender, " bouncing" if bouncing else "")


def test_qread_lists_every_channel(fast_dir):
    controls = dict(BASE, virtualdomains="virt.test:alias",
                    concurrencylocal="0", concurrencyremote="0",
                    concurrencysuppl0="0", concurrencysuppl1="0")
    q = Inst(fast_dir, controls, {"all": "--channel %c --no-open"})
    q.start()
    assert q.inject("me@local.test", ["a@local.test", "b@virt.test",
                                      "c@r.test", "d@s1.test",
                                      "e@s0.test", "f@s1.test"]) == 0
    assert q.inject("", ["x\x01y@r.test"]) == 0
    q.wait_log(lambda l: sum(x.startswith("info msg") for x in l) >= 2, 10)
    assert q.stop() == 0
    qd = q.home + "/queue/"
    msgs = sorted((int(m) for d in os.listdir(qd + "info")
                   for m in os.listdir(qd + "info/" + d)))
    assert len(msgs) == 2
    first, second = map(str, msgs)
    split = "%d/%s" % (int(first) % 23, first)
    # qmail-send delivered c@r.test and started a bounce for the message
    with open(qd + "remote/" + split, "r+b") as f:
        assert f.read(1) == b"T"
        f.seek(0)
        f.write(b"D")
    with open(qd + "bounce/" + first, "w") as f:
        f.write("<z@r.test>:\nfailed\n\n")

    r = qread("--home", q.home)
    assert r.returncode == 0 and r.stderr == b""
    want = [stats(q, first, "me@local.test", bouncing=True),
            "\tlocal\ta@local.test",
            "\tlocal\talias-b@virt.test",
            "  done\tremote\tc@r.test",
            "\tsuppl0\te@s0.test",
            "\tsuppl1\td@s1.test",
            "\tsuppl1\tf@s1.test",
            stats(q, second, ""),
            "\tremote\tx_y@r.test"]
    assert r.stdout.decode().splitlines() == want

    # QCHAN_HOME instead of --home; the same listing
    r2 = qread(env=dict(os.environ, QCHAN_HOME=q.home))
    assert r2.returncode == 0 and r2.stdout == r.stdout

    # a message that lost its mess/ file is warned about, the rest listed
    os.unlink(qd + "mess/%d/%s" % (int(second) % 23, second))
    r3 = qread("--home", q.home)
    assert r3.returncode == 1
    assert r3.stderr.decode() == "warning: trouble with #%s: No such file " \
        "or directory\n" % second
    assert r3.stdout.decode().splitlines() == want[:7]


def test_qread_empty_queue_and_errors(fast_dir):
    q = Inst(fast_dir, dict(BASE), {"all": "--channel %c --no-open"})
    r = qread("--home", q.home)
    assert r.returncode == 0 and r.stdout == b"" and r.stderr == b""
    r = qread("--home", str(fast_dir / "nowhere"))
    assert r.returncode == 2 and b"unable to chdir" in r.stderr
    r = qread("--bogus")
    assert r.returncode == 2 and b"unknown argument '--bogus'" in r.stderr
    r = qread("--home")
    assert r.returncode == 2 and b"--home needs a value" in r.stderr
    r = qread("--home", q.home, "--split", "zero")
    assert r.returncode == 2 and b"--split zero: expected qmail's conf-split" \
        in r.stderr
    r = qread("--help")
    assert r.returncode == 0 and b"usage: qchan qread" in r.stdout
