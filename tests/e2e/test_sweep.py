"""test_sweep.py - `qchan sweep`, as an administrator runs it.

On a constructed scenario whose drain time is known for every value
(remote: ceil(N/c) seconds at concurrency c; local: a fixed floor), the
sweep reports exactly those drain times and chooses the knee arithmetic
predicts; a descriptor limit that bites above some value moves the choice
below it; the confidence interval is Student's t over the replications
(checked against separate `qchan run --seed` runs); the answer does not
depend on how many workers ran it; bad ranges exit 2.
"""
import csv
import json
import math
import statistics
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

# t quantile 0.975 with 2 degrees of freedom (3 replications)
T975_2 = 4.302652729749464


def sweep(bindir, scn, rng, *args, out, check=0):
    cmd = [str(bindir / "qchan"), "sweep", str(scn), rng, "--out",
           str(out)] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if check is not None:
        assert p.returncode == check, p.stdout + p.stderr
    return p


def knee_scenario(tmp_path, local=30, remote=600, nofile=1024):
    """local: `local` messages at concurrency 1, 1 s each: drains at
    `local` s whatever remote does.  remote: `remote` messages, 1 s each:
    ceil(remote / c) s.  The spawner holds 2c + 3 descriptors."""
    scn = tmp_path / "knee.scn"
    scn.write_text(f"""# knee - a drain time known for every remote limit
channels 2
control locals example.org
control concurrencylocal 1
spawner local latency const 1
spawner remote latency const 1
burst at 0 count {local} rcpts 1 to example.org 100
burst at 0 count {remote} rcpts 1 to far.example 100
limit nofile {nofile}
""")
    return scn


def predicted_knee(values, drain, ok, within=0.05):
    best = min(d for d in drain if d is not None)
    for v, d, good in zip(values, drain, ok):
        if good and d is not None and d <= best * (1 + within) + 1e-9:
            return v
    return None


def test_finds_the_known_knee(bindir, tmp_path):
    scn = knee_scenario(tmp_path, local=60, remote=600)
    p = sweep(bindir, scn, "concurrencyremote=2:20:1", "--replications",
              "2", "--no-plots", out=tmp_path / "o")
    s = json.loads((tmp_path / "o" / "sweep.json").read_text())
    values = list(range(2, 21))
    want = [max(60, math.ceil(600 / c)) for c in values]
    got = [pt["drain_time"]["mean"] for pt in s["points"]]
    assert got == pytest.approx(want, abs=1e-6)
    assert [pt["value"] for pt in s["points"]] == [str(v) for v in values]
    # 60 s from c = 10 on; c = 9 takes 67 s, more than 5% over
    assert s["chosen"] == "10" == str(predicted_knee(values, want,
                                                     [True] * len(values)))
    assert s["best"] == "10"
    assert "chosen: concurrencyremote=10" in p.stdout
    assert all(pt["limit_runs"] == 0 for pt in s["points"])


def test_csv_has_the_json_values_under_the_same_names(bindir, tmp_path):
    """sweep.csv's columns are sweep.json's measures, named alike
    (KEY_mean, KEY_half), the limit count and the choice; a value the
    sweep has not (not drained) is an empty field."""
    scn = knee_scenario(tmp_path, local=60, remote=600)
    sweep(bindir, scn, "concurrencyremote=2:6:2", "--replications", "2",
          "--no-plots", out=tmp_path / "o")
    s = json.loads((tmp_path / "o" / "sweep.json").read_text())
    with open(tmp_path / "o" / "sweep.csv") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["value", "drain_time_mean", "drain_time_half",
                             "latency_p95_mean", "latency_p95_half",
                             "limit_runs", "chosen"]
    for pt, row in zip(s["points"], rows, strict=True):
        assert row["value"] == pt["value"]
        for key in ("drain_time", "latency_p95"):
            assert float(row[key + "_mean"]) == \
                pytest.approx(pt[key]["mean"], abs=1e-6)
        assert int(row["limit_runs"]) == pt["limit_runs"]
        assert row["chosen"] == ("1" if pt["value"] == s["chosen"] else "0")
    with open(tmp_path / "o" / "sweep_fds.csv") as f:
        fds = list(csv.DictReader(f))
    first = {p["name"]: p for p in s["points"][0]["processes"]}
    for row in fds[:len(first)]:
        assert int(row["fd_peak"]) == first[row["process"]]["fd_peak"]
        assert int(row["fd_limit"]) == first[row["process"]]["fd_limit"]
    short = tmp_path / "short.scn"
    short.write_text(scn.read_text() + "run for 5\n")
    sweep(bindir, short, "concurrencyremote=2:4:2", "--replications", "1",
          "--no-plots", out=tmp_path / "nd", check=None)
    with open(tmp_path / "nd" / "sweep.csv") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["drain_time_mean"] == "" == rows[0]["drain_time_half"]


