"""test_setid.py - the set-id injector takes no orders from its caller,
and the production daemons no test-only knob.

qchan-queue is installed 04711 qmailq as qmail's qmail-queue, so any
local user runs it with the queue owner's rights.  Here a copy built for
a home of the tests' own (the conf_build fixture: QMAIL_HOME and
CONF_SPLIT=7 compiled in, as make install builds it) is owned by the
unprivileged user `daemon`, standing in for qmailq, mode 04711, and run
by `nobody` through setpriv, with

    - a hostile environment: QCHAN_HOME naming another complete queue
      that daemon owns (only ignoring the variable protects it),
      QCHAN_SPLIT and QCHAN_BIGTODO saying another layout: the message
      goes to the compiled queue with the compiled split, nothing is
      written elsewhere, and a note names the variables ignored;
    - the same copy run by its owner (real and effective ids equal: the
      file's set-id bit alone decides);
    - symbolic links in place of pid/, mess/S, intd/ and todo/, a queue
      directory of another owner, lock/trigger linked to a file: refused
      with qmail-queue's exit code (63, 64, 65, 66, 62) and a message
      naming the directory, nothing written through the link, nothing
      left in the queue (the trigger: the message queued, the file
      untouched);
    - a closed message descriptor: exit 54 saying so;
    - root running a copy that is not set-id: the queue of another owner
      is written (the administrator is trusted);
    - qchan-start beside the set-id copy, asked for another home, split
      or big-todo: it refuses to start (bounces and users' mail would go
      where qmail-send never looks).

And the clock: QCHAN_TIME_SCALE makes the test build's qmail-send
(build/testbin) retry a deferred message many times in two seconds; the
production qmail-send (build/bin) ignores it and tries once.

Root is needed (chown, setpriv); the tests skip otherwise.
"""
import os
import pwd
import shutil
import signal
import subprocess
import time

import pytest

import test_daemons
from trust_helpers import Inst, fast_dir  # noqa: F401

OWNER = "daemon"            # an unprivileged account every Debian has
CALLER = ("nobody", "nogroup")
CHILDREN = ("pid", "mess", "intd", "todo")


def files_under(top):
    """every file (not directory) below top, as paths relative to it"""
    out = set()
    for d, _, names in os.walk(top):
        out.update(os.path.relpath(os.path.join(d, n), top) for n in names)
    return out


def chown_tree(top, uid, gid):
    os.chown(top, uid, gid)
    for d, dirs, names in os.walk(top):
        for n in dirs + names:
            os.lchown(os.path.join(d, n), uid, gid)


def suid_dir(candidates):
    """the first directory whose filesystem honours the set-id bit"""
    for d in candidates:
        if not os.statvfs(d).f_flag & os.ST_NOSUID:
            return d
    pytest.fail("no filesystem here honours set-id bits: %s" % candidates)


@pytest.fixture
def setid(fast_dir, conf_build):
    """A set-id qchan-queue, its compiled queue (fresh, owned by OWNER)
    and a scratch directory others can reach; returns a namespace"""
    if os.getuid() != 0:
        pytest.skip("needs root: chown and setpriv")
    r = conf_build.make(str(conf_build.bin / "qchan-queue"))
    assert r.returncode == 0, r.stderr
    owner = pwd.getpwnam(OWNER)
    os.chmod(fast_dir, 0o755)
    home = str(conf_build.home)
    shutil.rmtree(home + "/queue", ignore_errors=True)
    create(home, conf_build.split)
    chown_tree(home + "/queue", owner.pw_uid, owner.pw_gid)
    rundir = os.path.join(suid_dir([str(fast_dir), str(conf_build.build)]),
                          "setid-run")
    shutil.rmtree(rundir, ignore_errors=True)
    os.mkdir(rundir, 0o755)
    exe = os.path.join(rundir, "qmail-queue")
    shutil.copy(str(conf_build.bin / "qchan-queue"), exe)
    os.chown(exe, owner.pw_uid, owner.pw_gid)
    os.chmod(exe, 0o4711)

    class S:
        pass
    s = S()
    s.exe, s.home, s.queue = exe, home, home + "/queue"
    s.split, s.uid, s.gid = conf_build.split, owner.pw_uid, owner.pw_gid
    s.tmp = str(fast_dir)
    yield s
    shutil.rmtree(rundir, ignore_errors=True)


