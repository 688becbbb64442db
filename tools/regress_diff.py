#!/usr/bin/python3
"""regress_diff.py - what changed between two builds' runs of the shipped
scenarios, and whether anything got worse.

    regress_diff.py [--threshold PCT] RUNS NAME...

RUNS holds base/NAME/summary.json and new/NAME/summary.json, with each
run's exit code in base/NAME.rc and new/NAME.rc (tools/regress.sh makes
them).  Prints one row per metric that changed: scenario, channel or
process, metric, old, new, change; marks a row WORSE when it counts
against the change:

  - the drain time or a latency quantile (p50, p95, p99) grew by more
    than PCT percent (default 2), or a run that drained no longer does;
  - a limit is newly hit: a process reached its descriptor or process
    limit, a channel's spawner newly answers "unable to ..." (spawn
    errors), a concurrency is newly curbed or refused;
  - an expect line that held now fails;
  - an invariant broke (exit 3).

Exit 0 nothing worse, 1 something worse, 2 nothing could be compared.
"""
import argparse
import json
import sys
from pathlib import Path

GATED_TIMES = ("latency_p50", "latency_p95", "latency_p99")
CHAN_INFO = ("concurrency", "max_inflight", "attempts", "delivered",
             "deferred", "failed", "pending", "max_queue")
RUN_INFO = ("messages", "recipients", "events", "todo_pending", "end_time")
# finding kinds (summary.json "findings"[].kind) that count against a
# change when they are new: a limit hit, or a spawner lost
LIMIT_KINDS = ("limit", "curbed", "overrun", "spawner-lost")


class Diff:
    """The rows of one comparison."""

    def __init__(self, threshold):
        self.threshold = threshold
        self.rows = []
        self.worse = 0

    def row(self, scn, where, metric, old, new, verdict=""):
        self.rows.append((scn, where, metric, fmt(old), fmt(new),
                          change(old, new), verdict))
        if verdict.startswith("WORSE"):
            self.worse += 1

    def timed(self, scn, where, metric, old, new):
        """A time that must not grow beyond the threshold."""
        if old == new:
            return
        verdict = ""
        if old is None:
            verdict = "better"
        elif new is None:
            verdict = "WORSE (no value)"
        elif old == 0:
            verdict = "WORSE" if new > 0 else ""
        else:
            rel = 100.0 * (new - old) / old
            if rel > self.threshold:
                verdict = f"WORSE (> {self.threshold:g}%)"
            elif rel < 0:
                verdict = "better"
        self.row(scn, where, metric, old, new, verdict)

    def info(self, scn, where, metric, old, new):
        """A number reported when it changes, never counted against."""
        if old != new:
            self.row(scn, where, metric, old, new)


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def change(old, new):
    if isinstance(old, bool) or isinstance(new, bool):
        return ""
    if not isinstance(old, (int, float)) or not isinstance(new,
                                                           (int, float)):
        return ""
    if old == 0:
        return "new" if new else "0"
    return f"{100.0 * (new - old) / abs(old):+.1f}%"


def by_name(items):
    return {i.get("name"): i for i in items or []}


def limit_findings(s):
    """The limit findings of a run, by what they are about (kind, channel,
    process, limit), not by their sentence: a finding whose numbers
    changed is the same finding.  Returns {key: text}."""
    return {(f["kind"], f.get("channel") or "", f.get("process") or "",
             f.get("limit") or ""): f.get("text", "")
            for f in s.get("findings") or []
            if f.get("kind") in LIMIT_KINDS}


def finding_where(key):
    kind, channel, process, limit = key
    return process or channel or "run"


def finding_metric(key):
    kind, channel, process, limit = key
    return f"finding {kind}" + (f" {limit}" if limit else "")


