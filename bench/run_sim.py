#!/usr/bin/python3
"""run_sim.py - the simulator benchmark: `qchan run` on the reference
workload at 100k, 1M and 10M messages, against the minimal C event loop.

    /usr/bin/python3 bench/run_sim.py [--build build] [--runs 5]
        [--runs-10m 3] [--sizes 100k,1m,10m] [--json FILE]

For each size, bench/bench-<size>.scn is run RUNS times with
`qchan run --no-plots --out TMP` and bench/minimal_loop as many times, one
after the other (so both see the same machine load).  Each run is a
separate process; its wall time is measured here (whole process: start,
parse, run, reports, exit), its run phase is the wall-clock figure `qchan
run` prints on standard error (sim_run alone), its peak RSS comes from
wait4().  Events come from the same stderr line, deliveries from
summary.json.  Figures are medians; ratios are to the minimal loop's
median of the same size.  For 1M it also runs `qchan run` with its
pictures and with --no-plots alternately and prints the whole-process
ratio (the pictures' goal: at most 1.5x) and the run phase over the
minimal loop (goal: 3x).  The growth factor is the median wall time of
one size over the one ten times smaller (n log n predicts about 11.5 to
12; n^2 would be 100).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SIZES = {"100k": 100000, "1m": 1000000, "10m": 10000000}
RUN_LINE = re.compile(r"qchan run: (\d+) events in ([0-9.]+) s of wall-clock")
ML_LINE = re.compile(r"loop ([0-9.]+) s, process ([0-9.]+) s")


def run_rss(cmd):
    """Run cmd with wait4: (wall, maxrss bytes, stdout, stderr)."""
    t = time.monotonic()
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        p = subprocess.Popen(cmd, stdout=fo, stderr=fe)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read().decode(), fe.read().decode()
    if p.returncode != 0:
        sys.exit("run_sim: %s exited %d:\n%s%s" % (" ".join(cmd),
                                                    p.returncode, out, err))
    return wall, ru.ru_maxrss * 1024, out, err


def med(xs):
    return statistics.median(xs)


def bench_size(build, name, n, runs):
    scn = os.path.join("bench", "bench-%s.scn" % name)
    qchan = os.path.join(build, "bin", "qchan")
    loop = os.path.join(build, "bench", "minimal_loop")
    q = {"wall": [], "run": [], "rss": []}
    m = {"wall": [], "run": [], "rss": []}
    events = delivered = recipients = None
    tmp = tempfile.mkdtemp(prefix="qchan-bench-sim-")
    try:
        for _ in range(runs):
            wall, rss, out, err = run_rss([qchan, "run", scn, "--no-plots",
                                           "--out", tmp])
            g = RUN_LINE.search(err)
            if not g:
                sys.exit("run_sim: no wall-clock line from qchan run:\n" + err)
            events = int(g.group(1))
            q["wall"].append(wall)
            q["run"].append(float(g.group(2)))
            q["rss"].append(rss)
            with open(os.path.join(tmp, "summary.json")) as f:
                s = json.load(f)
            if not s["drained"]:
                sys.exit("run_sim: %s did not drain" % scn)
            delivered = sum(c["delivered"] for c in s["channels"])
            recipients = s["recipients"]
            wall, rss, out, err = run_rss([loop, str(n)])
            g = ML_LINE.search(out)
            if not g:
                sys.exit("run_sim: unexpected minimal_loop output:\n" + out)
            m["wall"].append(wall)
            m["run"].append(float(g.group(1)))
            m["rss"].append(rss)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    r = {"size": name, "messages": n, "runs": runs, "events": events,
         "delivered": delivered, "recipients": recipients,
         "run": med(q["run"]), "wall": med(q["wall"]), "rss": med(q["rss"]),
         "run_all": q["run"], "wall_all": q["wall"],
         "loop_run": med(m["run"]), "loop_wall": med(m["wall"]),
         "loop_rss": med(m["rss"])}
    r["events_per_s"] = events / r["run"] if r["run"] > 0 else 0
    r["deliveries_per_s"] = delivered / r["run"] if r["run"] > 0 else 0
    r["bytes_per_rcpt"] = r["rss"] / recipients
    r["ratio_run"] = r["run"] / r["loop_run"] if r["loop_run"] > 0 else 0
    r["ratio_wall"] = r["wall"] / r["loop_wall"] if r["loop_wall"] > 0 else 0
    return r


def bench_pictures(build, runs):
    """bench-1m run with pictures and with --no-plots, alternately: the
    whole process's wall time each way (medians), and the run phase"""
    scn = os.path.join("bench", "bench-1m.scn")
    qchan = os.path.join(build, "bin", "qchan")
    pics, plain, phase = [], [], []
    load = [os.getloadavg()[0]]     # the ratio means little on a busy machine
    tmp = tempfile.mkdtemp(prefix="qchan-bench-pics-")
    try:
        for _ in range(runs):
            wall, _, _, err = run_rss([qchan, "run", scn, "--out", tmp])
            if not os.path.exists(os.path.join(tmp, "throughput.svg")):
                sys.exit("run_sim: qchan run drew no pictures:\n" + err)
            pics.append(wall)
            phase.append(float(RUN_LINE.search(err).group(2)))
            shutil.rmtree(tmp)
            wall, _, _, err = run_rss([qchan, "run", scn, "--no-plots",
                                       "--out", tmp])
            plain.append(wall)
            phase.append(float(RUN_LINE.search(err).group(2)))
            shutil.rmtree(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load.append(os.getloadavg()[0])
    return {"runs": runs, "load": load, "whole_pictures": med(pics),
            "whole_no_plots": med(plain), "run": med(phase),
            "whole_pictures_all": pics, "whole_no_plots_all": plain}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.environ.get("QCHAN_BUILD", "build"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--runs-10m", type=int, default=3)
    ap.add_argument("--sizes", default="100k,1m,10m")
    ap.add_argument("--json")
    a = ap.parse_args()
    rows = []
    for name in a.sizes.split(","):
        if name not in SIZES:
            sys.exit("run_sim: unknown size %s (100k, 1m, 10m)" % name)
        runs = a.runs_10m if name == "10m" else a.runs
        rows.append(bench_size(a.build, name, SIZES[name], runs))
        r = rows[-1]
        print("  %s done: run %.3f s, whole %.3f s" % (name, r["run"],
                                                       r["wall"]),
              file=sys.stderr, flush=True)
    print("simulator: reference workload (bench/bench-SIZE.scn), medians; "
          "loop = bench/minimal_loop, same sizes, same runs")
    hdr = ("%-5s %4s %9s %9s %8s %11s %11s %9s %9s %8s %8s %7s" %
           ("size", "runs", "run(s)", "whole(s)", "RSS(MB)", "events/s",
            "deliv/s", "B/rcpt", "loop(s)", "run/loop", "whole/lp",
            "growth"))
    print(hdr)
    prev = None
    for r in rows:
        growth = ("%.1fx" % (r["wall"] / prev["wall"])
                  if prev and SIZES[r["size"]] == 10 * SIZES[prev["size"]]
                  else "-")
        r["growth"] = (r["wall"] / prev["wall"]) if growth != "-" else None
        print("%-5s %4d %9.3f %9.3f %8.1f %11.0f %11.0f %9.1f %9.3f %8.1f "
              "%8.1f %7s" % (r["size"], r["runs"], r["run"], r["wall"],
                             r["rss"] / 1e6, r["events_per_s"],
                             r["deliveries_per_s"], r["bytes_per_rcpt"],
                             r["loop_run"], r["ratio_run"], r["ratio_wall"],
                             growth))
        prev = r
    one = [r for r in rows if r["size"] == "1m"]
    if one and a.runs > 0:
        p = bench_pictures(a.build, a.runs)
        p["loop_run"] = one[0]["loop_run"]
        print("pictures, bench-1m (medians of %d, alternately): whole process "
              "%.3f s with pictures, %.3f s with --no-plots: %.2fx (goal "
              "1.5x); whole with pictures / run phase (%.3f s): %.2fx; "
              "load average %.1f before, %.1f after"
              % (p["runs"], p["whole_pictures"], p["whole_no_plots"],
                 p["whole_pictures"] / p["whole_no_plots"], p["run"],
                 p["whole_pictures"] / p["run"], p["load"][0], p["load"][1]))
        print("run phase / minimal loop, bench-1m: %.3f s / %.3f s = %.2fx "
              "(goal 3x)" % (one[0]["run"], one[0]["loop_run"],
                             one[0]["ratio_run"]))
        one[0]["pictures"] = p
    big = [r for r in rows if r["size"] in ("1m", "10m")]
    if len(big) == 2:
        marg = (big[1]["rss"] - big[0]["rss"]) / (
            big[1]["recipients"] - big[0]["recipients"])
        print("marginal memory 1M -> 10M: %.1f bytes per queued recipient"
              % marg)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
