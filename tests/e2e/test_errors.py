"""test_errors.py - every error names what a person needs to fix it.

Run as a user would: a NUL byte in a scenario (or in a replay file) is
named by file, line and column; a directory where a file belongs says so;
a time, rate or count out of range gives the range; `qchan qread --split
0` names the option and its range; `--out` on a full disk names the path
and the system's reason.  All exit 2 and none crashes.
"""
import os
import subprocess

import pytest


def qchan(bindir, *args):
    return subprocess.run([str(bindir / "qchan")] + [str(a) for a in args],
                          capture_output=True, text=True, timeout=60)


def run_scn(bindir, tmp_path, data, name="t.scn"):
    path = tmp_path / name
    path.write_bytes(data)
    return path, qchan(bindir, "run", path, "--no-plots")


def refused(p, want):
    assert p.returncode == 2, p.stdout + p.stderr
    assert want in p.stderr, p.stderr
    assert "Traceback" not in p.stderr and "Sanitizer" not in p.stderr


def test_nul_in_scenario_names_line_and_column(bindir, tmp_path):
    path, p = run_scn(bindir, tmp_path, b"seed 1\n\ncontrol conc\0urrency 3\n")
    refused(p, f"{path}:3: a NUL byte at column 13")


def test_nul_in_control_line(bindir, tmp_path):
    path, p = run_scn(bindir, tmp_path,
                      b"channels 4\ncontrol concurrencyremote 3\0 0\n")
    refused(p, f"{path}:2: a NUL byte at column 28")


def test_nul_in_replay_file_names_that_file(bindir, tmp_path):
    (tmp_path / "r.csv").write_bytes(b"1,a@x.test,b@y.test\n2,a\0@x,c@y\n")
    _, p = run_scn(bindir, tmp_path, b"replay r.csv\n")
    refused(p, f"{tmp_path}/r.csv:2: a NUL byte at column 4")


def test_directory_as_scenario(bindir, tmp_path):
    d = tmp_path / "s.scn"
    d.mkdir()
    p = qchan(bindir, "run", d)
    refused(p, f"{d}: is a directory; expected a scenario file")


def test_directory_as_replay_file(bindir, tmp_path):
    (tmp_path / "rows").mkdir()
    path, p = run_scn(bindir, tmp_path, b"\nreplay rows\n")
    refused(p, f"{path}:2: replay file {tmp_path}/rows is a directory")


@pytest.mark.parametrize("line,want", [
    ("burst at 1e13 count 5 rcpts 1 to x.test 1",
     "time '1e13' is out of range: seconds from 0 to 1000000000000"),
    ("poisson from -1 to 10 rate 1 rcpts 1 to x.test 1",
     "time '-1' is out of range: seconds from 0 to 1000000000000"),
    ("run for 1e400",
     "time '1e400' is out of range: seconds from 0 to 1000000000000"),
    ("poisson from 0 to 10 rate 2e7 rcpts 1 to x.test 1",
     "rate '2e7' is out of range: more than 0, at most 1000000 messages"),
    ("poisson from 0 to 10 rate 0 rcpts 1 to x.test 1",
     "rate '0' is out of range: more than 0"),
    ("burst at 0 count 100000001 rcpts 1 to x.test 1",
     "count '100000001' is out of range: 0 to 100000000"),
    ("at 99999999999999 alarm", "time '99999999999999' is out of range"),
    ("limit conf-spawn 70000",
     "expected a whole number from 1 to 65535 for conf-spawn, not '70000'"),
])
def test_out_of_range_gives_the_range(bindir, tmp_path, line, want):
    path, p = run_scn(bindir, tmp_path, b"seed 1\n" + line.encode() + b"\n")
    refused(p, f"{path}:2: {want}")


def test_not_a_number_is_a_grammar_error(bindir, tmp_path):
    path, p = run_scn(bindir, tmp_path,
                      b"poisson from soon to 10 rate 1 rcpts 1 to x.test 1\n")
    refused(p, f"{path}:1: expected 'poisson from SECONDS to SECONDS")


@pytest.mark.parametrize("value", ["0", "x", "1000001", "-1"])
def test_qread_split_out_of_range(bindir, tmp_path, value):
    p = qchan(bindir, "qread", "--home", tmp_path, "--split", value)
    refused(p, f"--split {value}: expected qmail's conf-split, a number "
               "from 1 to 1000000")


SMALL_SCN = b"""seed 3
pool p 50 uniform
burst at 0 count 3000 rcpts 1-3 to p 1
run until drained
"""


