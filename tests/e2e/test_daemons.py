"""End-to-end tests of the production daemons.

Each test builds a private qmail home in a temporary directory, starts the
whole installation with qchan-start (qmail-send, qmail-todo, the cleaners
and one fakespawn per channel), injects mail with qchan-queue, and checks
what happened from the outside: qmail-send's log, fakespawn's per-delivery
log, the queue directory and the messages the spawners saw.

The programs come from $QCHAN_BUILD/bin (default build/bin).
"""
import os
import random
import re
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, os.environ.get("QCHAN_BUILD", "build"), "bin")

CHANNELS = ["local", "remote", "suppl0", "suppl1"]

LOG_LINES = [
    r"status:( (local|remote|suppl\d+) \d+/\d+)+( exitasap)?",
    r"new msg \d+",
    r"info msg \d+: bytes \d+ from <[^>]*> qp \d+ uid \d+",
    r"starting delivery \d+: msg \d+ to (local|remote|suppl\d+) \S+",
    r"delivery \d+: (success|deferral|failure): .*",
    r"end msg \d+",
    r"bounce msg \d+ qp \d+",
    r"status: qmail-todo stop processing asap",
    r"status: exiting",
]
LOG_RE = re.compile("^(" + "|".join(LOG_LINES) + ")$")


def prog(name):
    path = os.path.join(BIN, name)
    if not os.path.exists(path):
        pytest.skip("%s not built (make daemons)" % path)
    return path


def isqrt(x):
    y = 0
    while (y + 1) * (y + 1) <= x:
        y += 1
    return y


class Qchan:
    """A private installation: control/, queue/, logs, running daemons."""

    def __init__(self, tmp, controls, spawn, width=None):
        self.home = str(tmp / "qmail")
        self.fslog = str(tmp / "fakespawn.log")
        self.log = str(tmp / "send.log")
        self.err = str(tmp / "stderr.log")
        self.spawn = spawn
        self.width = width
        self.proc = None
        os.makedirs(os.path.join(self.home, "control"))
        for name, value in controls.items():
            self.control(name, value)
        self.env = dict(os.environ, QCHAN_HOME=self.home)
        self.env.pop("QCHAN_CHANNELS", None)
        subprocess.run([prog("qchan-start"), "--home", self.home, "--create"],
                       check=True, env=self.env)

    def control(self, name, value):
        with open(os.path.join(self.home, "control", name), "w") as f:
            f.write(value + "\n")

    extra = ()       # more qchan-start arguments
    preexec = None   # run in qchan-start's process before it starts

    def start(self, wait=True):
        args = [prog("qchan-start"), "--home", self.home, "--same-user"]
        args += list(self.extra)
        if self.width:
            args += ["--width", str(self.width)]
        for chan, cmd in self.spawn.items():
            if cmd.startswith("raw:"):   # a command of the test's own
                args += ["--spawn", "%s=%s" % (chan, cmd[4:])]
                continue
            args += ["--spawn", "%s=%s --log %s %s" % (
                chan, prog("fakespawn"), self.fslog, cmd)]
        before = len(self.lines()) if os.path.exists(self.log) else 0
        self.proc = subprocess.Popen(
            args, stdout=open(self.log, "a"), stderr=open(self.err, "a"),
            env=self.env, start_new_session=True, preexec_fn=self.preexec)
        # the first status line: handlers installed, queue scanned
        if wait:
            self.wait_log(lambda lines: any(l.startswith("status:")
                                            for l in lines[before:]), 10)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        self.proc.send_signal(sig)
        rc = self.proc.wait(timeout)
        self.proc = None
        return rc

    def kill(self):
        if self.proc:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
            self.proc = None

    def inject(self, sender, rcpts, body=b"Subject: test\n\nhello\n"):
        r, w = os.pipe()
        p = subprocess.Popen([prog("qchan-queue")], stdin=subprocess.PIPE,
                             stdout=r, env=self.env)
        os.close(r)
        env = b"F" + sender.encode() + b"\0"
        env += b"".join(b"T" + a.encode() + b"\0" for a in rcpts) + b"\0"
        os.write(w, env)
        os.close(w)
        p.communicate(body)
        return p.returncode

    def inject_many(self, messages):
        with ThreadPoolExecutor(4) as ex:
            codes = list(ex.map(lambda m: self.inject(*m), messages))
        assert codes == [0] * len(messages)

    def lines(self):
        with open(self.log, errors="replace") as f:
            return f.read().splitlines()

    def deliveries(self):
        """fakespawn's log: one dict per finished delivery."""
        if not os.path.exists(self.fslog):
            return []
        out = []
        with open(self.fslog) as f:
            for line in f:
                assert not line.startswith("#"), "fakespawn: " + line
                w = line.rstrip("\n").split("\t")
                out.append(dict(start=float(w[0]), end=float(w[1]), chan=w[2],
                                slot=int(w[3]), msg=w[4], sender=w[5],
                                rcpt=w[6], status=w[7], attempt=int(w[8]),
                                inflight=int(w[9])))
        return out

    def wait_log(self, pred, timeout):
        return self._wait(lambda: pred(self.lines()), timeout)

    def wait_deliveries(self, pred, timeout):
        return self._wait(lambda: pred(self.deliveries()), timeout)

    def _wait(self, pred, timeout):
        end = time.time() + timeout
        while time.time() < end:
            if pred():
                return True
            if self.proc and self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError("timed out; log tail:\n" +
                             "\n".join(self.lines()[-15:]) +
                             "\nstderr:\n" + open(self.err).read()[-2000:])

    def queue_files(self):
        found = []
        q = os.path.join(self.home, "queue")
        for d, _, files in os.walk(q):
            if os.path.relpath(d, q).split(os.sep)[0] == "lock":
                continue
            found += [os.path.join(d, f) for f in files]
        return found

    def statuses(self):
        """per status line: {chan: (used, limit)}"""
        out = []
        for l in self.lines():
            if l.startswith("status: local"):
                w = l.split()[1:]
                out.append({w[i]: tuple(map(int, w[i + 1].split("/")))
                            for i in range(0, len(w) - 1, 2)})
        return out


