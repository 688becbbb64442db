#!/usr/bin/python3
"""run_fit.py - the log fitting benchmark: `qchan fit` on the log of the
reference workload's 100k day, with its pictures and without.

    /usr/bin/python3 bench/run_fit.py [--build build] [--runs 5]

bench/bench-100k.scn is run once with `qchan run --log` (its qmail.log:
700,000 lines, about 50 MB); then `qchan fit` reads it RUNS times with
pictures and RUNS times with --no-plots, alternately.  Each fit is a
separate process, its wall time and CPU time (user + system, from
wait4) measured here; figures are medians, as log lines and megabytes a
second of wall time and of CPU time (the machine may be shared: the CPU
figure is the one that does not depend on the neighbours).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def timed(cmd):
    """(wall seconds, cpu seconds) of cmd, which must succeed"""
    t = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"run_fit: {' '.join(cmd)} failed: {p.stderr.read()}")
    return wall, ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    qchan = os.path.join(a.build, "bin", "qchan")
    tmp = tempfile.mkdtemp(prefix="qchan-bench-fit-")
    try:
        run = os.path.join(tmp, "run")
        subprocess.run([qchan, "run", "bench/bench-100k.scn", "--out", run,
                        "--log", "--no-plots"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        log = os.path.join(run, "qmail.log")
        size = os.path.getsize(log)
        with open(log, "rb") as f:
            lines = sum(1 for _ in f)
        got = {"pictures": [], "no-plots": []}
        for _ in range(a.runs):
            for kind in got:
                extra = [] if kind == "pictures" else ["--no-plots"]
                got[kind].append(timed([qchan, "fit", log, "--out",
                                        os.path.join(tmp, "fit"), *extra]))
        print(f"fit: {lines} log lines, {size / 1e6:.1f} MB, median of "
              f"{a.runs} runs")
        for kind, v in got.items():
            wall = statistics.median(w for w, _ in v)
            cpu = statistics.median(c for _, c in v)
            print(f"fit ({kind}): {wall:.3f} s wall, {lines / wall / 1e6:.2f}M "
                  f"lines/s, {size / wall / 1e6:.0f} MB/s; {cpu:.3f} s CPU, "
                  f"{lines / cpu / 1e6:.2f}M lines/s, {size / cpu / 1e6:.0f} "
                  f"MB/s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
