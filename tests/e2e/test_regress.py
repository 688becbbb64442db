"""test_regress.py - `make regress` and tools/regress.sh, as a developer
(or a CI job) runs them.

Two real builds or two real runs are compared every time: BASE=HEAD
built in a temporary worktree against this tree's build; the same
program run with a worse (or better) setting on one side.  A worse
setting exits 1 and names the metric; a better one exits 0; a revision
that cannot run scenarios exits 2 with a reason.  REGRESS_SCENARIOS keeps
the runs small.
"""
import os
import subprocess

import pytest

from conftest import ROOT, build_dir

SCRIPT = ROOT / "tools" / "regress.sh"


def regress(tmp_path, *args, env=None, timeout=600):
    e = dict(os.environ)
    e.update({"REGRESS_SCENARIOS": "burst"})
    e.update(env or {})
    cmd = [str(SCRIPT), "--new", str(build_dir() / "bin" / "qchan"),
           "--work", str(tmp_path / "work")] + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, env=e,
                          timeout=timeout, cwd=ROOT)


def same_program(bindir, **env):
    """Both sides run this build; only the given settings differ."""
    e = {"REGRESS_BASE_QCHAN": str(bindir / "qchan")}
    e.update(env)
    return e


def worktrees():
    p = subprocess.run(["git", "-C", str(ROOT), "worktree", "list"],
                       capture_output=True, text=True)
    return p.stdout


def code_differs_from_head():
    p = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain",
                        "--", "core", "sim", "fakespawn/fs_*", "scenarios"],
                       capture_output=True, text=True)
    return p.stdout.strip()


def test_make_regress_base_head_reports_no_change(tmp_path):
    dirty = code_differs_from_head()
    if dirty:
        pytest.skip("the working tree's simulator differs from HEAD, so "
                    "BASE=HEAD is not a no-change comparison:\n" + dirty)
    build = build_dir()
    p = subprocess.run(["make", "-s", f"BUILD={build}", "regress",
                        f"QCHAN={build}/bin/qchan", "BASE=HEAD",
                        f"REGRESS_WORK={tmp_path}/work"], cwd=ROOT,
                       capture_output=True, text=True, timeout=600,
                       env={k: v for k, v in os.environ.items()
                            if not k.startswith("REGRESS_")})
    assert p.returncode == 0, p.stdout + p.stderr
    shipped = len(list((ROOT / "scenarios").glob("*.scn")))
    assert f"no metric changed in {shipped} scenarios" in p.stdout
    assert "building qchan at HEAD" in p.stderr
    # the base program was really built from HEAD, and kept
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"],
                         capture_output=True, text=True).stdout.strip()
    assert (tmp_path / "work" / "cache" / sha / "qchan").exists()
    # the temporary worktree is gone
    assert str(tmp_path) not in worktrees()
    assert not list((tmp_path / "work").glob("wt-*"))


def test_worse_setting_exits_1(bindir, tmp_path):
    p = regress(tmp_path, env=same_program(
        bindir, REGRESS_NEW_SET="concurrencyremote=5"))
    assert p.returncode == 1, p.stdout + p.stderr
    lines = p.stdout.splitlines()
    drain = next(l for l in lines if " drain_time " in l)
    assert drain.split()[0] == "burst" and "WORSE" in drain
    p95 = next(l for l in lines if "latency_p95" in l)
    assert p95.split()[1] == "remote" and "WORSE" in p95
    assert "got worse" in p.stdout


def test_make_regress_fails_on_a_worse_setting(bindir, tmp_path):
    """make's own status for a failed recipe is 2; the table says why."""
    build = build_dir()
    e = dict(os.environ, REGRESS_NEW_SET="concurrencyremote=5",
             REGRESS_BASE_QCHAN=str(bindir / "qchan"))
    p = subprocess.run(["make", "-s", f"BUILD={build}", "regress",
                        f"QCHAN={build}/bin/qchan",
                        "REGRESS_SCENARIOS=burst",
                        f"REGRESS_WORK={tmp_path}/work"], cwd=ROOT,
                       capture_output=True, text=True, timeout=600, env=e)
    assert p.returncode != 0
    assert "got worse" in p.stdout