@pytest.fixture
def make(tmp_path):
    made = []

    def factory(controls, spawn, width=None):
        q = Qchan(tmp_path, controls, spawn, width)
        made.append(q)
        return q
    yield factory
    for q in made:
        q.kill()


BASE = {"me": "me.test", "locals": "local.test", "suppls0": "s0.test",
        "suppls1": "s1.test"}


def check_log_well_formed(q, allow=()):
    for line in q.lines():
        assert LOG_RE.match(line) or any(a in line for a in allow), line


def check_deliveries_paired(q):
    """every started delivery has exactly one result, for the same msg"""
    started, ended = {}, {}
    for line in q.lines():
        m = re.match(r"starting delivery (\d+): msg (\d+) to (\S+) (\S+)$",
                     line)
        if m:
            assert m.group(1) not in started
            started[m.group(1)] = m.groups()[1:]
        m = re.match(r"delivery (\d+): ", line)
        if m:
            assert m.group(1) in started and m.group(1) not in ended
            ended[m.group(1)] = line
    assert set(started) == set(ended)


def bulk_run(make, nmsg, seed, width=None):
    limits = {"concurrencylocal": 4, "concurrencyremote": 8,
              "concurrencysuppl0": 3, "concurrencysuppl1": 5}
    controls = dict(BASE, **{k: str(v) for k, v in limits.items()})
    lat = "--line 'spawner %c latency uniform 0.001 0.02'"
    q = make(controls, {"all": "--channel %c --no-open " + lat}, width)
    q.start()
    rng = random.Random(seed)
    domains = ["local.test", "s0.test", "s1.test", "r1.test", "r2.test"]
    messages, want = [], set()
    for i in range(nmsg):
        rcpts = ["u%d_%d@%s" % (i, j, rng.choice(domains))
                 for j in range(rng.randint(1, 3))]
        want.update(rcpts)
        messages.append(("s%d@local.test" % i, rcpts))
    t0 = time.time()
    q.inject_many(messages)
    q.wait_deliveries(lambda d: len(d) >= len(want), 90)
    elapsed = time.time() - t0
    q.wait_log(lambda l: sum(x.startswith("end msg") for x in l) >= nmsg, 30)
    assert q.stop() == 0

    dels = q.deliveries()
    got = [d["rcpt"] for d in dels if d["status"] == "K"]
    assert sorted(got) == sorted(want), "each recipient exactly once"
    assert all(d["status"] == "K" for d in dels)
    chan_of = {"local.test": "local", "s0.test": "suppl0",
               "s1.test": "suppl1"}
    for d in dels:
        assert d["chan"] == chan_of.get(d["rcpt"].split("@")[1], "remote")
        assert d["inflight"] <= limits["concurrency" + d["chan"]]
    assert q.queue_files() == []
    check_log_well_formed(q)
    check_deliveries_paired(q)
    sts = q.statuses()
    assert sts
    peak = {c: 0 for c in CHANNELS}
    for st in sts:
        for c in CHANNELS:
            used, limit = st[c]
            assert limit == limits["concurrency" + c]
            assert used <= limit
            peak[c] = max(peak[c], used)
    assert peak["remote"] > 1, "the run never had two remote deliveries"
    assert q.lines()[-1] == "status: exiting"
    return len(want), elapsed


