"""test_replay_check.py - round trips: a scenario run with `qchan run
--log`, its log fitted and checked with `qchan fit --check`.

Each case is a day with one thing a replay can get wrong: an outage
still open when the log ends, a destination that defers at random, a log
cut so that it starts mid-stream, supplemental channels, a limit changed
by a HUP halfway, failures and the retries around them.  The check
replays the fitted scenario with several seeds, fits each simulated log
like the original and compares the figures; a case passes when no row
of check.json fails (ok: within the tolerance; noise: outside it but
inside the replays' own spread).  The differences are printed (pytest
-s) so a change that moves them shows.
"""
import json
import subprocess

SEEDS = 3


def qchan(bindir, *args, timeout=300):
    return subprocess.run([str(bindir / "qchan"), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


def round_trip(sim, tmp_path, text, cut=None):
    """run the scenario with --log (optionally keep only the log's lines
    after the first fraction `cut`), fit and check it; check.json"""
    (tmp_path / "day.scn").write_text(text)
    p = qchan(sim, "run", tmp_path / "day.scn", "--out", tmp_path / "run",
              "--log", "--no-plots")
    assert p.returncode in (0, 1), p.stdout + p.stderr
    log = tmp_path / "run" / "qmail.log"
    if cut is not None:
        lines = log.read_text().splitlines(keepends=True)
        log = tmp_path / "cut.log"
        log.write_text("".join(lines[int(len(lines) * cut):]))
    p = qchan(sim, "fit", log, "--out", tmp_path / "fit", "--check",
              "--seeds", SEEDS, "--strict", "--no-plots")
    check = json.loads((tmp_path / "fit" / "check.json").read_text())
    rows = {(r["channel"], r["figure"]): r for r in check["rows"]}
    print()
    for (chan, fig), r in sorted(rows.items()):
        if r["log"] is not None or fig.endswith("_error"):
            diff = r["difference"]
            print(f"{chan:7} {fig:24} log {r['log']!s:>10} replay "
                  f"{r['replay_mean']!s:>10} diff "
                  f"{'-' if diff is None else f'{100 * diff:+.1f}%':>8} "
                  f"{r['verdict']}")
    failed = [k for k, r in rows.items() if r["verdict"] == "FAIL"]
    assert not failed, (failed, p.stdout[-3000:])
    assert p.returncode == 0, p.stdout + p.stderr
    assert check["seeds"] == SEEDS
    return check, rows, json.loads(
        (tmp_path / "fit" / "observed.json").read_text())


def test_outage_open_at_the_end(sim, tmp_path):
    """The log ends while big.example is down: the fitted outage stays
    open, the replay stops at the window's end with the same recipients
    left undone, and no drain time is made up."""
    check, rows, obs = round_trip(sim, tmp_path, """
seed 5
channels 2
control concurrencyremote 10
spawner remote latency lognormal 1 0.6 outcome ok 100
domain big.example latency lognormal 2 0.5
outage big.example from 900 to 99999 defer latency const 30
poisson from 0 to 1800 rate 3 rcpts 1 to example.com 60 big.example 40
run for 1800
""")
    outs = next(d for d in obs["domains"] if d["name"] == "big.example")
    assert outs["outages"][0]["open_at_end"]
    left = rows[("remote", "pending")]
    assert left["log"] > 200
    assert abs(left["replay_mean"] - left["log"]) <= 0.02 * left["log"]
    scn = (tmp_path / "fit" / "replay.scn").read_text()
    assert "outage big.example from" in scn and "to end defer" in scn


def test_deferral_heavy_domain(sim, tmp_path):
    """A destination deferring 40% of attempts at random (greylisting):
    its deferrals keep their own quick durations and are not an outage;
    retries follow qmail's schedule in both."""
    check, rows, obs = round_trip(sim, tmp_path, """
seed 6
channels 2
control concurrencyremote 8
spawner remote latency lognormal 1.5 0.5 outcome ok 100
domain grey.example latency ok lognormal 3 0.4 latency defer const 0.2 outcome ok 60 defer 40
poisson from 0 to 2400 rate 2 rcpts 1-2 to example.com 50 grey.example 50
run until drained max 40000
""")
    grey = next(d for d in obs["domains"] if d["name"] == "grey.example")
    assert grey["outages"] == []
    assert grey["deferred"] > 300
    scn = (tmp_path / "fit" / "replay.scn").read_text()
    assert "latency defer empirical latency/grey.example-defer.txt" in scn
    assert rows[("remote", "deferred")]["verdict"] in ("ok", "noise")


def test_log_cut_mid_stream(sim, tmp_path):
    """The log starts in the middle of a day with a backlog: the messages
    queued before it are replayed (carried.csv) at their first attempt in
    the log, with births from their retry gaps."""
    check, rows, obs = round_trip(sim, tmp_path, """
seed 7
channels 2
control concurrencyremote 6
spawner remote latency lognormal 1 0.5 outcome ok 100
domain slow.example latency lognormal 4 0.3 outcome ok 85 defer 15
outage down.example from 200 to 1500 defer latency const 5
poisson from 0 to 3000 rate 2.5 rcpts 1 to example.com 50 slow.example 30 down.example 20
run until drained max 40000
""", cut=0.4)
    carried = obs["carried_over"]
    assert carried["replayed"] > 50
    assert carried["birth_from_retry_gap"] > 0
    assert (tmp_path / "fit" / "carried.csv").exists()
    assert "carried carried.csv" in (tmp_path / "fit" /
                                     "replay.scn").read_text()


def test_supplemental_channels(sim, tmp_path):
    """A newsletter on its own slow channel beside remote."""
    check, rows, obs = round_trip(sim, tmp_path, """
seed 8
channels 4
control concurrencyremote 10
control concurrencysuppl0 3
control suppls0 bulk.example.net
spawner remote latency lognormal 1 0.5
spawner suppl0 latency uniform 2 6
burst at 300 count 200 rcpts 1 to bulk.example.net 100
poisson from 0 to 1800 rate 3 rcpts 1 to example.com 100
run until drained max 40000
""")
    assert rows[("suppl0", "delivered")]["log"] == 200
    assert rows[("suppl0", "at_limit_fraction")]["log"] > 0.1


def test_limit_changed_by_hup(sim, tmp_path):
    """concurrencyremote drops from 12 to 3 halfway: the replay repeats
    the HUP the status lines show."""
    check, rows, obs = round_trip(sim, tmp_path, """
seed 9
channels 2
control concurrencyremote 12
spawner remote latency lognormal 1.5 0.5
poisson from 0 to 2400 rate 2.5 rcpts 1 to example.com 100
at 1200 hup concurrencyremote 3
run until drained max 40000
""")
    assert [(c["channel"], c["limit"]) for c in obs["limit_changes"]] == \
        [("remote", 3)]
    assert rows[("remote", "at_limit_fraction")]["log"] > 0.2


def test_retries_after_failures(sim, tmp_path):
    """A destination that fails some recipients and defers others, the
    deferred ones retried until they go through or bounce."""
    check, rows, obs = round_trip(sim, tmp_path, """
seed 10
channels 2
control concurrencyremote 8
control queuelifetime 3000
spawner remote latency lognormal 1 0.5
domain mixed.example latency lognormal 2 0.5 outcome ok 60 defer 25 fail 15
poisson from 0 to 1800 rate 2 rcpts 1-3 to example.com 50 mixed.example 50
run until drained max 40000
""")
    assert rows[("remote", "failed")]["log"] > 100
    assert rows[("remote", "deferred")]["log"] > 100


def test_check_fails_a_wrong_model(sim, tmp_path):
    """`qchan fit --check DIR` checks an edited replay.scn against the log
    its observed.json names: a replay with the wrong limit fails, and
    --strict says so in the exit status; bad --seeds is refused."""
    (tmp_path / "day.scn").write_text("""
seed 11
channels 2
control concurrencyremote 10
spawner remote latency lognormal 2 0.5
poisson from 0 to 1200 rate 3 rcpts 1 to example.com 100
run until drained max 40000
""")
    p = qchan(sim, "run", tmp_path / "day.scn", "--out", tmp_path / "run",
              "--log", "--no-plots")
    assert p.returncode == 0, p.stderr
    fitdir = tmp_path / "fit"
    p = qchan(sim, "fit", tmp_path / "run" / "qmail.log", "--out", fitdir,
              "--no-plots")
    assert p.returncode == 0, p.stderr
    scn = fitdir / "replay.scn"
    scn.write_text(scn.read_text().replace("control concurrencyremote 10",
                                           "control concurrencyremote 2"))
    p = qchan(sim, "fit", "--check", fitdir, "--seeds", 2, "--strict",
              "--no-plots")
    assert p.returncode == 1, p.stdout + p.stderr
    check = json.loads((fitdir / "check.json").read_text())
    rows = {(r["channel"], r["figure"]): r for r in check["rows"]}
    assert check["failed"] > 0
    assert rows[("remote", "latency_p95")]["verdict"] == "FAIL"
    assert rows[("remote", "latency_p95")]["replay_mean"] > \
        2 * rows[("remote", "latency_p95")]["log"]
    assert "FAIL" in p.stdout
    p = qchan(sim, "fit", "--check", fitdir, "--seeds", 0)
    assert p.returncode == 2 and "--seeds" in p.stderr
