#!/usr/bin/python3
"""run_daemons.py - the daemon benchmark: deliveries per second through
qmail-send + qmail-todo with an instant fakespawn, against the spawn path
alone.

    /usr/bin/python3 bench/run_daemons.py [--build build] [--runs 5]
        [--runs-ext4 3] [--msgs 10000] [--conc 100] [--json FILE]

Each daemon run is daemons/bench_daemons.py (h-trust's driver: inject
MSGS single-recipient messages with the daemons paused, then time the
delivery phase from qchan-start until every delivery is logged, and read
qmail-send's CPU time from /proc) with its temporary queue under:
  tmpfs   /dev/shm: no disk; fsync returns at once;
  ext4    /var/tmp: the machine's disk, every fsync waits for it;
  ext4-nofsync  /var/tmp with bench/nofsync.so preloaded into every daemon
          (fsync and fdatasync return at once): ext4 minus the waiting, so
          ext4 / ext4-nofsync says how much fsync dominates.
The floor is bench/spawn_floor: the same four fakespawns, the same
concurrency, the same number of requests, driven by a client that does
nothing else.  Figures are medians; ratios are to the floor's median.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

DELIV = re.compile(r"delivered (\d+) in ([0-9.]+) s: (\d+) deliveries/s; "
                   r"qmail-send CPU ([0-9.]+) s = ([0-9.]+) us/delivery")
INJ = re.compile(r"injected (\d+) messages .* in ([0-9.]+) s")
FLOOR = re.compile(r"delivered (\d+) in ([0-9.]+) s: (\d+) deliveries/s; "
                   r"client CPU ([0-9.]+) s = ([0-9.]+) us/delivery")


def daemon_run(build, msgs, conc, tmpdir, preload):
    env = dict(os.environ, TMPDIR=tmpdir)
    if preload:
        env["LD_PRELOAD"] = preload
    p = subprocess.run(["/usr/bin/python3", "daemons/bench_daemons.py",
                        "--build", build, "--msgs", str(msgs), "--rcpts",
                        "1", "--conc", str(conc)], env=env,
                       capture_output=True, text=True, timeout=1800)
    g = DELIV.search(p.stdout)
    if p.returncode != 0 or not g:
        sys.exit("run_daemons: bench_daemons.py failed (%d):\n%s%s" %
                 (p.returncode, p.stdout, p.stderr))
    i = INJ.search(p.stdout)
    return {"rate": float(g.group(3)), "elapsed": float(g.group(2)),
            "cpu_us": float(g.group(5)),
            "inject_rate": int(i.group(1)) / float(i.group(2)) if i else 0}


def floor_run(build, msgs, conc):
    log = "/dev/shm/qchan-bench-floor-%d.log" % os.getpid()
    try:
        p = subprocess.run([os.path.join(build, "bench", "spawn_floor"),
                            os.path.join(build, "bin", "fakespawn"),
                            str(msgs), str(conc), log],
                           capture_output=True, text=True, timeout=600)
    finally:
        if os.path.exists(log):
            os.unlink(log)
    g = FLOOR.search(p.stdout)
    if p.returncode != 0 or not g:
        sys.exit("run_daemons: spawn_floor failed (%d):\n%s%s" %
                 (p.returncode, p.stdout, p.stderr))
    return {"rate": float(g.group(3)), "cpu_us": float(g.group(5))}


def median_of(runs, key):
    return statistics.median(r[key] for r in runs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.environ.get("QCHAN_BUILD", "build"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--runs-ext4", type=int, default=3)
    ap.add_argument("--msgs", type=int, default=10000)
    ap.add_argument("--conc", type=int, default=100)
    ap.add_argument("--variants", default="tmpfs,ext4,ext4-nofsync")
    ap.add_argument("--json")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    nofsync = os.path.join(build, "bench", "nofsync.so")
    where = {"tmpfs": ("/dev/shm", None, a.runs),
             "ext4": ("/var/tmp", None, a.runs_ext4),
             "ext4-nofsync": ("/var/tmp", nofsync, a.runs_ext4)}
    res = {}
    for v in a.variants.split(","):
        if v not in where:
            sys.exit("run_daemons: unknown variant %s" % v)
        tmpdir, preload, runs = where[v]
        res[v] = []
        for k in range(runs):
            # the floor runs next to each daemon run: same load, same time
            res.setdefault("floor", []).append(floor_run(build, a.msgs,
                                                         a.conc))
            res[v].append(daemon_run(build, a.msgs, a.conc, tmpdir, preload))
            print("  %s run %d: %.0f deliveries/s, %.1f us/delivery" %
                  (v, k + 1, res[v][-1]["rate"], res[v][-1]["cpu_us"]),
                  file=sys.stderr, flush=True)
    floor = median_of(res["floor"], "rate")
    print("daemons: %d single-recipient messages, instant fakespawn "
          "(--latency 0 --no-open), concurrency %d on each of 4 channels; "
          "medians" % (a.msgs, a.conc))
    print("%-13s %4s %12s %14s %10s %12s" % ("queue", "runs", "deliv/s",
                                             "send us/deliv", "vs floor",
                                             "inject msg/s"))
    for v in a.variants.split(","):
        rate = median_of(res[v], "rate")
        print("%-13s %4d %12.0f %14.1f %10.3f %12.0f" %
              (v, len(res[v]), rate, median_of(res[v], "cpu_us"),
               rate / floor, median_of(res[v], "inject_rate")))
    print("%-13s %4d %12.0f %14.1f %10.3f %12s" %
          ("spawn floor", len(res["floor"]), floor,
           median_of(res["floor"], "cpu_us"), 1.0, "-"))
    if "ext4" in res and "ext4-nofsync" in res:
        e = median_of(res["ext4"], "rate")
        n = median_of(res["ext4-nofsync"], "rate")
        print("ext4: fsync takes %.0f%% of the delivery phase (ext4 %.0f/s, "
              "without fsync %.0f/s)" % (100 * (1 - e / n) if n else 0, e, n))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