def test_bulk_2000_messages_delivered_exactly_once(make):
    n, elapsed = bulk_run(make, 2000, seed=6)
    print("\n%d recipients in %.1f s (injection included)" % (n, elapsed))


def test_classic_width(make):
    bulk_run(make, 150, seed=7, width=1)


def test_deferral_retried_after_sigalrm(make):
    epoch = time.time()
    q = make(BASE, {"all": "--channel %c --no-open --epoch " +
                           "%.3f " % epoch +
                           "--line 'outage slow.test from 0 to 1.5 defer'"})
    q.start()
    assert q.inject("a@local.test", ["u@slow.test"]) == 0
    q.wait_log(lambda l: any(": deferral: " in x for x in l), 10)
    time.sleep(max(0, epoch + 2.0 - time.time()))
    d = q.deliveries()
    assert [(x["rcpt"], x["status"], x["attempt"]) for x in d] == \
        [("u@slow.test", "Z", 1)], "no retry before its time"
    q.proc.send_signal(signal.SIGALRM)
    q.wait_deliveries(lambda d: any(x["status"] == "K" for x in d), 10)
    d = q.deliveries()
    assert [(x["status"], x["attempt"]) for x in d] == [("Z", 1), ("K", 2)]
    q.wait_log(lambda l: any(x.startswith("end msg") for x in l), 10)
    assert q.stop() == 0
    assert q.queue_files() == []
    check_log_well_formed(q)


def test_permanent_failure_bounces_to_sender(make, tmp_path):
    keep = tmp_path / "kept"
    keep.mkdir()
    q = make(BASE, {"all": "--channel %c --fail-domain bad.test --keep " +
                           str(keep)})
    q.start()
    body = b"Subject: original subject\n\nthe original body\n"
    assert q.inject("alice@local.test", ["bob@bad.test", "carol@local.test"],
                    body) == 0
    q.wait_deliveries(lambda d: any(x["rcpt"] == "alice@local.test"
                                    for x in d), 15)
    q.wait_log(lambda l: sum(x.startswith("end msg") for x in l) >= 2, 10)
    assert q.stop() == 0
    d = {x["rcpt"]: x for x in q.deliveries()}
    assert d["bob@bad.test"]["status"] == "D"
    assert d["carol@local.test"]["status"] == "K"
    bounce = d["alice@local.test"]
    assert bounce["status"] == "K" and bounce["sender"] == ""
    lines = q.lines()
    assert any(re.match(r"bounce msg %s qp \d+$" % d["bob@bad.test"]["msg"],
                        x) for x in lines)
    assert any(re.match(r"info msg %s: bytes \d+ from <> " % bounce["msg"],
                        x) for x in lines)
    kept = [f for f in os.listdir(keep) if f.startswith(bounce["msg"] + ".")]
    assert len(kept) == 1
    text = open(keep / kept[0]).read()
    assert "To: alice@local.test\n" in text
    assert "Subject: failure notice\n" in text
    assert "<bob@bad.test>:\n" in text
    assert "--- Below this line is a copy of the message.\n" in text
    assert "Return-Path: <alice@local.test>\n" in text
    assert "the original body" in text
    assert q.queue_files() == []
    check_log_well_formed(q)


