"""test_sim.py - `qchan run` and the shipped scenarios, as a user runs them.

Every shipped scenario must run and keep its expect lines; the same seed
gives byte-identical outputs; a case with a known answer drains when it
must; bad scenario lines name file:line and exit 2; a failed expect exits
1; control-dir, replay and --set work end to end.
"""
import json
import math
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

SCENARIOS = sorted((ROOT / "scenarios").glob("*.scn"))


def run(bindir, scn, *args, out=None, check=None):
    cmd = [str(bindir / "qchan"), "run", str(scn)]
    if out is not None:
        cmd += ["--out", str(out)]
    cmd += list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if check is not None:
        assert p.returncode == check, p.stdout + p.stderr
    return p


def write(tmp_path, text, name="t.scn"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("scn", SCENARIOS, ids=[s.stem for s in SCENARIOS])
def test_shipped_scenario_holds(bindir, scn, tmp_path):
    p = run(bindir, scn, "--no-plots", out=tmp_path / "out", check=0)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["scenario"] == scn.stem
    assert summary["expect"], "a shipped scenario states what must hold"
    assert all(e["ok"] for e in summary["expect"])
    assert summary["violations"] == []
    head = scn.read_text().splitlines()[0]
    assert head.startswith("# " + scn.stem + " - "), "header comment"
    assert "expect:" in p.stdout


def test_summary_json_keys(bindir, tmp_path):
    run(bindir, ROOT / "scenarios" / "burst.scn", "--no-plots",
        out=tmp_path, check=0)
    s = json.loads((tmp_path / "summary.json").read_text())
    for key in ("scenario", "seed", "profile", "drained", "drain_time",
                "messages", "recipients", "events", "channels", "processes",
                "expect", "findings"):
        assert key in s
    for key in ("name", "concurrency", "max_inflight", "attempts",
                "delivered", "deferred", "failed", "pending", "latency_p50",
                "latency_p95", "latency_p99", "max_queue"):
        assert key in s["channels"][0]
    for key in ("name", "fd_peak", "fd_limit", "exhausted"):
        assert key in s["processes"][0]
    for key in ("line", "text", "ok", "value"):
        assert key in s["expect"][0]
    assert s["messages"] == 10000
    remote = s["channels"][1]
    assert remote["name"] == "remote"
    assert remote["max_inflight"] <= remote["concurrency"]
    # every recipient is accounted for exactly once
    done = sum(c["delivered"] + c["failed"] + c["pending"]
               for c in s["channels"])
    assert done == s["recipients"]


def test_same_seed_same_bytes(bindir, tmp_path):
    scn = ROOT / "scenarios" / "burst.scn"
    a, b = tmp_path / "a", tmp_path / "b"
    pa = run(bindir, scn, "--log", out=a, check=0)
    pb = run(bindir, scn, "--log", out=b, check=0)
    assert pa.stdout.replace(str(a), "DIR") == pb.stdout.replace(str(b), "DIR")
    names = sorted(f.name for f in a.iterdir())
    assert names == sorted(f.name for f in b.iterdir())
    for must in ("summary.json", "series.csv", "fds.csv", "qmail.log"):
        assert must in names
    for name in names:
        if name == "gnuplot.log":
            continue
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_other_seed_other_run(bindir, tmp_path):
    scn = ROOT / "scenarios" / "burst.scn"
    run(bindir, scn, "--no-plots", out=tmp_path / "a", check=0)
    run(bindir, scn, "--no-plots", "--seed", "43", out=tmp_path / "b")
    a = json.loads((tmp_path / "a" / "summary.json").read_text())
    b = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert b["seed"] == 43
    assert a["channels"] != b["channels"]


@pytest.mark.parametrize("n,c,l", [(1000, 10, 2), (999, 7, 0.5), (50, 100, 3)])
def test_known_answer_drain_time(bindir, tmp_path, n, c, l):
    scn = write(tmp_path, f"""
channels 2
control concurrencyremote {c}
limit conf-spawn 509
spawner remote latency const {l}
burst at 0 count {n} rcpts 1 to far.example 100
run until drained max 100000
expect drained-by {math.ceil(n / c) * l}
expect max-inflight remote == {min(n, c)}
""")
    run(bindir, scn, "--no-plots", out=tmp_path / "o", check=0)
    s = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert s["drained"] is True
    assert s["drain_time"] == pytest.approx(math.ceil(n / c) * l, abs=1e-6)
    assert s["channels"][1]["delivered"] == n
    assert s["channels"][1]["attempts"] == n


@pytest.mark.parametrize("line,expected", [
    ("frobnicate 3", "expected a keyword"),
    ("channels 1", "expected 'channels N'"),
    ("spawner remote latency gauss 1", "expected a latency model"),
    ("spawner suppl9 latency const 1", "expected a channel name"),
    ("burst at 0 count 10 rcpts 1 to nowhere 100", "expected a pool"),
    ("burst at zero count 10 rcpts 1 to x.example 1", "expected 'burst at"),
    ("poisson from 5 to 1 rate 3 rcpts 1 to x.example 1", "before"),
    ("expect max-inflight remote about 20", "expected an operator"),
    ("expect fd-exhaustion spawn-nothing", "expected a process"),
    ("outage x.example from 1 to 2 explode", "defer"),
    ("limit nofile many", "expected a whole number"),
    ("control concurrencyremote lots", "not a number"),
    ("at 10 kill nosuch", "expected a channel name"),
    ("run until tired", "expected 'run until drained"),
    ("pool p 0 zipf 1", "expected 'pool NAME COUNT"),
])
def test_bad_line_names_file_and_line(bindir, tmp_path, line, expected):
    scn = write(tmp_path, "# a comment\nseed 1\n\n" + line + "\n")
    p = run(bindir, scn, check=2)
    assert f"{scn}:4:" in p.stderr
    assert expected in p.stderr
    assert p.stdout == ""


def test_bad_replay_file_names_its_line(bindir, tmp_path):
    (tmp_path / "traffic.csv").write_text("0,a@b.example,c@d.example\n"
                                          "oops\n")
    scn = write(tmp_path, "replay traffic.csv\n")
    p = run(bindir, scn, check=2)
    assert "traffic.csv:2:" in p.stderr


def test_replay_row_of_a_mailing_list(bindir, tmp_path):
    # one message to 400 recipients: a row far longer than a line buffer
    rcpts = ";".join("u%d@d%d.example.com" % (i, i % 7) for i in range(400))
    (tmp_path / "traffic.csv").write_text("0,list@example.org," + rcpts +
                                          "\n")
    scn = write(tmp_path, "replay traffic.csv\n"
                "spawner remote latency const 1\n"
                "run until drained max 10000\n")
    run(bindir, scn, out=tmp_path / "out", check=0)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["messages"] == 1
    assert summary["recipients"] == 400
    remote = [c for c in summary["channels"] if c["name"] == "remote"][0]
    assert remote["delivered"] == 400


def test_failed_expect_exits_1(bindir, tmp_path):
    scn = write(tmp_path, """
channels 2
spawner remote latency const 1
burst at 0 count 100 rcpts 1 to x.example 1
expect delivered remote >= 101
expect delivered remote == 100
""")
    p = run(bindir, scn, check=1)
    assert "FAIL line 5" in p.stdout
    assert "ok   line 6" in p.stdout


def test_usage_errors_exit_2(bindir, tmp_path):
    run(bindir, tmp_path / "missing.scn", check=2)
    scn = write(tmp_path, "channels 2\n")
    run(bindir, scn, "--bogus", check=2)
    run(bindir, scn, "--log", check=2)
    p = run(bindir, scn, "--set", "concurrencyremote=x", check=2)
    assert "concurrencyremote" in p.stderr
    run(bindir, scn, "--seed", "-1", check=2)
    # --out where a file stands, or below one: named, not written over
    (tmp_path / "afile").write_text("keep\n")
    for out in (tmp_path / "afile", tmp_path / "afile" / "sub"):
        p = run(bindir, ROOT / "scenarios" / "burst.scn", "--no-plots",
                out=out, check=2)
        assert str(out) in p.stderr and "Not a directory" in p.stderr
    assert (tmp_path / "afile").read_text() == "keep\n"


def test_set_overrides_control_limit_and_profile(bindir, tmp_path):
    scn = write(tmp_path, """
channels 2
control concurrencyremote 10
spawner remote latency const 1
burst at 0 count 200 rcpts 1 to x.example 1
expect max-inflight remote <= 10
""")
    run(bindir, scn, "--no-plots", out=tmp_path / "a", check=0)
    p = run(bindir, scn, "--no-plots", "--set", "concurrencyremote=40",
            out=tmp_path / "b", check=1)
    s = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert s["channels"][1]["max_inflight"] == 40
    run(bindir, scn, "--no-plots", "--set", "concurrencyremote=40",
        "--set", "conf-spawn=10", check=0)
    run(bindir, scn, "--no-plots", "--set", "profile=channels-compat",
        out=tmp_path / "c", check=0)
    s = json.loads((tmp_path / "c" / "summary.json").read_text())
    assert s["profile"] == "channels-compat"
    assert "FAIL" in p.stdout


def test_control_dir_and_replay(bindir, tmp_path, control_dir):
    control_dir({"me": "mx.example.org", "locals": ["example.org"],
                 "virtualdomains": ["lists.example.org:lists"],
                 "suppls0": ["bulk.example.net"],
                 "concurrencyremote": "5"}, name="control")
    (tmp_path / "traffic.csv").write_text(
        "# time,sender,recipients\n"
        "0,a@example.org,bob@example.org;x@lists.example.org\n"
        "1.5,a@example.org,c@bulk.example.net;d@far.example\n"
        "1.5,b@example.org,e@far.example\n")
    scn = write(tmp_path, """
channels 4
control-dir control
spawner remote latency const 1
spawner local latency const 0.5
spawner suppl0 latency const 2
replay traffic.csv
expect delivered local == 2
expect delivered suppl0 == 1
expect delivered remote == 2
expect drained-by 3.5
""")
    run(bindir, scn, "--no-plots", "--log", out=tmp_path / "o", check=0)
    log = (tmp_path / "o" / "qmail.log").read_text()
    assert "lists-x@lists.example.org" in log
    assert "to suppl0 c@bulk.example.net" in log
    assert log.startswith("@4000")


def test_pictures_or_install_hint(bindir, tmp_path):
    scn = ROOT / "scenarios" / "hup-throttle.scn"
    p = run(bindir, scn, out=tmp_path, check=0)
    if (Path("/usr/bin/gnuplot")).exists():
        for name in ("throughput", "inflight", "queue", "fds"):
            for ext in ("png", "svg"):
                f = tmp_path / f"{name}.{ext}"
                assert f.exists() and f.stat().st_size > 1000, f
        svg = (tmp_path / "inflight.svg").read_text()
        assert "hup-throttle" in svg
    else:
        assert "apt-get install gnuplot-nox" in p.stdout


def test_no_gnuplot_still_succeeds(bindir, tmp_path):
    scn = ROOT / "scenarios" / "lifetime.scn"
    cmd = [str(bindir / "qchan"), "run", str(scn), "--out", str(tmp_path)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                       env={"PATH": "/nonexistent"})
    assert p.returncode == 0, p.stderr
    assert "apt-get install gnuplot-nox" in p.stdout
    assert (tmp_path / "summary.json").exists()


def test_make_sim(tmp_path):
    import os
    build = os.environ.get("QCHAN_BUILD", "build")
    p = subprocess.run(["make", "-s", f"BUILD={build}", "sim",
                        "SCENARIO=lifetime", f"OUT={tmp_path}/lt"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "scenario lifetime" in p.stdout
    assert f"{tmp_path}/lt" in p.stdout
    assert (tmp_path / "lt" / "qmail.log").exists()
