#!/usr/bin/env bash
# CPU used by a blocked reader process: `ring read` on an empty ring whose writer is alive.
# Starts a writer that holds the sink open without writing, then the reader; lets both settle,
# then reads every thread's CPU time (/proc/PID/task/*/schedstat, ns on the CPU) at the start and
# end of the measured window and prints the process's share of one core and each busy thread's.
#
#   ring-bench/tools/idle-reader.sh [SETTLE_SECONDS] [MEASURE_SECONDS]     (defaults 10 and 10)
#
# Run from the repository root; RING_NO_BUILD=1 is passed through to ./ring.
set -euo pipefail
settle="${1:-10}"
measure="${2:-10}"
dir="$(mktemp -d /dev/shm/idle-reader.XXXXXX)"
trap 'kill "$writer" "$reader" 2> /dev/null || true; rm -rf "$dir"' EXIT
./ring create "$dir/r" --capacity 64k > /dev/null
# the writer: a sink held open by a ring write whose stdin never ends and never has data
(sleep $((settle + measure + 60)) | ./ring write "$dir/r") &
writer=$!
sleep 2
./ring read "$dir/r" > /dev/null &
reader=$!
sleep "$settle"
# the JVM is the launcher's exec'd process: its pid is the reader job's
snapshot() {
    for t in /proc/"$reader"/task/*; do
        printf '%s\t%s\t%s\n' "$(basename "$t")" "$(cut -d' ' -f1 "$t/schedstat")" "$(tr -d '\n' < "$t/comm")"
    done
}
before="$(snapshot)"
sleep "$measure"
after="$(snapshot)"
join -t $'\t' <(sort <<< "$before") <(sort <<< "$after") | awk -F'\t' -v s="$measure" '
    { d = $4 - $2; total += d; if (d > 0) printf "  %-28s %7.3f%% of a core\n", $3, d / (s * 1e7) }
    END { printf "reader process: %.3f%% of a core over %d s\n", total / (s * 1e7), s }'
