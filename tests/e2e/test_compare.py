"""test_compare.py - `qchan compare`, as an administrator runs it.

A variant compared with itself differs in nothing (common random
numbers); a change that touches one channel leaves the others' numbers
exactly as they were; a higher remote limit on a remote-bound burst
drains sooner, by the amount arithmetic predicts; control directories,
more than two variants, pictures, bad input.
"""
import csv
import json
import math
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

BURST = ROOT / "scenarios" / "burst.scn"


def compare(bindir, scn, *args, out, check=0):
    cmd = [str(bindir / "qchan"), "compare", str(scn), "--out", str(out)]
    cmd += list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if check is not None:
        assert p.returncode == check, p.stdout + p.stderr
    return p


def rows(out):
    data = json.loads((Path(out) / "compare.json").read_text())
    return data, {(r["section"], r["metric"]): r for r in data["rows"]}


def remote_burst(tmp_path, n=1000, latency=2, limit=10):
    scn = tmp_path / "remote-burst.scn"
    scn.write_text(f"""# remote-burst - every message to one remote domain
channels 2
control concurrencyremote {limit}
spawner remote latency const {latency}
burst at 0 count {n} rcpts 1 to far.example 100
run until drained max 100000
""")
    return scn


def test_variant_against_itself_differs_in_nothing(bindir, tmp_path):
    p = compare(bindir, BURST, "--vs", "--no-plots", out=tmp_path)
    data, by = rows(tmp_path)
    assert data["rows_differing"] == 0
    assert all(not r["differs"] and r["better"] == [] for r in data["rows"])
    assert all(len(set(map(str, r["values"]))) == 1 for r in data["rows"])
    assert "no differences" in p.stdout
    # the two runs are the same run: byte for byte
    for name in ("summary.json", "series.csv", "fds.csv"):
        assert (tmp_path / "A" / name).read_bytes() == \
            (tmp_path / "B" / name).read_bytes(), name
    assert by[("remote", "delivered")]["values"][0] > 7000


def test_common_random_numbers_keep_other_channels_identical(bindir,
                                                             tmp_path):
    """Only local's limit changes: remote and suppl0 see the same
    arrivals, the same latencies and outcomes, so their rows are equal,
    while local's are not."""
    compare(bindir, BURST, "--set", "concurrencylocal=10", "--vs", "--set",
            "concurrencylocal=2", "--no-plots", out=tmp_path)
    data, by = rows(tmp_path)
    for chan in ("remote", "suppl0"):
        for metric in ("delivered", "deferred", "failed", "latency_p50",
                       "latency_p95", "latency_p99", "drain_time"):
            r = by[(chan, metric)]
            assert not r["differs"], (chan, metric, r["values"])
    local = by[("local", "latency_p95")]
    assert local["differs"] and local["better"] == ["A"]
    assert by[("local", "max_inflight")]["limits"] == [10, 2]
    assert by[("run", "messages")]["values"][0] == 10000
    assert not by[("run", "messages")]["differs"]


def test_csv_rows_are_the_json_rows(bindir, tmp_path):
    """compare.csv has compare.json's rows under the same names: section,
    metric, unit, a value and a limit per variant (empty where none),
    differs, better."""
    scn = remote_burst(tmp_path, 200, 2)
    compare(bindir, scn, "--set", "concurrencyremote=10", "--vs", "--set",
            "concurrencyremote=40", "--no-plots", out=tmp_path / "o")
    data, by = rows(tmp_path / "o")
    with open(tmp_path / "o" / "compare.csv") as f:
        lines = list(csv.DictReader(f))
    assert list(lines[0]) == ["section", "metric", "unit", "A", "B",
                              "A_limit", "B_limit", "differs", "better"]
    assert len(lines) == len(data["rows"])
    for line, r in zip(lines, data["rows"]):
        assert (line["section"], line["metric"], line["unit"]) == \
            (r["section"], r["metric"], r["unit"])
        for i, v in enumerate("AB"):
            want = r["values"][i]
            if want is None:
                assert line[v] == ""
            else:
                assert float(line[v]) == pytest.approx(want, abs=1e-6)
            limits = r.get("limits")
            assert line[v + "_limit"] == \
                ("" if limits is None else str(int(limits[i])))
        assert line["differs"] == ("1" if r["differs"] else "0")
        assert line["better"] == ("=" if not r["differs"]
                                  else "=".join(r["better"]))
    inflight = next(l for l in lines if l["section"] == "remote" and
                    l["metric"] == "max_inflight")
    assert (inflight["A"], inflight["B_limit"]) == ("10", "40")


@pytest.mark.parametrize("a,b", [(10, 50), (7, 20)])
def test_higher_remote_limit_drains_sooner(bindir, tmp_path, a, b):
    n, latency = 1000, 2
    scn = remote_burst(tmp_path, n, latency)
    p = compare(bindir, scn, "--set", f"concurrencyremote={a}", "--vs",
                "--set", f"concurrencyremote={b}", "--no-plots",
                out=tmp_path / "o")
    data, by = rows(tmp_path / "o")
    drain = by[("run", "drain_time")]
    want = [math.ceil(n / a) * latency, math.ceil(n / b) * latency]
    assert drain["values"] == pytest.approx(want, abs=1e-6)
    assert drain["better"] == ["B"]
    assert drain["diff"][1] == pytest.approx(want[1] - want[0], abs=1e-6)
    assert by[("remote", "max_inflight")]["values"] == [a, b]
    assert by[("spawn-remote", "fd_peak")]["better"] == ["A"]
    line = next(l for l in p.stdout.splitlines()
                if l.strip().startswith("drain time"))
    assert f"{want[0]:.3f}" in line and f"{want[1]:.3f}" in line
    assert line.rstrip().endswith("B")