def test_out_on_a_full_disk_names_path_and_reason(bindir, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    scn = tmp_path / "s.scn"
    scn.write_bytes(SMALL_SCN)
    mnt = tmp_path / "full"
    mnt.mkdir()
    m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs",
                        str(mnt)], capture_output=True, text=True)
    if m.returncode != 0:
        pytest.skip("cannot mount tmpfs here: " + m.stderr.strip())
    try:
        p = qchan(bindir, "run", scn, "--out", mnt / "o", "--no-plots")
        refused(p, f"cannot write {mnt}/o/")
        assert "No space left on device" in p.stderr, p.stderr
        # the report on the terminal is still whole
        assert "channel" in p.stdout
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_memory_refused_before_it_starts(bindir, tmp_path):
    """a burst of 1e8 messages needs about 5 GB: with a 1 GB limit it is
    refused at once, naming its line, the estimate and the option"""
    import time
    path = tmp_path / "big.scn"
    path.write_text("seed 1\npool p 1000 zipf 1\n\n"
                    "burst at 0 count 100000000 rcpts 1 to p 1\n")
    t0 = time.monotonic()
    p = qchan(bindir, "run", path, "--max-memory", "1G")
    took = time.monotonic() - t0
    refused(p, f"{path}:4: the run would need about 4.9 GB of memory "
               "(100000000 messages, 100000000 recipients) and the limit "
               "is 1.0 GB (--max-memory); --max-memory SIZE raises it")
    assert took < 2, took


def test_memory_default_limit_is_half_the_machine(bindir, tmp_path):
    """more than half of physical memory is refused without any option:
    enough burst lines of 1e8 to pass it (5 GB each)"""
    phys = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    n = int(phys / 2 / 5.0e9) + 2
    lines = "".join("burst at %d count 100000000 rcpts 1 to x.test 1\n" % i
                    for i in range(n))
    path = tmp_path / "huge.scn"
    path.write_text("seed 1\n" + lines)
    p = qchan(bindir, "run", path)
    refused(p, "(half of physical memory); --max-memory SIZE raises it")
    # the line named is the burst where the sum passes the limit
    import re
    m = re.search(re.escape(str(path)) + r":(\d+): the run would need",
                  p.stderr)
    assert m and 2 <= int(m.group(1)) <= n + 1, p.stderr


def test_memory_estimate_is_honest(bindir, tmp_path):
    """the estimate of a 1M-message run is within 20% of its measured
    peak RSS (the run itself, with a limit it passes)"""
    import re
    import resource
    path = tmp_path / "m.scn"
    path.write_text("seed 1\npool p 1000 zipf 1\n"
                    "burst at 0 count 1000000 rcpts 1-3 to p 1\n")
    p = qchan(bindir, "run", path, "--max-memory", "1M")
    m = re.search(r"would need about (\d+) MB", p.stderr)
    assert p.returncode == 2 and m, p.stderr
    estimate = int(m.group(1))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p = qchan(bindir, "run", path, "--no-plots", "--max-memory", "1G")
    assert p.returncode == 0, p.stderr
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak > before / 1024, "the run's peak is below an earlier child's"
    assert abs(estimate - peak) <= 0.2 * peak, (estimate, peak)


@pytest.mark.parametrize("value", ["0x1", "G", "1.5G", "-1", "99999999T"])
def test_max_memory_bad_size(bindir, tmp_path, value):
    path = tmp_path / "s.scn"
    path.write_text("seed 1\n")
    p = qchan(bindir, "run", path, "--max-memory", value)
    refused(p, f"--max-memory {value}: expected a size in bytes")


BIG = ("seed 1\npool p 1000 zipf 1\n\n"
       "burst at 0 count 100000000 rcpts 1 to p 1\n")      # gigabytes
MID = ("seed 1\npool p 10 zipf 1\n\n"
       "burst at 0 count 200000 rcpts 1 to p 1\n")         # megabytes


def run_estimate(bindir, path):
    """qchan run's estimate of path: its words ("4.9 GB of memory (...
    recipients)") and megabytes; compare and sweep must give the same"""
    import re
    p = qchan(bindir, "run", path, "--max-memory", "1K")
    m = re.search(r"would need about (([\d.]+) (MB|GB) of memory \([^)]*\))",
                  p.stderr)
    assert p.returncode == 2 and m, p.stderr
    mb = float(m.group(2)) * (1024 if m.group(3) == "GB" else 1)
    return m.group(1), mb


def held_at_once(p, n, limit):
    """the message gives n times one run's need for the runs at once"""
    import re
    m = re.search(r"would need about (\d+) MB .*, (\d+) MB for the (\d+) "
                  r"runs held at once and the limit is ([^(]+) "
                  r"\(--max-memory\); --max-memory SIZE raises it, --jobs 1 "
                  r"runs one at a time", p.stderr)
    assert m, p.stderr
    assert int(m.group(3)) == n and m.group(4) == limit, p.stderr
    assert abs(int(m.group(2)) - n * int(m.group(1))) <= n, p.stderr


