"""End-to-end tests of `qchan qread`: the queue listed like
qmail-qread, supplemental channels included.

The queue is made the way production makes it: qchan-queue injects,
qmail-todo preprocesses (every concurrency 0, so nothing is delivered and
the lists stay on disk); then a recipient is marked done and a bounce
started by hand, as qmail-send would have.
"""
import os
import subprocess
import time

from test_daemons import BASE, prog
from trust_helpers import Inst, fast_dir  # noqa: F401

MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
       "Nov", "Dec"]


def qread(*args, env=None):
    return subprocess.run([prog("qchan"), "qread"] + list(args),
                          capture_output=True, env=env, timeout=20)


def stats(q, msg, sender, bouncing=False):
    """qmail-qread's first line, from the files"""
    split = "%d/%s" % (int(msg) % 23, msg)
    qd = q.home + "/queue/"
    t = time.gmtime(os.stat(qd + "info/" + split).st_mtime)
    size = os.stat(qd + "mess/" + split).st_size
    return "%d %s %d %02d:%02d:%02d GMT  #%s  %d  <%s> %s" % (
        t.tm_mday, MON[t.tm_mon - 1], t.tm_year, t.tm_hour, t.tm_min,
        t.tm_sec, msg, size, sender, " bouncing" if bouncing else "")


def test_qread_lists_every_channel(fast_dir):
    controls = dict(BASE, virtualdomains="virt.test:alias",
                    concurrencylocal="0", concurrencyremote="0",
                    concurrencysuppl0="0", concurrencysuppl1="0")
    q = Inst(fast_dir, controls, {"all": "--channel %c --no-open"})
    q.start()
    assert q.inject("me@local.test", ["a@local.test", "b@virt.test",
                                      "c@r.test", "d@s1.test",
                                      "e@s0.test", "f@s1.test"]) == 0
    assert q.inject("", ["x\x01y@r.test"]) == 0
    q.wait_log(lambda l: sum(x.startswith("info msg") for x in l) >= 2, 10)
    assert q.stop() == 0
    qd = q.home + "/queue/"
    msgs = sorted((int(m) for d in os.listdir(qd + "info")
                   for m in os.listdir(qd + "info/" + d)))
    assert len(msgs) == 2
    first, second = map(str, msgs)
    split = "%d/%s" % (int(first) % 23, first)
    # qmail-send delivered c@r.test and started a bounce for the message
    with open(qd + "remote/" + split, "r+b") as f:
        assert f.read(1) == b"T"
        f.seek(0)
        f.write(b"D")
    with open(qd + "bounce/" + first, "w") as f:
        f.write("<z@r.test>:\nfailed\n\n")

    r = qread("--home", q.home)
    assert r.returncode == 0 and r.stderr == b""
    want = [stats(q, first, "me@local.test", bouncing=True),
            "\tlocal\ta@local.test",
            "\tlocal\talias-b@virt.test",
            "  done\tremote\tc@r.test",
            "\tsuppl0\te@s0.test",
            "\tsuppl1\td@s1.test",
            "\tsuppl1\tf@s1.test",
            stats(q, second, ""),
            "\tremote\tx_y@r.test"]
    assert r.stdout.decode().splitlines() == want

    # QCHAN_HOME instead of --home; the same listing
    r2 = qread(env=dict(os.environ, QCHAN_HOME=q.home))
    assert r2.returncode == 0 and r2.stdout == r.stdout

    # a message that lost its mess/ file is warned about, the rest listed
    os.unlink(qd + "mess/%d/%s" % (int(second) % 23, second))
    r3 = qread("--home", q.home)
    assert r3.returncode == 1
    assert r3.stderr.decode() == "warning: trouble with #%s: No such file " \
        "or directory\n" % second
    assert r3.stdout.decode().splitlines() == want[:7]


def test_qread_empty_queue_and_errors(fast_dir):
    q = Inst(fast_dir, dict(BASE), {"all": "--channel %c --no-open"})
    r = qread("--home", q.home)
    assert r.returncode == 0 and r.stdout == b"" and r.stderr == b""
    r = qread("--home", str(fast_dir / "nowhere"))
    assert r.returncode == 2 and b"unable to chdir" in r.stderr
    r = qread("--bogus")
    assert r.returncode == 2 and b"qchan qread: unknown option --bogus; see qchan qread --help" in r.stderr
    r = qread("--home")
    assert r.returncode == 2 and b"--home needs a value" in r.stderr
    r = qread("--home", q.home, "--split", "zero")
    assert r.returncode == 2 and b"--split zero: expected qmail's conf-split" \
        in r.stderr
    r = qread("--help")
    assert r.returncode == 0 and b"usage: qchan qread" in r.stdout


