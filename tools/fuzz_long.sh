#!/bin/sh
# fuzz_long.sh - run each libFuzzer target long, one after another, and
# print what each reached.
#
#	tools/fuzz_long.sh SECONDS TARGET...
#
# Each target runs until 10^7 executions or SECONDS of wall-clock time,
# whichever comes first, on its corpus build/fuzz/corpus/NAME (new inputs
# kept) seeded from tests/fuzz/corpus/NAME.  A crash is kept as
# build/fuzz/artifacts/NAME-crash-* and the target's log as
# build/fuzz/NAME.long.log.  The table: target, executions, seconds,
# executions a second, crashes (0 or 1: libFuzzer stops at the first).
# Exit 1 when any target crashed.
set -u
secs=$1
shift
runs=10000000
mkdir -p build/fuzz/artifacts
printf '%-16s %12s %8s %10s %8s\n' target executions seconds exec/s crashes
bad=0
for f in "$@"; do
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
    if [ $rc -ne 0 ]; then
        crashes=1
        bad=1
    fi
    printf '%-16s %12s %8s %10s %8s\n' "$n" "${execs:-?}" "$took" \
        "${speed:-?}" "$crashes"
    if [ $rc -ne 0 ]; then
        grep -m1 -E 'ERROR|check failed|deadly signal|out-of-memory|timeout' \
            "$log" | sed 's/^/    /'
    fi
done
exit $bad
