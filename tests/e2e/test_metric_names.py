"""test_metric_names.py - one name for each measure, everywhere.

The measures qchan reports are named once, in core/metric.h.  A run's
summary.json, a comparison's compare.json and compare.csv, a sweep's
sweep.csv and sweep_fds.csv and a fitted log's observed.json and
check.json name their measures from that list, and the printed tables
show its headers; docs/scenarios.md lists it as it is.
"""
import csv
import json
import re
import subprocess

from conftest import ROOT

SCN = """# names - a small run with every kind of row
channels 3
control concurrencyremote 4
spawner remote latency const 2
spawner suppl0 latency const 1
burst at 0 count 40 rcpts 1 to far.example 100
"""

# names a table has beside its measures: who a row is about, and the
# sweep's own columns
OWN = {"name", "unit", "value", "chosen", "exhausted_by", "exhausted_at",
       "section", "metric", "differs", "better", "A", "B", "A_limit",
       "B_limit"}


def metric_names():
    """core/metric.h's entries: key -> (header, unit)."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "core" / "metric.h").read_text())
    rows = re.findall(r'#define METRIC_\w+ "([^"]*)",\s*"([^"]*)",\s*'
                      r'"([^"]*)"', text)
    assert len(rows) > 20
    return {k: (h, u) for k, h, u in rows}


def qchan(bindir, *args):
    p = subprocess.run([str(bindir / "qchan")] + [str(a) for a in args],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode in (0, 1), p.stdout + p.stderr
    return p


def test_docs_list_the_names_as_they_are():
    names = metric_names()
    doc = (ROOT / "docs" / "scenarios.md").read_text()
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \| ([^|]+) \|$", doc, re.M)
    listed = {k: (h.strip(), "" if u.strip() == "-" else u.strip())
              for k, h, u in rows}
    assert listed == names


def test_run_compare_and_sweep_use_the_names(sim, tmp_path):
    names = metric_names()
    scn = tmp_path / "names.scn"
    scn.write_text(SCN)
    p = qchan(sim, "run", scn, "--no-plots", "--out", tmp_path / "run")
    s = json.loads((tmp_path / "run" / "summary.json").read_text())
    for rec in s["channels"] + s["processes"]:
        assert set(rec) - OWN <= set(names), set(rec) - OWN - set(names)
    for key in ("drain_time", "end_time", "messages", "recipients",
                "events", "todo_pending"):
        assert key in names and key in s
    head = next(l for l in p.stdout.splitlines() if l.startswith("channel"))
    for key in ("concurrency", "max_inflight", "pending", "max_queue"):
        assert names[key][0] in head
    assert "p95 (s)" in head

    qchan(sim, "compare", scn, "--set", "concurrencyremote=4", "--vs",
          "--set", "concurrencyremote=8", "--no-plots", "--out",
          tmp_path / "cmp")
    rows = json.loads((tmp_path / "cmp" / "compare.json").read_text())
    assert {r["metric"] for r in rows["rows"]} <= set(names)
    with open(tmp_path / "cmp" / "compare.csv") as f:
        lines = list(csv.DictReader(f))
    assert {l["metric"] for l in lines} <= set(names)
    assert set(lines[0]) - {"unit"} <= OWN

    qchan(sim, "sweep", scn, "concurrencyremote=2,4", "--replications", "1",
          "--no-plots", "--out", tmp_path / "sw")
    with open(tmp_path / "sw" / "sweep.csv") as f:
        cols = next(csv.reader(f))
    for col in set(cols) - OWN:
        base = re.sub(r"_(mean|half)$", "", col)
        assert base in names, col
    with open(tmp_path / "sw" / "sweep_fds.csv") as f:
        assert set(next(csv.reader(f))) - OWN <= set(names)
    sw = json.loads((tmp_path / "sw" / "sweep.json").read_text())
    for proc in sw["points"][0]["processes"]:
        assert set(proc) - OWN <= set(names)


def test_fit_uses_the_names(sim, tmp_path):
    names = metric_names()
    scn = tmp_path / "names.scn"
    scn.write_text(SCN)
    qchan(sim, "run", scn, "--no-plots", "--log", "--out", tmp_path / "run")
    qchan(sim, "fit", tmp_path / "run" / "qmail.log", "--out",
          tmp_path / "fit", "--check", "--seeds", "2", "--no-plots")
    obs = json.loads((tmp_path / "fit" / "observed.json").read_text())
    remote = next(c for c in obs["channels"] if c["name"] == "remote")
    for key in ("max_concurrency", "max_inflight", "attempts", "delivered",
                "pending", "latency_p95", "attempt_p95",
                "at_limit_fraction"):
        assert key in names and key in remote, key
    check = json.loads((tmp_path / "fit" / "check.json").read_text())
    assert {r["figure"] for r in check["rows"]} <= set(names)
    assert set(check["tolerances"]) <= set(names)
