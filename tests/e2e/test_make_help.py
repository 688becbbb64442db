"""`make help` and `make layers`: every target has its line, and the
layer check fails when a lower layer calls a higher one."""
import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("QCHAN_BUILD", os.path.join(ROOT, "build"))


def test_help_lists_every_target_once():
    out = subprocess.run(["make", "-s", "--no-print-directory", "help"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()[1:]
    names = [l.split()[0] for l in lines]
    assert "(undocumented)" not in out, out
    assert len(names) == len(set(names)), out
    for t in ("all", "check", "unit", "e2e", "sim", "regress", "bench", "layers", "help"):
        assert t in names, out


def test_layers_pass_on_the_tree():
    p = subprocess.run([os.path.join(ROOT, "tools/layer_check.sh"), BUILD],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr


@pytest.mark.parametrize("archive,calls,word", [
    ("libqchanutil.a", "sched_free", "the higher layer core"),
    ("libqchancore.a", "sim_run", "the higher layer sim"),
    ("libqchanfit.a", "sim_run", "its peer sim"),
])
def test_layers_catch_an_upward_call(tmp_path, archive, calls, word):
    for a in os.listdir(BUILD):
        if a.endswith(".a"):
            shutil.copy(os.path.join(BUILD, a), tmp_path)
    src = tmp_path / "up.c"
    src.write_text("int %s(void);\nint up_call(void) { return %s(); }\n" % (calls, calls))
    subprocess.run(["gcc", "-c", str(src), "-o", str(tmp_path / "up.o")], check=True)
    subprocess.run(["gcc-ar", "rs", str(tmp_path / archive), str(tmp_path / "up.o")],
                   check=True, capture_output=True)
    p = subprocess.run([os.path.join(ROOT, "tools/layer_check.sh"), str(tmp_path)],
                       capture_output=True, text=True)
    assert p.returncode == 1, p.stdout
    assert word in p.stdout and calls in p.stdout, p.stdout