def test_a_limit_moves_the_choice_below_it(bindir, tmp_path):
    """nofile 30: the remote spawner needs 2c + 3 descriptors, so from
    c = 14 on it cannot open them ("unable to create pipe")."""
    scn = knee_scenario(tmp_path, local=30, remote=600, nofile=30)
    p = sweep(bindir, scn, "concurrencyremote=2:20:1", "--replications",
              "2", "--no-plots", out=tmp_path / "o")
    s = json.loads((tmp_path / "o" / "sweep.json").read_text())
    values = list(range(2, 21))
    ok = [2 * c + 3 <= 30 for c in values]
    assert [pt["limit_runs"] == 0 for pt in s["points"]] == ok
    for pt, c in zip(s["points"], values):
        spawner = next(x for x in pt["processes"]
                       if x["name"] == "spawn-remote")
        assert spawner["fd_limit"] == 30
        assert spawner["fd_peak"] == min(2 * c + 3, 30)
        if not 2 * c + 3 <= 30:
            assert "spawn-remote: nofile" in pt["limits_hit"]
    drain = [pt["drain_time"]["mean"] if pt["drain_time"] else None
             for pt in s["points"]]
    inside = [max(30, math.ceil(600 / c)) for c in values if 2 * c + 3 <= 30]
    assert drain[:len(inside)] == pytest.approx(inside)
    assert s["chosen"] == str(predicted_knee(values, drain, ok)) == "13"
    assert "yes (2/2): spawn-remote: nofile" in p.stdout


def test_interval_is_student_t_over_the_seeds(bindir, tmp_path):
    scn = ROOT / "scenarios" / "lifetime.scn"
    sweep(bindir, scn, "concurrencyremote=10:20:10", "--replications", "3",
          "--seed", "100", "--no-plots", out=tmp_path / "o")
    s = json.loads((tmp_path / "o" / "sweep.json").read_text())
    assert s["seeds"] == [100, 102]
    assert s["latency_channel"] == "remote"
    for pt in s["points"]:
        drains, p95s = [], []
        for seed in (100, 101, 102):
            out = tmp_path / f"run-{pt['value']}-{seed}"
            subprocess.run([str(bindir / "qchan"), "run", str(scn),
                            "--no-plots", "--seed", str(seed), "--set",
                            f"concurrencyremote={pt['value']}", "--out",
                            str(out)], capture_output=True, timeout=120)
            one = json.loads((out / "summary.json").read_text())
            drains.append(one["drain_time"])
            p95s.append(one["channels"][1]["latency_p95"])
        for key, xs in (("drain_time", drains), ("latency_p95", p95s)):
            mean = statistics.mean(xs)
            half = T975_2 * statistics.stdev(xs) / math.sqrt(3)
            assert pt[key]["mean"] == pytest.approx(mean, abs=1e-5)
            assert pt[key]["half"] == pytest.approx(half, abs=1e-5)
            assert pt[key]["low"] == pytest.approx(mean - half, abs=1e-5)
        assert statistics.stdev(drains) > 0, "the seeds differ"