def test_better_setting_exits_0(bindir, tmp_path):
    p = regress(tmp_path, env=same_program(
        bindir, REGRESS_BASE_SET="concurrencyremote=10"))
    assert p.returncode == 0, p.stdout + p.stderr
    drain = next(l for l in p.stdout.splitlines() if " drain_time " in l)
    assert drain.rstrip().endswith("better")
    assert "none worse" in p.stdout


def test_threshold(bindir, tmp_path):
    env = same_program(bindir, REGRESS_NEW_SET="concurrencyremote=5",
                       REGRESS_THRESHOLD="1000")
    p = regress(tmp_path, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "drain_time" in p.stdout and "WORSE" not in p.stdout


def test_expect_newly_failing_exits_1(bindir, tmp_path):
    # faster, but burst says "expect max-inflight remote <= 20"
    p = regress(tmp_path, env=same_program(
        bindir, REGRESS_NEW_SET="concurrencyremote=60"))
    assert p.returncode == 1, p.stdout + p.stderr
    line = next(l for l in p.stdout.splitlines() if "expect" in l)
    assert "max-inflight remote <= 20" in line and "now fails" in line
    drain = next(l for l in p.stdout.splitlines() if " drain_time " in l)
    assert "better" in drain


def test_new_limit_hit_exits_1(bindir, tmp_path):
    p = regress(tmp_path, env=same_program(bindir,
                                           REGRESS_NEW_SET="nofile=30"))
    assert p.returncode == 1, p.stdout + p.stderr
    assert "new limit hit" in p.stdout
    assert any(l.startswith("burst") and "spawn-remote" in l and
               "exhausted" in l for l in p.stdout.splitlines())


def test_no_change_same_program(bindir, tmp_path):
    p = regress(tmp_path, env=same_program(bindir))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "no metric changed in 1 scenario" in p.stdout


def test_base_that_cannot_run_scenarios_exits_2(tmp_path):
    root = subprocess.run(["git", "-C", str(ROOT), "rev-list",
                           "--max-parents=0", "HEAD"], capture_output=True,
                          text=True).stdout.split()[0]
    p = regress(tmp_path, "--base", root)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "cannot be built" in p.stderr
    assert str(tmp_path) not in worktrees()


def test_program_without_run_exits_2(tmp_path):
    old = tmp_path / "qchan"
    old.write_text("#!/bin/sh\necho 'qchan: unknown subcommand' >&2\n"
                   "exit 2\n")
    old.chmod(0o755)
    p = regress(tmp_path, env={"REGRESS_BASE_QCHAN": str(old)})
    assert p.returncode == 2
    assert "cannot run scenarios" in p.stderr


def test_unknown_base_exits_2(tmp_path):
    p = regress(tmp_path, "--base", "no-such-revision-xyz")
    assert p.returncode == 2
    assert "not a revision" in p.stderr


def test_unknown_scenario_exits_2(bindir, tmp_path):
    p = regress(tmp_path, env=same_program(
        bindir, REGRESS_SCENARIOS="no-such-scenario"))
    assert p.returncode == 2
    assert "no-such-scenario" in p.stderr


def test_new_finding_is_matched_by_its_fields(bindir, tmp_path):
    """A concurrency newly curbed for conf-spawn is a new limit finding
    (kind curbed, channel remote, limit conf-spawn), named by its fields."""
    p = regress(tmp_path, env=same_program(bindir,
                                           REGRESS_NEW_SET="conf-spawn=10"))
    assert p.returncode == 1, p.stdout + p.stderr
    rows = [l.split() for l in p.stdout.splitlines()
            if "finding curbed" in l]
    # burst's remote (20), suppl0 and suppl1 (both above 10) are curbed
    assert sorted(r[1] for r in rows) == ["remote", "suppl0", "suppl1"]
    for r in rows:
        assert r[0] == "burst" and "conf-spawn" in r
        assert r[-4:] == ["WORSE", "(new", "limit", "hit)"]


def test_same_finding_with_other_numbers_is_not_new(bindir, tmp_path):
    """Curbed to 10 on one side and to 12 on the other: the sentences
    differ, the finding (kind, channel, limit) is the same one."""
    p = regress(tmp_path, env=same_program(
        bindir, REGRESS_BASE_SET="conf-spawn=10",
        REGRESS_NEW_SET="conf-spawn=12"))
    assert p.returncode in (0, 1), p.stdout + p.stderr
    assert "finding" not in p.stdout, p.stdout
