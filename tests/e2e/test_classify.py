"""test_classify.py - `qchan classify` as an administrator runs it.

Writes control directories, runs the built qchan on addresses given as
arguments and on standard input, and checks each printed
"<channel> <rewritten address>" against the answer worked out by hand
from qmail-todo's rules; bad control directories must exit 2 naming the
file.
"""
import os
import subprocess

import pytest

EXAMPLE = {
    "me": "mail.example.org\n",
    "locals": ["mail.example.org", "Example.ORG"],
    "virtualdomains": [
        "virt.example.net:alice",
        "bob@virt.example.net:bobby",
        "no.virt.example.net:",
        ".lists.example.net:lists",
    ],
    "percenthack": ["relay.example.org"],
    "suppls0": ["partner.example.com", "both.example.com"],
    "suppls1": ["both.example.com", "slow.example.com"],
}

# address -> expected line, worked out from the rules
EXPECTED = [
    ("root", "local root@mail.example.org"),
    ("user@EXAMPLE.org", "local user@EXAMPLE.org"),
    ("joe@virt.example.net", "local alice-joe@virt.example.net"),
    ("bob@virt.example.net", "local bobby-bob@virt.example.net"),
    ("joe@no.virt.example.net", "remote joe@no.virt.example.net"),
    ("ann@x.lists.example.net", "local lists-ann@x.lists.example.net"),
    ("u%partner.example.com@relay.example.org",
     "suppl0 u@partner.example.com"),
    ("u%v%example.org@relay.example.org", "local u%v@example.org"),
    ("x@both.example.com", "suppl0 x@both.example.com"),
    ("x@Slow.Example.Com", "suppl1 x@Slow.Example.Com"),
    ("x@sub.partner.example.com", "remote x@sub.partner.example.com"),
    ("someone@gmail.com", "remote someone@gmail.com"),
]


def classify(bindir, *args, stdin=None):
    """Run `qchan classify ARGS`; the completed process."""
    return subprocess.run([str(bindir / "qchan"), "classify", *map(str, args)],
                          input=stdin, capture_output=True, text=True,
                          timeout=30)


def test_arguments(bindir, control_dir):
    d = control_dir(EXAMPLE)
    p = classify(bindir, "--control", d, *[a for a, _ in EXPECTED])
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    assert p.stdout.splitlines() == [line for _, line in EXPECTED]


def test_stdin(bindir, control_dir):
    d = control_dir(EXAMPLE)
    text = "\n".join(a for a, _ in EXPECTED[:6]) + "\n\n" + \
        "\n".join(a for a, _ in EXPECTED[6:])   # no final newline
    p = classify(bindir, f"--control={d}", stdin=text)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == [line for _, line in EXPECTED]


def test_empty_directory_defaults(bindir, control_dir):
    d = control_dir({})
    p = classify(bindir, "--control", d, "joe", "a@b.example")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "remote joe@envnoathost\nremote a@b.example\n"


def test_channels_option(bindir, control_dir):
    d = control_dir({"suppls0": ["s.example"]})
    p = classify(bindir, "--control", d, "--channels", "6", "x@s.example")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "suppl0 x@s.example\n"
    p = classify(bindir, "--control", d, "--channels", "2", "x@s.example")
    assert p.returncode == 2
    assert str(d / "suppls0") in p.stderr
    assert "only 2 channels" in p.stderr
    for bad in ("1", "65", "x", ""):
        p = classify(bindir, "--control", d, "--channels", bad, "x@y")
        assert p.returncode == 2, bad
        assert "--channels" in p.stderr


def test_set_option(bindir, control_dir):
    d = control_dir({"me": "me.example\n"})
    p = classify(bindir, "--control", d, "--set", "suppls1=s.example",
                 "--set=virtualdomains=v.example:vee", "x@s.example",
                 "x@v.example", "root")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["suppl1 x@s.example",
                                     "local vee-x@v.example",
                                     "local root@me.example"]
    p = classify(bindir, "--control", d, "--set", "nosuch=1", "x")
    assert p.returncode == 2
    assert "nosuch" in p.stderr


def test_missing_directory(bindir, tmp_path):
    d = tmp_path / "nonexistent"
    p = classify(bindir, "--control", d, "x@y")
    assert p.returncode == 2
    assert str(d) in p.stderr
    assert p.stdout == ""


def test_file_as_directory(bindir, tmp_path):
    f = tmp_path / "plainfile"
    f.write_text("x\n")
    p = classify(bindir, "--control", f, "x@y")
    assert p.returncode == 2
    assert str(f) in p.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any directory")
def test_unreadable_directory(bindir, control_dir):
    d = control_dir({"me": "x\n"})
    d.chmod(0)
    try:
        p = classify(bindir, "--control", d, "x@y")
    finally:
        d.chmod(0o700)
    assert p.returncode == 2
    assert str(d) in p.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(bindir, control_dir):
    d = control_dir({"virtualdomains": "a:b\n"})
    (d / "virtualdomains").chmod(0)
    p = classify(bindir, "--control", d, "x@y")
    assert p.returncode == 2
    assert str(d / "virtualdomains") in p.stderr


def test_bad_control_file(bindir, control_dir):
    # a directory where the locals file should be cannot be read
    d = control_dir({"me": "x\n"})
    (d / "locals").mkdir()
    p = classify(bindir, "--control", d, "x@y")
    assert p.returncode == 2
    assert str(d / "locals") in p.stderr
    assert p.stdout == ""


def test_usage_errors(bindir, control_dir):
    d = control_dir({})
    p = classify(bindir, "x@y")
    assert p.returncode == 2
    assert "--control" in p.stderr
    p = classify(bindir, "--control", d, "--frobnicate", "x@y")
    assert p.returncode == 2
    assert "--frobnicate" in p.stderr
    p = classify(bindir, "--control")
    assert p.returncode == 2
    assert "needs a value" in p.stderr


def test_help(bindir):
    p = classify(bindir, "--help")
    assert p.returncode == 0
    for word in ("--control", "--channels", "--set", "stdin",
                 "local", "remote", "suppl"):
        if word == "stdin":
            assert "standard input" in p.stdout
        else:
            assert word in p.stdout


def test_listed_in_qchan_help(bindir):
    p = subprocess.run([str(bindir / "qchan"), "--help"], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 0
    assert "classify" in p.stdout