def make_queue(home, *opts):
    subprocess.run([prog("qchan-start"), "--home", home, "--create"]
                   + list(opts), check=True, capture_output=True, timeout=20)


def inject_only(home, split, bigtodo, sender, rcpts):
    """qchan-queue alone: the message stays in todo/ (no qmail-todo)"""
    env = dict(os.environ, QCHAN_HOME=home, QCHAN_SPLIT=str(split),
               QCHAN_BIGTODO=str(bigtodo))
    envelope = b"F" + sender + b"\0" + b"".join(
        b"T" + r + b"\0" for r in rcpts) + b"\0"
    r, w = os.pipe()
    os.write(w, envelope)
    os.close(w)
    p = subprocess.run([prog("qchan-queue")], input=b"Subject: t\n\nhi\n",
                       stdout=r, env=env, timeout=20)
    os.close(r)
    assert p.returncode == 0


def test_qread_big_todo_queue(fast_dir):
    """a big-todo queue (todo/ split) is found from todo/ itself; messages
    not yet preprocessed are listed with their recipients"""
    home = str(fast_dir / "qmail")
    make_queue(home, "--split", "7", "--bigtodo")
    inject_only(home, 7, 1, b"me@x.test", [b"a@r.test", b"b\x01c@s.test"])
    todo = [f for d in os.listdir(home + "/queue/todo")
            for f in os.listdir(home + "/queue/todo/" + d)]
    assert len(todo) == 1
    msg = todo[0]
    for args in ([], ["--bigtodo"]):
        r = qread("--home", home, "--split", "7", *args)
        assert r.returncode == 0, r.stderr
        lines = r.stdout.decode().splitlines()
        assert len(lines) == 3, lines
        assert lines[0].endswith("  #%s  %d  <me@x.test>  not yet "
                                 "preprocessed" % (msg, os.stat(
                                     home + "/queue/mess/%d/%s" % (
                                         int(msg) % 7, msg)).st_size))
        assert lines[1:] == ["\ttodo\ta@r.test", "\ttodo\tb_c@s.test"]


def test_qread_plain_todo_and_wrong_layout(fast_dir):
    """todo/ unsplit: listed the same; --bigtodo on it, or a split that
    is not the queue's, is one line saying what the queue has"""
    home = str(fast_dir / "qmail")
    make_queue(home, "--split", "5")
    inject_only(home, 5, 0, b"", [b"x@r.test"])
    r = qread("--home", home, "--split", "5")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode().splitlines()
    assert lines[0].endswith("  <>  not yet preprocessed")
    assert lines[1] == "\ttodo\tx@r.test"
    r = qread("--home", home, "--split", "5", "--bigtodo")
    assert r.returncode == 2
    assert b"queue/todo is not split (no todo/0): not a big-todo queue; " \
           b"leave out --bigtodo" in r.stderr
    r = qread("--home", home)
    assert r.returncode == 2
    assert b"queue/info has 5 split subdirectories (highest 4), not 23: " \
           b"give --split 5" in r.stderr


def test_create_as_root_names_missing_qmail_users(fast_dir):
    """as root without qmail's users, --create says which are missing and
    leaves the queue root's; with them, the owners are qmail's"""
    if os.getuid() != 0:
        return
    home = str(fast_dir / "qmail")
    p = subprocess.run([prog("qchan-start"), "--home", home, "--create"],
                       capture_output=True, text=True, timeout=20)
    assert p.returncode == 0, p.stderr
    have = subprocess.run(["getent", "passwd", "qmailq", "qmails", "qmailr"],
                          capture_output=True, text=True).stdout.split("\n")
    st = os.stat(home + "/queue/info")
    tcpto = os.stat(home + "/queue/lock/tcpto")
    assert (tcpto.st_mode & 0o7777, tcpto.st_size) == (0o644, 1024)
    if len([x for x in have if x]) == 3 and subprocess.run(
            ["getent", "group", "qmail"], capture_output=True).returncode == 0:
        import pwd
        assert st.st_uid == pwd.getpwnam("qmails").pw_uid
        assert os.stat(home + "/queue/mess").st_uid == \
            pwd.getpwnam("qmailq").pw_uid
        assert tcpto.st_uid == pwd.getpwnam("qmailr").pw_uid
        assert p.stderr == ""
    else:
        assert "qmail's users and groups are missing (" in p.stderr
        assert "qmailq" in p.stderr or "group qmail" in p.stderr
        assert "the queue belongs to root" in p.stderr
        assert st.st_uid == 0
        assert tcpto.st_uid == 0
