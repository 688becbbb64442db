"""test_advise.py - `qchan advise`, as an administrator runs it.

Two scenarios built so the answer is known:

  - one slow domain (200-400 s a delivery, 40 messages at once) fills
    remote's 10 slots while quick mail queues behind it: the advisor must
    propose a supplemental channel for that domain, show remote's p95
    fall beyond the interval, and write a control directory with
    concurrency* and supplsK only.  Its numbers are checked against
    separate `qchan run`s of the current scenario and of the proposed
    configuration written by hand, seed by seed.
  - every remote domain quick and remote with room to spare: nothing can
    be gained, and the advisor must say the current configuration is
    best.

And the machine's limits bound what is proposed: with --nproc 18 the
new channel cannot have 10 deliveries at once, so that proposal is not
run and a smaller concurrency is chosen.
"""
import json
import statistics
import subprocess

SLOW = """# one slow domain holds remote's slots
channels 2
control locals example.org
control concurrencyremote 10
spawner local latency const 1
spawner remote latency uniform 1 3
domain slow.example latency uniform 200 400
burst at 0 count 40 rcpts 1 to slow.example 100
poisson from 0 to 600 rate 1 rcpts 1 to far.example 50 other.example 50
"""

FINE = """# nothing to gain: every remote domain is quick and remote has room
channels 2
control locals example.org
control concurrencyremote 50
spawner local latency const 1
spawner remote latency uniform 1 3
poisson from 0 to 600 rate 2 rcpts 1 to big.example 60 small.example 40
"""


def advise(bindir, scn, out, *args):
    p = subprocess.run([str(bindir / "qchan"), "advise", str(scn), "--out",
                        str(out)] + list(args), capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    return p, json.loads((out / "advise.json").read_text())


def remote_p95(bindir, scn, seed, out):
    subprocess.run([str(bindir / "qchan"), "run", str(scn), "--seed",
                    str(seed), "--no-plots", "--out", str(out)], check=True,
                   capture_output=True, timeout=300)
    s = json.loads((out / "summary.json").read_text())
    return {c["name"]: c["latency_p95"] for c in s["channels"]}


def test_slow_domain_gets_its_own_channel(bindir, tmp_path):
    scn = tmp_path / "slow.scn"
    scn.write_text(SLOW)
    out = tmp_path / "adv"
    p, a = advise(bindir, scn, out)
    assert set(a["candidates"]) == {"slow.example", "far.example",
                                    "other.example"}
    assert a["current_is_best"] is False
    assert a["proposal"] == {"domain": "slow.example", "channel": "suppl0",
                             "concurrency": 10}
    chosen = next(v for v in a["variants"]
                  if v["domain"] == "slow.example" and v["concurrency"] == 10)
    change = chosen["remote_p95_change"]
    assert change["high"] < 0 and change["mean"] < -500
    assert "Move slow.example to its own channel suppl0 at concurrency 10" \
        in p.stdout
    # the control directory: concurrency* and supplsK, nothing else
    ctl = out / "control"
    assert sorted(f.name for f in ctl.iterdir()) == [
        "concurrencylocal", "concurrencyremote", "concurrencysuppl0",
        "suppls0"]
    assert (ctl / "suppls0").read_text() == "slow.example\n"
    assert (ctl / "concurrencysuppl0").read_text() == "10\n"
    assert (ctl / "concurrencyremote").read_text() == "10\n"
    assert (out / "report.md").read_text().startswith("# qchan advise: slow")
    assert (out / "advise_p95.png").stat().st_size > 0
    # the same numbers from plain runs: the scenario as it is, and the
    # proposal written by hand (remote's spawner for the new channel)
    hand = tmp_path / "hand.scn"
    hand.write_text(SLOW.replace("channels 2", "channels 3") +
                    "spawner suppl0 latency uniform 1 3\n"
                    "control suppls0 slow.example\n"
                    "control concurrencysuppl0 10\n")
    seeds = range(a["seeds"][0], a["seeds"][1] + 1)
    before = [remote_p95(bindir, scn, s, tmp_path / f"b{s}")["remote"]
              for s in seeds]
    after = [remote_p95(bindir, hand, s, tmp_path / f"a{s}")["remote"]
             for s in seeds]
    current = a["variants"][0]["channels"][1]["latency_p95"]
    proposed = chosen["channels"][1]["latency_p95"]
    assert abs(current["mean"] - statistics.mean(before)) < 1e-6
    assert abs(proposed["mean"] - statistics.mean(after)) < 1e-6
    diffs = [b - a_ for a_, b in zip(before, after)]
    assert abs(change["mean"] - statistics.mean(diffs)) < 1e-6


def test_current_configuration_is_best(bindir, tmp_path):
    scn = tmp_path / "fine.scn"
    scn.write_text(FINE)
    out = tmp_path / "adv"
    p, a = advise(bindir, scn, out, "--no-plots")
    assert a["current_is_best"] is True and a["proposal"] is None
    assert len(a["variants"]) > 1          # proposals were tried
    for v in a["variants"][1:]:
        assert v["better"] is False and v["why_not"]
        assert v["remote_p95_change"]["high"] >= 0
    assert "The current configuration is already best" in p.stdout
    ctl = out / "control"
    assert sorted(f.name for f in ctl.iterdir()) == [
        "concurrencylocal", "concurrencyremote"]
    assert (ctl / "concurrencyremote").read_text() == "50\n"


def test_limits_bound_the_proposal(bindir, tmp_path):
    """qmailr: remote's spawner and 10 children, the new spawner and C
    children: C = 10 needs 22 processes, more than nproc 18."""
    scn = tmp_path / "slow.scn"
    scn.write_text(SLOW)
    p, a = advise(bindir, scn, tmp_path / "adv", "--nproc", "18",
                  "--no-plots")
    assert a["limits"]["nproc"] == 18
    assert a["proposal"]["domain"] == "slow.example"
    assert a["proposal"]["concurrency"] == 5
    assert all(v["concurrency"] != 10 for v in a["variants"][1:])
    assert any("slow.example in suppl0 at concurrency 10: qmailr would "
               "reach nproc (22 of 18)" == s
               for s in a["not_run_beyond_limits"])


def test_bad_input(bindir, tmp_path):
    p = subprocess.run([str(bindir / "qchan"), "advise",
                        str(tmp_path / "none.scn"), "--out",
                        str(tmp_path / "o")], capture_output=True, text=True)
    assert p.returncode == 2 and "none.scn" in p.stderr
    p = subprocess.run([str(bindir / "qchan"), "advise", "x.scn",
                        "--nofile", "lots"], capture_output=True, text=True)
    assert p.returncode == 2 and "--nofile lots" in p.stderr
