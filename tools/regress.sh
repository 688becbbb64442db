#!/bin/bash
# regress.sh - did a scheduler change make any shipped scenario worse?
#
#   tools/regress.sh --new QCHAN [--base REV] [--work DIR]
#   (make regress [BASE=REV] runs it with the working tree's qchan)
#
# Builds qchan at REV (default HEAD) in a temporary git worktree under
# DIR (removed afterwards; the built program is kept in DIR/cache/<sha>
# so a second check against the same revision does not rebuild it), runs
# every shipped scenario (the working tree's scenarios/*.scn) with that
# program and with QCHAN, and prints the metrics that changed
# (tools/regress_diff.py).
#
# Exit: 0 nothing got worse, 1 a metric got worse beyond the threshold
# (drain time or a latency quantile by more than REGRESS_THRESHOLD %,
# default 2; a limit newly hit; an expect that newly fails; a broken
# invariant), 2 the check could not run (REV unknown, REV does not build,
# REV's qchan cannot run scenarios).
#
# Environment:
#   REGRESS_SCENARIOS   names to run instead of all ("burst steady")
#   REGRESS_THRESHOLD   percent (default 2)
#   REGRESS_BASE_QCHAN  a base program to use instead of building REV
#   REGRESS_BASE_SET, REGRESS_NEW_SET
#                       "NAME=VALUE ..." given as --set to every run of
#                       that side: try a configuration change against the
#                       same program, or prove the check catches one
#   REGRESS_NO_CACHE=1  rebuild REV even if DIR/cache has it
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
base=HEAD new= work=build/regress
while [ $# -gt 0 ]; do
  case $1 in
    --base) base=$2; shift 2 ;;
    --new) new=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "regress: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
die() { echo "regress: $*" >&2; exit 2; }
[ -n "$new" ] || die "--new QCHAN is required"
[ -x "$new" ] || die "$new: no such program (build it first)"
case $work in /*) ;; *) work=$root/$work ;; esac
new=$(cd "$(dirname "$new")" && pwd)/$(basename "$new")
mkdir -p "$work" || die "cannot create $work"

# ------------------------------------------------------------ the base
if [ -n "${REGRESS_BASE_QCHAN:-}" ]; then
  basebin=$REGRESS_BASE_QCHAN
  [ -x "$basebin" ] || die "REGRESS_BASE_QCHAN=$basebin: no such program"
  basename_="$basebin"
else
  sha=$(git -C "$root" rev-parse --verify --quiet "$base^{commit}") ||
    die "BASE '$base' is not a revision of this repository"
  basename_="$base ($(git -C "$root" log -1 --format='%h %s' "$sha" | cut -c1-60))"
  cache=$work/cache/$sha
  basebin=$cache/qchan
  if [ -n "${REGRESS_NO_CACHE:-}" ] || [ ! -x "$basebin" ]; then
    wt=$work/wt-$$
    cleanup() {
      git -C "$root" worktree remove --force "$wt" >/dev/null 2>&1
      rm -rf "$wt"
      git -C "$root" worktree prune >/dev/null 2>&1
    }
    trap cleanup EXIT
    trap 'exit 2' INT TERM
    echo "regress: building qchan at $basename_ in $wt" >&2
    git -C "$root" worktree add --detach --quiet "$wt" "$sha" ||
      die "cannot create a worktree of $sha"
    log=$work/base-build.log
    if ! make -C "$wt" -j"$(nproc 2>/dev/null || echo 2)" BUILD=build \
         build/bin/qchan >"$log" 2>&1; then
      tail -15 "$log" >&2
      die "BASE $basename_ cannot be built (log: $log); it may predate" \
          "the qchan program"
    fi
    mkdir -p "$cache" && cp "$wt/build/bin/qchan" "$basebin" ||
      die "cannot keep the base program in $cache"
    cleanup
    trap - EXIT
  else
    echo "regress: qchan at $basename_ from $cache" >&2
  fi
fi
if ! "$basebin" run --help 2>/dev/null | grep -q 'usage: qchan run'; then
  die "BASE $basename_ cannot run scenarios: its qchan has no 'run'" \
      "subcommand (it predates the simulator); pick a later BASE"
fi

# ------------------------------------------------------------ the runs
if [ -n "${REGRESS_SCENARIOS:-}" ]; then
  names=$REGRESS_SCENARIOS
else
  names=$(cd "$root/scenarios" && ls *.scn | sed 's/\.scn$//')
fi
sets() { for s in $1; do printf -- '--set\n%s\n' "$s"; done; }
mapfile -t bset < <(sets "${REGRESS_BASE_SET:-}")
mapfile -t nset < <(sets "${REGRESS_NEW_SET:-}")
out=$work/runs
rm -rf "$out" && mkdir -p "$out/base" "$out/new"
for n in $names; do
  scn=$root/scenarios/$n.scn
  [ -f "$scn" ] || die "no scenario scenarios/$n.scn"
  # the two sides at once: two cores, and neither waits for the other
  ( "$basebin" run "$scn" --no-plots --out "$out/base/$n" "${bset[@]}" \
      >"$out/base/$n.txt" 2>&1; echo $? >"$out/base/$n.rc" ) &
  ( "$new" run "$scn" --no-plots --out "$out/new/$n" "${nset[@]}" \
      >"$out/new/$n.txt" 2>&1; echo $? >"$out/new/$n.rc" ) &
  wait
done
echo "regress: base $basename_" >&2
echo "regress: new  $new${REGRESS_NEW_SET:+ --set $REGRESS_NEW_SET}" >&2
exec /usr/bin/python3 "$here/regress_diff.py" \
  --threshold "${REGRESS_THRESHOLD:-2}" "$out" $names
