#!/bin/bash
# make_help.sh FILE... - the `make help` list: one line for each target,
# from the `## target: what it does` lines beside the rules.  A target
# named in a .PHONY list without such a line is listed as undocumented
# (tests/e2e/test_make_help.py fails on that); a `##- target` line marks
# a helper target that is not for typing (a rebuild trigger) and keeps
# it out of the list.
set -euo pipefail
awk '
  /^## [A-Za-z0-9_.-]+: / {
    t = $2; sub(/:$/, "", t)
    line = $0; sub(/^## [^:]+: /, "", line)
    if (!(t in doc)) order[n++] = t
    doc[t] = line
    next
  }
  /^##- [A-Za-z0-9_.-]+/ { hidden[$2] = 1; next }
  /^\.PHONY:/ { phony = 1 }
  phony {
    for (i = 1; i <= NF; i++)
      if ($i != ".PHONY:" && $i != "\\" && !($i in seen)) { seen[$i] = 1; ph[m++] = $i }
    phony = ($NF == "\\")
  }
  END {
    print "make TARGET, where TARGET is one of:"
    for (i = 0; i < n; i++) printf "  %-15s %s\n", order[i], doc[order[i]]
    for (i = 0; i < m; i++)
      if (!(ph[i] in doc) && !(ph[i] in hidden)) printf "  %-15s (undocumented)\n", ph[i]
  }
' "$@"
