"""test_sweep_goals.py - `qchan sweep` over several settings, deciding by
goals.

Constructed scenarios whose figures are known for every setting
(constant latencies: a channel of N one-second deliveries at concurrency
c drains at ceil(N / c) s):

  - a goal only one point of a two-setting grid meets: that point is
    chosen whatever is minimised, and the picture outlines that one cell;
  - minimising a setting under a goal: the smallest value that meets it,
    the goal that binds (the next value misses it by a known amount) and
    the runner-up;
  - a figure that is flat across the feasible settings: the warning, and
    the first in grid order chosen instead of one picked by noise;
  - the interval rule: a setting whose mean meets a bound but whose 95%
    upper end does not is not feasible;
  - an unknown metric is an error that lists the known ones; without a
    goal the old rule is used and named.
"""
import json
import math
import subprocess

from conftest import ROOT


def sweep(bindir, scn, *args, out, check=0):
    cmd = [str(bindir / "qchan"), "sweep", str(scn), "--out", str(out)] + \
        [str(a) for a in args]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if check is not None:
        assert p.returncode == check, p.stdout + p.stderr
    return p


def two_channel(tmp_path, local=60, remote=600, latency="const 1"):
    """local: `local` one-second deliveries; remote: `remote` deliveries
    of the given latency.  Drain at max(ceil(local/L), ceil(remote/c))."""
    scn = tmp_path / "two.scn"
    scn.write_text(f"""# two channels whose drain time is known
channels 2
control locals example.org
control concurrencylocal 1
spawner local latency const 1
spawner remote latency {latency}
burst at 0 count {local} rcpts 1 to example.org 100
burst at 0 count {remote} rcpts 1 to far.example 100
""")
    return scn


def test_a_goal_only_one_point_meets(bindir, tmp_path):
    scn = two_channel(tmp_path)
    out = tmp_path / "o"
    # drain = max(60 / L, 600 / c): <= 30 only at L = 2 and c = 20
    p = sweep(bindir, scn, "concurrencylocal=1,2", "concurrencyremote=5,10,20",
              "--goal", "drain<=30", "--minimize", "p95(remote)",
              "--replications", "2", out=out)
    s = json.loads((out / "sweep.json").read_text())
    assert [x["name"] for x in s["settings"]] == ["concurrencylocal",
                                                   "concurrencyremote"]
    drains = {(pt["settings"]["concurrencylocal"],
               pt["settings"]["concurrencyremote"]):
              pt["drain_time"]["mean"] for pt in s["points"]}
    for (l, c), d in drains.items():
        assert d == max(math.ceil(60 / int(l)), math.ceil(600 / int(c)))
    feasible = [pt["settings"] for pt in s["points"] if pt["feasible"]]
    assert feasible == [{"concurrencylocal": "2", "concurrencyremote": "20"}]
    assert s["decision"]["chosen"] == feasible[0]
    assert s["chosen"] == "2,20"
    assert s["decision"]["feasible"] == 1
    assert s["decision"]["runner_up"] is None
    assert "chosen: concurrencylocal=2 concurrencyremote=20" in p.stdout
    # the outline of one cell (i0 = 1, i1 = 2) has its four edges
    edges = (out / "sweep_feasible.csv").read_text().splitlines()[1:]
    assert sorted(edges) == sorted(["0.5,1.5,0,1", "1.5,1.5,0,1",
                                    "0.5,1.5,1,0", "0.5,2.5,1,0"])
    assert (out / "sweep_heat.png").stat().st_size > 0


def test_minimise_a_setting_under_a_goal(bindir, tmp_path):
    scn = two_channel(tmp_path)
    out = tmp_path / "o"
    p = sweep(bindir, scn, "concurrencyremote=2:20:1", "--goal", "drain<=70",
              "--minimize", "concurrencyremote", "--replications", "2",
              "--no-plots", out=out)
    s = json.loads((out / "sweep.json").read_text())
    # 600/9 = 66.7 -> 67 s <= 70; 600/8 = 75 s > 70
    assert s["chosen"] == "9"
    d = s["decision"]
    assert d["chosen"] == {"concurrencyremote": "9"}
    assert d["binding"] == [{"goal": "drain <= 70",
                             "at": {"concurrencyremote": "8"},
                             "figure": {"mean": 8.0, "half": 0.0,
                                        "low": 8.0, "high": 8.0},
                             "excess": 5.0}]
    assert d["runner_up"]["settings"] == {"concurrencyremote": "10"}
    assert d["runner_up"]["diff"] == 1.0
    assert d["flat"] is False
    assert "binds: drain <= 70: concurrencyremote=8" in p.stdout
    assert "5.000 over" in p.stdout
    assert "runner-up: concurrencyremote=10" in p.stdout


def test_flat_figure_warns_and_takes_the_first(bindir, tmp_path):
    """From c = 10 on local's 60 s is the drain time: the figure is flat
    across every feasible setting."""
    scn = two_channel(tmp_path)
    out = tmp_path / "o"
    p = sweep(bindir, scn, "concurrencyremote=2:20:1", "--goal", "drain<=60",
              "--replications", "2", out=out)
    s = json.loads((out / "sweep.json").read_text())
    assert s["minimize"] == "drain"
    assert s["decision"]["flat"] is True
    assert s["decision"]["feasible"] == 11
    assert s["chosen"] == "10"
    assert "warning: drain does not change across the 11 settings" in p.stdout
    assert (out / "sweep_goal.png").stat().st_size > 0