def test_compare_memory_refused_before_it_starts(bindir, tmp_path):
    """compare checks each variant's run as qchan run does, before any
    variant runs or anything is written"""
    import time
    path = tmp_path / "big.scn"
    path.write_text(BIG)
    words, _ = run_estimate(bindir, path)
    out = tmp_path / "out"
    t0 = time.monotonic()
    p = qchan(bindir, "compare", path, "--vs", "--set",
              "concurrencyremote=5", "--jobs", "1", "--max-memory", "1G",
              "--out", out)
    took = time.monotonic() - t0
    refused(p, f"{path}:4: variant A's run would need about {words} and "
               "the limit is 1.0 GB (--max-memory); --max-memory SIZE "
               "raises it")
    assert took < 2, took
    assert not out.exists()


def test_compare_memory_counts_the_runs_held_at_once(bindir, tmp_path):
    """two variants that each fit a limit of one and a half runs pass it
    one at a time only"""
    path = tmp_path / "mid.scn"
    path.write_text(MID)
    words, mb = run_estimate(bindir, path)
    limit = "%dM" % int(mb * 1.5)
    args = ["compare", path, "--vs", "--set", "concurrencyremote=5",
            "--no-plots", "--max-memory", limit, "--out", tmp_path / "o"]
    p = qchan(bindir, *args, "--jobs", "2")
    refused(p, f"variant A's run would need about {words}, ")
    held_at_once(p, 2, "%d MB" % int(mb * 1.5))
    p = qchan(bindir, *args, "--jobs", "1")
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "o" / "B" / "summary.json").exists()


def test_sweep_memory_refused_before_it_starts(bindir, tmp_path):
    path = tmp_path / "big.scn"
    path.write_text(BIG)
    words, _ = run_estimate(bindir, path)
    p = qchan(bindir, "sweep", path, "concurrencyremote=5,10", "--jobs", "1",
              "--max-memory", "1G", "--out", tmp_path / "o")
    refused(p, f"{path}:4: each run would need about {words} and the limit "
               "is 1.0 GB (--max-memory); --max-memory SIZE raises it")
    assert not (tmp_path / "o").exists()


def test_sweep_memory_counts_the_runs_held_at_once(bindir, tmp_path):
    path = tmp_path / "mid.scn"
    path.write_text(MID)
    words, mb = run_estimate(bindir, path)
    limit = "%dM" % int(mb * 1.5)
    args = ["sweep", path, "concurrencyremote=5,10", "--replications", "1",
            "--no-plots", "--max-memory", limit, "--out", tmp_path / "o"]
    p = qchan(bindir, *args, "--jobs", "2")
    refused(p, f"each run would need about {words}, ")
    held_at_once(p, 2, "%d MB" % int(mb * 1.5))
    p = qchan(bindir, *args, "--jobs", "1")
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "o" / "sweep.json").exists()


def test_sweep_job_checks_its_run(bindir, tmp_path):
    """an emitted job (--job-dir, run by parallel or Slurm on another
    machine) checks its one run against that machine's limit"""
    path = tmp_path / "mid.scn"
    path.write_text(MID)
    words, _ = run_estimate(bindir, path)
    jobs = tmp_path / "jobs"
    p = qchan(bindir, "sweep", path, "concurrencyremote=5,10",
              "--replications", "1", "--emit", jobs)
    assert p.returncode == 0, p.stderr
    p = qchan(bindir, "sweep", "--job-dir", jobs, "--job", "1",
              "--max-memory", "1M")
    refused(p, f":4: the run would need about {words} and the limit is "
               "1 MB")
    assert not (jobs / "results" / "1" / "done").exists()
    p = qchan(bindir, "sweep", "--job-dir", jobs, "--job", "1")
    assert p.returncode == 0, p.stderr
    assert (jobs / "results" / "1" / "done").exists()


@pytest.mark.parametrize("cmd", ["compare", "sweep"])
def test_max_memory_bad_size_compare_sweep(bindir, tmp_path, cmd):
    path = tmp_path / "s.scn"
    path.write_text("seed 1\n")
    more = ["--vs"] if cmd == "compare" else ["concurrencyremote=5,10"]
    p = qchan(bindir, cmd, path, *more, "--max-memory", "1.5G",
              "--out", tmp_path / "o")
    refused(p, f"qchan {cmd}: --max-memory 1.5G: expected a size in bytes")
