"""Every qchan subcommand reads its options the same way (getopt_long)
and says a wrong one the same way, exit 2."""
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("QCHAN_BUILD", "build")
QCHAN = os.path.join(ROOT, BUILD, "bin", "qchan")

SUBS = ["classify", "limits", "run", "compare", "sweep", "fit", "qread", "advise"]


def qchan(*args):
    return subprocess.run([QCHAN, *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("sub", SUBS)
def test_unknown_option_one_message(sub):
    p = qchan(sub, "--no-such-option")
    assert p.returncode == 2
    assert p.stderr == ("qchan %s: unknown option --no-such-option; see qchan %s --help\n"
                        % (sub, sub))


@pytest.mark.parametrize("sub", SUBS)
def test_unknown_option_with_value(sub):
    p = qchan(sub, "--no-such-option=3")
    assert p.returncode == 2
    assert p.stderr == ("qchan %s: unknown option --no-such-option; see qchan %s --help\n"
                        % (sub, sub))


@pytest.mark.parametrize("sub,opt", [("classify", "--control"), ("limits", "--control"),
                                     ("run", "--out"), ("compare", "--seed"),
                                     ("sweep", "--jobs"), ("fit", "--out"),
                                     ("qread", "--home")])
def test_missing_value_one_message(sub, opt):
    p = qchan(sub, opt)
    assert p.returncode == 2
    assert p.stderr == "qchan %s: %s needs a value; see qchan %s --help\n" % (sub, opt, sub)


@pytest.mark.parametrize("sub,opt", [("run", "--no-plots"), ("sweep", "--no-plots"),
                                     ("qread", "--bigtodo")])
def test_flag_takes_no_value(sub, opt):
    p = qchan(sub, opt + "=1")
    assert p.returncode == 2
    assert p.stderr == "qchan %s: %s takes no value; see qchan %s --help\n" % (sub, opt, sub)


def test_value_after_equals_sign(tmp_path):
    """--name=VALUE means --name VALUE, for every option with a value."""
    out = tmp_path / "o"
    p = qchan("run", os.path.join(ROOT, "scenarios/steady.scn"), "--out=%s" % out,
              "--no-plots", "--seed=7")
    assert p.returncode in (0, 1), p.stderr
    assert (out / "summary.json").is_file()


@pytest.mark.parametrize("prog", ["qchan-start", "fakespawn"])
def test_daemon_tools_same_message(prog):
    path = os.path.join(ROOT, BUILD, "bin", prog)
    p = subprocess.run([path, "--no-such-option"], capture_output=True, text=True, timeout=30)
    assert p.returncode == 2
    assert p.stderr == "%s: unknown option --no-such-option; see %s --help\n" % (prog, prog)
    p = subprocess.run([path, "--home" if prog == "qchan-start" else "--limit"],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 2
    assert "needs a value; see %s --help\n" % prog in p.stderr