def create(home, split):
    """an empty queue under home, made by the tested build's qchan-start"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QCHAN")}
    subprocess.run([test_daemons.prog("qchan-start"), "--home", home,
                    "--split", str(split), "--create"], check=True, env=env)


def inject(exe, env, user=CALLER, rcpts=("you@example.org",),
           body=b"Subject: hi\n\nhello\n", stdin_closed=False):
    """run exe as user (real ids) with env; (exit code, stderr text)"""
    r, w = os.pipe()
    args = ["setpriv", "--reuid=" + user[0], "--regid=" + user[1],
            "--clear-groups", exe]
    p = subprocess.Popen(
        args, stdin=subprocess.DEVNULL if stdin_closed else subprocess.PIPE,
        stdout=r, stderr=subprocess.PIPE, env=env, cwd="/",
        preexec_fn=(lambda: os.close(0)) if stdin_closed else None)
    os.close(r)
    os.write(w, b"Fme@example.org\0" + b"".join(
        b"T" + a.encode() + b"\0" for a in rcpts) + b"\0")
    os.close(w)
    _, err = p.communicate(None if stdin_closed else body, timeout=30)
    return p.returncode, err.decode(errors="replace")


def hostile_home(s):
    """another complete queue, owned by the set-id user, split 23"""
    evil = os.path.join(s.tmp, "evil")
    create(evil, 23)
    chown_tree(evil, s.uid, s.gid)
    return evil


def queued(s):
    """the one message in the compiled queue: its number"""
    todo = os.listdir(s.queue + "/todo")
    assert len(todo) == 1, todo
    return int(todo[0])


# what qchan-start --create leaves in a queue, as qmail's install
LOCK_FILES = {"lock/sendmutex", "lock/trigger", "lock/tcpto"}


def check_queued_as_built(s, caller_uid, owner=None):
    n = queued(s)
    mess = "%s/mess/%d/%d" % (s.queue, n % s.split, n)
    st = os.stat(mess)
    assert st.st_uid == (s.uid if owner is None else owner), \
        "written with the queue owner's rights"
    with open(mess, "rb") as f:
        assert b"invoked by uid %d)" % caller_uid in f.readline()
    with open("%s/intd/%d" % (s.queue, n), "rb") as f:
        assert f.read().startswith(b"u%d\0p" % caller_uid)
    assert files_under(s.queue) - LOCK_FILES == {
        "mess/%d/%d" % (n % s.split, n), "intd/%d" % n, "todo/%d" % n}


def test_setid_ignores_hostile_environment(setid):
    s = setid
    evil = hostile_home(s)
    before = files_under(evil)
    env = {"PATH": os.environ["PATH"], "QCHAN_HOME": evil,
           "QCHAN_SPLIT": "23", "QCHAN_BIGTODO": "1"}
    code, err = inject(s.exe, env)
    assert code == 0, err
    assert files_under(evil) == before, "nothing written outside the queue"
    assert ("note: running set-id: ignoring QCHAN_HOME, QCHAN_SPLIT, "
            "QCHAN_BIGTODO; the queue is %s with split %d"
            % (s.queue, s.split)) in err
    check_queued_as_built(s, pwd.getpwnam(CALLER[0]).pw_uid)


def test_setid_run_by_its_owner_ignores_environment(setid):
    s = setid
    evil = hostile_home(s)
    before = files_under(evil)
    env = {"PATH": os.environ["PATH"], "QCHAN_HOME": evil}
    code, err = inject(s.exe, env, user=(OWNER, OWNER))
    assert code == 0, err
    assert files_under(evil) == before
    assert "ignoring QCHAN_HOME;" in err
    check_queued_as_built(s, s.uid)


def test_setid_consistent_environment_is_quiet(setid):
    s = setid
    env = {"PATH": os.environ["PATH"], "QCHAN_HOME": s.home,
           "QCHAN_SPLIT": str(s.split)}
    code, err = inject(s.exe, env)
    assert (code, err) == (0, "")
    queued(s)


def outside_dir(s, name):
    """a directory outside the queue that the set-id user could write"""
    d = os.path.join(s.tmp, name)
    os.mkdir(d)
    os.chown(d, s.uid, s.gid)
    os.chmod(d, 0o777)
    return d


@pytest.mark.parametrize("entry,code", [("pid", 63), ("mess", 64),
                                        ("intd", 65), ("todo", 66)])
def test_symlinked_queue_directory_refused(setid, entry, code):
    s = setid
    outside = outside_dir(s, "outside")
    real = s.queue + "/" + entry
    if entry == "mess":     # every split subdirectory: N is an inode
        for i in range(s.split):
            os.mkdir(os.path.join(outside, str(i)))
            os.chmod(os.path.join(outside, str(i)), 0o777)
            shutil.rmtree("%s/%d" % (real, i))
            os.symlink(os.path.join(outside, str(i)), "%s/%d" % (real, i))
        shown = "mess/"
    else:
        shutil.rmtree(real)
        os.symlink(outside, real)
        shown = entry
    code_got, err = inject(s.exe, {"PATH": os.environ["PATH"]})
    assert code_got == code, err
    assert ("%s/%s" % (s.queue, shown)) in err
    assert "is a symbolic link: refusing it (exit %d)" % code in err
    assert files_under(outside) == set(), "nothing written through a link"
    left = {f for f in files_under(s.queue) if not f.startswith("lock/")}
    assert left == set(), "what was made is removed"


@pytest.mark.parametrize("entry,code", [("", 62), ("pid", 63),
                                        ("intd", 65), ("todo", 66)])
def test_queue_directory_of_another_owner_refused(setid, entry, code):
    s = setid
    nobody = pwd.getpwnam(CALLER[0]).pw_uid
    path = (s.queue + "/" + entry).rstrip("/")
    os.chown(path, nobody, s.gid)
    os.chmod(path, 0o777)   # writable: only the owner check refuses it
    code_got, err = inject(s.exe, {"PATH": os.environ["PATH"]})
    assert code_got == code, err
    assert ("%s belongs to uid %d, not to uid %d that qchan-queue runs as"
            % (path, nobody, s.uid)) in err
    left = {f for f in files_under(s.queue) if not f.startswith("lock/")}
    assert left == set()


def test_trigger_link_not_written(setid):
    s = setid
    outside = outside_dir(s, "outside")
    victim = os.path.join(outside, "precious")
    with open(victim, "wb") as f:
        f.write(b"precious\n")
    os.chown(victim, s.uid, s.gid)
    os.unlink(s.queue + "/lock/trigger")
    os.symlink(victim, s.queue + "/lock/trigger")
    code, err = inject(s.exe, {"PATH": os.environ["PATH"]})
    assert code == 0, err
    with open(victim, "rb") as f:
        assert f.read() == b"precious\n"
    queued(s)


def test_closed_message_descriptor(setid, conf_build):
    """set-id, glibc puts /dev/full on a closed descriptor 0 (a read
    error); run as its owner, qchan-queue finds it closed itself"""
    s = setid
    code, err = inject(s.exe, {"PATH": os.environ["PATH"]},
                       stdin_closed=True)
    assert code == 54
    assert "unable to read the message" in err
    plain = str(conf_build.bin / "qchan-queue")
    code, err = inject(plain, {"PATH": os.environ["PATH"]}, user=("root",
                       "root"), stdin_closed=True)
    assert code == 54
    assert "descriptor 0 (the message) is closed (exit 54)" in err
    left = {f for f in files_under(s.queue) if not f.startswith("lock/")}
    assert left == set()


def test_root_writes_a_queue_of_qmails_users(setid, conf_build):
    """the owner check binds the set-id user, not the administrator"""
    s = setid
    plain = str(conf_build.bin / "qchan-queue")
    code, err = inject(plain, {"PATH": os.environ["PATH"]},
                       user=("root", "root"))
    assert (code, err) == (0, "")
    check_queued_as_built(s, 0, owner=0)


@pytest.mark.parametrize("args,why", [
    (["--split", "23"], "split 23, built for 7"),
    (["--bigtodo"], "big-todo on, built without it"),
    (["--home", "OTHER"], "home OTHER, built for HOME")])
def test_start_refuses_a_queue_its_injector_misses(setid, conf_build,
                                                   args, why):
    """qchan-start beside a set-id qchan-queue (its bounces' injector)
    starts only for the queue that qchan-queue was built for"""
    s = setid
    r = conf_build.make(str(conf_build.bin / "qchan-start"))
    assert r.returncode == 0, r.stderr
    start = os.path.join(os.path.dirname(s.exe), "qchan-start")
    shutil.copy(str(conf_build.bin / "qchan-start"), start)
    os.rename(s.exe, os.path.join(os.path.dirname(s.exe), "qchan-queue"))
    other = os.path.join(s.tmp, "other")
    create(other, s.split)
    args = [a.replace("OTHER", other) for a in args]
    why = why.replace("OTHER", other).replace("HOME", s.home)
    env = {"PATH": os.environ["PATH"]}
    r = subprocess.run([start, "--same-user"] + args
                       + ([] if "--home" in args else ["--home", s.home]),
                       capture_output=True, text=True, env=env, timeout=30)
    assert r.returncode == 111, r.stderr
    assert ("qchan-queue is set-id and queues only as it was built (%s)"
            % why) in r.stderr
    assert files_under(s.queue) <= LOCK_FILES


def deferred_attempts(fast_dir, monkeypatch, bindir):
    """attempts at a message its spawner always defers, in 2 s after the
    first, by the daemons of bindir with QCHAN_TIME_SCALE=10000"""
    monkeypatch.setattr(test_daemons, "BIN", bindir)
    q = Inst(fast_dir / os.path.basename(bindir), {"me": "me.test"},
             {"all": "--channel %c --latency 0.001 "
                     "--defer-domain slow.test"})
    q.env["QCHAN_TIME_SCALE"] = "10000"
    q.env["QCHAN_TIME_EPOCH"] = repr(time.time())
    q.start()
    try:
        assert q.inject("me@me.test", ["you@slow.test"]) == 0
        q.wait_deliveries(lambda d: len(d) >= 1, 30)   # a loaded machine
        time.sleep(2)
        return sum(1 for d in q.deliveries() if d["rcpt"] == "you@slow.test")
    finally:
        q.stop(signal.SIGTERM)


def test_production_clock_ignores_time_scale(fast_dir, monkeypatch):
    """remote retries come at 20, 80, 180 ... s: 2 s at scale 10000 are
    20000 s, about 30 attempts; on the real clock one"""
    bin_ = test_daemons.BIN
    testbin = os.path.join(os.path.dirname(bin_), "testbin")
    assert deferred_attempts(fast_dir, monkeypatch, testbin) >= 5
    assert deferred_attempts(fast_dir, monkeypatch, bin_) == 1