def test_sighup_raises_limit_and_curbs_to_spawner(make):
    controls = dict(BASE, concurrencyremote="2")
    q = make(controls, {"all": "--channel %c --no-open --latency 0.4",
                        "remote": "--channel %c --no-open --latency 0.4 "
                                  "--limit 5"})
    q.start()
    q.inject_many([("a@local.test", ["u%d@r.test" % i]) for i in range(40)])
    q.wait_log(lambda l: any("remote 2/2" in x for x in l), 10)
    q.control("concurrencyremote", "4")
    q.proc.send_signal(signal.SIGHUP)
    q.wait_log(lambda l: any("remote 4/4" in x for x in l), 10)
    q.control("concurrencyremote", "50")
    q.proc.send_signal(signal.SIGHUP)
    q.wait_log(lambda l: any("remote 5/5" in x for x in l), 10)
    q.wait_deliveries(lambda d: len(d) >= 40, 30)
    assert q.stop() == 0
    lines = q.lines()
    curb = [x for x in lines if "curbed" in x]
    assert curb == ["warning: concurrency of remote curbed from 50 to 5, "
                    "the spawner's limit"]
    sts = q.statuses()
    assert max(s["remote"][0] for s in sts) == 5
    assert all(s["remote"][0] <= s["remote"][1] <= 5 for s in sts)
    before = [s["remote"][0] for s in sts[:[i for i, s in enumerate(sts)
                                           if s["remote"][1] == 4][0]]]
    assert max(before) == 2, "in flight rose only after the SIGHUP"
    assert max(d["inflight"] for d in q.deliveries()) <= 5
    check_log_well_formed(q, allow=["curbed"])


def test_sigterm_then_restart_keeps_retry_times(make):
    q = make(BASE, {"all": "--channel %c --no-open --defer-domain later.test"})
    q.start()
    q.inject_many([("a@local.test", ["u%d@later.test" % i]) for i in range(3)])
    q.wait_deliveries(lambda d: len(d) >= 3, 15)
    assert q.stop() == 0
    assert q.lines()[-1] == "status: exiting"

    def retry_times():
        out = {}
        for f in q.queue_files():
            if "/remote/" in f:
                info = f.replace("/remote/", "/info/")
                out[os.path.basename(f)] = (int(os.stat(f).st_mtime),
                                            int(os.stat(info).st_mtime))
        return out
    first = retry_times()
    assert len(first) == 3
    starts = {d["msg"]: d["start"] for d in q.deliveries()}
    for msg, (due, birth) in first.items():
        # qmail's schedule: birth + (isqrt(now - birth) + 20)^2
        want = birth + (isqrt(int(starts[msg]) - birth) + 20) ** 2
        assert due in (want, want + 41, want - 41), (msg, due, birth)
        assert due > time.time()

    q.start()
    time.sleep(2)
    assert len(q.deliveries()) == 3, "restart must not retry early"
    assert q.stop() == 0
    assert retry_times() == first, "retry times survive the restart"

    q.start()
    q.proc.send_signal(signal.SIGALRM)
    q.wait_deliveries(lambda d: len(d) >= 6, 10)
    d = q.deliveries()
    assert sorted(x["rcpt"] for x in d[3:]) == sorted(x["rcpt"] for x in d[:3])
    assert all(x["status"] == "Z" for x in d)
    assert q.stop() == 0
    check_log_well_formed(q)


def test_second_qmail_send_refused(make):
    q = make(BASE, {"all": "--channel %c --no-open"})
    q.start()
    out = q.home + "/second.log"
    with open(out, "w") as log:
        rc = subprocess.run([prog("qmail-send")], stdin=log,
                            env=dict(q.env, QCHAN_CHANNELS="4"),
                            timeout=10).returncode
    assert rc == 111
    assert open(out).read() == \
        "alert: cannot start: qmail-send is already running\n"
    assert q.stop() == 0


def test_qchan_queue_rejects_bad_envelope(make):
    q = make(BASE, {"all": "--channel %c"})
    r, w = os.pipe()
    p = subprocess.Popen([prog("qchan-queue")], stdin=subprocess.PIPE,
                         stdout=r, stderr=subprocess.PIPE, env=q.env)
    os.close(r)
    os.write(w, b"Xnot-a-sender\0\0")
    os.close(w)
    _, err = p.communicate(b"hello\n")
    assert p.returncode == 91
    assert b"envelope format error" in err
    assert q.queue_files() == [], "nothing left behind"
    long_rcpt = "x" * 2000 + "@a.test"
    assert q.inject("a@b.test", [long_rcpt]) == 11
    assert q.inject("a@b.test", ["ok@local.test"]) == 0
    files = sorted(os.path.relpath(f, q.home + "/queue").split("/")[0]
                   for f in q.queue_files())
    assert files == ["intd", "mess", "todo"]


