"""End-to-end tests of the pictures: each one qchan run, compare and sweep
draw is rendered as SVG and its words are read back from the SVG text
elements (title, axis labels, every key), so a label that gnuplot would
turn into markup (FD_SETSIZE's underscore as a subscript) or a picture
that is not drawn fails here.  A run with more samples than a picture
shows is drawn from reduced copies of its series that are not left behind.
The PNGs are encoded through qchan-png.so (preloaded into gnuplot): every
row "up"-filtered, and the same pixels as gnuplot's own encoding.
"""
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT, build_dir
from png_helpers import png_read

pytestmark = pytest.mark.skipif(not shutil.which("gnuplot"),
                                reason="gnuplot is not installed")
SVG = "{http://www.w3.org/2000/svg}"
BURST = ROOT / "scenarios" / "burst.scn"


def words(svg):
    """every text element of an SVG file, its pieces joined"""
    return {"".join(e.itertext()).strip()
            for e in ET.parse(svg).iter(SVG + "text")} - {""}


def qchan(bindir, *args):
    p = subprocess.run([str(bindir / "qchan"), *map(str, args)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    return p


@pytest.fixture(scope="module")
def burst_run(tmp_path_factory):
    from conftest import build_dir
    out = tmp_path_factory.mktemp("burst")
    p = subprocess.run([str(build_dir() / "bin" / "qchan"), "run", str(BURST),
                        "--out", str(out)], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    return out


CHANNELS = ["local", "remote", "suppl0", "suppl1"]
RUN_PICTURES = {
    "throughput": ("burst: throughput per channel",
                   "deliveries completed per second",
                   [f"{c} delivered" for c in CHANNELS] +
                   [f"{c} deferred+failed" for c in CHANNELS]),
    "inflight": ("burst: deliveries in flight against the limit",
                 "deliveries in flight",
                 [f"{c} in flight" for c in CHANNELS] +
                 [f"{c} limit" for c in CHANNELS]),
    "queue": ("burst: queue depth per channel", "messages queued", CHANNELS),
    "fds": ("burst: descriptors per process against the limits",
            "descriptors open",
            ["qmail-send", "qmail-todo", "FD_SETSIZE 1024", "nofile 1024"] +
            [f"spawn-{c}" for c in CHANNELS]),
}


@pytest.mark.parametrize("name", sorted(RUN_PICTURES))
def test_run_picture_labels(burst_run, name):
    title, ylabel, keys = RUN_PICTURES[name]
    assert (burst_run / f"{name}.png").stat().st_size > 0
    w = words(burst_run / f"{name}.svg")
    assert title in w
    assert ylabel in w
    assert "simulated time (s)" in w
    missing = [k for k in keys if k not in w]
    assert not missing, f"{name}.svg lacks {missing}; it has {sorted(w)}"


def test_run_pngs_encoded_through_the_preload(burst_run):
    """libpng left to itself mixes row filters; with qchan-png.so every
    row is filtered "up", so qchan run's gnuplot had it preloaded"""
    for name in RUN_PICTURES:
        filters = png_read(burst_run / f"{name}.png")[3]
        assert set(filters) == {2}, (name, sorted(set(filters)))


def test_png_preload_keeps_the_pixels(tmp_path):
    """one picture drawn by gnuplot with and without qchan-png.so: the
    same pixels, only the encoding differs"""
    script = tmp_path / "p.gp"
    script.write_text(
        'set terminal pngcairo size 500,300 font ",10" noenhanced\n'
        'set output ARG1\nset key outside right top box\nset grid\n'
        'set title "FD_SETSIZE against nofile"\n'
        'plot sin(x) with lines lw 2 title "in flight", '
        'cos(x) with steps lw 1 dt 2 title "limit"\n')
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    got = {}
    for name, extra in [("own", {}), ("preloaded", {
            "LD_PRELOAD": str(build_dir() / "lib" / "qchan-png.so")})]:
        out = tmp_path / f"{name}.png"
        p = subprocess.run(["gnuplot", "-c", str(script), str(out)],
                           env=dict(env, **extra), capture_output=True,
                           text=True, timeout=60)
        assert p.returncode == 0 and p.stderr == "", p.stderr
        got[name] = png_read(out)
    own, pre = got["own"], got["preloaded"]
    assert set(own[3]) != {2} and set(pre[3]) == {2}
    assert own[:3] == pre[:3] == (500, 300, 3)
    assert own[4] == pre[4]


def test_no_markup_in_any_label(burst_run):
    """enhanced text is off: no word is cut where markup would cut it"""
    for svg in burst_run.glob("*.svg"):
        w = words(svg)
        assert not any(x in {"FD", "SETSIZE 1024", "FDSETSIZE 1024"}
                       for x in w), (svg.name, sorted(w))
        assert (burst_run / "gnuplot.log").read_text() == ""


def test_long_run_drawn_from_a_reduced_series(bindir, tmp_path):
    """sample 1 over about 3,000 s: more samples than a picture shows"""
    scn = tmp_path / "fine.scn"
    scn.write_text(BURST.read_text().replace("sample 10", "sample 1"))
    out = tmp_path / "out"
    qchan(bindir, "run", scn, "--out", out)
    rows = len((out / "series.csv").read_text().splitlines()) - 1
    assert rows > 4 * 2000      # every sample is kept in the data
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["summary.json", "series.csv", "fds.csv", "gnuplot.log"] +
        [f"{n}.{e}" for n in RUN_PICTURES for e in ("png", "svg")])
    for name, (title, ylabel, keys) in RUN_PICTURES.items():
        w = words(out / f"{name}.svg")
        assert title.replace("burst", "fine") in w and ylabel in w
        assert all(k in w for k in keys)
    # the queue's peak survives the reduction: the y axis reaches it
    peak = max(c["max_queue"] for c in __import__("json").loads(
        (out / "summary.json").read_text())["channels"])
    ticks = [float(x) for x in words(out / "queue.svg")
             if x.replace(".", "").isdigit()]
    assert max(ticks) >= peak


def test_compare_picture_labels(bindir, tmp_path):
    out = tmp_path / "cmp"
    qchan(bindir, "compare", BURST, "--set", "concurrencyremote=20", "--vs",
          "--set", "concurrencyremote=60", "--out", out)
    for name, ylabel in [("throughput", "deliveries completed per second"),
                         ("queue", "messages queued"),
                         ("inflight", "deliveries in flight")]:
        w = words(out / f"compare_{name}.svg")
        assert any(x.startswith("burst: ") and "A vs B" in x for x in w), w
        assert ylabel in w and "simulated time (s)" in w
        assert any(x.startswith("remote, A: concurrencyremote=20") for x in w)
        assert any(x.startswith("remote, B: concurrencyremote=60") for x in w)


def test_sweep_picture_labels(bindir, tmp_path):
    out = tmp_path / "sweep"
    qchan(bindir, "sweep", BURST, "concurrencyremote=20:40:20",
          "--replications", "2", "--out", out)
    w = words(out / "sweep_drain.svg")
    assert "drain time (s)" in w
    assert any(x.startswith("concurrencyremote (") for x in w), w
    assert "p95 latency of remote (s)" in w
    assert "drain time (mean, 95% CI)" in w
    w = words(out / "sweep_fds.svg")
    assert "descriptors open at the peak" in w
    assert "spawn-remote peak" in w


def test_replay_pictures_show_the_log_clock_and_window(bindir, tmp_path):
    """qchan fit writes `clock ORIGIN window FROM TO` into replay.scn: a
    run of it draws its time axis on the log's clock with the window
    shaded"""
    fit = tmp_path / "fit"
    qchan(bindir, "fit", ROOT / "tests" / "data" / "fit" / "multilog",
          "--out", fit, "--no-plots")
    clock = [ln for ln in (fit / "replay.scn").read_text().splitlines()
             if ln.startswith("clock ")]
    assert len(clock) == 1 and " window " in clock[0], clock
    run = tmp_path / "run"
    qchan(bindir, "run", fit / "replay.scn", "--out", run)
    for name in RUN_PICTURES:
        svg = run / f"{name}.svg"
        w = words(svg)
        assert ("log time (UTC) from 2026-01-01 00:00:00; shaded: the "
                "observed window") in w, sorted(w)
        assert "simulated time (s)" not in w
        ticks = [x for x in w if len(x) == 8 and x[2] == x[5] == ":"]
        assert "00:00:00" in ticks and len(ticks) >= 3, sorted(w)
        assert "rgb(238, 238, 238)" in svg.read_text()     # the window


def test_compare_of_a_replay_shows_the_log_clock_and_window(bindir,
                                                          tmp_path):
    """qchan compare of a replay draws its variants on the log's clock
    with the observed window shaded, as qchan run does"""
    fit = tmp_path / "fit"
    qchan(bindir, "fit", ROOT / "tests" / "data" / "fit" / "multilog",
          "--out", fit, "--no-plots")
    out = tmp_path / "cmp"
    qchan(bindir, "compare", fit / "replay.scn", "--set",
          "concurrencyremote=2", "--vs", "--set", "concurrencyremote=40",
          "--out", out)
    for name in ("throughput", "queue", "inflight"):
        svg = out / f"compare_{name}.svg"
        w = words(svg)
        assert ("log time (UTC) from 2026-01-01 00:00:00; shaded: the "
                "observed window") in w, sorted(w)
        assert "simulated time (s)" not in w
        ticks = [x for x in w if len(x) == 8 and x[2] == x[5] == ":"]
        assert "00:00:00" in ticks and len(ticks) >= 3, sorted(w)
        assert "rgb(238, 238, 238)" in svg.read_text()     # the window
        assert any(x.startswith("remote, B: concurrencyremote=40")
                   for x in w), sorted(w)


@pytest.mark.parametrize("line", ["clock", "clock soon", "clock 0",
                                  "clock 1767225600 window 10",
                                  "clock 1767225600 window 20 10",
                                  "clock 1767225600 from 0 10"])
def test_bad_clock_line_names_file_and_line(bindir, tmp_path, line):
    scn = tmp_path / "bad.scn"
    scn.write_text("burst at 0 count 1 rcpts 1 to a.example 1\n" + line + "\n")
    p = subprocess.run([str(bindir / "qchan"), "run", str(scn)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    assert f"{scn}:2:" in p.stderr and "clock UNIX-SECONDS" in p.stderr


def test_fit_overlay_picture_labels(bindir, tmp_path):
    """qchan fit's own pictures (its generated overlay.gp) read back the
    same way: observed solid, a replay's run dashed"""
    logs = ROOT / "tests" / "data" / "fit" / "multilog"
    fit = tmp_path / "fit"
    qchan(bindir, "fit", logs, "--out", fit, "--no-plots")
    qchan(bindir, "run", fit / "replay.scn", "--out", tmp_path / "run",
          "--no-plots")
    qchan(bindir, "fit", logs, "--out", fit, "--sim", tmp_path / "run")
    for name, what, ylabel in [
            ("throughput", "throughput per channel",
             "attempts answered per second"),
            ("inflight", "deliveries in flight per channel",
             "deliveries in flight")]:
        w = words(fit / f"overlay-{name}.svg")
        assert (f"qchan fit: {what}, observed (solid) and simulated "
                "(dashed)") in w, sorted(w)
        assert ylabel in w
        assert {"local observed", "remote observed", "local simulated",
                "remote simulated"} <= w
