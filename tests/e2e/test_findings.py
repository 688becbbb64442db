"""test_findings.py - findings are records in summary.json.

Each finding carries what it is about (kind, channel, process, limit,
the limit's number, the value that reached it, the effect); the sentence
printed in the report and kept in "text" is made from those fields.  The
shipped scenarios that hit a limit are run and their records checked
against what the scenario is built to do.
"""
import json
import subprocess

from conftest import ROOT


def run(bindir, name, tmp_path, *sets):
    out = tmp_path / name
    args = [str(bindir / "qchan"), "run", str(ROOT / "scenarios" /
                                               f"{name}.scn"),
            "--no-plots", "--out", str(out)]
    for s in sets:
        args += ["--set", s]
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert p.returncode in (0, 1), p.stdout + p.stderr
    return json.loads((out / "summary.json").read_text()), p.stdout


KEYS = {"time", "kind", "channel", "process", "limit", "limit_value",
        "value", "effect", "line", "text"}


def test_fd_setsize_and_spawner_lost_are_records(bindir, tmp_path):
    s, text = run(bindir, "fd-exhaustion", tmp_path)
    kinds = [(f["kind"], f["channel"], f["process"], f["limit"])
             for f in s["findings"]]
    assert ("limit", "remote", "spawn-remote", "fd-setsize") in kinds
    assert ("spawner-lost", "remote", None, None) in kinds
    for f in s["findings"]:
        assert set(f) == KEYS
        # the report prints the same sentence summary.json keeps
        assert f["text"] in text
    fd = next(f for f in s["findings"] if f["limit"] == "fd-setsize")
    assert fd["limit_value"] == 1024 and fd["value"] >= 1024


def test_curbed_finding_carries_its_numbers(bindir, tmp_path):
    s, _ = run(bindir, "burst", tmp_path, "conf-spawn=10")
    curbed = [f for f in s["findings"] if f["kind"] == "curbed"]
    assert len(curbed) >= 1
    remote = next(f for f in curbed if f["channel"] == "remote")
    assert remote["limit"] == "conf-spawn"
    assert remote["limit_value"] == 10
    assert remote["value"] == 20      # burst's concurrencyremote
    assert remote["text"] == ("remote: concurrency 20 curbed to the "
                              "spawner's limit 10")


def test_expect_finding_matches_a_kind(bindir, tmp_path):
    scn = tmp_path / "nproc.scn"
    scn.write_text("""channels 2
control concurrencyremote 10
spawner remote latency const 1
burst at 0 count 50 rcpts 1 to far.example 100
limit nproc 4
expect finding limit
expect finding nproc
expect no-finding curbed
expect no-finding spawner-lost
""")
    out = tmp_path / "o"
    p = subprocess.run([str(bindir / "qchan"), "run", str(scn), "--no-plots",
                        "--out", str(out)], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    s = json.loads((out / "summary.json").read_text())
    assert all(e["ok"] for e in s["expect"])
    assert any(f["limit"] == "nproc" for f in s["findings"])