def test_qchan_clean_answers(make):
    q = make(BASE, {"all": "--channel %c"})
    assert q.inject("a@b.test", ["ok@local.test"]) == 0
    todo = os.listdir(q.home + "/queue/todo")[0]
    p = subprocess.run([prog("qchan-clean")], env=q.env,
                       input=("todo/%s\0foop/%s\0bogus\0" % (todo, todo))
                       .encode(), capture_output=True, timeout=10)
    assert p.returncode == 0 and p.stdout == b"++x"
    assert q.queue_files() == []


def test_bad_command_lines(make):
    r = subprocess.run([prog("qchan-start"), "--spawn", "nochan=x"],
                       capture_output=True)
    assert r.returncode == 2 and b"--spawn nochan" in r.stderr
    r = subprocess.run([prog("fakespawn"), "--limit", "0", "--no-open"],
                       capture_output=True, stdin=subprocess.DEVNULL)
    assert r.returncode == 2 and b"--limit 0" in r.stderr
    r = subprocess.run([prog("fakespawn"), "--no-open", "--line",
                        "outage x.test from 5 to 1 defer"],
                       capture_output=True, stdin=subprocess.DEVNULL)
    assert r.returncode == 2 and b"--line:1:" in r.stderr
    r = subprocess.run([prog("qchan-queue")], capture_output=True,
                       env=dict(os.environ, QCHAN_SPLIT="zero"))
    assert r.returncode == 81 and b"QCHAN_SPLIT=zero" in r.stderr


def test_lost_spawner_alert_and_exit(make):
    # suppl1's "spawner" announces a limit of 20, then goes away
    q = make(BASE, {"all": "--channel %c --no-open --latency 0.2",
                    "suppl1": "raw:sh -c 'printf \"\\024\\000\"; sleep 1'"})
    q.start()
    assert q.inject("a@local.test", ["u@r.test"]) == 0
    assert q.proc.wait(15) == 0
    lines = q.lines()
    assert "alert: oh no! lost spawn connection! dying..." in lines
    assert lines[-1] == "status: exiting"
    q.proc = None


def test_todo_preprocessing_on_disk(make):
    # concurrency 0 everywhere: qmail-todo's work stays on disk to inspect
    controls = dict(BASE, virtualdomains="virt.test:alias",
                    concurrencylocal="0", concurrencyremote="0",
                    concurrencysuppl0="0", concurrencysuppl1="0")
    q = make(controls, {"all": "--channel %c --no-open"})
    q.start()
    assert q.inject("me@local.test", ["a@local.test", "b@virt.test",
                                      "c@r.test", "d@s1.test",
                                      "e@local.test"]) == 0
    q.wait_log(lambda l: any(x.startswith("info msg") for x in l), 10)
    time.sleep(0.3)
    assert q.stop() == 0
    qd = q.home + "/queue"
    files = {os.path.relpath(f, qd): open(f, "rb").read()
             for f in q.queue_files()}
    msg = [f for f in files if f.startswith("mess/")][0].split("/")[-1]
    split = "%d/%s" % (int(msg) % 23, msg)
    assert sorted(files) == sorted(["mess/" + split, "info/" + split,
                                    "local/" + split, "remote/" + split,
                                    "suppl1/" + split])
    assert files["info/" + split] == b"Fme@local.test\0"
    assert files["local/" + split] == \
        b"Ta@local.test\0Talias-b@virt.test\0Te@local.test\0"
    assert files["remote/" + split] == b"Tc@r.test\0"
    assert files["suppl1/" + split] == b"Td@s1.test\0"
    lines = q.lines()
    assert "new msg %s" % msg in lines
    assert len(q.deliveries()) == 0


def test_abandoned_message_files_cleaned(make):
    q = make(BASE, {"all": "--channel %c --no-open"})
    mess = q.home + "/queue/mess"
    old, young = mess + "/5/28", mess + "/6/29"
    for f in (old, young):
        with open(f, "w") as fp:
            fp.write("Subject: left by a crashed qmail-queue\n")
    two_days = time.time() - 2 * 86400
    os.utime(old, (two_days, two_days))
    q.start()
    q._wait(lambda: not os.path.exists(old), 10)
    assert os.path.exists(young), "younger than 36 hours: kept"
    assert q.stop() == 0
