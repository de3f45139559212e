#!/usr/bin/env bash
# Big traces (issue 17): 10M- and 100M-event traces, generated once into build/bench/, each
# measured beside its goal: the whole load (events/s, held bytes/event), the second open through
# the binary cache beside the trace, the explorer's first screen, and scoring's time and peak
# memory. Medians of RUNS runs. BIG_SIZES chooses the sizes (default "10000000 100000000"); the
# 100M trace takes about 6.2 GB and is skipped, saying so, when the disk has not room for it.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

SIZES=${BIG_SIZES:-10000000 100000000}
MODEL=$BUILD/flight-seq2seq.safetensors
BYTES_PER_EVENT=62 # a fifo-ls trace written by traceaid gen: 618 MB for 10M events
if [ ! -f "$MODEL" ]; then # the model bench/explorer.sh trains, on a generated clean trace
    [ -f "$BUILD/clean-200k.csv" ] || ./traceaid gen --kind clean --events 200000 --seed 1 -o "$BUILD/clean-200k.csv"
    ./traceaid train --model seq2seq -o "$MODEL" "$BUILD/clean-200k.csv" 2>&1 | grep -v '^epoch' | tail -1
fi
# The first screen: the head scored and drawn while the rest would load behind (`wait preview`).
printf 'wait preview\ndump\n' > "$BUILD/head.script"

# label N: 10M, 100M (name N: 10m, 100m, in file names)
label() { awk -v n="$1" 'BEGIN { if (n % 1e6 == 0) printf "%dM", n / 1e6; else printf "%d", n }'; }
name() { label "$1" | tr M m; }
# free_mb DIR: the megabytes free on DIR's file system
free_mb() { df -Pm "$1" | awk 'NR == 2 { print $4 }'; }
# seconds CMD...: the elapsed seconds of CMD (its output dropped; a flagged trace's exit 1 is fine)
seconds() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1 || true; }
# verdict OK: met or MISSED
verdict() { [ "$1" = 1 ] && echo met || echo MISSED; }
# holds "A OP B": 1 when it does, else 0
holds() { awk "BEGIN { print ($1) ? 1 : 0 }"; }

# generate N TRACE: TRACE made once, when the disk has room for it (and the cache beside it)
generate() {
    local n=$1 trace=$2 need
    [ -f "$trace" ] && return 0
    need=$(awk -v n="$n" -v b="$BYTES_PER_EVENT" 'BEGIN { printf "%d", n * (b + 20) / 1e6 + 1024 }')
    if [ "$(free_mb "$BUILD")" -lt "$need" ]; then
        echo "bench: skipping $(label "$n") events: $trace needs about $need MB free in $BUILD," \
             "$(free_mb "$BUILD") MB are"
        return 1
    fi
    echo "bench: generating a $n-event trace ($trace), once"
    ./traceaid gen --kind fifo-ls --events "$n" --seed 42 -o "$trace"
}

# The whole load, parsed from the text (the cache removed before each run): bench_load, one run
# a process so that each starts cold of its own allocations.
measure_load() {
    local trace=$1 line secs=() rates=() held=()
    for _ in $(seq "$RUNS"); do
        rm -f "$trace.tacache"
        line=$("$BUILD/bench_load" "$trace" 1)
        secs+=("$(field seconds "$line")") rates+=("$(field events_per_s "$line")")
        held+=("$(field held_bytes_per_event "$line")")
    done
    load_s=$(median "${secs[@]}") load_rate=$(median "${rates[@]}") load_held=$(median "${held[@]}")
}

# The first open writes the cache (TRACE.tacache); the second reads it. n/a when none appears.
measure_reopen() {
    local trace=$1 runs=()
    rm -f "$trace.tacache"
    first_open=$(seconds ./traceaid stats "$trace")
    if [ ! -f "$trace.tacache" ]; then
        second_open=n/a
        return
    fi
    for _ in $(seq "$RUNS"); do runs+=("$(seconds ./traceaid stats "$trace")"); done
    second_open=$(median "${runs[@]}")
}

# The explorer's first screen from a cold start (--no-cache): start, load, score, draw, one dump.
measure_explorer() {
    local trace=$1 runs=()
    for _ in $(seq "$RUNS"); do
        runs+=("$(seconds ./traceaid "$trace" --no-cache --model "$MODEL" --script "$BUILD/head.script")")
    done
    explorer_s=$(median "${runs[@]}")
}

# Scoring: elapsed seconds and peak resident memory (GNU time's %M, in KB).
measure_score() {
    local trace=$1 out secs=() rss=()
    for _ in $(seq "$RUNS"); do
        out=$(/usr/bin/time -f '%e %M' ./traceaid score --model "$MODEL" "$trace" 2>&1 >/dev/null | tail -1 || true)
        secs+=("${out% *}") rss+=("${out#* }")
    done
    score_s=$(median "${secs[@]}") score_rss_kb=$(median "${rss[@]}")
}

declare -A rss_per_event=()
measured=()
for n in $SIZES; do
    trace=$BUILD/trace-$(name "$n").csv
    generate "$n" "$trace" || continue
    measure_load "$trace"
    measure_reopen "$trace"
    measure_explorer "$trace"
    measure_score "$trace"
    measured+=("$n")
    rss_per_event[$n]=$(awk -v kb="$score_rss_kb" -v n="$n" 'BEGIN { printf "%.1f", kb * 1024 / n }')
    echo "== a $(label "$n")-event trace ($(stat -c %s "$trace" | awk '{ printf "%d", $1 / 1e6 }') MB: $trace)," \
         "median of $RUNS runs; the load (bench_load) and the explorer read the text, scoring the cache if any"
    printf 'load          %8.2f s, %5.2fM events/s        goal >= 5M events/s: %s\n' "$load_s" \
        "$(awk -v r="$load_rate" 'BEGIN { print r / 1e6 }')" "$(verdict "$(holds "$load_rate >= 5e6")")"
    printf 'held memory   %8.1f bytes/event                goal <= 16 bytes/event: %s\n' "$load_held" \
        "$(verdict "$(holds "$load_held <= 16")")"
    if [ "$second_open" = n/a ]; then
        printf 'second open        n/a (no %s written; first open %.2f s, stats)   goal < 1 s\n' \
            "${trace##*/}.tacache" "$first_open"
    else
        printf 'second open   %8.2f s (first open %.2f s, stats)   goal < 1 s: %s\n' "$second_open" "$first_open" \
            "$(verdict "$(holds "$second_open < 1")")"
    fi
    printf 'first screen  %8.2f s (explorer, --no-cache)    goal < 2 s: %s\n' "$explorer_s" \
        "$(verdict "$(holds "$explorer_s < 2")")"
    printf 'scoring       %8.2f s, peak RSS %d MB = %s bytes/event   goal: bounded (below)\n' "$score_s" \
        "$((score_rss_kb / 1024))" "${rss_per_event[$n]}"
done

# Bounded scoring memory: the biggest trace measured takes no more resident memory per event than
# the smallest (100M against 10M by default).
if [ ${#measured[@]} -ge 2 ]; then
    small=${measured[0]} big=${measured[-1]}
    printf 'scoring memory: %s bytes/event at %s events against %s at %s   goal: not above: %s\n' \
        "${rss_per_event[$big]}" "$(label "$big")" "${rss_per_event[$small]}" "$(label "$small")" \
        "$(verdict "$(holds "${rss_per_event[$big]} <= ${rss_per_event[$small]}")")"
fi