def compare(d, scn, old, new):
    """Every metric of one scenario."""
    if old.get("drained") and not new.get("drained"):
        d.row(scn, "run", "drained", True, False, "WORSE (not drained)")
    elif not old.get("drained") and new.get("drained"):
        d.row(scn, "run", "drained", False, True, "better")
    if old.get("drained") and new.get("drained"):
        d.timed(scn, "run", "drain_time", old.get("drain_time"),
                new.get("drain_time"))
    for key in RUN_INFO:
        if key in old and key in new:
            d.info(scn, "run", key, old[key], new[key])
    oc, nc = by_name(old.get("channels")), by_name(new.get("channels"))
    for name, n in nc.items():
        o = oc.get(name)
        if o is None:
            continue
        for key in GATED_TIMES:
            if key in o and key in n:
                d.timed(scn, name, key, o[key], n[key])
        for key in CHAN_INFO:
            if key in o and key in n:
                d.info(scn, name, key, o[key], n[key])
        if "spawn_errors" in o and "spawn_errors" in n:
            if o["spawn_errors"] == 0 and n["spawn_errors"] > 0:
                d.row(scn, name, "spawn_errors", 0, n["spawn_errors"],
                      "WORSE (new limit hit)")
            else:
                d.info(scn, name, "spawn_errors", o["spawn_errors"],
                       n["spawn_errors"])
    op, np_ = by_name(old.get("processes")), by_name(new.get("processes"))
    for name, n in np_.items():
        o = op.get(name)
        if o is None:
            continue
        for key in ("fd_peak", "fd_highest"):
            if key in o and key in n:
                d.info(scn, name, key, o[key], n[key])
        if not o.get("exhausted") and n.get("exhausted"):
            d.row(scn, name, "exhausted", False,
                  n.get("exhausted_by", True), "WORSE (new limit hit)")
        elif o.get("exhausted") and not n.get("exhausted"):
            d.row(scn, name, "exhausted", o.get("exhausted_by", True), False,
                  "better")
    if any("kind" not in f for f in old.get("findings") or []):
        # a base from before findings were records: the same finding is
        # the same sentence (compared whole, never searched)
        otext = {f.get("text") for f in old.get("findings") or []}
        for key, text in sorted(limit_findings(new).items()):
            if text not in otext:
                d.row(scn, finding_where(key), finding_metric(key), None,
                      "new", "WORSE (new limit hit)")
        return compare_rest(d, scn, old, new)
    of, nf = limit_findings(old), limit_findings(new)
    for key in sorted(set(nf) - set(of)):
        d.row(scn, finding_where(key), finding_metric(key), None, "new",
              "WORSE (new limit hit)")
    for key in sorted(set(of) - set(nf)):
        d.row(scn, finding_where(key), finding_metric(key), "was", None,
              "better")
    compare_rest(d, scn, old, new)


def compare_rest(d, scn, old, new):
    """Expect lines and invariants."""
    oe = {(e["line"], e["text"]): e for e in old.get("expect") or []}
    for e in new.get("expect") or []:
        o = oe.get((e["line"], e["text"]))
        if o is None or o["ok"] == e["ok"]:
            continue
        d.row(scn, f"line {e['line']}", "expect " + e["text"][:40],
              "ok" if o["ok"] else "FAIL", "ok" if e["ok"] else "FAIL",
              "better" if e["ok"] else "WORSE (expect now fails)")
    if new.get("violations") and not old.get("violations"):
        d.row(scn, "run", "violations", 0, len(new["violations"]),
              "WORSE (invariant broken)")


def read_rc(path):
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threshold", type=float, default=2.0)
    ap.add_argument("runs", type=Path)
    ap.add_argument("names", nargs="+")
    a = ap.parse_args()
    d = Diff(a.threshold)
    notes, compared = [], 0
    for name in a.names:
        sides = {}
        for side in ("base", "new"):
            rc = read_rc(a.runs / side / f"{name}.rc")
            summary = a.runs / side / name / "summary.json"
            if rc == 3:
                d.row(name, "run", f"{side}: exit 3", None, None,
                      "WORSE (invariant broken)" if side == "new" else "")
            if rc not in (0, 1, 3) or not summary.exists():
                sides[side] = None
                out = a.runs / side / f"{name}.txt"
                first = (out.read_text(errors="replace").strip()
                         .splitlines() or [""])[0] if out.exists() else ""
                notes.append(f"{name}: the {side} side cannot run it "
                             f"(exit {rc}): {first}")
            else:
                sides[side] = json.loads(summary.read_text())
        if sides["new"] is None:
            print("\n".join(notes), file=sys.stderr)
            print(f"regress: the working tree cannot run {name}",
                  file=sys.stderr)
            return 2
        if sides["base"] is None:
            continue
        compared += 1
        compare(d, name, sides["base"], sides["new"])
    for n in notes:
        print("note: " + n)
    if compared == 0:
        print("regress: no scenario could be compared", file=sys.stderr)
        return 2
    if not d.rows:
        print(f"regress: no metric changed in {compared} scenario"
              f"{'s' if compared != 1 else ''}")
        return 0
    head = ("scenario", "where", "metric", "old", "new", "change", "")
    widths = [max(len(str(r[i])) for r in d.rows + [head])
              for i in range(len(head))]
    for r in [head] + d.rows:
        print("  ".join(str(c).ljust(w) if i < 3 else str(c).rjust(w)
                        if i < 6 else str(c)
                        for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    changed = len(d.rows)
    if d.worse:
        print(f"\nregress: {changed} metrics changed, {d.worse} got worse "
              f"(threshold {a.threshold:g}% for drain time and latency "
              f"quantiles): exit 1")
        return 1
    print(f"\nregress: {changed} metrics changed in {compared} scenarios, "
          f"none worse beyond the threshold ({a.threshold:g}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
