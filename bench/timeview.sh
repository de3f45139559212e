#!/usr/bin/env bash
# The time view on a 1,000,000-event trace, through the scripted mode: the first screen of the
# time view (start, load, the schedule built once, draw), and the time a key press takes to
# handle and redraw there, per kind of key: pan (Left/Right, 2000 keys, zoomed in) and zoom (z/Z,
# 1000 keys, from the whole trace), the first screen's time taken off. No model: the view does
# not need one (the flags row is then empty). Medians of several runs.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

TRACE=$BUILD/trace-1m.csv
[ -f "$TRACE" ] || ./traceaid gen --kind fifo-ls --events 1000000 --seed 42 -o "$TRACE"
printf 'size 200x50\nkey v\ndump\n' > "$BUILD/tv-first.script"
{
    printf 'size 200x50\nkey v\nkey z\nkey z\nkey z\nkey z\nkey z\nkey z\n'
    for _ in $(seq 500); do printf 'key Right\nkey Right\nkey Left\nkey Left\n'; done
    echo dump
} > "$BUILD/tv-pan.script"
{
    printf 'size 200x50\nkey v\n'
    for _ in $(seq 250); do printf 'key z\nkey z\nkey Z\nkey Z\n'; done
    echo dump
} > "$BUILD/tv-zoom.script"

seconds() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1; }
first=() pan=() zoom=()
for _ in $(seq "$RUNS"); do
    first+=("$(seconds ./traceaid "$TRACE" --script "$BUILD/tv-first.script")")
    pan+=("$(seconds ./traceaid "$TRACE" --script "$BUILD/tv-pan.script")")
    zoom+=("$(seconds ./traceaid "$TRACE" --script "$BUILD/tv-zoom.script")")
done
f=$(median "${first[@]}") p=$(median "${pan[@]}") z=$(median "${zoom[@]}")
echo "== the time view on a 1,000,000-event trace at 200x50, median of $RUNS runs"
awk -v f="$f" -v p="$p" -v z="$z" 'BEGIN {
    per_pan = (p - f) / 2006 * 1000; per_zoom = (z - f) / 1000 * 1000
    printf "first screen  %.2f s from start (load, schedule, draw)\n", f
    printf "pan key       %.2f ms to handle and redraw (2000 keys, zoomed in 64x)   target < 10 ms: %s\n", per_pan, per_pan < 10 ? "met" : "MISSED"
    printf "zoom key      %.2f ms to handle and redraw (1000 keys, whole trace to 4x) target < 10 ms: %s\n", per_zoom, per_zoom < 10 ? "met" : "MISSED" }'
