#!/usr/bin/python3
"""daemons_rate.py - deliveries per second through the real daemons.

    /usr/bin/python3 bench/daemons_rate.py [--build build] [--msgs 5000]
                                              [--rcpts 2] [--conc 100]

Two phases in a private qmail home under a temporary directory:
  1. inject MSGS messages with qchan-queue while the daemons run with every
     concurrency 0: qmail-todo preprocesses them, nothing is delivered;
  2. restart with every concurrency CONC and an instant fakespawn (latency
     0, no message file opened): qmail-send scans the queue and delivers.
Phase 2 is timed from qchan-start until fakespawn has logged every
delivery and the log shows every "end msg"; qmail-send's CPU time (user +
system, from /proc/PID/stat) is read just before SIGTERM.  Prints
deliveries per second and CPU microseconds per delivery (the line
bench/run_daemons.py reads), then the phase split in two from fakespawn's
own time stamps: start-up (qchan-start to the first delivery's start:
starting the programs, qmail-send's queue scan) and the delivery rate
from the first delivery's start to the last one's end.
While it waits the driver reads only what the logs gained since its last
look (it shares the machine with the daemons it measures).
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor


class LineCounter:
    """lines of a growing file (those starting with prefix, if given),
    reading only the bytes added since the last call"""

    def __init__(self, path, prefix=None):
        self.path, self.prefix = path, prefix
        self.f, self.tail, self.n = None, b"", 0

    def count(self):
        if self.f is None:
            if not os.path.exists(self.path):
                return 0
            self.f = open(self.path, "rb")
        data = self.f.read()
        if data:
            if self.prefix is None:
                self.n += data.count(b"\n")
            else:
                lines = (self.tail + data).split(b"\n")
                self.tail = lines.pop()
                self.n += sum(1 for x in lines if x.startswith(self.prefix))
        return self.n

    def close(self):
        if self.f is not None:
            self.f.close()


def first_last(fslog):
    """(first delivery's start, last delivery's end) from fakespawn's log"""
    first, last = None, None
    with open(fslog) as f:
        for line in f:
            if line.startswith("#"):
                continue
            w = line.split("\t", 2)
            start, end = float(w[0]), float(w[1])
            first = start if first is None else min(first, start)
            last = end if last is None else max(last, end)
    return first, last


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.environ.get("QCHAN_BUILD", "build"))
    ap.add_argument("--msgs", type=int, default=5000)
    ap.add_argument("--rcpts", type=int, default=2)
    ap.add_argument("--conc", type=int, default=100)
    # extra fakespawn arguments, appended (bench/run_daemons.py: --fork)
    ap.add_argument("--spawn-args", default="")
    a = ap.parse_args()
    bin_ = os.path.abspath(os.path.join(a.build, "bin"))
    tmp = tempfile.mkdtemp(prefix="qchan-bench-")
    home = os.path.join(tmp, "qmail")
    os.makedirs(home + "/control")

    def control(name, value):
        with open(os.path.join(home, "control", name), "w") as f:
            f.write(value + "\n")
    control("me", "me.test")
    control("locals", "local.test")
    control("suppls0", "s0.test")
    control("suppls1", "s1.test")
    env = dict(os.environ, QCHAN_HOME=home)
    subprocess.run([bin_ + "/qchan-start", "--home", home, "--create"],
                   check=True, env=env)
    fslog = tmp + "/fakespawn.log"
    log = tmp + "/send.log"

    def start(conc):
        for c in ("local", "remote", "suppl0", "suppl1"):
            control("concurrency" + c, str(conc))
        spawn = ("all=%s/fakespawn --channel %%c --no-open --latency 0 "
                 "--limit 500 --log %s" % (bin_, fslog))
        if a.spawn_args:
            spawn += " " + a.spawn_args
        return subprocess.Popen([bin_ + "/qchan-start", "--home", home,
                                 "--same-user", "--spawn", spawn],
                                stdout=open(log, "a"), env=env)

    def inject(i):
        doms = ["local.test", "r.test", "s0.test", "s1.test"]
        rc = ["u%d_%d@%s" % (i, j, doms[(i + j) % 4]) for j in range(a.rcpts)]
        r, w = os.pipe()
        p = subprocess.Popen([bin_ + "/qchan-queue"], stdin=subprocess.PIPE,
                             stdout=r, env=env)
        os.close(r)
        os.write(w, b"Fs@local.test\0" +
                 b"".join(b"T" + x.encode() + b"\0" for x in rc) + b"\0")
        os.close(w)
        p.communicate(b"Subject: bench\n\nbody\n")
        return p.returncode

    p = start(0)
    t = time.time()
    with ThreadPoolExecutor(4) as ex:
        assert all(rc == 0 for rc in ex.map(inject, range(a.msgs)))
    inj = time.time() - t
    news = LineCounter(log, b"new msg")
    while news.count() < a.msgs:
        time.sleep(0.1)
    news.close()
    prep = time.time() - t
    p.send_signal(signal.SIGTERM)
    assert p.wait(60) == 0

    total = a.msgs * a.rcpts
    dels, ends = LineCounter(fslog), LineCounter(log, b"end msg")
    ends.count()   # the first phase's lines, read before the clock starts
    t = time.time()
    p = start(a.conc)
    while dels.count() < total or ends.count() < a.msgs:
        time.sleep(0.02)
    elapsed = time.time() - t
    dels.close()
    ends.close()
    with open("/proc/%d/stat" % p.pid) as f:
        w = f.read().rsplit(")", 1)[1].split()
    tck = os.sysconf("SC_CLK_TCK")
    cpu = (int(w[11]) + int(w[12])) / tck
    p.send_signal(signal.SIGTERM)
    assert p.wait(60) == 0
    print("injected %d messages (%d recipients) in %.2f s (%.0f msg/s), "
          "preprocessed by %.2f s" % (a.msgs, total, inj, a.msgs / inj, prep))
    print("delivered %d in %.2f s: %.0f deliveries/s; qmail-send CPU %.2f s "
          "= %.1f us/delivery" % (total, elapsed, total / elapsed, cpu,
                                  cpu * 1e6 / total))
    first, last = first_last(fslog)
    span = max(last - first, 1e-6)
    print("start-up %.3f s (qchan-start to the first delivery); deliveries "
          "%.3f s (first start to last end): %.0f deliveries/s" %
          (first - t, span, total / span))
    subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    sys.exit(main())
