"""test_golden.py - every shipped scenario's summary.json is exactly the
one kept in tests/golden/ (byte for byte).

A difference means the simulator or the scheduler now behaves otherwise
on a shipped scenario.  If that is intended, `make golden` rewrites the
files and the change shows in review as a diff of tests/golden/; if not,
the diff printed here says what moved.
"""
import difflib
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import ROOT

SCENARIOS = sorted((ROOT / "scenarios").glob("*.scn"))
GOLDEN = ROOT / "tests" / "golden"


def run(bindir, scn, out):
    cmd = [str(bindir / "qchan"), "run", str(scn), "--no-plots",
           "--out", str(out)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def summaries(tmp_path_factory, request):
    """Run every shipped scenario once, two at a time."""
    from conftest import build_dir
    bindir = build_dir() / "bin"
    assert bindir.is_dir(), f"{bindir} missing: build first"
    base = tmp_path_factory.mktemp("golden")
    with ThreadPoolExecutor(max_workers=2) as pool:
        procs = dict(zip(SCENARIOS, pool.map(
            lambda s: run(bindir, s, base / s.stem), SCENARIOS)))
    return {s.stem: (procs[s], base / s.stem / "summary.json")
            for s in SCENARIOS}


def test_every_scenario_has_a_golden_file():
    names = {s.stem for s in SCENARIOS}
    kept = {g.stem for g in GOLDEN.glob("*.json")}
    assert names - kept == set(), "run `make golden` for the new scenarios"
    assert kept - names == set(), "golden files of removed scenarios"


@pytest.mark.parametrize("scn", SCENARIOS, ids=[s.stem for s in SCENARIOS])
def test_summary_matches_golden(summaries, scn):
    proc, path = summaries[scn.stem]
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    golden = GOLDEN / f"{scn.stem}.json"
    got = path.read_bytes()
    want = golden.read_bytes()
    if got != want:
        diff = "".join(difflib.unified_diff(
            want.decode().splitlines(True), got.decode().splitlines(True),
            fromfile=f"tests/golden/{scn.stem}.json",
            tofile=f"qchan run scenarios/{scn.name}", n=1))
        pytest.fail(f"{scn.stem}: summary.json differs from its golden "
                    f"file (if the change is intended, run `make golden` "
                    f"and commit tests/golden/):\n{diff}")


def test_make_golden_writes_what_run_writes(summaries, tmp_path):
    """make golden's files are the runs' summary.json, unchanged (written
    into a scratch directory: the test must not touch tests/golden/)."""
    from conftest import build_dir
    build = build_dir()
    p = subprocess.run(["make", "-s", f"BUILD={build}", "golden",
                        f"QCHAN={build}/bin/qchan",
                        f"GOLDEN_DIR={tmp_path}"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    made = sorted(g.name for g in tmp_path.glob("*.json"))
    assert made == sorted(f"{s.stem}.json" for s in SCENARIOS)
    for s in SCENARIOS:
        assert (tmp_path / f"{s.stem}.json").read_bytes() == \
            summaries[s.stem][1].read_bytes(), s.stem
