#!/bin/sh
# fuzz_long.sh - run each libFuzzer target long and print what each
# reached.
#
#	tools/fuzz_long.sh [-j JOBS] SECONDS TARGET...
#
# Each target runs until 10^7 executions or SECONDS of wall-clock time,
# whichever comes first, on its corpus build/fuzz/corpus/NAME (new inputs
# kept) seeded from tests/fuzz/corpus/NAME; JOBS targets (default 1) run
# at once.  A crash is kept as build/fuzz/artifacts/NAME-crash-* and the
# target's log as build/fuzz/NAME.long.log.  The table, in the order the
# targets were given: target, executions, seconds, executions a second,
# crashes (0 or 1: libFuzzer stops at the first), and the first line of
# the report of any crash.  Exit 1 when any target crashed.
set -u
# A smaller quarantine than ASan's 256 MB: freed blocks still wait long
# enough to catch a use after free within an input and the next ones,
# and the same pages are reused instead of new ones faulted in, which
# doubled the executions a second of the targets that allocate most.
ASAN_OPTIONS=${ASAN_OPTIONS-quarantine_size_mb=16}
export ASAN_OPTIONS
jobs=1
if [ "${1:-}" = -j ]; then
    jobs=$2
    shift 2
fi
secs=$1
shift
runs=10000000

# one - run target $1 and write its table row to build/fuzz/NAME.long.row
if [ "${FUZZ_LONG_ONE:-}" = 1 ]; then
    f=$1
    n=$(basename "$f")
    mkdir -p "build/fuzz/corpus/$n"
    seed=tests/fuzz/corpus/$n
    [ -d "$seed" ] || seed=
    log=build/fuzz/$n.long.log
    start=$(date +%s)
    "$f" -runs=$runs -max_total_time="$secs" -print_final_stats=1 \
        -artifact_prefix="build/fuzz/artifacts/$n-" \
        "build/fuzz/corpus/$n" $seed >"$log" 2>&1
    rc=$?
    took=$(( $(date +%s) - start ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    crashes=0
    [ $rc -ne 0 ] && crashes=1
    {
        printf '%-16s %12s %8s %10s %8s\n' "$n" "${execs:-?}" "$took" \
            "${speed:-?}" "$crashes"
        if [ $rc -ne 0 ]; then
            grep -m1 -E 'ERROR|runtime error|check failed|deadly signal|out-of-memory|timeout' \
                "$log" | sed 's/^/    /'
        fi
    } >"build/fuzz/$n.long.row"
    exit 0
fi

mkdir -p build/fuzz/artifacts
for f in "$@"; do
    rm -f "build/fuzz/$(basename "$f").long.row"
done
printf '%s\n' "$@" |
    FUZZ_LONG_ONE=1 xargs -P "$jobs" -n 1 "$0" "$secs"
printf '%-16s %12s %8s %10s %8s\n' target executions seconds exec/s crashes
bad=0
for f in "$@"; do
    row=build/fuzz/$(basename "$f").long.row
    if [ -f "$row" ]; then
        cat "$row"
        awk 'NR == 1 && $5 != "0" { c = 1 } END { exit !c }' "$row" && bad=1
    else
        printf '%-16s did not run\n' "$(basename "$f")"
        bad=1
    fi
done
exit $bad