def test_the_upper_end_of_the_interval_decides(bindir, tmp_path):
    """A bound between a point's mean p95 and its upper 95% end: the
    mean meets it, the point does not."""
    scn = two_channel(tmp_path, local=10, remote=300,
                      latency="uniform 1 9")
    first = sweep(bindir, scn, "concurrencyremote=5,10,20",
                  "--replications", "4", "--no-plots", out=tmp_path / "a")
    s = json.loads((tmp_path / "a" / "sweep.json").read_text())
    pt = s["points"][1]
    lat = pt["latency_p95"]
    assert lat["half"] > 0, first.stdout
    bound = (lat["mean"] + lat["high"]) / 2
    sweep(bindir, scn, "concurrencyremote=5,10,20", "--replications", "4",
          "--goal", f"p95(remote)<={bound:.6f}", "--minimize",
          "concurrencyremote", "--no-plots", out=tmp_path / "b")
    g = json.loads((tmp_path / "b" / "sweep.json").read_text())
    p10 = g["points"][1]
    goal = p10["goals"][0]
    assert goal["value"]["mean"] < bound < goal["value"]["high"]
    assert goal["ok"] is False and p10["feasible"] is False
    for q in g["points"]:
        v = q["goals"][0]["value"]
        assert q["goals"][0]["ok"] == (v["high"] <= bound + 1e-9)


def test_left_and_no_limit_hit(bindir, tmp_path):
    """nofile 30: the remote spawner needs 2c + 3 descriptors, so c >= 14
    hits a limit (and stalls); below it remote's median latency is
    ceil(600 / c) / 2 s and nothing is left."""
    scn = two_channel(tmp_path, local=10)
    scn.write_text(scn.read_text() + "limit nofile 30\n")
    out = tmp_path / "o"
    p = sweep(bindir, scn, "concurrencyremote=10:16:2", "--goal",
              "left(remote)==0", "--goal", "no limit hit", "--minimize",
              "p50(remote)", "--replications", "1", "--no-plots", out=out)
    s = json.loads((out / "sweep.json").read_text())
    ok = {pt["value"]: pt["feasible"] for pt in s["points"]}
    assert ok == {"10": True, "12": True, "14": False, "16": False}
    hit = {pt["value"]: pt["goals"][1]["value"] for pt in s["points"]}
    assert hit == {"10": 0, "12": 0, "14": 1, "16": 1}
    figs = {pt["value"]: pt["figure"]["mean"] for pt in s["points"]}
    assert figs["10"] == 30 and figs["12"] == 25
    assert s["chosen"] == "12"
    assert s["decision"]["binding"] == []
    assert s["decision"]["runner_up"]["diff"] == 5.0
    assert "binds: no goal" in p.stdout


def test_unknown_metric_lists_the_known(bindir, tmp_path):
    scn = two_channel(tmp_path)
    p = sweep(bindir, scn, "concurrencyremote=2:4:1", "--goal",
              "p97(remote)<=1", out=tmp_path / "o", check=2)
    assert "unknown metric 'p97(remote)'" in p.stderr
    for name in ("drain", "p50(CHANNEL)", "p95(CHANNEL)", "left(CHANNEL)",
                 "latency_p95", "concurrencyremote"):
        assert name in p.stderr
    p = sweep(bindir, scn, "concurrencyremote=2:4:1", "--minimize",
              "p95(nowhere)", out=tmp_path / "o", check=2)
    assert "no channel nowhere" in p.stderr
    p = sweep(bindir, scn, "concurrencyremote=2:4:1", "--goal",
              "drain<=x", out=tmp_path / "o", check=2)
    assert "METRIC OP NUMBER" in p.stderr


def test_no_goal_keeps_the_old_rule_and_names_it(bindir, tmp_path):
    scn = two_channel(tmp_path)
    out = tmp_path / "o"
    p = sweep(bindir, scn, "concurrencyremote=2:20:1", "--replications", "2",
              "--no-plots", out=out)
    s = json.loads((out / "sweep.json").read_text())
    assert s["rule"] == "knee" and s["chosen"] == "10"
    assert "decision" not in s
    assert "rule: no --goal or --minimize given: the smallest value within " \
           "5% of the best drain time" in p.stdout


def test_two_settings_without_goals_draw_the_heat_map(bindir, tmp_path):
    scn = two_channel(tmp_path)
    out = tmp_path / "o"
    sweep(bindir, scn, "concurrencylocal=1,2", "concurrencyremote=10,20",
          "--replications", "1", out=out)
    s = json.loads((out / "sweep.json").read_text())
    assert len(s["points"]) == 4 and s["chosen"] is not None
    assert (out / "sweep_heat.png").stat().st_size > 0
    head = (out / "sweep.csv").read_text().splitlines()[0]
    assert head.startswith("concurrencylocal,concurrencyremote,drain_time_mean")
