"""test_sweep_jobs.py - `qchan sweep --emit DIR` and `--collect DIR`.

The emitted jobs are run the ways an administrator runs them: with GNU
parallel from another working directory, one by one in reverse order,
and through slurm.sh with SLURM_ARRAY_TASK_ID set as Slurm sets it.  The
collected report must be the local sweep's, byte for byte (sweep.json and
every CSV file), even after the original scenario and the files it reads
are gone (the emitted directory carries copies).  A missing or stale job
is named by its line and the report refused, unless --partial.
"""
import json
import shutil
import subprocess

import pytest

from conftest import write_control

FILES = ("sweep.json", "sweep.csv", "sweep_fds.csv", "sweep_goal.csv",
         "sweep_feasible.csv")


def qchan(bindir, *args, check=0, cwd=None, env=None):
    p = subprocess.run([str(bindir / "qchan")] + [str(a) for a in args],
                       capture_output=True, text=True, timeout=600, cwd=cwd,
                       env=env)
    if check is not None:
        assert p.returncode == check, p.stdout + p.stderr
    return p


def scenario(tmp_path):
    """A scenario that reads a replay file and a control directory, both
    next to it, with latencies that vary by seed."""
    src = tmp_path / "src"
    src.mkdir()
    write_control(src / "control", {"locals": ["example.org"],
                                    "concurrencylocal": ["3"],
                                    "suppls0": ["bulk.example"]})
    rows = []
    for i in range(200):
        to = ("far.example", "bulk.example", "example.org")[i % 3]
        rows.append(f"{i * 0.5:.1f},a@example.org,u{i}@{to}")
    (src / "day.csv").write_text("\n".join(rows) + "\n")
    scn = src / "day.scn"
    scn.write_text("""# replay with a control directory
channels 3
control-dir control
spawner local latency const 1
spawner remote latency uniform 1 5
spawner suppl0 latency uniform 2 6
replay day.csv
""")
    return scn


SWEEP = ["concurrencyremote=2,4,8", "concurrencysuppl0=1,3",
         "--replications", "3", "--goal", "p95(remote)<=40",
         "--minimize", "concurrencyremote"]


def same_files(a, b):
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.fixture
def emitted(bindir, tmp_path):
    scn = scenario(tmp_path)
    local = tmp_path / "local"
    qchan(bindir, "sweep", scn, *SWEEP, "--no-plots", "--out", local)
    jobs = tmp_path / "jobs"
    p = qchan(bindir, "sweep", scn, *SWEEP, "--emit", jobs)
    assert "18 jobs (6 points x 3 replications)" in p.stdout
    # the originals go: the jobs must use their copies
    shutil.rmtree(tmp_path / "src")
    return jobs, local


def test_parallel_then_collect_is_the_local_sweep(bindir, tmp_path,
                                                  emitted):
    jobs, local = emitted
    lines = (jobs / "jobs.txt").read_text().splitlines()
    assert len(lines) == 18
    assert "--job 17" in lines[17] and "seed" in lines[17]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with open(jobs / "jobs.txt") as f:
        subprocess.run(["parallel", "-j", "2"], stdin=f, cwd=elsewhere,
                       check=True, timeout=600)
    assert list(elsewhere.iterdir()) == []
    out = tmp_path / "collected"
    p = qchan(bindir, "sweep", "--collect", jobs, "--out", out,
              "--no-plots", cwd=elsewhere)
    same_files(local, out)
    assert "chosen:" in p.stdout
    # by default the report goes into the jobs directory
    qchan(bindir, "sweep", "--collect", jobs, "--no-plots")
    same_files(local, jobs / "report")


def test_any_order_and_slurm_task_ids(bindir, tmp_path, emitted):
    jobs, local = emitted
    lines = (jobs / "jobs.txt").read_text().splitlines()
    # half through slurm.sh as Slurm runs it, the rest by hand backwards
    for k in range(0, len(lines), 2):
        env = {"PATH": "/usr/bin:/bin", "SLURM_ARRAY_TASK_ID": str(k)}
        subprocess.run(["/bin/sh", str(jobs / "slurm.sh")], check=True,
                       env=env, cwd="/", timeout=300)
        assert (jobs / "results" / str(k) / "done").exists()
        assert not (jobs / "results" / str(k + 1)).exists()
    for k in reversed(range(1, len(lines), 2)):
        subprocess.run(["/bin/sh", "-c", lines[k]], check=True, cwd="/",
                       timeout=300)
    out = tmp_path / "collected"
    qchan(bindir, "sweep", "--collect", jobs, "--out", out, "--no-plots")
    same_files(local, out)
    slurm = (jobs / "slurm.sh").read_text()
    assert "#SBATCH --array=0-17" in slurm
    assert "SLURM_ARRAY_TASK_ID + 1" in slurm


def test_missing_jobs_are_named_and_refused(bindir, tmp_path, emitted):
    jobs, _ = emitted
    lines = (jobs / "jobs.txt").read_text().splitlines()
    for k, line in enumerate(lines):
        if k not in (4, 11):
            subprocess.run(["/bin/sh", "-c", line], check=True, timeout=300)
    # line 11 ran for another sweep: its done file names other settings
    (jobs / "results" / "11").mkdir(parents=True)
    (jobs / "results" / "11" / "done").write_text("concurrencyremote=99 "
                                                  "seed 1\n")
    p = qchan(bindir, "sweep", "--collect", jobs, "--out", tmp_path / "c",
              "--no-plots", check=2)
    # line 4: point 1 (remote 2, suppl0 3), its second seed
    assert "line 4 (concurrencyremote=2 concurrencysuppl0=3 seed 2): " \
           "missing" in p.stderr
    assert "line 11 (" in p.stderr and "another sweep" in p.stderr
    assert "2 of 18 jobs have no result" in p.stderr
    assert not (tmp_path / "c" / "sweep.json").exists()
    p = qchan(bindir, "sweep", "--collect", jobs, "--out", tmp_path / "c",
              "--no-plots", "--partial")
    s = json.loads((tmp_path / "c" / "sweep.json").read_text())
    pts = {pt["value"]: pt for pt in s["points"]}
    # lines 4 and 11: points 1 (2,3) and 3 (4,3) lack a run each
    for v in ("2,3", "4,3"):
        assert pts[v]["feasible"] is False and pts[v]["figure"] is None
        assert pts[v]["drain_time"] is None
    assert pts["8,3"]["figure"] is not None
    assert p.stdout.count("no: 1 of 3 runs missing") == 2


def test_a_job_line_out_of_range_and_bad_use(bindir, tmp_path, emitted):
    jobs, _ = emitted
    p = qchan(bindir, "sweep", "--job-dir", jobs, "--job", "18", check=2)
    assert "lines 0 to 17" in p.stderr
    p = qchan(bindir, "sweep", "--collect", tmp_path, check=2)
    assert "sweep.args" in p.stderr
    p = qchan(bindir, "sweep", "--collect", jobs, "x.scn", check=2)
    assert "give no scenario" in p.stderr
