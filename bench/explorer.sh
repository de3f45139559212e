#!/usr/bin/env bash
# The explorer on a 1,000,000-event trace with the seq2seq model, through the scripted mode: the
# first screen (start, load, score, draw) and the time a key press takes to handle and redraw,
# from a script of one dump against one of 400 keys. Medians of several runs.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

TRACE=$BUILD/trace-1m.csv
MODEL=$BUILD/flight-seq2seq.safetensors
[ -f "$TRACE" ] || ./traceaid gen --kind fifo-ls --events 1000000 --seed 42 -o "$TRACE"
[ -f "$MODEL" ] || ./traceaid train --model seq2seq -o "$MODEL" samples/traces/clean-*.csv 2>&1 | tail -1
printf 'dump\n' > "$BUILD/first.script"
{
    echo dump
    for _ in $(seq 50); do printf 'key j\nkey PgDn\nkey n\nkey Tab\nkey k\nkey +\nkey -\nkey G\n'; done
    echo dump
} > "$BUILD/keys.script"

seconds() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1; }
first=() keys=()
for _ in $(seq "$RUNS"); do
    first+=("$(seconds ./traceaid "$TRACE" --model "$MODEL" --script "$BUILD/first.script")")
    keys+=("$(seconds ./traceaid "$TRACE" --model "$MODEL" --script "$BUILD/keys.script")")
done
f=$(median "${first[@]}") k=$(median "${keys[@]}")
echo "== the explorer on a 1,000,000-event trace with the seq2seq model, median of $RUNS runs"
awk -v f="$f" -v k="$k" 'BEGIN {
    per = (k - f) / 400 * 1000
    printf "first screen  %.2f s from start (load, score, draw)    target < 1.5 s: %s\n", f, f < 1.5 ? "met" : "MISSED"
    printf "key press     %.2f ms to handle and redraw (400 keys)   target < 10 ms: %s\n", per, per < 10 ? "met" : "MISSED" }'
