"""End-to-end tests of the manual pages in man/.

Each page reads cleanly with man -l and the linters, names every option
its programs' --help shows (tools/man_check.py, which must also catch a
page that misses one), the scenario page's example is a scenario that
runs with every expect holding, and make install puts the pages under
share/man.
"""
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, build_dir

MAN = ROOT / "man"
PAGES = sorted(MAN.glob("*.[1-8]"))
CHECK = [sys.executable, str(ROOT / "tools" / "man_check.py")]


def man_check(mandir):
    return subprocess.run(CHECK + ["--bin", str(build_dir() / "bin"),
                                   "--man", str(mandir)],
                          capture_output=True, text=True, timeout=120)


def test_every_page_is_there():
    names = {p.name for p in PAGES}
    assert {"qchan.1", "qchan-scenario.5", "qchan-start.8", "qchan-queue.8",
            "qchan-clean.8", "fakespawn.8", "qchan-daemons.8"} <= names


def test_lint_and_option_coverage(bindir):
    r = man_check(MAN)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.skipif(not shutil.which("man"), reason="man is not installed")
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_man_l_reads_cleanly(page):
    env = dict(os.environ, MANPAGER="cat", PAGER="cat", MANWIDTH="80")
    r = subprocess.run(["man", "-l", str(page)], capture_output=True,
                       text=True, env=env, timeout=60)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert "NAME" in r.stdout and "DESCRIPTION" in r.stdout


def test_check_catches_an_option_left_out(bindir, tmp_path):
    for p in PAGES:
        shutil.copy(p, tmp_path)
    page = tmp_path / "fakespawn.8"
    text = page.read_text()
    assert ".It Fl -no-open\n" in text
    page.write_text(text.replace(".Op Fl -no-open\n", "")
                    .replace(".It Fl -no-open\n", ".It Fl -no-opening\n"))
    # --jobs left out of sweep's subsection: compare's does not count
    qchan = tmp_path / "qchan.1"
    text = qchan.read_text()
    start = text.index(".Ss qchan sweep\n")
    end = text.index(".Ss ", start + 1)
    sweep = text[start:end]
    assert sweep.count("Fl -jobs") == 2 and "Fl -jobs" in text[:start]
    qchan.write_text(text[:start] + sweep.replace("Fl -jobs", "Fl -workers")
                     + text[end:])
    r = man_check(tmp_path)
    assert r.returncode == 1
    assert "fakespawn.8: fakespawn --no-open" in r.stdout
    assert 'qchan.1: qchan sweep --jobs' in r.stdout
    assert len(r.stdout.strip().splitlines()) == 2, r.stdout


def test_check_catches_a_subcommand_without_a_section(bindir, tmp_path):
    for p in PAGES:
        shutil.copy(p, tmp_path)
    qchan = tmp_path / "qchan.1"
    qchan.write_text(qchan.read_text().replace(".Ss qchan qread\n",
                                               ".Ss qchan queue-read\n"))
    r = man_check(tmp_path)
    assert r.returncode == 1
    assert 'no subsection "qchan qread"' in r.stdout


def test_check_catches_lint(bindir, tmp_path):
    for p in PAGES:
        shutil.copy(p, tmp_path)
    page = tmp_path / "qchan-clean.8"
    page.write_text(page.read_text().replace(".Sh SEE ALSO\n",
                                             "\n.Sh SEE ALSO\n"))
    r = man_check(tmp_path)
    assert r.returncode == 1 and "qchan-clean.8: lint:" in r.stdout


def test_scenario_page_example_runs(bindir, tmp_path):
    text = (MAN / "qchan-scenario.5").read_text()
    m = re.search(r"^\.Sh EXAMPLES\n.*?^\.Bd -literal[^\n]*\n(.*?)^\.Ed$",
                  text, re.S | re.M)
    assert m, "no literal example in qchan-scenario.5"
    scn = tmp_path / "example.scn"
    scn.write_text(m.group(1))
    r = subprocess.run([str(bindir / "qchan"), "run", str(scn)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"^  ok .*drained-by", r.stdout, re.M)


def test_install_puts_pages_under_share_man(tmp_path):
    dest = tmp_path / "stage"
    r = subprocess.run(["make", "-s", "-C", str(ROOT),
                        "BUILD=" + str(build_dir()), "install-man",
                        "DESTDIR=" + str(dest), "PREFIX=/usr"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    for p in PAGES:
        installed = dest / "usr/share/man" / ("man" + p.suffix[1:]) / p.name
        assert installed.read_text() == p.read_text()
