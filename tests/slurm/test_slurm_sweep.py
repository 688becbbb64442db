"""test_slurm_sweep.py - an emitted sweep on a real one-node Slurm
cluster (`make check-slurm`).

The test starts the cluster itself, in a temporary directory: munged as
the munge user with the packaged key (/etc/munge/munge.key) on a socket
of its own, slurmctld and slurmd (slurm.conf: SlurmUser=root, this
machine's hostname as SlurmctldHost and the node with CPUs=2,
ProctrackType=proctrack/linuxproc, TaskPlugin=task/none; cgroup.conf:
CgroupPlugin=cgroup/v1; ports of its own), waits for `sinfo` to show the
node idle, submits the array with `sbatch --wait`, collects, and
compares with a local sweep byte for byte.  It stops the daemons it
started, by their process ids.  With the packages installed a cluster
that does not start is a failure, not a skip.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("QCHAN_BUILD", "build"))
QCHAN = (BUILD if BUILD.is_absolute() else ROOT / BUILD) / "bin" / "qchan"
FILES = ("sweep.json", "sweep.csv", "sweep_fds.csv", "sweep_goal.csv")
DAEMONS = ("/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd",
           "/usr/bin/sbatch", "/usr/bin/sinfo")

pytestmark = pytest.mark.skipif(
    not all(os.path.exists(d) for d in DAEMONS),
    reason="slurm-wlm and munge are not installed (make deps installs them)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log_tail(path, n=15):
    try:
        return "".join(Path(path).read_text(errors="replace")
                       .splitlines(True)[-n:])
    except OSError:
        return f"({path}: none)\n"


class Cluster:
    """munged, slurmctld and slurmd in one directory; stop() ends the
    three processes this object started, by pid."""

    def __init__(self, top):
        self.top = top
        self.procs = []
        self.host = socket.gethostname()
        self.env = dict(os.environ, SLURM_CONF=str(top / "slurm.conf"))

    def write_conf(self):
        t = self.top
        for d in ("state", "spool", "log"):
            (t / d).mkdir()
        munge = t / "munge"
        munge.mkdir(mode=0o755)
        shutil.chown(munge, "munge", "munge")
        ctld, slurmd = free_port(), free_port()
        (t / "slurm.conf").write_text(f"""ClusterName=qchantest
SlurmctldHost={self.host}
SlurmUser=root
SlurmctldPort={ctld}
SlurmdPort={slurmd}
AuthType=auth/munge
AuthInfo=socket={munge}/munge.sock
StateSaveLocation={t}/state
SlurmdSpoolDir={t}/spool
SlurmctldPidFile={t}/slurmctld.pid
SlurmdPidFile={t}/slurmd.pid
SlurmctldLogFile={t}/log/slurmctld.log
SlurmdLogFile={t}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName={self.host} CPUs=2 State=UNKNOWN
PartitionName=qchan Nodes={self.host} Default=YES MaxTime=INFINITE State=UP
""")
        (t / "cgroup.conf").write_text("CgroupPlugin=cgroup/v1\n")

    def spawn(self, name, argv):
        out = open(self.top / "log" / f"{name}.out", "w")
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                             env=self.env, cwd=self.top)
        out.close()
        self.procs.append((name, p))
        return p

    def start(self):
        self.write_conf()
        m = self.top / "munge"
        # setpriv execs munged itself, so the pid is munged's
        self.spawn("munged", ["setpriv", "--reuid=munge", "--regid=munge",
                              "--init-groups", "/usr/sbin/munged", "-F",
                              f"--socket={m}/munge.sock",
                              f"--pid-file={m}/munged.pid",
                              f"--log-file={m}/munged.log",
                              f"--seed-file={m}/seed"])
        self.wait_for(lambda: (m / "munge.sock").exists(), 20, "munged")
        conf = str(self.top / "slurm.conf")
        self.spawn("slurmctld", ["/usr/sbin/slurmctld", "-D", "-f", conf])
        self.spawn("slurmd", ["/usr/sbin/slurmd", "-D", "-f", conf])
        self.wait_for(self.idle, 60, "sinfo showing the node idle")

    def idle(self):
        p = subprocess.run(["sinfo", "-h", "-o", "%t"], env=self.env,
                           capture_output=True, text=True, timeout=20)
        return p.returncode == 0 and p.stdout.strip() == "idle"

    def wait_for(self, ok, seconds, what):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for name, p in self.procs:
                if p.poll() is not None:
                    self.fail(f"{name} exited with status {p.returncode} "
                              f"while waiting for {what}")
            if ok():
                return
            time.sleep(0.5)
        self.fail(f"no {what} after {seconds} s")

    def fail(self, why):
        logs = "".join(f"--- {f}\n{log_tail(f)}" for f in sorted(
            list((self.top / "log").glob("*")) +
            [self.top / "munge" / "munged.log"]))
        pytest.fail(f"the Slurm cluster did not start: {why}\n{logs}")

    def stop(self):
        for name, p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


@pytest.fixture
def cluster():
    # munged (as munge) must reach its directory: not under pytest's
    # private tmp_path
    top = Path(tempfile.mkdtemp(prefix="qchan-slurm-"))
    os.chmod(top, 0o755)
    c = Cluster(top)
    try:
        c.start()
        yield c
    finally:
        c.stop()
        shutil.rmtree(top, ignore_errors=True)


def qchan(*args, check=0):
    p = subprocess.run([str(QCHAN)] + [str(a) for a in args],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == check, p.stdout + p.stderr
    return p


def test_emitted_sweep_on_slurm_is_the_local_sweep(cluster, tmp_path):
    scn = tmp_path / "knee.scn"
    scn.write_text("""channels 2
control locals example.org
control concurrencylocal 1
spawner local latency const 1
spawner remote latency uniform 1 3
burst at 0 count 30 rcpts 1 to example.org 100
burst at 0 count 300 rcpts 1 to far.example 100
""")
    sweep = [scn, "concurrencyremote=5,10,20", "--replications", "2",
             "--goal", "p95(remote)<=40", "--minimize", "concurrencyremote"]
    qchan("sweep", *sweep, "--no-plots", "--out", tmp_path / "local")
    jobs = tmp_path / "jobs"
    qchan("sweep", *sweep, "--emit", jobs)
    n = len((jobs / "jobs.txt").read_text().splitlines())
    assert n == 6
    t0 = time.monotonic()
    p = subprocess.run(["sbatch", "--wait", f"--array=0-{n - 1}",
                        str(jobs / "slurm.sh")], env=cluster.env,
                       capture_output=True, text=True, timeout=600,
                       cwd="/")
    assert p.returncode == 0, p.stdout + p.stderr + "".join(
        log_tail(f) for f in sorted((jobs / "results").glob("slurm-*")))
    print(f"sbatch --wait of {n} tasks: {time.monotonic() - t0:.1f} s")
    for k in range(n):
        assert (jobs / "results" / str(k) / "done").exists()
    qchan("sweep", "--collect", jobs, "--no-plots", "--out",
          tmp_path / "collected")
    for name in FILES:
        assert (tmp_path / "local" / name).read_bytes() == \
            (tmp_path / "collected" / name).read_bytes(), name
