"""End-to-end tests: kill -9 at random moments loses nothing.

qmail's promise: once qmail-queue has said yes, the message is delivered,
whatever crashes when; a recipient may be delivered twice only if its
delivery was in flight when qmail-send died.  Each test injects 2,000
messages (1-3 recipients over local, remote and two supplemental
channels) while the daemons run, and kills a daemon with SIGKILL at
random moments (at least 20 times), restarting the installation after
each kill as supervise would.  At the end every recipient has been
delivered, the queue is empty, and every duplicate is accounted for.

A delivery belongs to the qmail-send that asked for it: the instance
running when fakespawn started it.  (After a kill the old fakespawn still
finishes what was in flight and what was already written to its pipe;
the next instance starts only when the old processes are gone.)  A
recipient delivered twice is allowed only when the first delivery
belongs to an instance that was killed with -9 before it could mark the
recipient done, and the second to a later instance.

The random moments come from QCHAN_CRASH_SEED (default 7); the seed, the
kills, the duplicates and the time are printed (pytest -s shows them).
"""
import bisect
import os
import random
import signal
import threading
import time
from collections import defaultdict

from test_daemons import BASE
from trust_helpers import Inst, fast_dir, read_fslog  # noqa: F401

LIMITS = {"concurrencylocal": 4, "concurrencyremote": 8,
          "concurrencysuppl0": 3, "concurrencysuppl1": 5}
DOMAINS = ["local.test", "s0.test", "s1.test", "r1.test", "r2.test"]
SEED = int(os.environ.get("QCHAN_CRASH_SEED", "7"))


def messages(nmsg, rng):
    out, want = [], []
    for i in range(nmsg):
        rcpts = ["u%d_%d@%s" % (i, j, rng.choice(DOMAINS))
                 for j in range(rng.randint(1, 3))]
        want += rcpts
        out.append(("s%d@local.test" % i, rcpts))
    return out, want


def crash_run(tmp, victim, nkills, pause, nmsg=2000):
    """inject nmsg messages in the background and kill victim nkills times
    (or more, until the injection is over) after pause() seconds of each
    instance's life; returns (installation, kill times, instance starts,
    wanted recipients)"""
    rng = random.Random(SEED)
    controls = dict(BASE, **{k: str(v) for k, v in LIMITS.items()})
    lat = "--line 'spawner %c latency uniform 0.02 0.1'"
    q = Inst(tmp, controls, {"all": "--channel %c --no-open " + lat})
    msgs, want = messages(nmsg, random.Random(SEED + 1))
    inj = threading.Thread(target=q.inject_many, args=(msgs,))
    starts, kills = [time.time()], []
    q.start()
    inj.start()
    while len(kills) < nkills or inj.is_alive():
        time.sleep(pause(rng))
        pid = q.proc.pid if victim == "qmail-send" else q.pid_of(victim)
        assert pid, "%s is not running" % victim
        kills.append(time.time())
        os.kill(pid, signal.SIGKILL)
        rc = q.proc.wait(30)
        # qmail-send dies of the signal; without qmail-todo it finishes
        # what is in flight and exits as qmail does
        assert rc == (-signal.SIGKILL if victim == "qmail-send" else 0)
        q.proc = None
        q.wait_session_gone()
        starts.append(time.time())
        q.start()
        assert len(kills) < 200, "the injection never ended"
    inj.join()
    # a message whose files failed at a scan waits qmail's 123 s
    # (SLEEP_SYSFAIL) for its retry: the wait covers one such retry, so a
    # loaded machine that hit one is not mistaken for a loss
    q._wait(lambda: set(want) <= {d["rcpt"] for d in read_fslog(q.fslog)[0]
                                  if d["status"] == "K"}, 200)
    q._wait(lambda: q.queue_files() == [], 200)
    assert q.stop() == 0
    return q, kills, starts, want


def check_promise(q, kills, starts, want, killed_send):
    """every recipient delivered; duplicates only across a kill -9 of
    qmail-send; returns (duplicates, of which the first delivery's report
    came after the kill)"""
    dels, notes = read_fslog(q.fslog)
    assert notes == [], "fakespawn saw a protocol violation"
    assert all(d["status"] == "K" for d in dels)
    by = defaultdict(list)
    for d in dels:
        by[d["rcpt"]].append(d)
    assert sorted(by) == sorted(want), "every recipient, and no other"
    dups = after_kill = 0
    for rcpt, ds in by.items():
        ds.sort(key=lambda d: d["start"])
        for a, b in zip(ds, ds[1:]):
            ia = bisect.bisect_right(starts, a["start"]) - 1
            ib = bisect.bisect_right(starts, b["start"]) - 1
            assert killed_send and ia < ib and ia < len(kills), \
                "%s delivered twice by one qmail-send (%r, %r)" % (rcpt, a, b)
            dups += 1
            after_kill += a["end"] >= kills[ia]
    assert q.queue_files() == []
    return dups, after_kill


def test_kill_9_qmail_send_loses_nothing(fast_dir):
    t0 = time.time()
    q, kills, starts, want = crash_run(
        fast_dir, "qmail-send", 20, lambda r: r.uniform(0.05, 0.8))
    dups, after = check_promise(q, kills, starts, want, True)
    assert len(kills) >= 20
    lines = q.lines()
    print("\nkill -9 qmail-send: seed %d, %d kills, %d recipients, %d "
          "duplicates (%d reported after the kill, %d before it but not "
          "yet marked), %.1f s" % (SEED, len(kills), len(want), dups, after,
                                   dups - after, time.time() - t0))
    assert sum(x == "status: exiting" for x in lines) == 1


def test_kill_9_qmail_todo_loses_nothing(fast_dir):
    t0 = time.time()
    q, kills, starts, want = crash_run(
        fast_dir, "qmail-todo", 20, lambda r: r.uniform(0.02, 0.4))
    dups, _ = check_promise(q, kills, starts, want, False)
    assert dups == 0
    lines = q.lines()
    lost = "alert: oh no! lost qmail-todo connection! dying..."
    assert sum(x == lost for x in lines) == len(kills)
    print("\nkill -9 qmail-todo: seed %d, %d kills, %d recipients, %d "
          "duplicates, %.1f s" % (SEED, len(kills), len(want), dups,
                                  time.time() - t0))
