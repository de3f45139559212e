#!/usr/bin/env bash
# Loading a real kernel trace in each format traceaid reads, against the tools that read them:
# bench/data/sched-1m, 890,058 sched/irq/timer events recorded here with perf (its README says
# how). The same events as perf.data (read through `perf script`, the peer), as perf script
# text, as that text zstd-compressed, and as CTF (`perf data convert --to-ctf`; peer:
# babeltrace2's text output; its events carry perf's sample fields beside the payload, 13
# numbers an event where the perf text has 3 to 7, so they take more room). Medians of $RUNS runs; memory is what the loaded trace holds.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

DATA=bench/data/sched-1m
PERF_DATA=$BUILD/sched-1m.perf.data
TEXT=$BUILD/sched-1m.perf-script.txt
CTF=$BUILD/sched-1m-ctf
[ -f "$PERF_DATA" ] || zstd -q -dc "$DATA.perf.data.zst" > "$PERF_DATA"
[ -f "$TEXT" ] || zstd -q -dc "$DATA.perf-script.txt.zst" > "$TEXT"
# The same events in ftrace's layout (`comm-pid [cpu] seconds: event: fields`, as trace-cmd
# report prints them without the flags column): no tool reads this text faster than it can be
# written, so it has no peer; its row shows our speed and memory on that format.
FTRACE=$BUILD/sched-1m.ftrace.txt
# perf's thread it could not name (`:-1 -1`) becomes ftrace's `<...>`.
[ -f "$FTRACE" ] || sed -E -e 's/^ *:-1 +-1 +\[/<...> 0 [/' \
    -e 's/^ *(.*[^ ]) +([0-9]+) +\[([0-9]+)\] +([0-9]+\.[0-9]+): +[a-z_]+:([a-z_0-9]+): (.*)$/\1-\2 [\3] \4: \5: \6/' \
    "$TEXT" > "$FTRACE"
if [ ! -d "$CTF" ] && command -v perf >/dev/null; then
    perf data convert --to-ctf "$CTF" -i "$PERF_DATA" >/dev/null 2>&1 || rm -rf "$CTF"
fi

# wall seconds of a command, median of $RUNS runs
peer_seconds() {
    local runs=() out=$BUILD/peer-time
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -o "$out" -f %e "$@" >/dev/null 2>&1
        runs+=("$(tail -1 "$out")")
    done
    median "${runs[@]}"
}

# label, bench_load's line, peer label, peer seconds. Memory: what the trace accounts for
# (trace_bytes, the target's measure) and the growth of the resident set while loading (which
# also counts what the allocator keeps after the readers' buffers are freed).
row() {
    local ours=$2 s m
    s=$(field seconds "$ours") m=$(field accounted_bytes_per_event "$ours")
    printf '%-26s %7.3f s %9.0f events/s %6.1f B/event (resident +%.1f)' "$1" "$s" \
        "$(field events_per_s "$ours")" "$m" "$(field held_bytes_per_event "$ours")"
    if [ -n "${4:-}" ]; then
        printf '   %s %.3f s: %sx its speed' "$3" "$4" "$(ratio "$4" "$s")"
    fi
    awk -v m="$m" 'BEGIN { printf "   < 48 B/event: %s\n", m < 48 ? "met" : "MISSED" }'
}

echo "== loading a real 890,058-event kernel trace (perf sched/irq/timer), median of $RUNS runs"
perf_peer=
command -v perf >/dev/null && perf_peer=$(peer_seconds perf script -i "$PERF_DATA")
row "perf script text" "$("$BUILD/bench_load" "$TEXT" "$RUNS" auto)" "perf script" "$perf_peer"
row "perf script text.zst" "$("$BUILD/bench_load" "$DATA.perf-script.txt.zst" "$RUNS" auto)" "perf script" "$perf_peer"
row "ftrace text (same events)" "$("$BUILD/bench_load" "$FTRACE" "$RUNS" auto)"
if [ -n "$perf_peer" ]; then
    row "perf.data" "$("$BUILD/bench_load" "$PERF_DATA" "$RUNS" auto)" "perf script" "$perf_peer"
fi
if [ -d "$CTF" ]; then
    bt_peer=
    command -v babeltrace2 >/dev/null && bt_peer=$(peer_seconds babeltrace2 "$CTF")
    row "CTF (perf.data converted)" "$("$BUILD/bench_load" "$CTF" "$RUNS" auto)" "babeltrace2" "$bt_peer"
fi
