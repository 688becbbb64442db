"""test_fit.py - `qchan fit`: from qmail-send's log to a replay scenario.

The log fixtures in tests/data/fit cover every format (multilog
directory with rotated files, splogger/syslog, tai64nlocal, CHANNELS
suppl channels) and every awkward case (mid-stream start, restart with
reused numbers, work in flight at the end, garbled and truncated lines).
The round trip runs a scenario with `qchan run --log`, fits the log, and
checks that the arrivals come back exactly and that the fitted scenario
reproduces the run's counts.  The round-trip tests are skipped only when
the qchan under test has no `run` subcommand.
"""
import csv
import json
import math
import shutil
import subprocess

import pytest

from conftest import ROOT

DATA = ROOT / "tests" / "data" / "fit"


def qchan(bindir, *args, timeout=120):
    return subprocess.run([str(bindir / "qchan"), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


def fit(bindir, out, *logs, extra=(), check=0, plots=False):
    p = qchan(bindir, "fit", *logs, "--out", out, *extra,
              *([] if plots else ["--no-plots"]))
    assert p.returncode == check, p.stdout + p.stderr
    return p


def observed(out):
    return json.loads((out / "observed.json").read_text())


def chan(obs, name):
    return next(c for c in obs["channels"] if c["name"] == name)


def traffic(path):
    rows = []
    for line in path.read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        t, sender, rcpts = line.split(",", 2)
        rows.append((round(float(t), 6), sender, tuple(rcpts.split(";"))))
    return rows


# ------------------------------------------------------------ fixtures

def test_multilog_directory(bindir, tmp_path):
    p = fit(bindir, tmp_path / "o", DATA / "multilog")
    obs = observed(tmp_path / "o")
    assert len(obs["files"]) == 3 and obs["files"][-1].endswith("current")
    assert obs["unparsed"] == 0
    assert obs["messages"]["arrived"] == 2
    assert obs["messages"]["complete"] == 2
    remote = chan(obs, "remote")
    assert (remote["attempts"], remote["delivered"], remote["deferred"],
            remote["failed"]) == (3, 2, 1, 0)
    assert remote["limit"] == 20 and remote["max_inflight"] == 2
    assert remote["attempt_max"] == pytest.approx(40.0)
    assert chan(obs, "local")["delivered"] == 1
    assert "busiest hour" in p.stdout
    # the printed table's headers are qchan run's (core/metric.h)
    head = next(l for l in p.stdout.splitlines() if l.startswith("channel"))
    for name in ("peak in flight", "pending", "p50 (s)", "p95 (s)",
                 "p99 (s)", "attempt p95 (s)", "time at limit"):
        assert name in head, (name, head)
    rows = traffic(tmp_path / "o" / "traffic.csv")
    assert rows == [(5.0, "alice@example.org",
                     ("bob@example.com", "carol@slow.example.net")),
                    (60.0, "", ("postmaster@example.org",))]
    scn = (tmp_path / "o" / "replay.scn").read_text()
    assert "control concurrencyremote 20" in scn
    assert "control locals example.org" in scn
    assert "todo-delay 0" in scn and "replay traffic.csv" in scn


def test_same_day_in_any_file_order(bindir, tmp_path):
    rotated = sorted((DATA / "multilog").glob("@*.s"))
    fit(bindir, tmp_path / "a", DATA / "multilog" / "current", *rotated)
    fit(bindir, tmp_path / "b", DATA / "multilog")
    for name in ("traffic.csv", "observed.csv"):
        assert ((tmp_path / "a" / name).read_text() ==
                (tmp_path / "b" / name).read_text())


def test_lock_and_state_are_skipped(bindir, tmp_path):
    files = sorted((DATA / "multilog").iterdir())
    assert any(f.name == "state" for f in files)
    fit(bindir, tmp_path / "o", *files)
    obs = observed(tmp_path / "o")
    assert obs["unparsed"] == 0 and len(obs["files"]) == 3


@pytest.mark.parametrize("name", ["splogger.log", "tai64nlocal.log"])
def test_splogger_and_tai64nlocal(bindir, tmp_path, name):
    fit(bindir, tmp_path / "o", DATA / name)
    obs = observed(tmp_path / "o")
    assert obs["origin_utc"] == "2026-01-01T00:00:00Z"
    assert obs["unparsed"] == (1 if name == "splogger.log" else 0)
    remote = chan(obs, "remote")
    assert remote["delivered"] == 1
    assert remote["attempt_p50"] == pytest.approx(2.5)
    assert traffic(tmp_path / "o" / "traffic.csv") == [
        (10.25, "ann@example.org", ("zed@example.com",))]


def test_channels_suppl_and_bounce(bindir, tmp_path):
    fit(bindir, tmp_path / "o", DATA / "channels.log")
    obs = observed(tmp_path / "o")
    assert [c["name"] for c in obs["channels"]] == [
        "local", "remote", "suppl0", "suppl1"]
    assert chan(obs, "suppl0")["limit"] == 5
    assert chan(obs, "suppl1")["attempt_p50"] == pytest.approx(30.0)
    assert chan(obs, "remote")["failed"] == 1
    assert obs["messages"]["bounces"] == 1
    scn = (tmp_path / "o" / "replay.scn").read_text()
    assert "channels 4" in scn
    assert "control suppls0 bulk.example.net" in scn
    assert "control suppls1 slow.example.com" in scn
    assert "control concurrencysuppl1 3" in scn
    # the domain that only failed keeps its failures
    assert any(line.startswith("domain example.com ")
               and "fail 1" in line for line in scn.splitlines())


def test_midstream_start(bindir, tmp_path):
    p = fit(bindir, tmp_path / "o", DATA / "midstream.log")
    obs = observed(tmp_path / "o")
    assert obs["messages"]["carried_over"] == 1
    assert obs["messages"]["arrived"] == 1
    assert obs["results_without_start"] == 2
    assert obs["ends_without_message"] == 1
    assert chan(obs, "remote")["max_inflight"] == 3
    assert "carried over" in p.stdout
    # only the message that arrived in the log is replayed
    assert [r[2] for r in traffic(tmp_path / "o" / "traffic.csv")] == [
        ("c@example.com",)]


def test_restart_with_reused_numbers(bindir, tmp_path):
    p = fit(bindir, tmp_path / "o", DATA / "restart.log")
    obs = observed(tmp_path / "o")
    assert obs["restarts"] == 1
    assert obs["lost_attempts"] == 2
    assert obs["messages"]["arrived"] == 3
    assert obs["messages"]["complete"] == 3
    assert obs["limit_changes"] == [
        {"time": 10.0, "channel": "remote", "limit": 30}]
    rows = traffic(tmp_path / "o" / "traffic.csv")
    assert [r[2] for r in rows] == [("x@example.com",),
                                    ("y@down.example.com",),
                                    ("z@example.com",)]
    assert "at 10.000000 hup concurrencyremote 30" in (
        tmp_path / "o" / "replay.scn").read_text()
    assert "restarts: 1" in p.stdout


def test_work_in_flight_at_end(bindir, tmp_path):
    fit(bindir, tmp_path / "o", DATA / "inflight.log")
    obs = observed(tmp_path / "o")
    assert obs["messages"]["unfinished"] == 1
    assert chan(obs, "remote")["in_flight_at_end"] == 1
    # summary.json's name for recipients without a final outcome
    assert chan(obs, "remote")["pending"] == 1
    assert "left_at_window_end" not in chan(obs, "remote")


def test_garbled_lines_are_counted_not_fatal(bindir, tmp_path):
    p = fit(bindir, tmp_path / "o", DATA / "garbled.log")
    obs = observed(tmp_path / "o")
    assert obs["unparsed"] == 11
    assert len(obs["unparsed_examples"]) == 5
    assert obs["unparsed_examples"][0]["line"] == 3
    assert "warning: 11 lines skipped" in p.stdout
    assert "garbled.log:3: info msg 5" in p.stdout
    assert chan(obs, "remote")["delivered"] == 1


def test_observed_csv_columns(bindir, tmp_path):
    fit(bindir, tmp_path / "o", DATA / "multilog", extra=["--sample", "30"])
    with open(tmp_path / "o" / "observed.csv") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["time", "channel", "delivered", "deferred",
                             "failed", "inflight", "limit", "started"]
    remote = [r for r in rows if r["channel"] == "remote"]
    assert [float(r["time"]) for r in remote[:3]] == [30, 60, 90]
    assert sum(int(r["delivered"]) for r in remote) == 2
    assert sum(int(r["started"]) for r in remote) == 3
    assert remote[0]["inflight"] == "1" and remote[0]["limit"] == "20"


def test_anonymize(bindir, tmp_path):
    fit(bindir, tmp_path / "a", DATA / "channels.log",
        extra=["--anonymize"])
    fit(bindir, tmp_path / "b", DATA / "channels.log",
        extra=["--anonymize"])
    text = (tmp_path / "a" / "traffic.csv").read_text()
    assert text == (tmp_path / "b" / "traffic.csv").read_text()
    for local in ("news@", "u1@", "u2@", "u3@"):
        assert local not in text
    for domain in ("@bulk.example.net", "@slow.example.com",
                   "@lists.example.org"):
        assert domain in text
    rows = traffic(tmp_path / "a" / "traffic.csv")
    # the sender of 501 is the recipient of its bounce: same hash
    assert rows[0][1] == rows[1][2][0]


# ------------------------------------------------------------ errors

def test_errors_exit_2(bindir, tmp_path):
    p = qchan(bindir, "fit")
    assert p.returncode == 2 and "log file" in p.stderr
    p = qchan(bindir, "fit", tmp_path / "nope.log")
    assert p.returncode == 2 and "nope.log" in p.stderr
    p = qchan(bindir, "fit", DATA / "splogger.log", "--bogus")
    assert p.returncode == 2 and "--bogus" in p.stderr
    p = qchan(bindir, "fit", DATA / "splogger.log", "--sample", "x")
    assert p.returncode == 2 and "--sample" in p.stderr
    junk = tmp_path / "junk.log"
    junk.write_text("hello\nworld\n")
    p = qchan(bindir, "fit", junk, "--out", tmp_path / "o")
    assert p.returncode == 2 and "junk.log" in p.stderr
    empty = tmp_path / "emptydir"
    empty.mkdir()
    p = qchan(bindir, "fit", empty)
    assert p.returncode == 2 and "emptydir" in p.stderr
    gz = tmp_path / "old.s"
    gz.write_bytes(b"\x1f\x8b\x08\x00garbage")
    p = qchan(bindir, "fit", gz)
    assert p.returncode == 2 and "old.s" in p.stderr and "gzip" in p.stderr
    blocker = tmp_path / "file"
    blocker.write_text("")
    p = qchan(bindir, "fit", DATA / "splogger.log", "--out", blocker)
    assert p.returncode == 2 and str(blocker) in p.stderr
    assert qchan(bindir, "fit", "--help").returncode == 0


# ------------------------------------------------------------ round trip

def run_scn(bindir, scn, out, *extra):
    p = qchan(bindir, "run", scn, "--out", out, "--no-plots", *extra)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads((out / "summary.json").read_text())


@pytest.mark.parametrize("name", ["multilog", "channels.log", "restart.log",
                                  "midstream.log", "splogger.log"])
def test_fixture_scenarios_run(sim, tmp_path, name):
    fit(sim, tmp_path / "o", DATA / name)
    summary = run_scn(sim, tmp_path / "o" / "replay.scn", tmp_path / "r")
    # the replay covers the observed window and stops at its end
    window = observed(tmp_path / "o")["window"]
    assert summary["end_time"] == pytest.approx(window["end"], abs=1e-3)
    assert summary["messages"] > 0


def test_round_trip_arrivals_exact(sim, tmp_path):
    """A replayed day comes back exactly: times, senders, recipients."""
    rows = []
    for i in range(60):
        rcpts = [f"r{i}.{k}@{dom}" for k, dom in
                 enumerate(["example.com", "bulk.example.net",
                            "example.org"][: 1 + i % 3])]
        rows.append((round(i * 7.25 + (i % 4) * 0.125, 6),
                     f"s{i % 5}@sender.example", tuple(rcpts)))
    (tmp_path / "t.csv").write_text("".join(
        f"{t:.6f},{s},{';'.join(r)}\n" for t, s, r in rows))
    (tmp_path / "t.scn").write_text(
        "seed 3\nchannels 3\ntodo-delay 0\n"
        "control concurrencyremote 4\ncontrol suppls0 bulk.example.net\n"
        "spawner remote latency exp 3\nspawner suppl0 latency const 1.5\n"
        "replay t.csv\nrun until drained max 86400\n")
    orig = run_scn(sim, tmp_path / "t.scn", tmp_path / "run", "--log")
    fit(sim, tmp_path / "fit", tmp_path / "run" / "qmail.log")
    got = traffic(tmp_path / "fit" / "traffic.csv")
    # recipients of a message are listed in the order they first started
    assert [(t, s, sorted(r)) for t, s, r in got] == [
        (t, s, sorted(r)) for t, s, r in rows]
    obs = observed(tmp_path / "fit")
    assert obs["messages"]["arrived"] == orig["messages"] == 60
    assert obs["recipients"] == orig["recipients"]


ROUND_TRIP = """seed 11
channels 3
todo-delay 0
control concurrencyremote 8
control suppls0 bulk.example.net
spawner remote latency lognormal 2 0.5 outcome ok 100
spawner suppl0 latency uniform 1 3 outcome ok 100
domain fail.example.com outcome fail 100
domain flaky.example.com outcome ok 80 defer 20
outage down.example.org from 0 to 1200 defer
poisson from 0 to 3600 rate 1.5 rcpts 1-2 to example.com 50 fail.example.com 5 down.example.org 10 flaky.example.com 15 bulk.example.net 20
run until drained max 172800
sample 60
"""


def test_round_trip_models_and_counts(sim, tmp_path):
    (tmp_path / "t.scn").write_text(ROUND_TRIP)
    orig = run_scn(sim, tmp_path / "t.scn", tmp_path / "run", "--log")
    fit(sim, tmp_path / "fit", tmp_path / "run" / "qmail.log")
    obs = observed(tmp_path / "fit")
    doms = {d["name"]: d for d in obs["domains"]}

    # the log's counts are the run's
    for c in orig["channels"]:
        o = chan(obs, c["name"])
        for key in ("attempts", "delivered", "deferred", "failed"):
            assert o[key] == c[key], (c["name"], key)

    # models within sampling error: lognormal median 2, sigma 0.5
    ex = doms["example.com"]
    assert ex["latency_model"] == "empirical"
    n = ex["attempts"]
    assert n > 1000
    se = 2 * 0.5 * math.sqrt(math.pi / 2) / math.sqrt(n)  # of the median
    assert abs(ex["attempt_p50"] - 2.0) < 4 * se
    assert ex["attempt_p95"] == pytest.approx(2 * math.exp(1.645 * 0.5),
                                              rel=0.1)
    flaky = doms["flaky.example.com"]
    p = flaky["deferred"] / flaky["attempts"]
    assert abs(p - 0.2) < 4 * math.sqrt(0.2 * 0.8 / flaky["attempts"])
    assert flaky["outages"] == []   # random deferrals are not an outage
    assert doms["fail.example.com"]["delivered"] == 0
    outs = doms["down.example.org"]["outages"]
    assert len(outs) == 1 and outs[0]["from"] < 60
    assert 1200 <= outs[0]["to"] <= 3600 + 1200

    # the fitted scenario reproduces the run: exactly where the models
    # are exact, within sampling error where they are random
    again = run_scn(sim, tmp_path / "fit" / "replay.scn", tmp_path / "rerun")
    assert again["messages"] == orig["messages"]
    assert again["recipients"] == orig["recipients"]
    for c, a in zip(orig["channels"], again["channels"]):
        # the replay stops at the log's end: a final outcome the log had
        # in its last seconds may be left at window end in the replay
        assert abs(a["failed"] - c["failed"]) <= a["pending"], c["name"]
        assert abs(a["delivered"] - c["delivered"]) <= a["pending"], c["name"]
        assert a["pending"] <= 3, c["name"]
        assert abs(a["deferred"] - c["deferred"]) <= max(
            8, 4 * math.sqrt(c["deferred"])), c["name"]

    # the replayed day, fitted again, has the same shape: busiest burst
    # cleared within 10 %, in-flight curve close to the log's
    rerun_log = run_scn(sim, tmp_path / "fit" / "replay.scn",
                        tmp_path / "rerun2", "--log")
    assert rerun_log["channels"] == again["channels"]
    fit(sim, tmp_path / "refit", tmp_path / "rerun2" / "qmail.log")
    obs2 = observed(tmp_path / "refit")
    for name in ("remote", "suppl0"):
        b1, b2 = chan(obs, name)["busiest_burst"], chan(obs2,
                                                         name)["busiest_burst"]
        assert b1["start"] == b2["start"]
        assert b1["recipients"] == b2["recipients"]
        assert b2["clear_time"] == pytest.approx(b1["clear_time"], rel=0.1)
    with open(tmp_path / "fit" / "observed.csv") as f1, \
            open(tmp_path / "refit" / "observed.csv") as f2:
        r1 = [r for r in csv.DictReader(f1) if r["channel"] == "remote"]
        r2 = [r for r in csv.DictReader(f2) if r["channel"] == "remote"]
    n = min(len(r1), len(r2))
    mean = sum(int(r["inflight"]) for r in r1[:n]) / n
    diff = sum(abs(int(a["inflight"]) - int(b["inflight"]))
               for a, b in zip(r1[:n], r2[:n])) / n
    assert mean > 1 and diff < 0.25 * mean


def test_overlay_pictures(sim, tmp_path):
    """overlay.gp is always written; with gnuplot, the pictures too, and
    --sim draws a run over the observed day."""
    (tmp_path / "t.scn").write_text(ROUND_TRIP)
    run_scn(sim, tmp_path / "t.scn", tmp_path / "run", "--log")
    fit(sim, tmp_path / "fit", tmp_path / "run" / "qmail.log")
    run_scn(sim, tmp_path / "fit" / "replay.scn", tmp_path / "rerun")
    p = fit(sim, tmp_path / "fit", tmp_path / "run" / "qmail.log",
            extra=["--sim", tmp_path / "rerun"], plots=True)
    script = (tmp_path / "fit" / "overlay.gp").read_text()
    assert 'channels = "local remote suppl0"' in script
    if shutil.which("gnuplot"):
        for name in ("throughput", "inflight"):
            for ext in ("png", "svg"):
                pic = tmp_path / "fit" / f"overlay-{name}.{ext}"
                assert pic.stat().st_size > 1000
        svg = (tmp_path / "fit" / "overlay-inflight.svg").read_text()
        assert "simulated" in svg and "observed" in svg
        assert "pictures:" in p.stdout
    else:
        assert "gnuplot" in p.stderr
    p = qchan(sim, "fit", tmp_path / "run" / "qmail.log", "--out",
              tmp_path / "x", "--sim", tmp_path / "no-run")
    assert p.returncode == 2 and "no-run/series.csv" in p.stderr


def test_what_if_on_fitted_scenario(sim, tmp_path):
    """The fitted day answers a what-if like any scenario."""
    (tmp_path / "t.scn").write_text(ROUND_TRIP)
    run_scn(sim, tmp_path / "t.scn", tmp_path / "run", "--log")
    fit(sim, tmp_path / "fit", tmp_path / "run" / "qmail.log")
    slow = run_scn(sim, tmp_path / "fit" / "replay.scn", tmp_path / "a",
                   "--set", "concurrencyremote=2")
    fast = run_scn(sim, tmp_path / "fit" / "replay.scn", tmp_path / "b",
                   "--set", "concurrencyremote=50")
    rs = next(c for c in slow["channels"] if c["name"] == "remote")
    rf = next(c for c in fast["channels"] if c["name"] == "remote")
    assert rs["max_inflight"] <= 2 < rf["max_inflight"]
    assert rf["latency_p95"] < rs["latency_p95"]


def test_clock_warnings(bindir, tmp_path):
    """Lines out of order and a wild stamp are warned about with counts
    and the first examples; the wild stamp does not stretch the window."""
    t0 = 1767225610
    lines = [
        (t0, "status: local 0/10 remote 0/20"),
        (t0 + 1, "new msg 5"),
        (t0 + 1, "info msg 5: bytes 10 from <a@example.org> qp 1 uid 1"),
        (t0 + 2, "starting delivery 1: msg 5 to remote r@example.com"),
        (t0 + 1.5, "status: local 0/10 remote 1/20"),           # backwards
        (t0 + 9 * 86400, "status: local 0/10 remote 1/20"),     # wild
        (t0 + 4, "delivery 1: success: ok/"),
        (t0 + 4, "end msg 5"),
        (t0 - 86400 * 30, "status: local 0/10 remote 0/20"),    # wild, past
        (t0 + 5, "status: local 0/10 remote 0/20"),
    ]
    log = tmp_path / "clock.log"
    log.write_text("".join(f"x qmail: {t:.6f} {text}\n" for t, text in lines))
    p = fit(bindir, tmp_path / "o", log)
    obs = observed(tmp_path / "o")
    assert obs["lines_out_of_order"] == 2
    assert obs["lines_far_from_neighbours"] == 2
    assert [e["line"] for e in obs["far_examples"]] == [6, 9]
    assert obs["out_of_order_examples"][0]["line"] == 5
    assert obs["window"]["end"] - obs["window"]["start"] == pytest.approx(5)
    assert "warning: 2 lines out of order" in p.stdout
    assert "warning: 2 lines with a time far" in p.stdout
    assert f"{log}:6:" in p.stdout