def test_same_answer_with_one_or_two_workers(bindir, tmp_path):
    scn = ROOT / "scenarios" / "burst.scn"
    for jobs in ("1", "2"):
        p = sweep(bindir, scn, "concurrencyremote=20:60:20",
                  "--replications", "2", "--jobs", jobs, "--no-plots",
                  out=tmp_path / jobs)
        assert "6/6 runs done" in p.stderr
    for name in ("sweep.json", "sweep.csv", "sweep_fds.csv"):
        assert (tmp_path / "1" / name).read_bytes() == \
            (tmp_path / "2" / name).read_bytes(), name


def test_decimal_values_and_other_settings(bindir, tmp_path):
    scn = tmp_path / "todo.scn"
    scn.write_text("""channels 2
control concurrencyremote 50
spawner remote latency const 1
burst at 0 count 100 rcpts 1 to far.example 100
""")
    sweep(bindir, scn, "todo-delay=0:0.2:0.1", "--replications", "1",
          "--no-plots", out=tmp_path / "o")
    s = json.loads((tmp_path / "o" / "sweep.json").read_text())
    assert [pt["value"] for pt in s["points"]] == ["0", "0.1", "0.2"]
    # qmail-todo is serial: the last of 100 messages is ready at 100 d,
    # then takes 1 s; with no delay the 50 slots drain it in 2 s
    got = [pt["drain_time"]["mean"] for pt in s["points"]]
    assert got == pytest.approx([2, 100 * 0.1 + 1, 100 * 0.2 + 1], abs=1e-6)
    assert all(pt["drain_time"]["half"] is None for pt in s["points"])


def test_pictures(bindir, tmp_path):
    scn = knee_scenario(tmp_path, local=60, remote=600, nofile=30)
    p = sweep(bindir, scn, "concurrencyremote=5:15:5", "--replications",
              "2", out=tmp_path / "o")
    if not Path("/usr/bin/gnuplot").exists():
        assert "apt-get install gnuplot-nox" in p.stdout
        return
    for name in ("drain", "fds"):
        for ext in ("png", "svg"):
            f = tmp_path / "o" / f"sweep_{name}.{ext}"
            assert f.exists() and f.stat().st_size > 1000, f
    svg = (tmp_path / "o" / "sweep_drain.svg").read_text()
    assert "knee: drain time against concurrencyremote" in svg
    assert "drain time (s)" in svg and "a limit was hit" in svg
    fds = (tmp_path / "o" / "sweep_fds.svg").read_text()
    assert "spawn-remote peak" in fds and "limit of" in fds


@pytest.mark.parametrize("rng,args,words", [
    ("concurrencyremote=10:5:1", [], "FROM <= TO"),
    ("concurrencyremote=1:5:0", [], "STEP above 0"),
    ("concurrencyremote=1:5", [], "NAME=FROM:TO:STEP"),
    ("concurrencyremote=a:5:1", [], "NAME=FROM:TO:STEP"),
    ("=1:5:1", [], "NAME=FROM:TO:STEP"),
    ("frobnicate=1:5:1", [], "frobnicate"),
    ("concurrencyremote=1:5000:1", [], "at most"),
    ("concurrencyremote=1:5:1", ["--replications", "0"], "--replications"),
    ("concurrencyremote=1:5:1", ["--channel", "suppl7"], "suppl7"),
    ("concurrencyremote=1:5:1", ["--within", "x"], "--within"),
    ("concurrencyremote=1:5:1", ["--set", "nofile=lots"], "nofile"),
])
def test_bad_input_exits_2(bindir, tmp_path, rng, args, words):
    scn = ROOT / "scenarios" / "lifetime.scn"
    p = sweep(bindir, scn, rng, *args, "--no-plots", out=tmp_path / "o",
              check=2)
    assert words in p.stderr
    assert not (tmp_path / "o" / "sweep.json").exists()
