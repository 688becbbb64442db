#!/usr/bin/python3
"""man_check.py - the manual pages read cleanly and say every option.

    tools/man_check.py [--bin build/bin] [--man man] [--no-lint]

Lint: each page under man/ through `mandoc -Tlint -W warning` and
`groff -mandoc -ww -z`; any message is a problem.

Coverage: every option that a program's --help shows appears in that
program's page, rendered (mandoc -Tascii), so a new option without man
text fails `make check`.  qchan(1) is checked per subcommand: each
subcommand `qchan --help` lists has a subsection "qchan SUB", and every
option of `qchan SUB --help` appears in it.

Exit: 0 clean, 1 problems (one line each: page, what is missing or what
the linter said), 2 the check could not run (a program or page missing).
"""
import argparse
import re
import subprocess
import sys
from pathlib import Path

# page -> the programs whose --help it documents (qchan.1 is per
# subcommand, below)
PAGES = {
    "qchan-start.8": ["qchan-start"],
    "qchan-queue.8": ["qchan-queue"],
    "qchan-clean.8": ["qchan-clean"],
    "fakespawn.8": ["fakespawn"],
    "qchan-daemons.8": ["qmail-send", "qmail-todo"],
}

# an option as a help text shows it: --long-name or -x, standing alone
OPTION = re.compile(r"(?<![\w./-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])")
SUBCOMMAND = re.compile(r"^  ([a-z][a-z-]*)  ", re.M)


def help_text(prog, *args):
    """prog's --help (either stream: some programs print usage on stderr)"""
    p = subprocess.run([str(prog), *args, "--help"], capture_output=True,
                       text=True, timeout=30)
    return p.stdout + p.stderr


def options(text):
    """the options a help text names, in order, once each"""
    seen = []
    for line in text.splitlines():
        # "ulimit -n" and the like are shell words, not our options
        line = re.sub(r"ulimit -[a-z]", "", line)
        for o in OPTION.findall(line):
            if o not in seen:
                seen.append(o)
    return seen


def render(page):
    """the page as plain text (mandoc -Tascii, overstrikes removed)"""
    p = subprocess.run(["mandoc", "-Tascii", "-Owidth=300", str(page)],
                       capture_output=True, text=True)
    return re.sub(r".\x08", "", p.stdout)


def subsections(text):
    """{title: text} of the "   qchan SUB" subsections of rendered qchan.1"""
    out, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"^   (qchan [a-z-]+)\s*$", line)
        if m:
            cur = m.group(1)
            out[cur] = ""
        elif line and not line[0].isspace():
            cur = None          # the next section
        elif cur:
            out[cur] += line + "\n"
    return out


def lint(page):
    """what mandoc and groff say about page"""
    said = []
    p = subprocess.run(["mandoc", "-Tlint", "-W", "warning", str(page)],
                       capture_output=True, text=True)
    said += (p.stdout + p.stderr).splitlines()
    p = subprocess.run(["groff", "-mandoc", "-ww", "-z", str(page)],
                       capture_output=True, text=True)
    said += p.stderr.splitlines()
    return [s for s in said if s.strip()]


def missing(opts, text):
    return [o for o in opts if not re.search(r"(?<![\w-])" + re.escape(o) +
                                             r"(?![\w-])", text)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="build/bin")
    ap.add_argument("--man", default="man")
    ap.add_argument("--no-lint", action="store_true")
    a = ap.parse_args()
    bindir, mandir = Path(a.bin), Path(a.man)
    pages = sorted(mandir.glob("*.[1-8]"))
    wanted = ["qchan.1", "qchan-scenario.5", *PAGES]
    absent = [w for w in wanted if not (mandir / w).is_file()]
    progs = ["qchan", *[p for ps in PAGES.values() for p in ps]]
    absent += [str(bindir / p) for p in progs if not (bindir / p).is_file()]
    if absent:
        print("man_check: missing: " + ", ".join(absent), file=sys.stderr)
        return 2

    problems = []
    if not a.no_lint:
        for page in pages:
            problems += [f"{page.name}: lint: {s}" for s in lint(page)]

    for name, progs in PAGES.items():
        text = render(mandir / name)
        for prog in progs:
            for o in missing(options(help_text(bindir / prog)), text):
                problems.append(f"{name}: {prog} {o} (in its --help) is "
                                "not in the page")

    text = render(mandir / "qchan.1")
    subs = subsections(text)
    top = help_text(bindir / "qchan")
    for sub in SUBCOMMAND.findall(top.split("subcommands:", 1)[-1]):
        title = f"qchan {sub}"
        if title not in subs:
            problems.append(f"qchan.1: no subsection \"{title}\" "
                            f"(qchan --help lists {sub})")
            continue
        for o in missing(options(help_text(bindir / "qchan", sub)),
                         subs[title]):
            problems.append(f"qchan.1: {title} {o} (in its --help) is not "
                            f"in subsection \"{title}\"")

    for p in problems:
        print(p)
    if not problems:
        print(f"man_check: {len(pages)} pages lint clean and name every "
              "option of their programs' --help")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