def test_shipped_burst_remote_20_vs_60(bindir, tmp_path):
    compare(bindir, BURST, "--set", "concurrencyremote=20", "--vs", "--set",
            "concurrencyremote=60", "--no-plots", out=tmp_path)
    data, by = rows(tmp_path)
    a, b = by[("run", "drain_time")]["values"]
    assert b < a
    assert by[("remote", "latency_p95")]["better"] == ["B"]
    assert data["variants"][1]["settings"] == ["concurrencyremote=60"]
    # B breaks the scenario's "max-inflight remote <= 20"
    assert data["variants"][0]["expects_failed"] == 0
    assert data["variants"][1]["expects_failed"] == 1


def test_three_variants_against_a(bindir, tmp_path):
    scn = remote_burst(tmp_path, 600, 1)
    p = compare(bindir, scn, "--set", "concurrencyremote=10", "--vs",
                "--set", "concurrencyremote=20", "--vs", "--set",
                "concurrencyremote=30", "--no-plots", out=tmp_path / "o")
    data, by = rows(tmp_path / "o")
    assert [v["label"] for v in data["variants"]] == ["A", "B", "C"]
    drain = by[("run", "drain_time")]
    assert drain["values"] == pytest.approx([60, 30, 20])
    assert drain["diff"] == pytest.approx([0, -30, -40])
    assert drain["better"] == ["C"]
    assert "C-A" in p.stdout
    for label in "ABC":
        assert (tmp_path / "o" / label / "summary.json").exists()


def test_control_a_and_control_b(bindir, tmp_path, control_dir):
    a = control_dir({"concurrencyremote": "5"}, name="ctl-a")
    b = control_dir({"concurrencyremote": "25",
                     "suppls0": ["bulk.example.net"]}, name="ctl-b")
    scn = tmp_path / "two.scn"
    scn.write_text("""channels 4
control concurrencyremote 1
spawner remote latency const 1
spawner suppl0 latency const 1
burst at 0 count 100 rcpts 1 to far.example 50 bulk.example.net 50
""")
    compare(bindir, scn, "--control-a", str(a), "--control-b", str(b),
            "--no-plots", out=tmp_path / "o")
    data, by = rows(tmp_path / "o")
    # the directory replaces the scenario's "control" line: limits 5, 25
    assert by[("remote", "max_inflight")]["limits"] == [5, 25]
    # only B routes bulk.example.net to its own channel
    to_bulk = by[("suppl0", "delivered")]["values"][1]
    assert by[("suppl0", "delivered")]["values"][0] == 0 and to_bulk > 20
    assert by[("remote", "delivered")]["values"] == [100, 100 - to_bulk]
    assert data["variants"][1]["control_dir"] == str(b)


def test_same_answer_with_one_or_two_workers(bindir, tmp_path):
    args = ["--set", "concurrencyremote=20", "--vs", "--set",
            "concurrencyremote=40", "--no-plots"]
    compare(bindir, BURST, *args, "--jobs", "1", out=tmp_path / "one")
    compare(bindir, BURST, *args, "--jobs", "2", out=tmp_path / "two")
    for name in ("compare.json", "compare.txt"):
        assert (tmp_path / "one" / name).read_bytes() == \
            (tmp_path / "two" / name).read_bytes()


def test_text_and_json_agree(bindir, tmp_path):
    p = compare(bindir, BURST, "--set", "concurrencyremote=20", "--vs",
                "--set", "concurrencyremote=60", "--no-plots", out=tmp_path)
    data, by = rows(tmp_path)
    assert (tmp_path / "compare.txt").read_text() in p.stdout
    for r in data["rows"]:
        if r["unit"] == "s" and r["values"][0] is not None:
            assert f"{r['values'][0]:.3f}" in p.stdout, r


def test_pictures(bindir, tmp_path):
    p = compare(bindir, BURST, "--set", "concurrencyremote=20", "--vs",
                "--set", "concurrencyremote=60", out=tmp_path)
    if not Path("/usr/bin/gnuplot").exists():
        assert "apt-get install gnuplot-nox" in p.stdout
        return
    for name in ("throughput", "queue", "inflight"):
        for ext in ("png", "svg"):
            f = tmp_path / f"compare_{name}.{ext}"
            assert f.exists() and f.stat().st_size > 1000, f
    svg = (tmp_path / "compare_queue.svg").read_text()
    assert "burst" in svg and "A vs B" in svg
    assert "remote, B: concurrencyremote=60" in svg
    assert "messages queued" in svg and "simulated time (s)" in svg
    # remote keeps the colour it has in every picture (plots/common.gp)
    assert "#d62728" in svg.lower() or "rgb(214,  39,  40)" in svg


@pytest.mark.parametrize("args,words", [
    ([], "nothing to compare"),
    (["--set", "concurrencyremote=5"], "nothing to compare"),
    (["--vs", "--set", "concurrencyremote=lots"], "variant B"),
    (["--vs", "--set", "nonsense"], "expected NAME=VALUE"),
    (["--vs", "--control", "/nonexistent/control"], "variant B"),
    (["--vs", "--bogus"], "unknown option"),
    (["--vs", "--jobs", "0"], "--jobs"),
    (["--vs", "--seed", "x"], "--seed"),
])
def test_bad_input_exits_2(bindir, tmp_path, args, words):
    p = compare(bindir, BURST, *args, "--no-plots", out=tmp_path, check=2)
    assert words in p.stderr
    assert not (tmp_path / "compare.json").exists()


def test_missing_scenario_exits_2(bindir, tmp_path):
    p = compare(bindir, tmp_path / "none.scn", "--vs", out=tmp_path, check=2)
    assert "none.scn" in p.stderr
