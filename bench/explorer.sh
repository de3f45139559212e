#!/usr/bin/env bash
# The explorer on a 1,000,000-event trace with the seq2seq model, through the scripted mode: the
# first screen (start, load, score, draw) and the time a key press takes to handle and redraw,
# from a script of one dump against one of 400 keys. Then the first screen of a 10M- and a
# 100M-event trace (618 MB and 6 GB, generated once into $BUILD): the head of the file read and
# scored while the rest would load behind (`wait preview`; the script holds the rest back).
# Medians of several runs.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

TRACE=$BUILD/trace-1m.csv
MODEL=$BUILD/flight-seq2seq.safetensors
[ -f "$TRACE" ] || ./traceaid gen --kind fifo-ls --events 1000000 --seed 42 -o "$TRACE"
if [ ! -f "$MODEL" ]; then
    [ -f "$BUILD/clean-200k.csv" ] || ./traceaid gen --kind clean --events 200000 --seed 1 -o "$BUILD/clean-200k.csv"
    ./traceaid train --model seq2seq -o "$MODEL" "$BUILD/clean-200k.csv" 2>&1 | grep -v '^epoch' | tail -1
fi
printf 'dump\n' > "$BUILD/first.script"
printf 'wait preview\ndump\n' > "$BUILD/preview.script"
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

echo "== the explorer's first screen on big traces (the head read and scored, the rest loading), median of $RUNS runs"
for events in 10000000 100000000; do
    big=$BUILD/trace-$((events / 1000000))m.csv
    [ -f "$big" ] || ./traceaid gen --kind fifo-ls --events "$events" --seed 42 -o "$big"
    runs=()
    for _ in $(seq "$RUNS"); do runs+=("$(seconds ./traceaid "$big" --model "$MODEL" --script "$BUILD/preview.script")"); done
    awk -v f="$(median "${runs[@]}")" -v n="$events" 'BEGIN {
        printf "first screen  %.2f s on %dM events (head scored, rest loading)   target < 2 s: %s\n", f, n / 1e6, f < 2 ? "met" : "MISSED" }'
done
