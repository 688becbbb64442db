#!/usr/bin/python3
"""run_daemons.py - the daemon benchmark: deliveries per second through
qmail-send + qmail-todo with an instant fakespawn, against the spawn path
alone.

    /usr/bin/python3 bench/run_daemons.py [--build build] [--runs 5]
        [--runs-ext4 3] [--msgs 10000] [--conc 100] [--json FILE]
        [--variants tmpfs,tmpfs-fork,ext4,ext4-nofsync]

Each daemon run is bench/daemons_rate.py (inject
MSGS single-recipient messages with the daemons paused, then time the
delivery phase from qchan-start until every delivery is logged, and read
qmail-send's CPU time from /proc) with its temporary queue under:
  tmpfs   /dev/shm: no disk; fsync returns at once;
  ext4    /var/tmp: the machine's disk, every fsync waits for it;
  ext4-nofsync  /var/tmp with bench/nofsync.so preloaded into every daemon
          (fsync and fdatasync return at once): ext4 minus the waiting, so
          ext4 / ext4-nofsync says how much fsync dominates;
  tmpfs-fork  /dev/shm with fakespawn --fork: a child process per
          delivery (fork, pipe, reap) as qmail-lspawn/qmail-rspawn make.
The floors, each run next to every daemon run (same load, same time):
  spawn floor  bench/spawn_floor: the same four fakespawns, the same
          concurrency, the same number of requests, driven by a client
          that does nothing else;
  fork floor   the same with fakespawn --fork (beside tmpfs-fork runs);
  queue floor  bench/queue_floor on /dev/shm, the same number of messages:
          the queue-file system calls qmail-send makes per message (qmail),
          those daemons/ make (qchan), the fewest a qmail-compatible
          qmail-send could make (least), in one process, nothing else.
Figures are medians; "vs floor" is a row's median over its own floor's
(the spawn floor, or the fork floor for tmpfs-fork), "paired" the median
of each run's rate over the floor run just before it (steadier when the
machine's load changes between runs), "vs queue" the median over the
queue floor's with qmail's calls.
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
QFLOOR = re.compile(r"delivered (\d+) in ([0-9.]+) s: (\d+) deliveries/s; "
                    r"CPU ([0-9.]+) s = ([0-9.]+) us/delivery")
QCALLS = ("qmail", "qchan", "least")


def daemon_run(build, msgs, conc, tmpdir, preload, spawn_args):
    env = dict(os.environ, TMPDIR=tmpdir)
    if preload:
        env["LD_PRELOAD"] = preload
    extra = ["--spawn-args=" + " ".join(spawn_args)] if spawn_args else []
    p = subprocess.run(["/usr/bin/python3", "bench/daemons_rate.py",
                        "--build", build, "--msgs", str(msgs), "--rcpts",
                        "1", "--conc", str(conc)] + extra, env=env,
                       capture_output=True, text=True, timeout=1800)
    g = DELIV.search(p.stdout)
    if p.returncode != 0 or not g:
        sys.exit("run_daemons: daemons_rate.py failed (%d):\n%s%s" %
                 (p.returncode, p.stdout, p.stderr))
    i = INJ.search(p.stdout)
    return {"rate": float(g.group(3)), "elapsed": float(g.group(2)),
            "cpu_us": float(g.group(5)),
            "inject_rate": int(i.group(1)) / float(i.group(2)) if i else 0}


def floor_run(build, msgs, conc, spawn_args=()):
    log = "/dev/shm/qchan-bench-floor-%d.log" % os.getpid()
    try:
        p = subprocess.run([os.path.join(build, "bench", "spawn_floor"),
                            os.path.join(build, "bin", "fakespawn"),
                            str(msgs), str(conc), log] + list(spawn_args),
                           capture_output=True, text=True, timeout=1800)
    finally:
        if os.path.exists(log):
            os.unlink(log)
    g = FLOOR.search(p.stdout)
    if p.returncode != 0 or not g:
        sys.exit("run_daemons: spawn_floor failed (%d):\n%s%s" %
                 (p.returncode, p.stdout, p.stderr))
    return {"rate": float(g.group(3)), "cpu_us": float(g.group(5))}


def queue_floor_run(build, msgs, calls):
    qdir = "/dev/shm/qchan-bench-qfloor-%d" % os.getpid()
    p = subprocess.run([os.path.join(build, "bench", "queue_floor"),
                        "--calls", calls, qdir, str(msgs)],
                       capture_output=True, text=True, timeout=600)
    g = QFLOOR.search(p.stdout)
    if p.returncode != 0 or not g:
        subprocess.run(["rm", "-rf", qdir])
        sys.exit("run_daemons: queue_floor failed (%d):\n%s%s" %
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
    ap.add_argument("--variants",
                    default="tmpfs,tmpfs-fork,ext4,ext4-nofsync")
    ap.add_argument("--json")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    nofsync = os.path.join(build, "bench", "nofsync.so")
    # variant: queue directory, preload, runs, fakespawn arguments, floor
    where = {"tmpfs": ("/dev/shm", None, a.runs, [], "spawn floor"),
             "tmpfs-fork": ("/dev/shm", None, a.runs, ["--fork"],
                            "fork floor"),
             "ext4": ("/var/tmp", None, a.runs_ext4, [], "spawn floor"),
             "ext4-nofsync": ("/var/tmp", nofsync, a.runs_ext4, [],
                              "spawn floor")}
    variants = a.variants.split(",")
    for v in variants:
        if v not in where:
            sys.exit("run_daemons: unknown variant %s (known: %s)" %
                     (v, ",".join(where)))
    res = {}
    for v in variants:
        tmpdir, preload, runs, spawn_args, floor_key = where[v]
        res[v] = []
        for k in range(runs):
            # the floors run next to each daemon run: same load, same time
            res.setdefault(floor_key, []).append(
                floor_run(build, a.msgs, a.conc, spawn_args))
            if tmpdir == "/dev/shm":
                for calls in QCALLS:
                    res.setdefault("queue " + calls, []).append(
                        queue_floor_run(build, a.msgs, calls))
            res[v].append(daemon_run(build, a.msgs, a.conc, tmpdir, preload,
                                     spawn_args))
            res[v][-1]["paired"] = (res[v][-1]["rate"] /
                                    res[floor_key][-1]["rate"])
            print("  %s run %d: %.0f deliveries/s, %.1f us/delivery; %s "
                  "%.0f/s" % (v, k + 1, res[v][-1]["rate"],
                              res[v][-1]["cpu_us"], floor_key,
                              res[floor_key][-1]["rate"]),
                  file=sys.stderr, flush=True)
    qfloor = median_of(res["queue qmail"], "rate") \
        if "queue qmail" in res else 0
    print("daemons: %d single-recipient messages, instant fakespawn "
          "(--latency 0 --no-open), concurrency %d on each of 4 channels; "
          "medians" % (a.msgs, a.conc))
    print("%-18s %4s %10s %9s %-12s %8s %7s %8s %12s" % (
        "row", "runs", "deliv/s", "us/deliv", "own floor", "vs floor",
        "paired", "vs queue", "inject msg/s"))

    def row(name, runs, floor_key, inject):
        rate = median_of(runs, "rate")
        own = median_of(res[floor_key], "rate") if floor_key in res else 0
        paired = [r["paired"] for r in runs if "paired" in r]
        print("%-18s %4d %10.0f %9.1f %-12s %8s %7s %8s %12s" % (
            name, len(runs), rate, median_of(runs, "cpu_us"),
            floor_key or "-", "%.3f" % (rate / own) if own else "-",
            "%.3f" % statistics.median(paired) if paired else "-",
            "%.3f" % (rate / qfloor) if qfloor else "-",
            "%.0f" % median_of(runs, "inject_rate") if inject else "-"))
    for v in variants:
        row(v, res[v], where[v][4], True)
    for key in ("spawn floor", "fork floor"):
        if key in res:
            row(key, res[key], key, False)
    for calls in QCALLS:
        if "queue " + calls in res:
            row("queue floor " + calls, res["queue " + calls],
                "queue " + calls, False)
    print("us/deliv: qmail-send's CPU for the daemons, the client's for the "
          "spawn floors, queue_floor's own for the queue floors")
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
