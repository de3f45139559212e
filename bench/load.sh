#!/usr/bin/env bash
# Loading a 1,000,000-event CSV trace, against Python's csv module.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

TRACE=$BUILD/trace-1m.csv
if [ ! -f "$TRACE" ]; then
    echo "bench: generating a 1,000,000-event trace ($TRACE)"
    ./traceaid gen --kind fifo-ls --events 1000000 --seed 42 -o "$TRACE"
fi
# The same events with a wider argument column, as traceprinter exports often have: ~100 MB.
WIDE=$BUILD/trace-1m-wide.csv
if [ ! -f "$WIDE" ]; then
    awk 'NR == 1 { print $0 ",args"; next }
         { printf "%s,\"a0=0x%08x a1=0x%08x a2=0x%08x\"\n", $0, NR * 2654435761 % 4294967296, NR, NR * 40503 % 65536 }' \
        "$TRACE" > "$WIDE"
fi

bench_load() {
    local trace=$1 ours peer
    echo "== loading a 1,000,000-event CSV trace ($(du -m "$trace" | cut -f1) MB: $trace), median of $RUNS runs"
    ours=$("$BUILD/bench_load" "$trace" "$RUNS")
    echo "traceaid      $ours"
    if command -v python3 >/dev/null; then
        peer=$(python3 bench/peers/load_csv.py "$trace" "$RUNS")
        echo "python csv    $peer"
        echo "ratio         $(ratio "$(field seconds "$peer")" "$(field seconds "$ours")")x the peer's speed," \
             "$(ratio "$(field held_bytes_per_event "$peer")" "$(field held_bytes_per_event "$ours")")x less memory per event"
    fi
    awk -v s="$(field seconds "$ours")" -v m="$(field held_bytes_per_event "$ours")" \
        'BEGIN { printf "targets       load < 1.5 s: %s (%.3f s); < 48 bytes/event: %s (%.1f)\n",
                 s < 1.5 ? "met" : "MISSED", s, m < 48 ? "met" : "MISSED", m }'
}

bench_load "$TRACE"
bench_load "$WIDE"
